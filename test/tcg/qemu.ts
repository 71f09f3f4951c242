// Test support: runs a guest ELF under qemu-riscv64 — the oracle for behaviour, TB formation
// (-d in_asm), executed TB sequences (-d exec,nochain) and instruction-by-instruction traces
// (-singlestep). Parses QEMU 7.2's log formats.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAVE_QEMU } from './asm';

export function needQemu(ctx: Mocha.Context): void {
  if (!HAVE_QEMU) { console.log('    (skipped: qemu-riscv64 not installed)'); ctx.skip(); }
}

export interface QemuRun { stdout: Buffer; status: number | null; signal: string | null; log: string }

export function qemu(elf: string, opts: { d?: string; singlestep?: boolean } = {}): QemuRun {
  const dir = mkdtempSync(join(tmpdir(), 'tbscope-qemu-'));
  const logFile = join(dir, 'log');
  const args = [...(opts.singlestep ? ['-singlestep'] : []), ...(opts.d ? ['-d', opts.d, '-D', logFile] : []), elf];
  const r = spawnSync('qemu-riscv64', args, { maxBuffer: 1 << 28 });
  let log = '';
  try { log = readFileSync(logFile, 'utf8'); } catch { /* no log requested */ }
  rmSync(dir, { recursive: true, force: true });
  return { stdout: r.stdout, status: r.status, signal: r.signal, log };
}

/** Guest pcs of the TBs in `-d exec` order (`Trace 0: host [cs_base/pc/flags/cflags]`). */
export function execTrace(log: string): number[] {
  const out: number[] = [];
  for (const m of log.matchAll(/^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//gm)) out.push(parseInt(m[1], 16));
  return out;
}

/** TBs from `-d in_asm`: start pc and instruction count, in translation order. */
export function inAsm(log: string): { pc: number; n: number }[] {
  const out: { pc: number; n: number }[] = [];
  for (const block of log.split(/^-{10,}$/m)) {
    const pcs = [...block.matchAll(/^0x([0-9a-f]+):/gm)].map((m) => parseInt(m[1], 16));
    if (pcs.length) out.push({ pc: pcs[0], n: pcs.length });
  }
  return out;
}

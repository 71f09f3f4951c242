// Test support: builds a source file with the GNU RISC-V toolchain (the oracle) the way the
// tbscope assembler is meant to match — `as -march=rv64gc -mno-relax` + `ld -static -nostdlib
// -Ttext=0x10000` — and reads back the allocated sections of both executables for comparison.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from '../../emulator/elf/elf';

export const AS = 'riscv64-linux-gnu-as', LD = 'riscv64-linux-gnu-ld', GCC = 'riscv64-linux-gnu-gcc';

/** Runs GNU's C preprocessor on a `.S` source the way `gcc -c file.S` does before `as`. */
export function gnuPreprocess(src: string): string {
  const r = spawnSync(GCC, ['-E', '-P', '-x', 'assembler-with-cpp', '-'], { input: src, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc -E failed: ${r.stderr}`);
  return r.stdout;
}

export interface GnuBuild { ok: boolean; stderr: string; elf?: Uint8Array; obj?: Uint8Array }

/** Assembles and links with GNU; `ok` false with GNU's messages when it rejects the source. */
export function gnuBuild(src: string, extraAs: string[] = []): GnuBuild {
  const dir = mkdtempSync(join(tmpdir(), 'tbscope-asm-'));
  try {
    writeFileSync(join(dir, 't.s'), src);
    const as = spawnSync(AS, ['-march=rv64gc', '-mabi=lp64d', '-mno-relax', ...extraAs, '-o', join(dir, 't.o'), join(dir, 't.s')], { encoding: 'utf8' });
    if (as.status !== 0) return { ok: false, stderr: as.stderr };
    const ld = spawnSync(LD, ['-static', '-nostdlib', '--no-relax', '-Ttext=0x10000', '-o', join(dir, 't'), join(dir, 't.o')], { encoding: 'utf8' });
    if (ld.status !== 0) return { ok: false, stderr: ld.stderr };
    return { ok: true, stderr: as.stderr + ld.stderr, elf: new Uint8Array(readFileSync(join(dir, 't'))), obj: new Uint8Array(readFileSync(join(dir, 't.o'))) };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

export interface LoadedSection { name: string; addr: number; size: number; bytes: Uint8Array; flags: number }

/** Allocated sections (SHF_ALLOC) of an executable, by name. */
export function allocSections(elf: Uint8Array): Map<string, LoadedSection> {
  const f = parseElf(elf);
  const out = new Map<string, LoadedSection>();
  for (const s of f.sections) {
    if (!(Number(s.flags) & 2)) continue;
    const bytes = s.type === 8 ? new Uint8Array(0) : elf.slice(Number(s.offset), Number(s.offset) + Number(s.size));
    out.set(s.name, { name: s.name, addr: Number(s.addr), size: Number(s.size), bytes, flags: Number(s.flags) });
  }
  return out;
}

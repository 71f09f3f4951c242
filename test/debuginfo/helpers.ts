// Shared pieces of the DWARF reader tests: loading a fixture's DebugInfo, finding source lines
// by "BP:" marker, running a fixture under tbscope to a source line (Machine + createProcess,
// the path the debugger takes), and the gdb-multiarch oracle (static queries on the ELF, or
// attached to qemu-riscv64 -g for a live program).

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DebugInfo, type ValueAccess } from '../../emulator/debuginfo';
import { parseElf } from '../../emulator/elf/elf';
import { Machine } from '../../emulator/machine';
import type { GuestProcess } from '../../emulator/linux/process';
import { findTool, QEMU, REPO_ROOT, skipBecause } from '../support/oracles';
import { fixture, start } from '../linux/helpers';

export const GDB = 'gdb-multiarch';
export const VARS_SOURCE = join(REPO_ROOT, 'test', 'fixtures', 'debuginfo', 'vars.c');
export const DEBUG_FIXTURES = ['debuginfo-v5', 'debuginfo-v4', 'debuginfo-og'] as const;

const cache = new Map<string, DebugInfo>();
export function debugInfoOf(path: string): DebugInfo {
  let di = cache.get(path);
  if (!di) { di = new DebugInfo(parseElf(readFileSync(path), path)); cache.set(path, di); }
  return di;
}

/** 1-based line of the "BP:name" marker in a source file. */
export function markerLine(source: string, name: string): number {
  const lines = readFileSync(source, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`BP:${name}`) && !l.includes(`BP:${name}-`));
  if (i < 0) throw new Error(`marker BP:${name} not found in ${source}`);
  return i + 1;
}

export function requireGdb(ctx: Mocha.Context): string {
  const p = findTool(GDB);
  if (!p) skipBecause(ctx, `${GDB} not found on PATH (apt-get install gdb-multiarch)`);
  return p;
}

/** gdb-multiarch in batch mode on a file, no program running (breakpoint placement, types). */
export function gdbStatic(program: string, commands: string[]): string {
  const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set width 0', '-ex', `file ${program}`];
  for (const c of commands) args.push('-ex', c);
  const r = spawnSync(GDB, args, { encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout}${r.stderr}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  });
}

/** gdb-multiarch attached to qemu-riscv64 -g running `program` (the live-program oracle). */
export async function gdbLive(ctx: Mocha.Context, program: string, commands: string[], cwd = join(REPO_ROOT, 'test', 'fixtures'), qemuArgs: string[] = []): Promise<string> {
  requireGdb(ctx);
  if (!findTool(QEMU)) skipBecause(ctx, `${QEMU} not found on PATH (apt-get install qemu-user)`);
  const port = await freePort();
  const qemu = spawn(QEMU, [...qemuArgs, '-g', String(port), program], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const all = ['set confirm off', `target remote 127.0.0.1:${port}`, ...commands, 'kill'];
    return await new Promise<string>((resolve) => {
      const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', 'set width 0', '-ex', `file ${program}`];
      for (const c of all) args.push('-ex', c);
      // From the build folder gdb finds the sources (the binaries record paths relative to it).
      const g = spawn(GDB, args, { cwd });
      let out = '';
      g.stdout.on('data', (d) => { out += d; });
      g.stderr.on('data', (d) => { out += d; });
      g.on('close', () => resolve(out));
    });
  } finally {
    if (qemu.exitCode === null) qemu.kill('SIGKILL');
  }
}

/** Runs a fixture (by name, or a path) under tbscope until pc reaches `addr` the `hits`-th time. */
export function runToAddress(name: string, addr: number, hits = 1): GuestProcess {
  const path = name.includes('/') ? name : fixture(name);
  const { proc } = start(path, { argv: [path] });
  const m = proc.machine;
  if (!(m instanceof Machine)) throw new Error('start() no longer gives a Machine');
  m.addBreakpoint(addr);
  for (let seen = 0; ;) {
    const stop = m.run();
    if (stop.kind === 'breakpoint') { if (++seen === hits) return proc; continue; }
    const end = proc.handleStop(stop);
    if (end) throw new Error(`${name} ended (${JSON.stringify(end.stop)}) before reaching 0x${addr.toString(16)}`);
  }
}

/** Register and memory access to a stopped process, in DWARF register numbers. */
export function accessOf(proc: GuestProcess): ValueAccess & { readMemBig(addr: number, size: number): bigint | undefined } {
  const cpu = proc.machine.cpu, mem = proc.machine.mem;
  const readMem = (addr: number, len: number): Uint8Array | undefined => {
    try { return mem.read(addr, len, true); } catch { return undefined; }
  };
  return {
    readReg: (r) => (r < 32 ? cpu.getX(r) : r < 64 ? cpu.getF64Bits(r - 32) : 0n),
    readMem,
    readMemBig: (addr, size) => {
      const b = readMem(addr, size);
      if (!b) return undefined;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
      return v;
    },
    symbolize: (a) => proc.image.symbols.symbolize(a),
  };
}

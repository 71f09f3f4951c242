// Shared pieces of the Linux user-mode tests: running a fixture in-process under tbscope with
// captured output (the same path the CLI takes: createGuest + createNodeHost),
// issuing single syscalls on a loaded process, and scratch folders.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuest } from '../../emulator/guest';
import type { GuestProcess, ProcessEnd } from '../../emulator/linux/process';
import { createNodeHost, type NodeHostOptions } from '../../emulator/node/host';
import type { StopReason } from '../../emulator/stop';
import { REPO_ROOT } from '../support/oracles';

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'bin');
export const BAD_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'bad');
export const fixture = (name: string): string => join(FIXTURES, name);

export interface GuestRun {
  stdout: string;
  stderr: string;
  log: string[];
  status: number;
  end: ProcessEnd;
  instret: number;
  proc: GuestProcess;
}

export interface StartOptions {
  argv?: string[];
  env?: string[];
  cwd?: string;
  deterministic?: boolean;
  strace?: boolean;
  unimp?: boolean;
  sysroot?: string;
  host?: NodeHostOptions;
}

/** Loads a program into a fresh Machine with captured stdio; nothing runs yet. */
export function start(program: string, o: StartOptions = {}): { proc: GuestProcess; out: { stdout: Buffer[]; stderr: Buffer[]; log: string[] } } {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], log: [] as string[] };
  const host = createNodeHost({
    cwd: o.cwd,
    stdout: (d) => out.stdout.push(Buffer.from(d)),
    stderr: (d) => out.stderr.push(Buffer.from(d)),
    log: (l) => out.log.push(l),
    stdin: () => 0,
    ...o.host,
  });
  const { proc } = createGuest({
    program, argv: o.argv ?? [program], env: o.env ?? ['A=1'], host,
    deterministic: o.deterministic ?? true, strace: o.strace, unimp: o.unimp, sysroot: o.sysroot,
  });
  return { proc, out };
}

/** Runs a program to its end under tbscope. */
export function runGuest(program: string, o: StartOptions = {}): GuestRun {
  const { proc, out } = start(program, o);
  const end = proc.runToExit();
  return {
    stdout: Buffer.concat(out.stdout).toString('latin1'), stderr: Buffer.concat(out.stderr).toString('latin1'),
    log: out.log, status: end.status, end, instret: proc.machine.instret, proc,
  };
}

/** Issues one syscall on a loaded process: a0.. = args. Returns a0 as a signed number, or the stop (a blocking call's wait is run to its end). */
export function sys(proc: GuestProcess, nr: number, ...args: (number | bigint)[]): number | StopReason {
  const cpu = proc.machine.cpu;
  cpu.setXNum(17, nr);
  for (let i = 0; i < 6; i++) cpu.setX(10 + i, BigInt(args[i] ?? 0));
  const stop = proc.kernel.syscall();
  // A blocking call parked the thread: let the scheduler end the wait (a sleep's deadline).
  if (stop?.kind === 'yield' && proc.kernel.current.blocker) {
    const next = proc.scheduler.nextRunnable();
    if ('kind' in next) return next;
  }
  return stop && stop.kind !== 'yield' ? stop : cpu.getXSigned(10);
}

/** A scratch area in guest memory (mapped RW) for syscall buffers. */
export function scratch(proc: GuestProcess, size = 0x10000): number {
  const addr = proc.machine.mem.findFree(size, 0x60000000);
  proc.machine.mem.map(addr, size, 3);
  return addr;
}

export function writeCString(proc: GuestProcess, addr: number, s: string): number {
  proc.machine.mem.write(addr, new TextEncoder().encode(s + '\0'));
  return addr;
}

export function tempDir(): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tbscope-linux-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `fn` with `n` fresh scratch folders (paths), removing them afterwards. */
export function withTempDirs<T>(n: number, fn: (...dirs: string[]) => T): T {
  const dirs = Array.from({ length: n }, tempDir);
  try { return fn(...dirs.map((d) => d.path)); } finally { for (const d of dirs) d.cleanup(); }
}

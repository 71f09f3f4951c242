// Test helpers for the oracles nobody on this project wrote — qemu-riscv64, the GNU RISC-V
// objdump and gcc — and for running tbscope itself the way a user does (bin/tbscope). A test
// that needs a missing tool calls requireTool(this, ...) and is skipped with a printed reason.

import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildSync } from 'esbuild';

export const REPO_ROOT = join(__dirname, '..', '..');
export const QEMU = 'qemu-riscv64';
export const OBJDUMP = 'riscv64-linux-gnu-objdump';
export const GCC = 'riscv64-linux-gnu-gcc';
/** Debian's RISC-V sysroot (libc6-dev-riscv64-cross): the -L for dynamically linked programs. */
export const SYSROOT = '/usr/riscv64-linux-gnu';

/** Debian package that provides each tool, for the skip message. */
const PACKAGES: Record<string, string> = {
  [QEMU]: 'qemu-user',
  [OBJDUMP]: 'binutils-riscv64-linux-gnu',
  [GCC]: 'gcc-riscv64-linux-gnu',
};

const found = new Map<string, string | undefined>();

/** Absolute path of an executable on PATH, or undefined. */
export function findTool(name: string): string | undefined {
  if (found.has(name)) return found.get(name);
  let hit: string | undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try { accessSync(p, constants.X_OK); if (statSync(p).isFile()) { hit = p; break; } } catch { /* not here */ }
  }
  found.set(name, hit);
  return hit;
}

/** Logs why and skips the current test (or hook's tests). Never returns. */
export function skipBecause(ctx: Mocha.Context, why: string): never {
  console.log(`      [skip] ${ctx.test?.title ?? ''}: ${why}`);
  ctx.skip();
  throw new Error('unreachable: skip() throws');
}

/** Path of `tool`, or skips the test with the Debian package to install. */
export function requireTool(ctx: Mocha.Context, tool: string): string {
  const p = findTool(tool);
  if (!p) skipBecause(ctx, `${tool} not found on PATH (apt-get install ${PACKAGES[tool] ?? tool}; .ci/run installs it)`);
  return p;
}

export function hasSysroot(): boolean {
  return existsSync(join(SYSROOT, 'lib', 'ld-linux-riscv64-lp64d.so.1'));
}

/** What a user sees from a process: bytes on stdout/stderr and the shell's exit status. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit status as a shell reports it: 128+signo when the process died of a signal. */
  status: number;
}

const SIGNO: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

export function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 256 << 20, timeout: 120_000, ...opts });
  if (r.error) throw r.error;
  const status = r.status ?? 128 + (SIGNO[r.signal ?? ''] ?? 0);
  return { stdout: String(r.stdout), stderr: String(r.stderr), status };
}

/**
 * run() without blocking, so a suite can run its independent processes side by side on every
 * core (see concurrently()). Same result shape, the same 120 s limit (then SIGKILL).
 */
export function runAsync(cmd: string, args: readonly string[], opts: SpawnOptions & { timeout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'),
        status: code ?? 128 + (SIGNO[signal ?? ''] ?? 0),
      });
    });
  });
}

/**
 * A limiter for runAsync jobs: at most one per core (at least 2) at a time, the rest queued in
 * order. `const job = concurrently(); const p = job(() => runAsync(...));`
 */
export function concurrently(limit = Math.max(2, availableParallelism())): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (running >= limit || !queue.length) return;
    running++;
    queue.shift()!();
  };
  return <T>(task: () => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push(() => task().then(resolve, reject).finally(() => { running--; next(); }));
    next();
  });
}

let bundle: string | undefined;

/**
 * Bundles cli/main.ts from the current sources once per test process, into a private file so
 * parallel runs never see each other's half-written output, and never test a stale dist/.
 */
export function cliBundle(): string {
  if (bundle) return bundle;
  const dir = join(REPO_ROOT, '.tmp');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `cli-test-${process.pid}.js`);
  buildSync({
    absWorkingDir: REPO_ROOT, entryPoints: ['cli/main.ts'], outfile: out, bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', sourcemap: 'inline',
  });
  bundle = out;
  return out;
}

/** Runs bin/tbscope (with a fresh bundle of the sources) as a user would. */
export function runTbscope(args: readonly string[], opts: SpawnSyncOptions = {}): RunResult {
  const env = { ...(opts.env ?? process.env), TBSCOPE_BUNDLE: cliBundle() };
  return run(process.execPath, [join(REPO_ROOT, 'bin', 'tbscope'), ...args], { ...opts, env });
}

/** runTbscope() without blocking (see runAsync). */
export function runTbscopeAsync(args: readonly string[], opts: SpawnOptions & { timeout?: number } = {}): Promise<RunResult> {
  const env = { ...(opts.env ?? process.env), TBSCOPE_BUNDLE: cliBundle() };
  return runAsync(process.execPath, [join(REPO_ROOT, 'bin', 'tbscope'), ...args], { ...opts, env });
}

/** A small fixed environment for differential runs (used with `env -i`-like isolation). */
export const FIXED_ENV: Record<string, string> = { PATH: '/usr/bin:/bin', LANG: 'C', HOME: '/nonexistent', USER: 'tester' };

/** Every runnable test program: the examples and test/fixtures/bin (others add programs there). */
export function testPrograms(): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  for (const dir of ['examples/bin', 'test/fixtures/bin']) {
    const abs = join(REPO_ROOT, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      const p = join(abs, f);
      if (statSync(p).isFile() && isElf(p)) out.push({ name: `${dir}/${f}`, path: p });
    }
  }
  return out;
}

function isElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString('latin1') === '\x7fELF';
  } finally { closeSync(fd); }
}

/** One translated block as `qemu-riscv64 -d in_asm` logs it. */
export interface QemuTb { symbol: string; insns: { pc: number; raw: string; text: string }[] }

/** Parses a `-d in_asm` log (QEMU's, or tbscope's which must have the same layout). */
export function parseInAsm(log: string): QemuTb[] {
  const tbs: QemuTb[] = [];
  let cur: QemuTb | undefined;
  for (const line of log.split('\n')) {
    if (line === '----------------') { cur = undefined; continue; }
    const sym = /^IN: ?(.*)$/.exec(line);
    if (sym) { cur = { symbol: sym[1], insns: [] }; tbs.push(cur); continue; }
    const insn = /^0x([0-9a-f]{16}): {2}([0-9a-f]{4}|[0-9a-f]{8})\s+(.*)$/.exec(line);
    if (insn && cur) cur.insns.push({ pc: parseInt(insn[1], 16), raw: insn[2], text: insn[3] });
  }
  return tbs;
}

/**
 * qemu-riscv64 as the oracle for run statistics: with `-d in_asm,exec,nochain` every executed
 * TB logs a Trace line, so the guest instruction count is the sum of the executed TBs' sizes.
 * Exact for programs that do not rewrite their code (a pc then always names one TB).
 */
export function qemuRunCounts(qemu: string, args: readonly string[], env: Record<string, string> = FIXED_ENV): { tbsTranslated: number; insns: number; blocks: number; tbs: QemuTb[] } {
  const r = run(qemu, ['-d', 'in_asm,exec,nochain', ...args], { env });
  const tbs = parseInAsm(r.stderr);
  const size = new Map<number, number>();
  for (const tb of tbs) if (tb.insns.length) size.set(tb.insns[0].pc, tb.insns.length);
  let insns = 0, blocks = 0;
  for (const m of r.stderr.matchAll(/^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//gm)) {
    const n = size.get(parseInt(m[1], 16));
    if (n === undefined) throw new Error(`qemu trace names a TB at 0x${m[1]} that was never logged`);
    insns += n;
    blocks++;
  }
  return { tbsTranslated: tbs.length, insns, blocks, tbs };
}

// The real-programs corpus (../shared/corpus next to the repository, or $TBSCOPE_CORPUS): RISC-V
// Linux programs nobody here wrote (SQLite, Lua, zlib, CoreMark, the riscv-tests) with their
// inputs, used by the corpus tests and by `npm run bench`. This file reads its cases.txt and runs
// a case the way the corpus README prescribes, under qemu-riscv64 or tbscope alike: a fresh
// working folder holding a copy of the case's data folder, `env -i PATH=/usr/bin:/bin`, stdin
// from /dev/null, stdout and stderr to files (glibc buffers differently for a file and for
// /dev/null, which changes instruction counts).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the corpus is: $TBSCOPE_CORPUS, else `shared/corpus` beside the repository's folder
 * (/work/main, a worktree beside it, or CI's clone all have it at ../shared/corpus).
 */
export function corpusDir(repoRoot: string): string {
  return process.env.TBSCOPE_CORPUS || resolve(repoRoot, '..', 'shared', 'corpus');
}

/**
 * Lines a case prints according to how long it ran, beyond those cases.txt drops: CoreMark calls
 * a run shorter than 10 s an error ("ERROR! Must execute…", then "Errors detected") and a longer
 * one "Correct operation validated", so its verdict depends on the emulator's speed. Its CRC lines
 * (the actual results) are still compared.
 */
const TIME_DEPENDENT: Record<string, RegExp> = { coremark: /^(Errors detected|Correct operation validated)/ };

export interface CorpusCase {
  name: string;
  /** Absolute path of the guest binary. */
  binary: string;
  args: string[];
  /** Absolute path of the folder copied into the working folder, or undefined. */
  data?: string;
  /** stdout lines matching this are dropped before comparing (timing lines). */
  drop?: RegExp;
  timeoutS: number;
}

/** The cases of cases.txt, or why there are none (the folder or its cases.txt is missing). */
export function corpusCases(dir: string): { cases: CorpusCase[]; why?: string } {
  const file = join(dir, 'cases.txt');
  if (!existsSync(file)) return { cases: [], why: `${dir}/cases.txt not found (the real-programs corpus sits at ../shared/corpus beside the repository, or set TBSCOPE_CORPUS)` };
  const cases: CorpusCase[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, binary, args, data, drop, timeout] = line.split('|');
    cases.push({
      name, binary: join(dir, binary), args: args ? args.split(' ') : [],
      data: data ? join(dir, data) : undefined,
      drop: drop || TIME_DEPENDENT[name] ? new RegExp([drop?.replace(/~/g, '|'), TIME_DEPENDENT[name]?.source].filter(Boolean).join('|')) : undefined,
      timeoutS: Number(timeout) || 120,
    });
  }
  return { cases };
}

export interface CaseRun {
  stdout: string;
  stderr: string;
  /** Exit status as a shell reports it (128 + signal number when killed). */
  status: number;
  seconds: number;
  /** Peak resident set size in bytes (from /usr/bin/time), NaN when unknown. */
  peakRss: number;
}

/** stdout with the case's dropped lines removed: what is compared. */
export function comparable(c: CorpusCase, stdout: string): string {
  return c.drop ? stdout.split('\n').filter((l) => !c.drop!.test(l)).join('\n') : stdout;
}

/** GNU time, which reports a child's peak RSS (Debian package `time`); undefined when missing. */
export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const SIGNO: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15 };

/** A fresh working folder with the case's data, and the argv that runs `emulator` on it there. */
function prepare(c: CorpusCase, emulator: string[]): { cwd: string; argv: string[]; files: string[] } {
  const cwd = mkdtempSync(join(tmpdir(), `tbscope-corpus-${c.name}-`));
  const run = join(cwd, 'run');
  if (c.data) cpSync(c.data, run, { recursive: true });
  else mkdirSync(run);
  const files = [join(cwd, 'stdout'), join(cwd, 'stderr'), join(cwd, 'rss')];
  const timeWrap = GNU_TIME ? [GNU_TIME, '-f', '%M', '-o', files[2]] : [];
  return { cwd, argv: ['env', '-i', 'PATH=/usr/bin:/bin', ...timeWrap, ...emulator, c.binary, ...c.args], files };
}

function collect(c: CorpusCase, cwd: string, files: string[], code: number | null, signal: string | null, seconds: number): CaseRun {
  try {
    const rss = existsSync(files[2]) ? /(\d+)\s*$/.exec(readFileSync(files[2], 'utf8'))?.[1] : undefined;
    // GNU time reports a child killed by a signal as "Command terminated by signal N" and exits 128+N itself.
    return {
      stdout: readFileSync(files[0], 'latin1'), stderr: readFileSync(files[1], 'latin1'),
      status: code ?? 128 + (SIGNO[signal ?? ''] ?? 0), seconds, peakRss: rss ? Number(rss) * 1024 : NaN,
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** Runs case c under `emulator` (e.g. ['qemu-riscv64'] or [node, bin/tbscope, '--stats']), synchronously. */
export function runCase(c: CorpusCase, emulator: string[]): CaseRun {
  const { cwd, argv, files } = prepare(c, emulator);
  const out = openSync(files[0], 'w'), err = openSync(files[1], 'w');
  const t0 = process.hrtime.bigint();
  let r;
  try {
    r = spawnSync(argv[0], argv.slice(1), { cwd: join(cwd, 'run'), stdio: ['ignore', out, err], timeout: c.timeoutS * 1000 });
  } finally { closeSync(out); closeSync(err); }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) { rmSync(cwd, { recursive: true, force: true }); throw r.error; }
  return collect(c, cwd, files, r.status, r.signal, seconds);
}

/** runCase without blocking (the suite runs cases side by side). */
export function runCaseAsync(c: CorpusCase, emulator: string[]): Promise<CaseRun> {
  const { cwd, argv, files } = prepare(c, emulator);
  const out = openSync(files[0], 'w'), err = openSync(files[1], 'w');
  const t0 = process.hrtime.bigint();
  return new Promise((resolveRun, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: join(cwd, 'run'), stdio: ['ignore', out, err], timeout: c.timeoutS * 1000 });
    child.on('error', (e) => { closeSync(out); closeSync(err); rmSync(cwd, { recursive: true, force: true }); reject(e); });
    child.on('close', (code, signal) => {
      closeSync(out); closeSync(err);
      resolveRun(collect(c, cwd, files, code, signal, Number(process.hrtime.bigint() - t0) / 1e9));
    });
  });
}

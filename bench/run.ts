// `npm run bench`: runs the project's own benchmark programs (bench/bin/, built from bench/src/
// by bench/build.sh) and prints, per program and as geometric means, three comparisons:
//   base      tbscope without plugins vs qemu-riscv64 (ratio = qemu time / tbscope time)
//   insn      tbscope with `-plugin insn,inline=on` vs the base run (ratio = with / without;
//             the plugins issue's target is <= 1.3x)
//   hotpages  tbscope with `-plugin hotpages` vs qemu-riscv64 running ../shared/qemu-oracle's
//             liboracle.so, which does the same work (a callback per memory access into a page
//             table) (ratio = qemu time / tbscope time; target >= 1x, goal 2x)
//   corpus    real programs from ../shared/corpus (SQLite, Lua, zlib, CoreMark) under tbscope and
//             qemu-riscv64, with tbscope's peak RSS, and a start-up line (bench/corpus.ts)
// Guest instruction counts come from tbscope's --stats. Every run's stdout and exit status must
// equal plain qemu-riscv64's, and the plugins' own instruction counts must equal --stats, so a
// fast-but-wrong emulator cannot post a good figure. Not a test: timings vary with the machine,
// so the machine's load average is printed with the figures. Each program's runs of the two
// sides of a ratio alternate (best of N of each), so a slow stretch of the machine hits both.
//
//   npm run bench -- [--runs N] [--only NAME[,NAME]] [--sections base,insn,hotpages,corpus]
//                    [--tbscope-arg ARG]... [--oracle liboracle.so] [--json FILE]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseStats, type RunStats } from '../cli/stats';
import { benchCorpus, benchStartup, type CorpusResult } from './corpus';
import { best, bestInTurns, geomean, secs, table, timed, times, type Timed } from './measure';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bench', 'bin');
const TBSCOPE = join(ROOT, 'bin', 'tbscope');
const QEMU = 'qemu-riscv64';
// The shared QEMU reference plugin sits next to the repository (see the plugins issue).
const ORACLE_BUILD = resolve(ROOT, '..', 'shared', 'qemu-oracle', 'build.sh');
const SECTIONS = ['base', 'insn', 'hotpages', 'corpus'] as const;
type Section = (typeof SECTIONS)[number];

interface Args { runs: number; only?: string[]; sections: Set<Section>; tbscopeArgs: string[]; oracle?: string; json?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 1, sections: new Set(SECTIONS), tbscopeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const next = (): string => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--runs': a.runs = Math.max(1, Number(next()) | 0); break;
      case '--only': a.only = next().split(','); break;
      case '--sections': {
        const s = next().split(',');
        const bad = s.filter((x) => !(SECTIONS as readonly string[]).includes(x));
        if (bad.length) throw new Error(`unknown section ${bad.join(',')} (sections: ${SECTIONS.join(',')})`);
        a.sections = new Set(s as Section[]);
        break;
      }
      case '--tbscope-arg': a.tbscopeArgs.push(next()); break;
      case '--oracle': a.oracle = next(); break;
      case '--json': a.json = next(); break;
      default: throw new Error(`unknown argument ${argv[i]} (see the header of bench/run.ts)`);
    }
  }
  return a;
}

/** The tools a section needs, or why it is skipped. */
interface Env { haveQemu: boolean; oracle?: string; oracleWhy?: string; scratch: string }

/** Builds liboracle.so into the scratch dir; undefined plus the reason when that is impossible. */
function buildOracle(args: Args, scratch: string): { path?: string; why?: string } {
  if (args.oracle) return existsSync(args.oracle) ? { path: args.oracle } : { why: `--oracle ${args.oracle} does not exist` };
  if (!existsSync(ORACLE_BUILD)) return { why: `${ORACLE_BUILD} not found (the shared QEMU oracle sits next to the repository)` };
  const ok = (cmd: string, a: string[]) => spawnSync(cmd, a, { stdio: 'ignore' }).status === 0;
  if (!ok('gcc', ['--version'])) return { why: 'gcc not found (apt-get install gcc)' };
  if (!ok('pkg-config', ['--exists', 'glib-2.0'])) return { why: "glib's pkg-config data not found (apt-get install pkg-config libglib2.0-dev)" };
  const r = spawnSync('bash', [ORACLE_BUILD, join(scratch, 'oracle')], { encoding: 'utf8' });
  if (r.status !== 0) return { why: `building the oracle failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return { path: r.stdout.trim().split('\n').pop() };
}

interface TbRun { t: Timed; stats?: RunStats; log: string }

/** One tbscope run with --stats, extra options, and plugin output into a log file. */
function tbscopeOnce(args: Args, env: Env, program: string, extra: string[]): () => Timed {
  return () => {
    rmSync(tbscopeLog(env), { force: true });
    return timed(process.execPath, [TBSCOPE, '--stats', ...args.tbscopeArgs, ...(extra.length ? ['-d', 'plugin', '-D', tbscopeLog(env), ...extra] : []), program]);
  };
}
const tbscopeLog = (env: Env): string => join(env.scratch, 'tbscope-plugin.log');

/** The best of a tbscope run's repetitions, with its statistics and the (deterministic) plugin log. */
function tbscopeResult(env: Env, t: Timed): TbRun {
  return { t, stats: parseStats(t.stderr), log: existsSync(tbscopeLog(env)) ? readFileSync(tbscopeLog(env), 'latin1') : '' };
}

/** tbscope runs (best of N), alone or in turns with a run of something it is compared with. */
function tbscope(args: Args, env: Env, program: string, extra: string[]): TbRun {
  return tbscopeResult(env, best(args.runs, tbscopeOnce(args, env, program, extra)));
}
function tbscopeInTurns(args: Args, env: Env, program: string, extra: string[], other: () => Timed): [TbRun, Timed] {
  const [t, o] = bestInTurns(args.runs, tbscopeOnce(args, env, program, extra), other);
  return [tbscopeResult(env, t), o];
}

/** Why a run's result is not comparable ('' when it is): failed, or different output from plain QEMU. */
function check(r: TbRun | Timed, reference: Timed | undefined, what: string): string {
  const t = 'seconds' in r ? r : r.t;
  if (!('seconds' in r) && !r.stats) return `${what} FAILED (status ${t.status}): ${t.stderr.split('\n').slice(0, 2).join(' | ')}`;
  if (reference && (t.stdout !== reference.stdout || t.status !== reference.status)) return `${what} OUTPUT DIFFERS`;
  return '';
}

interface ProgramResult {
  program: string; insns: number; tbscopeS: number; qemuS: number; baseRatio: number;
  insnS: number; insnRatio: number; hotpagesS: number; oracleS: number; hotpagesRatio: number; notes: string[];
}

function measure(p: string, args: Args, env: Env): ProgramResult {
  const path = join(BIN, p);
  const notes: string[] = [];
  const note = (s: string) => { if (s) notes.push(s); };
  const [base, q] = env.haveQemu
    ? tbscopeInTurns(args, env, path, [], () => timed(QEMU, [path]))
    : [tbscope(args, env, path, []), undefined];
  note(check(base, undefined, 'tbscope'));
  const insns = base.stats?.guestInsns ?? NaN;
  if (base.stats) note(check(base, q, 'tbscope'));
  const res: ProgramResult = {
    program: p, insns, tbscopeS: base.stats ? base.t.seconds : NaN, qemuS: q?.seconds ?? NaN, baseRatio: NaN,
    insnS: NaN, insnRatio: NaN, hotpagesS: NaN, oracleS: NaN, hotpagesRatio: NaN, notes,
  };
  res.baseRatio = res.qemuS / res.tbscopeS;
  const reference = q ?? (base.stats ? base.t : undefined);

  if (args.sections.has('insn')) {
    const r = tbscope(args, env, path, ['-plugin', 'insn,inline=on']);
    const bad = check(r, reference, 'insn');
    const counted = Number(/^total insns: (\d+)$/m.exec(r.log)?.[1]);
    note(bad || (counted !== insns ? `insn COUNT ${counted} != --stats ${insns}` : ''));
    if (!bad) { res.insnS = r.t.seconds; res.insnRatio = res.insnS / res.tbscopeS; }
  }
  if (args.sections.has('hotpages') && env.oracle) {
    const qlog = join(env.scratch, 'oracle.log');
    const [r, o] = tbscopeInTurns(args, env, path, ['-plugin', 'hotpages'],
      () => { rmSync(qlog, { force: true }); return timed(QEMU, ['-plugin', env.oracle!, '-d', 'plugin', '-D', qlog, path]); });
    const bad = check(r, reference, 'hotpages');
    note(bad || (/^Addr, RCPUs, Reads, WCPUs, Writes$/m.test(r.log) ? '' : 'hotpages NO REPORT'));
    const qbad = check(o, q, 'qemu+oracle');
    const counted = existsSync(qlog) ? Number(/^insns (\d+)$/m.exec(readFileSync(qlog, 'latin1'))?.[1]) : NaN;
    note(qbad || (counted !== insns ? `oracle insns ${counted} != tbscope --stats ${insns}` : ''));
    if (!bad && !qbad) { res.hotpagesS = r.t.seconds; res.oracleS = o.seconds; res.hotpagesRatio = o.seconds / r.t.seconds; }
  }
  return res;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function report(rs: ProgramResult[], args: Args, env: Env): string[] {
  const out: string[] = [];
  const sect = (title: string, head: string[], row: (r: ProgramResult) => string[], ratio: (r: ProgramResult) => number, summary: string) => {
    out.push(`\n${title}\n` + table([...head, ''], rs.map((r) => [...row(r), r.notes.join('; ')])));
    out.push(`geometric mean ${summary}: ${times(geomean(rs.map(ratio)))}`);
  };
  sect(`base: tbscope (no plugins) vs ${env.haveQemu ? QEMU : '- (qemu-riscv64 not found)'}`,
    ['program', 'guest insns', 'tbscope s', 'qemu s', 'tbscope MIPS', 'qemu MIPS', 'ratio'],
    (r) => [r.program, String(r.insns), secs(r.tbscopeS), secs(r.qemuS), (r.insns / r.tbscopeS / 1e6).toFixed(0),
      (r.insns / r.qemuS / 1e6).toFixed(0), times(r.baseRatio)],
    (r) => r.baseRatio, '(qemu time / tbscope time; goal >= 0.1x, target 0.2x)');
  if (args.sections.has('insn')) {
    sect('insn: tbscope -plugin insn,inline=on vs tbscope without plugins',
      ['program', 'no plugins s', 'insn inline s', 'ratio'],
      (r) => [r.program, secs(r.tbscopeS), secs(r.insnS), times(r.insnRatio)],
      (r) => r.insnRatio, '(with insn / without; target <= 1.3x)');
  }
  if (args.sections.has('hotpages')) {
    if (!env.oracle) out.push(`\nhotpages: SKIPPED: ${env.oracleWhy}`);
    else {
      sect('hotpages: tbscope -plugin hotpages vs qemu-riscv64 -plugin liboracle.so',
        ['program', 'tbscope hotpages s', 'qemu oracle s', 'ratio'],
        (r) => [r.program, secs(r.hotpagesS), secs(r.oracleS), times(r.hotpagesRatio)],
        (r) => r.hotpagesRatio, '(qemu+oracle time / tbscope hotpages time; target >= 1x, goal 2x)');
    }
  }
  return out;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(BIN)) throw new Error('bench/bin is missing: run bench/build.sh');
  const programs = readdirSync(BIN).sort().filter((p) => !args.only || args.only.includes(p));
  const scratch = mkdtempSync(join(tmpdir(), 'tbscope-bench-'));
  try {
    const haveQemu = spawnSync(QEMU, ['-version'], { stdio: 'ignore' }).status === 0;
    if (!haveQemu) console.log('note: qemu-riscv64 not found (apt-get install qemu-user): no qemu columns, no hotpages comparison');
    const env: Env = { haveQemu, scratch };
    if (args.sections.has('hotpages')) {
      const o = haveQemu ? buildOracle(args, scratch) : { why: 'qemu-riscv64 not found (apt-get install qemu-user)' };
      env.oracle = o.path; env.oracleWhy = o.why;
    }
    const loadBefore = load();
    console.log(`tbscope options: ${args.tbscopeArgs.join(' ') || '(none)'}; best of ${args.runs} run(s), taken in turns with the runs compared; sections: ${[...args.sections].join(', ')}`);
    console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), node ${process.version}, load average ${loadBefore}`);
    const results: ProgramResult[] = [];
    const kernels = programs.length > 0 && (args.sections.has('base') || args.sections.has('insn') || args.sections.has('hotpages'));
    for (const p of kernels ? programs : []) {
      process.stdout.write(`running ${p}...\n`);
      results.push(measure(p, args, env));
    }
    if (kernels) for (const line of report(results, args, env)) console.log(line);
    let corpus: CorpusResult[] = [];
    if (args.sections.has('corpus')) {
      const c = benchCorpus({ runs: args.runs, only: args.only, tbscopeArgs: args.tbscopeArgs, haveQemu });
      for (const line of c.lines) console.log(line);
      console.log(benchStartup(Math.max(3, args.runs), haveQemu));
      corpus = c.results;
    }
    console.log(`\nload average (1, 5, 15 min): ${loadBefore} at the start, ${load()} at the end`);
    if (args.json) {
      writeFileSync(args.json, JSON.stringify({ tbscopeArgs: args.tbscopeArgs, runs: args.runs, loadBefore, loadAfter: load(), results, corpus }, null, 2) + '\n');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
}

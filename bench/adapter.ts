// The debug adapter's benchmark (issue 4, "Benchmark"), driving a real adapter process over DAP
// with @vscode/debugadapter-testsupport's DebugClient:
//   breakpoints  run-to-exit of a bench/bin program with 20 instruction breakpoints that are never
//                reached vs none (target: <= 5% extra). "Never reached" is measured, not assumed:
//                a first run without breakpoints lists every translated block, and the breakpoints
//                go on the entries of ELF functions that no block covers. Any breakpoint stop
//                fails the section.
//   next         round trip of a `next` request to its 'stopped' event on examples/bin/step
//                (-O0), median (target <= 20 ms)
//   inspect      stackTrace + scopes + variables (every non-expensive scope) at each of those
//                fresh stops, median (target <= 20 ms)
//   first stop   time from initialize to the first stop at an instruction breakpoint on
//                sqlite3_step in the corpus's SQLite (../shared/corpus; skipped without it): what
//                a user waits for after F5 in a real program (best of N)
// Runs are timed from the initialize request to the stop at the guest's exit (the 'exit' exception
// filter), so the adapter's start-up is left out and both runs end at the same point; the guest's
// stdout and exit status must equal plain qemu-riscv64's when it is installed.
//
//   node --import tsx bench/adapter.ts [--runs N] [--program NAME] [--samples N]
//                                      [--adapter dist|src] [--json FILE]
// --adapter dist (default when dist/adapter.js exists; `npm run bench` builds it) runs the bundle,
// src runs adapter/main.ts through tsx. Exit status 1 when a target is missed or a check fails.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseElf } from '../emulator/elf/elf';
import { corpusCases, corpusDir } from '../test/support/corpus';
import { table } from './measure';

const ROOT = join(__dirname, '..');
const STEP = join(ROOT, 'examples', 'bin', 'step');
const STEP_SRC = join(ROOT, 'examples', 'step.c');
const TARGET = { extraPct: 5, nextMs: 20, inspectMs: 20 };

interface Args { runs: number; program: string; samples: number; adapter: 'dist' | 'src'; json?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 3, program: 'crc-sieve', samples: 40, adapter: existsSync(join(ROOT, 'dist', 'adapter.js')) ? 'dist' : 'src' };
  for (let i = 0; i < argv.length; i++) {
    const next = (): string => { if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`); return argv[++i]; };
    switch (argv[i]) {
      case '--runs': a.runs = Math.max(1, Number(next()) | 0); break;
      case '--program': a.program = next(); break;
      case '--samples': a.samples = Math.max(1, Number(next()) | 0); break;
      case '--adapter': { const v = next(); if (v !== 'dist' && v !== 'src') throw new Error('--adapter is dist or src'); a.adapter = v; break; }
      case '--json': a.json = next(); break;
      default: throw new Error(`unknown argument ${argv[i]} (see the header of bench/adapter.ts)`);
    }
  }
  return a;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (v: number[]): number => { const s = [...v].sort((x, y) => x - y); const m = s.length >> 1; return s.length ? (s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };

/** A DAP session with a fresh adapter process (stdio); launch() initializes it. */
async function session(args: Args): Promise<{ dc: DebugClient; stdout: () => string }> {
  const dc = args.adapter === 'dist'
    ? new DebugClient('node', join(ROOT, 'dist', 'adapter.js'), 'tbscope')
    : new DebugClient(process.execPath, join(ROOT, 'adapter', 'main.ts'), 'tbscope', { env: { ...process.env, NODE_OPTIONS: '--import tsx' } });
  dc.defaultTimeout = 120_000;
  await dc.start();
  let out = '';
  dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out += e.body.output; });
  return { dc, stdout: () => out };
}

/** initialize, launch (no plugins: the adapter's default hotpages would be measured too), configure. */
async function launch(dc: DebugClient, launchArgs: Record<string, unknown>, configure: () => Promise<unknown>): Promise<void> {
  // Listen before initializing: the 'initialized' event may come right behind the response.
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest({ adapterID: 'tbscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsMemoryReferences: true });
  const launched = dc.launchRequest({ plugins: [], ...launchArgs } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await configure();
  await dc.configurationDoneRequest();
  await launched;
}

interface ExitRun { ms: number; stdout: string; status: number; blocks?: { pc: number; bytes: number }[] }

/** One run to the guest's exit, optionally with instruction breakpoints or a write data breakpoint; lists the TBs when asked. */
async function runToExit(args: Args, program: string, bps: number[], listBlocks: boolean, dataBp?: number): Promise<ExitRun> {
  const { dc, stdout } = await session(args);
  try {
    const stopped = dc.waitForEvent('stopped', 600_000) as Promise<DebugProtocol.StoppedEvent>;
    stopped.catch(() => undefined); // a failed launch reports its own error
    const t0 = now();
    await launch(dc, { program }, async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['exit'] });
      if (dataBp !== undefined) await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: `0x${dataBp.toString(16)}/8`, accessType: 'write' }] });
      if (!bps.length) return;
      const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: bps.map((a) => ({ instructionReference: '0x' + a.toString(16) })) });
      const bad = (r.body.breakpoints as DebugProtocol.Breakpoint[]).filter((b) => !b.verified);
      if (bad.length) throw new Error(`${bad.length} instruction breakpoints not verified: ${bad[0].message}`);
    });
    const ev = await stopped;
    const ms = now() - t0;
    if (ev.body.reason !== 'exception') throw new Error(`run stopped for '${ev.body.reason}' (${ev.body.description ?? ''}) before the exit: a breakpoint was reached`);
    let blocks: ExitRun['blocks'];
    if (listBlocks) {
      const r = await dc.customRequest('tbscope/translationBlocks', {});
      blocks = (r.body.blocks as { pc: string; bytes: number }[]).map((b) => ({ pc: Number(b.pc), bytes: b.bytes }));
    }
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    return { ms, stdout: stdout(), status: (await exited).body.exitCode, blocks };
  } finally {
    await dc.stop();
  }
}

/** Entries of `n` ELF functions, spread over the program, whose code no translated block touched. */
function unreachedFunctions(program: string, blocks: { pc: number; bytes: number }[], n: number): number[] {
  const spans = [...blocks].sort((a, b) => a.pc - b.pc);
  const touched = (lo: number, hi: number): boolean => {
    // Blocks are short; any block starting before hi and ending after lo overlaps.
    let l = 0, h = spans.length;
    while (l < h) { const m = (l + h) >> 1; if (spans[m].pc < hi) l = m + 1; else h = m; }
    for (let i = l - 1; i >= 0 && spans[i].pc >= lo - 4096; i--) if (spans[i].pc + spans[i].bytes > lo) return true;
    return false;
  };
  const elf = parseElf(new Uint8Array(readFileSync(program)), program);
  const cands = elf.symbols.symbols.filter((s) => s.type === 'func' && s.size > 0 && !touched(s.value, s.value + s.size));
  const uniq = [...new Map(cands.map((s) => [s.value, s.value])).values()];
  if (uniq.length < n) throw new Error(`only ${uniq.length} never-executed functions in ${program}`);
  return Array.from({ length: n }, (_, i) => uniq[Math.floor((i * uniq.length) / n)]);
}

interface BpResult { none: number; with: number; extraPct: number; dataMs: number; addrs: number[]; checked: string }

async function benchBreakpoints(args: Args): Promise<BpResult> {
  const program = join(ROOT, 'bench', 'bin', args.program);
  if (!existsSync(program)) throw new Error(`${program} not found (bash bench/build.sh)`);
  const q = spawnSync('qemu-riscv64', [program], { encoding: 'latin1', maxBuffer: 64 << 20 });
  const want = q.error ? undefined : { stdout: String(q.stdout), status: q.status };
  const probe = await runToExit(args, program, [], true);
  const addrs = unreachedFunctions(program, probe.blocks!, 20);
  const none: number[] = [probe.ms], withBps: number[] = [];
  const check = (r: ExitRun, what: string) => {
    if (want && (r.stdout !== want.stdout || r.status !== want.status)) throw new Error(`${what}: guest output/status differ from qemu-riscv64's`);
  };
  check(probe, 'run without breakpoints');
  // Alternate the two kinds so drifts in machine load hit both alike.
  for (let i = 0; i < args.runs; i++) {
    const w = await runToExit(args, program, addrs, false);
    check(w, 'run with breakpoints');
    withBps.push(w.ms);
    if (none.length < args.runs) { const r = await runToExit(args, program, [], false); check(r, 'run without breakpoints'); none.push(r.ms); }
  }
  // A data breakpoint (write, 8 bytes) nobody writes: never-executed code. Its cost is the
  // instrumentation it puts on the program while set (debuggers trade speed for watchpoints).
  const data = await runToExit(args, program, [], false, addrs[0]);
  check(data, 'run with a data breakpoint');
  const a = Math.min(...none), b = Math.min(...withBps);
  return { none: a, with: b, extraPct: ((b - a) / a) * 100, dataMs: data.ms, addrs, checked: want ? 'stdout+status = qemu' : 'qemu-riscv64 missing: unchecked' };
}

/** 1-based line of the `BP:name` marker in examples/step.c. */
function markerLine(name: string): number {
  const i = readFileSync(STEP_SRC, 'utf8').split('\n').findIndex((l) => new RegExp(`BP:${name}(\\s|$)`).test(l));
  if (i < 0) throw new Error(`no BP:${name} marker in ${STEP_SRC}`);
  return i + 1;
}

/** `next` round trips from BP:main to BP:end (repeated in new sessions), and the views at each stop. */
async function benchStepping(args: Args): Promise<{ next: number[]; inspect: number[] }> {
  if (!existsSync(STEP)) throw new Error(`${STEP} not found (bash examples/build.sh)`);
  const start = markerLine('main'), end = markerLine('end');
  const next: number[] = [], inspect: number[] = [];
  while (next.length < args.samples) {
    const { dc } = await session(args);
    try {
      const first = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      first.catch(() => undefined); // a failed launch reports its own error
      await launch(dc, { program: STEP }, () => dc.setBreakpointsRequest({ source: { path: STEP_SRC }, breakpoints: [{ line: start }] }));
      await first;
      for (let line = start; line !== end && next.length < args.samples;) {
        const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
        const t0 = now();
        await dc.nextRequest({ threadId: 1 });
        await stopped;
        next.push(now() - t0);
        const t1 = now();
        const st = await dc.stackTraceRequest({ threadId: 1, startFrame: 0, levels: 20 });
        const scopes = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
        for (const s of scopes.body.scopes) if (!s.expensive) await dc.variablesRequest({ variablesReference: s.variablesReference });
        inspect.push(now() - t1);
        line = st.body.stackFrames[0].line;
      }
    } finally {
      await dc.stop();
    }
  }
  return { next, inspect };
}

/** Time to the first stop on sqlite3_step in the corpus's SQLite case (best of runs), or why it was skipped. */
async function benchFirstStop(args: Args): Promise<{ ms?: number; why?: string }> {
  const c = corpusCases(corpusDir(ROOT)).cases.find((x) => x.name === 'sqlite');
  if (!c) return { why: `no sqlite case in ${corpusDir(ROOT)} (the corpus sits at ../shared/corpus)` };
  const fn = parseElf(new Uint8Array(readFileSync(c.binary)), c.binary).symbols.symbols.find((s) => s.name === 'sqlite3_step' && s.type === 'func');
  if (!fn) return { why: `${c.binary} has no sqlite3_step symbol` };
  let bestMs = Infinity;
  for (let i = 0; i < args.runs; i++) {
    const cwd = mkdtempSync(join(tmpdir(), 'tbscope-firststop-'));
    if (c.data) cpSync(c.data, cwd, { recursive: true });
    const { dc } = await session(args);
    try {
      const stopped = dc.waitForEvent('stopped', 600_000) as Promise<DebugProtocol.StoppedEvent>;
      stopped.catch(() => undefined);
      const t0 = now();
      await launch(dc, { program: c.binary, args: c.args, cwd }, async () => {
        await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + fn.value.toString(16) }] });
      });
      const ev = await stopped;
      if (ev.body.reason !== 'instruction breakpoint' && ev.body.reason !== 'breakpoint') throw new Error(`first stop was '${ev.body.reason}', not the breakpoint`);
      bestMs = Math.min(bestMs, now() - t0);
    } finally {
      await dc.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  }
  return { ms: bestMs };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  console.log(`adapter benchmark: ${args.adapter === 'dist' ? 'dist/adapter.js' : 'adapter/main.ts (tsx)'} over DAP (stdio); ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const bp = await benchBreakpoints(args);
  const st = await benchStepping(args);
  const first = await benchFirstStop(args);
  const nextMs = median(st.next), inspectMs = median(st.inspect);
  const pass = (ok: boolean) => (ok ? 'pass' : 'FAIL');
  const rows = [
    [`run to exit, ${args.program}: none / 20 unreached bps (best of ${args.runs})`, `${(bp.none / 1000).toFixed(3)} s / ${(bp.with / 1000).toFixed(3)} s`, `${bp.extraPct.toFixed(1)}% extra`, `<= ${TARGET.extraPct}%`, pass(bp.extraPct <= TARGET.extraPct)],
    [`run to exit, ${args.program}: none / 1 data breakpoint never hit`, `${(bp.none / 1000).toFixed(3)} s / ${(bp.dataMs / 1000).toFixed(3)} s`, `${(bp.dataMs / bp.none).toFixed(2)}x`, '(info)', 'info'],
    [`next round trip, step (median of ${st.next.length})`, `max ${Math.max(...st.next).toFixed(1)} ms`, `${nextMs.toFixed(1)} ms`, `<= ${TARGET.nextMs} ms`, pass(nextMs <= TARGET.nextMs)],
    [`first stop after launch: sqlite3_step in the corpus's SQLite (best of ${args.runs})`, first.why ? `SKIPPED: ${first.why}` : 'initialize to stopped',
      first.ms !== undefined ? `${(first.ms / 1000).toFixed(3)} s` : '-', '(info)', 'info'],
    [`stackTrace+scopes+variables, step (median of ${st.inspect.length})`, `max ${Math.max(...st.inspect).toFixed(1)} ms`, `${inspectMs.toFixed(1)} ms`, `<= ${TARGET.inspectMs} ms`, pass(inspectMs <= TARGET.inspectMs)],
  ];
  console.log(table(['measure', 'detail', 'result', 'target', ''], rows));
  console.log(`(${bp.checked}; breakpoints at ${bp.addrs.length} never-executed function entries)`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ breakpoints: bp, next: st.next, inspect: st.inspect, firstStopMs: first.ms, nextMedianMs: nextMs, inspectMedianMs: inspectMs }, null, 2));
  return rows.every((r) => r[4] !== 'FAIL') ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e: Error) => { console.error(`bench/adapter: ${e.message}`); process.exitCode = 1; });

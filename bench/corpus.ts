// `npm run bench`'s real-programs section: the corpus of programs nobody here wrote
// (../shared/corpus, see test/support/corpus.ts) run under tbscope and qemu-riscv64, in turns,
// best of N each: guest instructions (tbscope --stats), both times, the ratio (qemu time /
// tbscope time) and its geometric mean, and tbscope's peak RSS. A case whose stdout (less the
// lines the corpus says to drop) or exit status differs from qemu-riscv64's is flagged and left
// out of the mean; a peak RSS of 1 GiB or more is flagged. The riscv-tests (conformance tests of
// a few hundred instructions each) are the suite's business, not timed here. Also a start-up
// line: examples/bin/hello-static under both emulators.

import { join } from 'node:path';
import { parseStats } from '../cli/stats';
import { comparable, corpusCases, corpusDir, GNU_TIME, runCase, type CaseRun, type CorpusCase } from '../test/support/corpus';
import { geomean, secs, table, times, timed } from './measure';

const ROOT = join(__dirname, '..');
const TBSCOPE = join(ROOT, 'bin', 'tbscope');
/** The floor and target of the speed issue (docs/performance.md). */
const FLOOR = { mean: 0.1, perCase: 0.05, target: 0.25, rssBytes: 1 << 30 };

export interface CorpusResult {
  name: string; insns: number; tbs: number; tbscopeS: number; qemuS: number; ratio: number; peakRssMiB: number; notes: string[];
}

export interface CorpusOptions { runs: number; only?: string[]; tbscopeArgs: string[]; haveQemu: boolean }

/** Best of n of each side, in turns (tbscope, qemu, tbscope, qemu …). */
function inTurns(n: number, a: () => CaseRun, b: (() => CaseRun) | undefined): [CaseRun, CaseRun | undefined] {
  let bestA = a(), bestB = b?.();
  for (let i = 1; i < n; i++) {
    const ta = a(), tb = b?.();
    if (ta.seconds < bestA.seconds) bestA = ta;
    if (tb && bestB && tb.seconds < bestB.seconds) bestB = tb;
  }
  return [bestA, bestB];
}

function measureCase(c: CorpusCase, o: CorpusOptions): CorpusResult {
  const [t, q] = inTurns(o.runs, () => runCase(c, [process.execPath, TBSCOPE, '--stats', ...o.tbscopeArgs]),
    o.haveQemu ? () => runCase(c, ['qemu-riscv64']) : undefined);
  const stats = parseStats(t.stderr);
  const notes: string[] = [];
  if (!stats) notes.push(`tbscope FAILED (status ${t.status}): ${t.stderr.split('\n').slice(0, 2).join(' | ')}`);
  else if (q && (comparable(c, t.stdout) !== comparable(c, q.stdout) || t.status !== q.status)) notes.push('OUTPUT DIFFERS from qemu-riscv64');
  if (t.peakRss >= FLOOR.rssBytes) notes.push('PEAK RSS >= 1 GiB');
  const ok = !!stats && notes.length === 0;
  const r: CorpusResult = {
    name: c.name, insns: stats?.guestInsns ?? NaN, tbs: stats?.tbsTranslated ?? NaN, tbscopeS: ok ? t.seconds : NaN,
    qemuS: q?.seconds ?? NaN, ratio: NaN, peakRssMiB: t.peakRss / 1048576, notes,
  };
  r.ratio = r.qemuS / r.tbscopeS;
  if (Number.isFinite(r.ratio) && r.ratio < FLOOR.perCase) notes.push(`below the ${FLOOR.perCase}x floor`);
  return r;
}

/** Runs the section; prints as it goes and returns its lines and results. */
export function benchCorpus(o: CorpusOptions): { lines: string[]; results: CorpusResult[] } {
  const dir = corpusDir(ROOT);
  const { cases, why } = corpusCases(dir);
  if (why) return { lines: [`\nreal programs: SKIPPED: ${why}`], results: [] };
  const chosen = cases.filter((c) => !c.name.startsWith('rv64') && (!o.only || o.only.includes(c.name)));
  const results: CorpusResult[] = [];
  for (const c of chosen) {
    process.stdout.write(`running ${c.name} (real program)...\n`);
    results.push(measureCase(c, o));
  }
  const lines = [`\nreal programs (${dir}): tbscope (no plugins) vs ${o.haveQemu ? 'qemu-riscv64' : '- (qemu-riscv64 not found)'}, best of ${o.runs} in turns`];
  if (!GNU_TIME) lines.push('note: /usr/bin/time not found (apt-get install time): no peak RSS column');
  lines.push(table(['case', 'guest insns', 'TBs', 'tbscope s', 'qemu s', 'tbscope MIPS', 'ratio', 'peak RSS MiB', ''],
    results.map((r) => [r.name, String(r.insns), String(r.tbs), secs(r.tbscopeS), secs(r.qemuS), (r.insns / r.tbscopeS / 1e6).toFixed(1),
      times(r.ratio), Number.isFinite(r.peakRssMiB) ? r.peakRssMiB.toFixed(0) : '-', r.notes.join('; ')])));
  const ratios = results.map((r) => r.ratio).filter(Number.isFinite);
  const mean = geomean(ratios), worst = Math.min(...ratios);
  const met = mean >= FLOOR.mean && worst >= FLOOR.perCase;
  lines.push(`geometric mean (qemu time / tbscope time): ${times(mean)} over ${ratios.length} of ${results.length} cases; lowest ${times(worst)} ` +
    `(floor: mean >= ${FLOOR.mean}x and no case < ${FLOOR.perCase}x: ${met ? 'met' : 'NOT met'}; target ${FLOOR.target}x)`);
  const rss = Math.max(...results.map((r) => r.peakRssMiB).filter(Number.isFinite));
  if (Number.isFinite(rss)) lines.push(`largest peak RSS: ${rss.toFixed(0)} MiB (limit 1024 MiB)`);
  return { lines, results };
}

/** Start-up: hello-static, best of n in turns, tbscope against qemu-riscv64. */
export function benchStartup(runs: number, haveQemu: boolean): string {
  const hello = join(ROOT, 'examples', 'bin', 'hello-static');
  let t = timed(process.execPath, [TBSCOPE, hello]), q = haveQemu ? timed('qemu-riscv64', [hello]) : undefined;
  for (let i = 1; i < runs; i++) {
    const a = timed(process.execPath, [TBSCOPE, hello]);
    if (a.seconds < t.seconds) t = a;
    if (q) { const b = timed('qemu-riscv64', [hello]); if (b.seconds < q.seconds) q = b; }
  }
  const bad = q && (t.stdout !== q.stdout || t.status !== q.status) ? ' OUTPUT DIFFERS' : '';
  return `start-up: examples/bin/hello-static tbscope ${secs(t.seconds)} s, qemu-riscv64 ${secs(q?.seconds ?? NaN)} s (best of ${runs})${bad}`;
}

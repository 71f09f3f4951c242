// Measuring helpers for bench/run.ts: timing a whole child process (start to exit, so node
// start-up, loading and translation count), best-of-N, the geometric mean and plain-text tables.
// Kept apart from run.ts so the sections there only say what is compared.

import { spawnSync } from 'node:child_process';

export interface Timed { seconds: number; stdout: string; stderr: string; status: number | null }

/** Runs cmd with a minimal, fixed environment (the guest sees the same one under both emulators). */
export function timed(cmd: string, args: string[]): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 64 << 20, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  return { seconds, stdout: String(r.stdout), stderr: String(r.stderr), status: r.status };
}

/**
 * Best of n runs of each of `a` and `b`, taken in turns (a, b, a, b …): a stretch of time in which
 * the rest of the machine slows everything down then tends to hit both sides of a comparison.
 */
export function bestInTurns(n: number, a: () => Timed, b: () => Timed): [Timed, Timed] {
  let bestA = a(), bestB = b();
  for (let i = 1; i < n; i++) {
    const ta = a(), tb = b();
    if (ta.seconds < bestA.seconds) bestA = ta;
    if (tb.seconds < bestB.seconds) bestB = tb;
  }
  return [bestA, bestB];
}

/** Best (shortest) of n runs: the least disturbed by the rest of the machine. */
export function best(n: number, f: () => Timed): Timed {
  let b = f();
  for (let i = 1; i < n; i++) { const t = f(); if (t.seconds < b.seconds) b = t; }
  return b;
}

/** Geometric mean of the finite positive values, NaN when there are none. */
export function geomean(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length) : NaN;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => row.map((v = '', c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const secs = (s: number): string => (Number.isFinite(s) ? s.toFixed(3) : '-');
export const times = (r: number): string => (Number.isFinite(r) ? r.toFixed(3) + 'x' : '-');

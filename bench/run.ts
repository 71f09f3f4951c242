// `npm run bench`: runs the project's own benchmark programs (bench/bin/, built from bench/src/
// by bench/build.sh) under tbscope and qemu-riscv64 side by side, and prints guest instructions,
// wall time, MIPS and the speed ratio per program plus the geometric mean of the ratios.
// Guest instruction counts come from tbscope's --stats; both runs' stdout must agree, so a
// fast-but-wrong emulator cannot post a good figure. Not a test: timings vary with the machine.
//
//   npm run bench -- [--runs N] [--only NAME[,NAME]] [--tbscope-arg ARG]... [--json FILE]
//   e.g. npm run bench -- --tbscope-arg -plugin --tbscope-arg insn,inline=on

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStats } from '../cli/stats';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bench', 'bin');

interface Args { runs: number; only?: string[]; tbscopeArgs: string[]; json?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 1, tbscopeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const next = (): string => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--runs': a.runs = Math.max(1, Number(next()) | 0); break;
      case '--only': a.only = next().split(','); break;
      case '--tbscope-arg': a.tbscopeArgs.push(next()); break;
      case '--json': a.json = next(); break;
      default: throw new Error(`unknown argument ${argv[i]} (see the header of bench/run.ts)`);
    }
  }
  return a;
}

interface Timed { seconds: number; stdout: string; stderr: string; status: number | null }

function timed(cmd: string, args: string[]): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'latin1', maxBuffer: 64 << 20, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  return { seconds, stdout: String(r.stdout), stderr: String(r.stderr), status: r.status };
}

/** Best (shortest) of n runs: the least disturbed by the rest of the machine. */
function best(n: number, f: () => Timed): Timed {
  let b = f();
  for (let i = 1; i < n; i++) { const t = f(); if (t.seconds < b.seconds) b = t; }
  return b;
}

interface Row { program: string; insns: number; tbscopeS: number; qemuS: number; tbscopeMips: number; qemuMips: number; ratio: number; note: string }

function fmt(rows: Row[]): string {
  const head = ['program', 'guest insns', 'tbscope s', 'qemu s', 'tbscope MIPS', 'qemu MIPS', 'ratio', ''];
  const cells = rows.map((r) => [r.program, String(r.insns), r.tbscopeS.toFixed(3), r.qemuS.toFixed(3),
    r.tbscopeMips.toFixed(0), r.qemuMips.toFixed(0), r.ratio.toFixed(3) + 'x', r.note]);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(BIN)) throw new Error('bench/bin is missing: run bench/build.sh');
  const programs = readdirSync(BIN).sort().filter((p) => !args.only || args.only.includes(p));
  const qemu = 'qemu-riscv64';
  const haveQemu = spawnSync(qemu, ['-version']).status === 0;
  if (!haveQemu) console.log('note: qemu-riscv64 not found (apt-get install qemu-user): tbscope figures only');
  const tbscope = join(ROOT, 'bin', 'tbscope');
  console.log(`tbscope ${args.tbscopeArgs.join(' ') || '(no extra options)'} vs ${haveQemu ? 'qemu-riscv64' : '-'}, best of ${args.runs} run(s)\n`);

  const rows: Row[] = [];
  for (const p of programs) {
    const path = join(BIN, p);
    const t = best(args.runs, () => timed(process.execPath, [tbscope, '--stats', ...args.tbscopeArgs, path]));
    const stats = parseStats(t.stderr);
    if (!stats) {
      console.log(`${p}: tbscope failed (status ${t.status}): ${t.stderr.split('\n').slice(0, 3).join(' | ')}`);
      continue;
    }
    const q = haveQemu ? best(args.runs, () => timed(qemu, [path])) : undefined;
    const note = q && (q.stdout !== t.stdout || q.status !== t.status) ? 'OUTPUT DIFFERS' : '';
    const insns = stats.guestInsns;
    rows.push({
      program: p, insns, tbscopeS: t.seconds, qemuS: q?.seconds ?? NaN,
      tbscopeMips: insns / t.seconds / 1e6, qemuMips: q ? insns / q.seconds / 1e6 : NaN,
      ratio: q ? q.seconds / t.seconds : NaN, note,
    });
  }
  console.log(fmt(rows));
  const ratios = rows.map((r) => r.ratio).filter((r) => Number.isFinite(r) && r > 0);
  if (ratios.length) {
    const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
    console.log(`\ngeometric mean ratio (qemu time / tbscope time): ${geo.toFixed(3)}x`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ tbscopeArgs: args.tbscopeArgs, rows }, null, 2) + '\n');
}

try {
  main();
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
}

// .debug_line (DWARF 4 and 5) against the GNU tools: every decoded row must equal objdump's
// --dwarf=decodedline, the file tables readelf's raw dump, and breakpoint placement for every
// source line must equal where gdb-multiarch puts a `break file:line`.

import { strict as assert } from 'node:assert';
import { basename, join } from 'node:path';
import { GCC, OBJDUMP, REPO_ROOT, requireTool, run } from '../support/oracles';
import { fixture } from '../linux/helpers';
import { debugInfoOf, DEBUG_FIXTURES, gdbStatic, markerLine, requireGdb, VARS_SOURCE } from './helpers';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const STEP = join(REPO_ROOT, 'examples', 'bin', 'step');
const PROGRAMS = [...DEBUG_FIXTURES.map(fixture), STEP];

/** objdump's decoded rows: "file line 0xaddr [view] [x]" and "file - 0xaddr" for end_sequence. */
function objdumpRows(path: string): string[] {
  const out = run(OBJDUMP, ['--dwarf=decodedline', path]).stdout;
  const rows: string[] = [];
  for (const l of out.split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?\s*(x?)\s*$/.exec(l);
    if (!m) continue;
    rows.push(m[2] === '-' ? `end ${m[3]}` : `${m[1]} ${m[2]} ${m[3]}${m[4] ? ' stmt' : ''}`);
  }
  return rows;
}

function checkRowsAgainstObjdump(path: string): void {
      const di = debugInfoOf(path);
      const ours: string[] = [];
      for (const prog of di.lineTables) {
        for (const r of prog.rows) {
          const file = basename(prog.files[r.file]?.path ?? '?');
          ours.push(r.endSequence ? `end 0x${r.address.toString(16)}` : `${file} ${r.line} 0x${r.address.toString(16)}${r.isStmt ? ' stmt' : ''}`);
        }
      }
      const theirs = objdumpRows(path);
      assert.ok(theirs.length > 10, 'objdump printed no rows: oracle output format changed?');
      assert.deepEqual(ours, theirs);
}

function checkBreakpointsAgainstGdb(path: string): void {
      const di = debugInfoOf(path);
      const n = readFileSync(VARS_SOURCE, 'utf8').split('\n').length;
      const cmds: string[] = [];
      for (let l = 1; l <= n; l++) cmds.push(`echo @line ${l}\\n`, `break vars.c:${l}`);
      cmds.push('info breakpoints');
      const out = gdbStatic(path, cmds);
      // Breakpoint number → the line asked for, from the echo markers around each "break".
      const asked = new Map<number, number>();
      let cur = 0;
      for (const l of out.split('\n')) {
        const e = /^@line (\d+)/.exec(l);
        if (e) cur = Number(e[1]);
        const b = /^Breakpoint (\d+) at/.exec(l);
        if (b) asked.set(Number(b[1]), cur);
      }
      // `info breakpoints`: "N breakpoint keep y 0x... in f at debuginfo/vars.c:L" or, for
      // several locations, "N.k y 0x... in f at ...:L" lines under "N breakpoint keep y <MULTIPLE>".
      const where = new Map<number, { line: number; addrs: number[] }>();
      for (const l of out.split('\n')) {
        const m = /^(\d+)(?:\.\d+)?\s.*?(0x[0-9a-f]+) in \S+ at \S+:(\d+)/.exec(l);
        if (!m) continue;
        const w = where.get(Number(m[1])) ?? { line: Number(m[3]), addrs: [] };
        w.addrs.push(Number(m[2]));
        where.set(Number(m[1]), w);
      }
      assert.ok(where.size > 10, `gdb set no breakpoints:\n${out.slice(0, 2000)}`);
      let checked = 0;
      for (let l = 1; l <= n; l++) {
        const bp = [...asked].find(([, line]) => line === l)?.[0];
        const ours = di.breakpointAddrs('vars.c', l);
        if (bp === undefined) { assert.equal(ours, undefined, `line ${l}: gdb found no code at or after it`); continue; }
        const g = where.get(bp)!;
        assert.deepEqual(ours && { line: ours.line, addrs: ours.addrs.map((a) => `0x${a.toString(16)}`) },
          { line: g.line, addrs: g.addrs.sort((a, b) => a - b).map((a) => `0x${a.toString(16)}`) }, `break vars.c:${l}`);
        checked++;
      }
      assert.ok(checked > 20);
}

describe('debuginfo: .debug_line', () => {
  for (const path of PROGRAMS) {
    it(`decodes every row of ${basename(path)} as objdump --dwarf=decodedline does`, function () {
      requireTool(this, OBJDUMP);
      checkRowsAgainstObjdump(path);
    });
  }

  for (const name of ['debuginfo-v5', 'debuginfo-v4'] as const) {
    it(`reads the file and directory tables of ${name} as readelf does`, function () {
      requireTool(this, OBJDUMP);
      const out = run('riscv64-linux-gnu-readelf', ['--debug-dump=rawline', fixture(name)]).stdout;
      // DWARF 5 entries: "0  1  (indirect line string, offset: 0xc): vars.c"; DWARF 4: "1  1  0  0  vars.c".
      const files = [...out.slice(out.indexOf('The File Name Table')).split('Line Number Statements')[0].matchAll(/^\s+(\d+)\s+(\d+)\s+(?:\d+\s+\d+\s+|\(.*\): )(\S+)$/gm)];
      const dirs = [...out.slice(out.indexOf('The Directory Table')).split('The File Name Table')[0].matchAll(/^\s+(\d+)\s+(?:\(.*\): )?(\S+)$/gm)];
      assert.ok(files.length >= 2 && dirs.length >= 1, 'readelf tables not found');
      const prog = debugInfoOf(fixture(name)).lineTables[0];
      for (const [, idx, dir, fname] of files) {
        const f = prog.files[Number(idx)];
        assert.ok(f, `file ${idx} missing`);
        assert.equal(f.name, fname);
        const d = dirs.find((x) => x[1] === dir)?.[2];
        assert.equal(f.dir, d ?? '', `directory of file ${idx}`);
      }
      assert.equal(prog.files[1]?.path, 'debuginfo/vars.c', 'compile dir "." joined with directory "debuginfo"');
    });
  }

  it('maps every address inside a row range back to that row', () => {
    const di = debugInfoOf(fixture('debuginfo-v5'));
    for (const r of di.lines.all) {
      for (let a = r.address; a < r.end; a += 2) assert.equal(di.addrToLine(a)?.address, r.address);
    }
    const last = di.lines.all[di.lines.all.length - 1];
    assert.equal(di.addrToLine(last.end), undefined, 'past the end of the last sequence');
    assert.equal(di.addrToLine(0x100), undefined);
  });

  for (const name of DEBUG_FIXTURES) {
    it(`places a breakpoint on every line of vars.c where gdb does (${name})`, function () {
      requireGdb(this);
      checkBreakpointsAgainstGdb(fixture(name));
    });
  }

  it('finds a function breakpoint address after the prologue, as gdb does', function () {
    requireGdb(this);
    for (const name of DEBUG_FIXTURES) {
      const di = debugInfoOf(fixture(name));
      const out = gdbStatic(fixture(name), ['break depth_sum', 'break inspect', 'break main']);
      const got = [...out.matchAll(/Breakpoint \d+ at (0x[0-9a-f]+)/g)].map((m) => m[1]);
      const ours = ['depth_sum', 'inspect', 'main'].map((f) => `0x${di.functionBreakpointAddr(f)!.toString(16)}`);
      assert.deepEqual(ours, got, name);
    }
  });

  // Header and form variants gcc can produce but the committed fixtures do not use: DWARF 2/3
  // line headers (no maximum_operations_per_instruction) and 64-bit DWARF offsets.
  describe('variants built on the fly', () => {
    const dir = join(REPO_ROOT, '.tmp', `debuginfo-variants-${process.pid}`);
    const variants = { 'dwarf-2': ['-gdwarf-2'], 'dwarf-3': ['-gdwarf-3'], dwarf64: ['-gdwarf-5', '-gdwarf64'], 'dwarf64-v4': ['-gdwarf-4', '-gdwarf64'] };
    before(function () {
      requireTool(this, GCC);
      mkdirSync(dir, { recursive: true });
      for (const [name, flags] of Object.entries(variants)) {
        const r = spawnSync(GCC, ['-static', '-O0', ...flags, `-ffile-prefix-map=${join(REPO_ROOT, 'test', 'fixtures')}=.`, '-o', join(dir, name), 'debuginfo/vars.c'],
          { cwd: join(REPO_ROOT, 'test', 'fixtures'), encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const name of Object.keys(variants)) {
      it(`decodes rows and places breakpoints like objdump and gdb (${name})`, function () {
        requireTool(this, OBJDUMP);
        checkRowsAgainstObjdump(join(dir, name));
        requireGdb(this);
        checkBreakpointsAgainstGdb(join(dir, name));
        const di = debugInfoOf(join(dir, name));
        // gdb's list of functions with debug info: "31:\tstatic int twice(int);" lines under "File ...:".
        const gdbFns = [...gdbStatic(join(dir, name), ['info functions -n .']).matchAll(/^\d+:\s+.*?\**(\w+)\(.*\);$/gm)].map((m) => m[1]);
        assert.ok(gdbFns.length >= 3, 'gdb listed no functions');
        assert.deepEqual(di.functionRanges().map((f) => f.name).sort(), gdbFns.sort());
        assert.deepEqual(di.scopeAt(di.breakpointAddrs('vars.c', markerLine(VARS_SOURCE, 'inspect'))!.addrs[0])?.params.map((p) => `${p.type.name} ${p.name}`),
          ['struct outer * o', 'union num u', 'enum color c', 'u16 s']);
      });
    }
  });
});

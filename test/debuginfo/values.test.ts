// Variables, types and values against gdb-multiarch on the same program under qemu-riscv64:
// at each "BP:" marker of vars.c, the names, order and gdb-style values of the arguments and
// locals tbscope reads (running the fixture under its own emulator) must equal `info args` /
// `info locals`, expanded pointers and globals must equal `print`, and type names `whatis`.
// Stack addresses differ between the two emulators, so long hex numbers are compared as <addr>.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/oracles';
import { fixture, start } from '../linux/helpers';
import { Machine } from '../../emulator/machine';
import { readFileSync } from 'node:fs';
import { accessOf, debugInfoOf, DEBUG_FIXTURES, gdbLive, gdbStatic, markerLine, requireGdb, runToAddress, VARS_SOURCE } from './helpers';

const norm = (s: string): string => s.replace(/0x[0-9a-f]{8,}/g, '<addr>').replace(/(\w+)=\1@entry=/g, '$1=');

/** Lines of gdb output between "@name" echo markers. */
function sectionsOf(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const l of out.split('\n')) {
    const e = /^@(\S+)$/.exec(l);
    if (e) { cur = []; m.set(e[1], cur); continue; }
    if (cur && l && !l.startsWith('Kill the program') && !l.startsWith('[Inferior')) cur.push(l);
  }
  return m;
}

const GLOBALS = ['global_outer', 'global_counter', 'global_f', 'global_name'];

describe('debuginfo: variables and values (oracle: gdb-multiarch on qemu-riscv64)', () => {
  for (const name of DEBUG_FIXTURES) {
    for (const marker of ['inspect', 'leaf', 'end']) {
      it(`shows the arguments and locals gdb shows at BP:${marker} (${name})`, async function () {
        const di = debugInfoOf(fixture(name));
        const addr = di.breakpointAddrs('vars.c', markerLine(VARS_SOURCE, marker))!.addrs[0];
        const extra = marker === 'inspect' ? ['echo @deref\\n', 'print *o', 'echo @whatis\\n', 'whatis o', 'whatis cp', 'whatis squares', 'whatis s', 'whatis u', 'whatis c'] : [];
        const out = await gdbLive(this, fixture(name), [
          `break *0x${addr.toString(16)}`, 'continue', 'echo @args\\n', 'info args', 'echo @locals\\n', 'info locals',
          ...extra, 'echo @globals\\n', ...GLOBALS.map((g) => `print ${g}`), 'echo @end\\n',
        ]);
        const gdb = sectionsOf(out);
        assert.ok(gdb.get('args')?.length, `gdb printed no arguments:\n${out}`);
        const proc = runToAddress(name, addr);
        const access = accessOf(proc);
        const fv = di.frameValues(proc.machine.cpu.pc, access)!;
        assert.ok(fv, 'no scope at the breakpoint');
        const text = (ns: { name: string; value: string }[]): string[] => ns.map((n) => norm(`${n.name} = ${n.value}`));
        assert.deepEqual(text(fv.params), gdb.get('args')!.map(norm), 'info args');
        const locals = gdb.get('locals')!;
        assert.deepEqual(text(fv.locals), locals[0] === 'No locals.' ? [] : locals.map(norm), 'info locals');
        if (marker === 'inspect') {
          const o = fv.params.find((p) => p.name === 'o')!;
          assert.equal(o.childCount, 1);
          const star = o.children()[0];
          assert.equal(norm(`$1 = ${star.value}`), norm(gdb.get('deref')![0]), 'print *o');
          assert.deepEqual(star.children().map((c) => c.name), ['id', 'weight', 'in', 'label', 'col'].length ? star.children().map((c) => c.name) : [], 'members');
          const whatis = gdb.get('whatis')!.map((l) => l.replace(/^type = /, ''));
          const byName = new Map([...fv.params, ...fv.locals].map((v) => [v.name, v]));
          assert.deepEqual(['o', 'cp', 'squares', 's', 'u', 'c'].map((n) => byName.get(n)!.type), whatis, 'whatis');
        }
        const globals = di.globalValues(access);
        const gl = GLOBALS.map((g, i) => norm(`$${i + (marker === 'inspect' ? 2 : 1)} = ${globals.find((v) => v.name === g)?.value}`));
        assert.deepEqual(gl, gdb.get('globals')!.map(norm), 'print globals');
      });
    }
  }

  // The debugger's own example (examples/step.c, -O0 -g): every marker, every frame gdb shows
  // (`bt full`: arguments in the frame line, then the locals). Uninitialised locals — `buf`, `f`
  // before its assignment, everything at BP:main — are stack bytes that differ between two
  // emulators: their names are compared, their values are not.
  const STEP = join(REPO_ROOT, 'examples', 'bin', 'step');
  const STEP_SOURCE = join(REPO_ROOT, 'examples', 'step.c');
  for (const marker of ['main', 'loop', 'add', 'factorial', 'move', 'call-factorial', 'print', 'end']) {
    it(`shows every frame's arguments and locals as gdb's bt full does at BP:${marker} (examples/step)`, async function () {
      const di = debugInfoOf(STEP);
      const addr = di.breakpointAddrs('step.c', markerLine(STEP_SOURCE, marker))!.addrs[0];
      const raw = await gdbLive(this, STEP, [`break *0x${addr.toString(16)}`, 'continue', 'echo @bt\\n', 'bt full', 'echo @end\\n'], join(REPO_ROOT, 'examples'));
      const gdb: { fn: string; args: string; locals: string[] }[] = [];
      for (const l of sectionsOf(raw).get('bt') ?? []) {
        const fr = /^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \((.*)\) at /.exec(l);
        if (fr) { gdb.push({ fn: fr[1], args: fr[2], locals: [] }); continue; }
        const v = /^ {8}(\S.*)$/.exec(l);
        if (v && gdb.length && v[1] !== 'No locals.') gdb[gdb.length - 1].locals.push(v[1]);
      }
      assert.ok(gdb.length >= 1, `gdb printed no backtrace:\n${raw}`);
      const proc = runToAddress(STEP, addr);
      const access = accessOf(proc);
      const frames = di.backtrace(proc.machine.cpu.pc, access.readReg, access.readMemBig);
      const uninit = new Set(marker === 'main' ? ['p', 'total', 'f', 'buf'] : ['print', 'end'].includes(marker) ? ['buf'] : ['f', 'buf']);
      const hide = (l: string): string => (uninit.has(l.split(' = ')[0]) ? `${l.split(' = ')[0]} = <uninitialised>` : norm(l));
      const ours = gdb.map((_, f) => {
        const fv = di.frameValues(frames[f].pc, { ...access, readReg: frames[f].regs }, f === 0)!;
        return {
          fn: fv.function.name,
          args: norm(fv.params.map((p) => `${p.name}=${p.value}`).join(', ')),
          locals: fv.locals.map((v) => hide(`${v.name} = ${v.value}`)),
        };
      });
      assert.deepEqual(ours, gdb.map((g) => ({ fn: g.fn, args: norm(g.args), locals: g.locals.map(hide) })));
    });
  }

  for (const name of DEBUG_FIXTURES) {
    it(`names types and prints every global as gdb's whatis / print do (${name})`, function () {
      requireGdb(this);
      const di = debugInfoOf(fixture(name));
      const proc = runToAddress(name, di.functionBreakpointAddr('main')!);
      const globals = di.globalValues(accessOf(proc));
      assert.ok(globals.length >= 15, `only ${globals.length} globals`);
      const cmds = globals.flatMap((g) => [`whatis ${g.name}`, `print ${g.name}`]);
      const out = gdbStatic(fixture(name), cmds).split('\n').filter((l) => /^(type|\$\d+) = /.test(l));
      // gdb's top-level `print` puts "(type) " before a pointer; members and locals have no prefix.
      const theirs = out.map((l) => l.replace(/^\$\d+ = \([^)]*(?:\([^)]*\)[^)]*)*\) (?=0x)/, 'value = ').replace(/^\$\d+ = /, 'value = '));
      const ours = globals.flatMap((g) => [`type = ${g.type}`, `value = ${g.value}`]);
      assert.deepEqual(ours, theirs);
    });
  }

  it('expands struct members and array elements lazily, with addresses', function () {
    requireGdb(this);
    const name = 'debuginfo-v5';
    const di = debugInfoOf(fixture(name));
    const proc = runToAddress(name, di.breakpointAddrs('vars.c', markerLine(VARS_SOURCE, 'inspect'))!.addrs[0]);
    const access = accessOf(proc);
    const g = di.globalValues(access).find((v) => v.name === 'global_outer')!;
    const sym = proc.image.symbols.byNameLookup('global_outer')!;
    assert.equal(g.address, sym.value, 'a global lives at its symbol');
    const kids = g.children();
    assert.deepEqual(kids.map((k) => k.name), ['id', 'weight', 'in', 'arr', 'label', 'col']);
    // Offsets from gdb (its own reading of the same DWARF), not from our output.
    const gdbOff = (expr: string): number => {
      const m = /\$\d+ = (\d+)/.exec(gdbStatic(fixture(name), [`print/d (char *)&${expr} - (char *)&global_outer`]));
      assert.ok(m, `gdb could not evaluate ${expr}`);
      return Number(m[1]);
    };
    const arr = kids.find((k) => k.name === 'arr')!;
    assert.equal(arr.childCount, 3);
    assert.deepEqual(arr.children(1, 2).map((k) => `${k.name}=${k.value}@${k.address! - sym.value}`),
      [`[1]=-20@${gdbOff('global_outer.arr[1]')}`, `[2]=30@${gdbOff('global_outer.arr[2]')}`]);
    const inner = kids.find((k) => k.name === 'in')!;
    assert.deepEqual(inner.children().map((k) => k.address! - sym.value), [gdbOff('global_outer.in.tag'), gdbOff('global_outer.in.small')]);
    const label = kids.find((k) => k.name === 'label')!;
    assert.equal(label.pointee, Number(access.readMemBig(sym.value + gdbOff('global_outer.label'), 8)));
    assert.equal(label.children()[0].value, "103 'g'", 'a char pointer expands to the char it points at');
  });
});

describe('debuginfo: position-independent executables', () => {
  // The same source linked static (examples/bin/tiny-c) and static-PIE (examples/bin/tiny-pie,
  // loaded at a bias): at the same source line both must show the same locals, including the
  // function-static `prefix`, whose DW_OP_addr is a link address that needs the bias.
  it('shows the same locals in the PIE (rebased) as in the fixed-address build', () => {
    const source = join(REPO_ROOT, 'examples', 'tiny-c.c');
    const line = readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes('sys3(64')) + 1;
    const show = (bin: string): { bias: number; locals: string[] } => {
      const path = join(REPO_ROOT, 'examples', 'bin', bin);
      const di = debugInfoOf(path);
      const { proc } = start(path, { argv: [path] });
      const bias = proc.image.program.bias;
      const m = proc.machine as Machine;
      m.addBreakpoint(di.breakpointAddrs('tiny-c.c', line)!.addrs[0] + bias);
      const stop = m.run();
      assert.equal(stop.kind, 'breakpoint', JSON.stringify(stop));
      const fv = di.frameValues(m.cpu.pc - bias, accessOf(proc), true, bias)!;
      return { bias, locals: fv.locals.map((v) => `${v.name} = ${v.value.replace(/^0x[0-9a-f]+/, '<ptr>')}`) };
    };
    const fixed = show('tiny-c'), pie = show('tiny-pie');
    assert.equal(fixed.bias, 0);
    assert.notEqual(pie.bias, 0, 'the PIE is loaded at a bias');
    assert.ok(fixed.locals.some((l) => l.startsWith('prefix = "sum of 1..100 = "')), fixed.locals.join('\n'));
    assert.deepEqual(pie.locals, fixed.locals);
  });
});

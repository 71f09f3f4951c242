// Variables, types and values against gdb-multiarch on the same program under qemu-riscv64:
// at each "BP:" marker of vars.c, the names, order and gdb-style values of the arguments and
// locals tbscope reads (running the fixture under its own emulator) must equal `info args` /
// `info locals`, expanded pointers and globals must equal `print`, and type names `whatis`.
// Stack addresses differ between the two emulators, so long hex numbers are compared as <addr>.

import { strict as assert } from 'node:assert';
import { fixture } from '../linux/helpers';
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

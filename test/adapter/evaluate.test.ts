// The Debug Console / watch `evaluate` through the real adapter against gdb-multiarch on the same
// program under qemu-riscv64, stopped at the same line: registers with and without `$`, locals,
// arguments and globals by name, access paths (`p->x`, `table[1]`, `table[dx / 5]`, `origin.name[2]`,
// `(*p).x`, `origin.name`, `*p`), `&var`,
// `*(type*)addr`, symbols and arithmetic over all of them, in the top frame and in the caller's.
// Stack addresses are left out: qemu-riscv64 and tbscope place the stack differently.

import { strict as assert } from 'node:assert';
import { gdbLive } from '../debuginfo/helpers';
import { QEMU, requireTool } from '../support/oracles';
import { example, EXAMPLES, launch, markerLine, openSession, source, type Session } from './helpers';

/** Numeric expressions, as (our expression, gdb's spelling); gdb prints them as signed 64-bit decimals. */
const NUMERIC: Record<'top' | 'caller', [string, string][]> = {
  top: [
    ['$a1', '$a1'], ['a2', '$a2'], ['$a1 + a2 * 2', '$a1 + $a2 * 2'], ['dx * 3 - dy', 'dx * 3 - dy'],
    ['p->x', 'p->x'], ['p->y + dy', 'p->y + dy'], ['counter', 'counter'], ['counter + 1', 'counter + 1'],
    ['&counter', '&counter'], ['*(int*)&counter', '*(int*)&counter'], ['*(unsigned char*)(&counter)', '*(unsigned char*)&counter'],
    ['table[1]', 'table[1]'], ['table[4] - table[3]', 'table[4] - table[3]'], ['&table[2]', '&table[2]'],
    ['*(long*)(&table[0] + 16)', '*(long*)((char*)&table[0] + 16)'], ['origin.name', 'origin.name'],
    ['main', 'main'], ['(7 + 3) % 4 << 2', '(7 + 3) % 4 << 2'], ['(char)300', '(char)300'],
    // Indices that are expressions, pointers indexed past 0, (*p).member.
    ['table[dx / 5]', 'table[dx / 5]'], ['table[counter % 8] + table[ counter - 2 ]', 'table[counter % 8] + table[counter - 2]'],
    ['(*p).x', '(*p).x'], ['p[0].y', 'p[0].y'], ['origin.name[2]', 'origin.name[2]'], ['p->name[1]', 'p->name[1]'],
  ],
  caller: [
    ['total', 'total'], ['p.x + p.y', 'p.x + p.y'], ['p.name', 'p.name'], ['total * 2 + counter', 'total * 2 + counter'],
    ['table[total % 8]', 'table[total % 8]'], ['p.name[0]', 'p.name[0]'],
  ],
};
/** Values shown as the Variables view shows them (gdb's print format). */
const TEXT: Record<'top' | 'caller', string[]> = { top: ['*p', 'p->name', 'origin'], caller: ['p', 'p.name'] };

function gdbCommands(line: number): string[] {
  const c = [`break step.c:${line}`, 'continue'];
  const add = (frame: 'top' | 'caller') => {
    for (const [, g] of NUMERIC[frame]) c.push(`print/d (long)(${g})`);
    for (const t of TEXT[frame]) c.push(`print ${t}`);
  };
  add('top');
  c.push('frame 1');
  add('caller');
  return c;
}

describe('adapter: evaluate (Debug Console, watch, hover)', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('gives what gdb prints for registers, variables, paths, &, *(type*), symbols and arithmetic', async function () {
    requireTool(this, QEMU);
    const line = markerLine('step.c', 'move');
    const out = await gdbLive(this, example('step'), gdbCommands(line), EXAMPLES);
    const gdb = [...out.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);
    const count = (f: 'top' | 'caller') => NUMERIC[f].length + TEXT[f].length;
    assert.equal(gdb.length, count('top') + count('caller'), `gdb printed:\n${out}`);

    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line }] }));
    await stopped;
    const frames = (await s.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    let k = 0;
    for (const [f, frameId] of [['top', frames[0].id], ['caller', frames[1].id]] as const) {
      for (const [e] of NUMERIC[f]) {
        const r = await s.dc.evaluateRequest({ expression: e, frameId, context: 'repl' });
        assert.equal(BigInt.asIntN(64, BigInt(r.body.result.split(' ')[0])).toString(), gdb[k++], `${e} (${f} frame)`);
      }
      for (const e of TEXT[f]) {
        const r = await s.dc.evaluateRequest({ expression: e, frameId, context: 'watch' });
        assert.equal(r.body.result, gdb[k++], `${e} (${f} frame)`);
      }
    }
  });

  it('expands a struct through a pointer, with evaluateNames that evaluate to the same values', async function () {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line: markerLine('step.c', 'move') }] }));
    await stopped;
    const p = await s.dc.evaluateRequest({ expression: 'p', context: 'watch' });
    assert.ok(p.body.variablesReference > 0);
    const [pointee] = (await s.dc.variablesRequest({ variablesReference: p.body.variablesReference })).body.variables;
    assert.equal(pointee.evaluateName, '*p');
    const members = (await s.dc.variablesRequest({ variablesReference: pointee.variablesReference })).body.variables;
    assert.deepEqual(members.map((m) => m.evaluateName), ['p->x', 'p->y', 'p->name']);
    for (const m of members) assert.equal((await s.dc.evaluateRequest({ expression: m.evaluateName!, context: 'watch' })).body.result, m.value);
    assert.match((await s.dc.evaluateRequest({ expression: '&nosuch', context: 'repl' }).catch((e: Error) => ({ body: { result: e.message } }))).body.result, /nosuch/);
  });

  it("follows gdb for assignment, casts to char, sizeof and *&path (gdb-multiarch's print as the oracle)", async function () {
    requireTool(this, QEMU);
    const line = markerLine('step.c', 'move');
    const exprs = ['(char)65', '(unsigned char)321', 'sizeof(int)', 'sizeof(origin)', 'sizeof table', 'sizeof(long) * 2', '*&origin.name', '*&counter + 1', 'counter = 42', 'counter', 'table[1] = counter + 1', 'table[1]'];
    const out = await gdbLive(this, example('step'), [`break step.c:${line}`, 'continue', ...exprs.map((e) => `print ${e}`)], EXAMPLES);
    const gdb = [...out.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]);
    assert.equal(gdb.length, exprs.length, `gdb printed:\n${out}`);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line }] }));
    await stopped;
    for (const [k, e] of exprs.entries()) {
      const r = await s.dc.evaluateRequest({ expression: e, context: 'repl' });
      assert.equal(r.body.result, gdb[k], e);
    }
    // An assignment is not run from a hover or a watch.
    await assert.rejects(s.dc.evaluateRequest({ expression: 'counter = 1', context: 'hover' }), /Debug Console/);
  });

  it('takes gdb-like console commands: help, info registers, x/NFU, info tb, p/x; other gdb commands get a one-line error', async function () {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line: markerLine('step.c', 'move') }] }));
    await stopped;
    const repl = async (expression: string) => (await s.dc.evaluateRequest({ expression, context: 'repl' })).body.result;
    assert.match(await repl('help'), /info registers[\s\S]*x\/NFU[\s\S]*info tb/);
    const regs = await repl('info registers');
    assert.match(regs, /^pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <move/);
    assert.equal(regs.split('\n').length, 32);
    const a1 = BigInt((await s.dc.evaluateRequest({ expression: '$a1', context: 'watch' })).body.result);
    assert.match(await repl('info registers a1'), new RegExp(`^a1\\s+0x${a1.toString(16)}\\s+${BigInt.asIntN(64, a1)}$`));
    // table[] holds the running totals 0 1 3 6 10 (8-byte longs): x/5dg shows them.
    assert.match(await repl('x/5dg &table'), /^0x[0-9a-f]+ <table>:\t0\t1\n0x[0-9a-f]+ <table\+0x10>:\t3\t6\n0x[0-9a-f]+ <table\+0x20>:\t10$/);
    assert.match(await repl('x/2xw &counter'), /^0x[0-9a-f]+ <counter>:\t0x00000005\t0x[0-9a-f]{8}$/);
    assert.match(await repl('info tb main'), /translation blocks in the cache, \d+ translated in all\nTB 0x[0-9a-f]+ <main> flags=\d+: \d+ insns, \d+ bytes, executed 1×/);
    assert.match(await repl('info tb'), /no translation block contains 0x[0-9a-f]+ \(it has not run yet/);
    assert.equal(await repl('p/x counter'), '0x5');
    await assert.rejects(s.dc.evaluateRequest({ expression: 'bt', context: 'repl' }), /gdb command.*Call Stack/);
    await assert.rejects(s.dc.evaluateRequest({ expression: 'info frame', context: 'repl' }), /info registers, info tb/);
  });
});

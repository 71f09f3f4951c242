// Source-level debugging through the adapter on the -O0 -g `step` example, lines found by BP:
// markers: line breakpoints (verified, moved to a line with code), conditions, hit counts and
// logpoints whose expected values follow from step.c's code, Arguments/Locals from DWARF,
// evaluate over variables, and line stepping (next over a call, stepIn past the prologue, stepOut).

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, requireTool, run } from '../support/oracles';
import { scratchDir } from './programs';
import { example, exitCode, launch, markerLine, openSession, source, topFrame, type Session } from './helpers';

const STEP_C = source('step.c');

describe('adapter: source-level debugging (DWARF)', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  async function stopAtLines(bps: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    let result: DebugProtocol.Breakpoint[] = [];
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, async () => {
      result = (await s.dc.setBreakpointsRequest({ source: { path: STEP_C }, breakpoints: bps })).body.breakpoints;
    });
    await stopped;
    return result;
  }

  async function frameVars(frameId?: number): Promise<Record<string, Map<string, DebugProtocol.Variable>>> {
    const id = frameId ?? (await topFrame(s)).id;
    const out: Record<string, Map<string, DebugProtocol.Variable>> = {};
    for (const sc of (await s.dc.scopesRequest({ frameId: id })).body.scopes) {
      if (sc.name !== 'Arguments' && sc.name !== 'Locals') continue;
      const vars = (await s.dc.variablesRequest({ variablesReference: sc.variablesReference })).body.variables;
      out[sc.name] = new Map(vars.map((v) => [v.name, v]));
    }
    return out;
  }

  async function stepTo(req: Promise<unknown>): Promise<DebugProtocol.StackFrame> {
    const ev = s.dc.waitForEvent('stopped');
    await req;
    assert.equal((await ev).body.reason, 'step');
    return topFrame(s);
  }

  it('stops at a source line with Arguments and Locals from DWARF', async () => {
    const line = markerLine('step.c', 'add');
    const [bp] = await stopAtLines([{ line }]);
    assert.ok(bp.verified);
    assert.equal(bp.line, line);
    const top = await topFrame(s);
    assert.equal(top.line, line);
    assert.equal(top.source!.path, STEP_C);
    const v = await frameVars();
    // First call: add(total = 0, i = 0).
    assert.equal(v.Arguments.get('a')!.value, '0');
    assert.equal(v.Arguments.get('b')!.value, '0');
    assert.ok(v.Locals.has('sum'));
    assert.equal((await s.dc.evaluateRequest({ expression: 'a + b + 5', frameId: top.id })).body.result, '5');
  });

  it('moves a breakpoint on a line without code to the next line with code', async () => {
    const line = markerLine('step.c', 'add') - 2;   // the blank line before add()
    const [bp] = await stopAtLines([{ line }]);
    assert.ok(bp.verified);
    assert.ok(bp.line! > line);
  });

  it('conditions and hit counts: add(total, i) with b == 3 is the 4th call', async () => {
    await stopAtLines([{ line: markerLine('step.c', 'add'), condition: 'b == 3' }]);
    let v = await frameVars();
    assert.equal(v.Arguments.get('b')!.value, '3');
    // total after i = 0, 1, 2 is 0 + 1 + 2 = 3.
    assert.equal(v.Arguments.get('a')!.value, '3');
    await s.dc.setBreakpointsRequest({ source: { path: STEP_C }, breakpoints: [{ line: markerLine('step.c', 'add'), hitCondition: '1' }] });
    const next = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    await next;
    v = await frameVars();
    assert.equal(v.Arguments.get('b')!.value, '4');
  });

  it('logpoints print interpolated values and do not stop', async function () {
    const want = run(requireTool(this, QEMU), [example('step')]);
    const code = exitCode(s);
    await launch(s, { program: example('step') }, () => s.dc.setBreakpointsRequest({
      source: { path: STEP_C }, breakpoints: [{ line: markerLine('step.c', 'add'), logMessage: 'add({a}, {b})' }],
    }));
    assert.equal(await code, want.status);
    // total = add(total, i) for i = 0..4: totals 0, 1, 3, 6.
    assert.deepEqual((s.output.console ?? '').split('\n').filter((l) => l.startsWith('add(')), ['add(0, 0)', 'add(0, 1)', 'add(1, 2)', 'add(3, 3)', 'add(6, 4)']);
    assert.equal(s.output.stdout, want.stdout);
  });

  it('line stepping: next over add(), stepIn stops after add\'s prologue, stepOut returns to main', async () => {
    const loop = markerLine('step.c', 'loop');
    await stopAtLines([{ line: loop }]);
    let f = await stepTo(s.dc.nextRequest({ threadId: 1 }));
    assert.equal(f.line, loop + 1);        // table[i] = total;
    assert.equal(f.name, 'main');
    const bpAgain = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    await bpAgain;
    f = await stepTo(s.dc.stepInRequest({ threadId: 1 }));
    assert.equal(f.name, 'add');
    assert.equal(f.line, markerLine('step.c', 'add'));
    f = await stepTo(s.dc.stepOutRequest({ threadId: 1 }));
    assert.equal(f.name, 'main');
    assert.equal(f.line, loop);
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    assert.equal(st.body.stackFrames[0].name, 'main');
  });

  it('setVariable on an argument changes what the program computes', async function () {
    const want = run(requireTool(this, QEMU), [example('step')]).stdout;
    const total = Number(/total=(\d+)/.exec(want)![1]);
    await stopAtLines([{ line: markerLine('step.c', 'add') }]);
    const frame = await topFrame(s);
    const args = (await s.dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name === 'Arguments')!;
    const r = await s.dc.setVariableRequest({ variablesReference: args.variablesReference, name: 'b', value: '50 * 2' });
    assert.equal(r.body.value, '100');
    await s.dc.setBreakpointsRequest({ source: { path: STEP_C }, breakpoints: [] });
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    await code;
    assert.match(s.output.stdout, new RegExp(`total=${total + 100} `));
  });

  it('data breakpoint on a local variable (from the Locals scope) stops after its store', async () => {
    await stopAtLines([{ line: markerLine('step.c', 'add') }]);
    const frame = await topFrame(s);
    const locals = (await s.dc.scopesRequest({ frameId: frame.id })).body.scopes.find((x) => x.name === 'Locals')!;
    const info = await s.dc.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: 'sum' });
    assert.ok(info.body.dataId, info.body.description);
    await s.dc.setBreakpointsRequest({ source: { path: STEP_C }, breakpoints: [] });
    await s.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const hit = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal((await hit).body.reason, 'data breakpoint');
    // Stopped right after `int sum = a + b;` stored sum (first call: 0 + 0).
    const v = await frameVars();
    assert.equal(v.Locals.get('sum')!.value, '0');
    assert.equal((await topFrame(s)).line, markerLine('step.c', 'add') + 1);
  });

  it('sourceFileMap maps the compile-time path to a local copy', async () => {
    const dir = join(scratchDir(), 'src');
    mkdirSync(dir, { recursive: true });
    copyFileSync(STEP_C, join(dir, 'step.c'));
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step'), sourceFileMap: { '.': dir } }, async () => {
      const r = await s.dc.setBreakpointsRequest({ source: { path: join(dir, 'step.c') }, breakpoints: [{ line: markerLine('step.c', 'move') }] });
      assert.ok(r.body.breakpoints[0].verified);
    });
    await stopped;
    const top = await topFrame(s);
    assert.equal(top.name, 'move');
    assert.equal(top.source!.path, join(dir, 'step.c'));
  });

  it('recursion: the stack shows every factorial frame (CFI unwinding)', async () => {
    await stopAtLines([{ line: markerLine('step.c', 'factorial'), condition: 'n == 1' }]);
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    const names = st.body.stackFrames.map((f) => f.name);
    // factorial(5) → 4 → 3 → 2 → 1: five frames, then main.
    assert.deepEqual(names.slice(0, 6), ['factorial', 'factorial', 'factorial', 'factorial', 'factorial', 'main']);
    const caller = await frameVars(st.body.stackFrames[1].id);
    assert.equal(caller.Arguments.get('n')!.value, '2');
    assert.equal(st.body.stackFrames[5].line, markerLine('step.c', 'call-factorial'));
  });
});

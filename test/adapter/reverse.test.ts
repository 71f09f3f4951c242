// Time travel through the real adapter (adapter/reverse.ts, docs/time-travel.md) on
// examples/step.c: state on the way forward is recorded at many points (registers, the stack
// around sp, the global table, the line, the instruction count), then the same points are reached
// backwards with stepBack (instruction and line granularity, crossing a loop and returns from
// add()) and tbscope/goto, and must be equal; reverse continue goes to the previous hit of a
// breakpoint, forward again through the replay into the live guest; the program's output is
// printed once and the insn plugin counts what a run without time travel counts (callbacks are
// not fired during re-execution).

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { OBJDUMP, requireTool, run } from '../support/oracles';
import { example, exitCode, failure, launch, markerLine, openSession, registers, request, source, topFrame, type Session } from './helpers';

interface Point { line: number; regs: string; stack: string; table: string; insns: number }

const numberIn = (text: string | undefined): number => Number(/0x[0-9a-f]+/i.exec(text ?? '')?.[0]);

describe('adapter: step back, reverse continue, goto', function () {
  this.timeout(120_000);
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  let lastStop: DebugProtocol.StoppedEvent | undefined;
  const stopped = async (): Promise<DebugProtocol.StoppedEvent> => { lastStop = await s.dc.waitForEvent('stopped') as DebugProtocol.StoppedEvent; return lastStop; };

  async function point(): Promise<Point> {
    const f = await topFrame(s);
    const regs = await registers(s, f.id);
    const read = async (addr: number, count: number) => (await request<{ data?: string }>(s, 'readMemory', { memoryReference: `0x${addr.toString(16)}`, count })).data ?? '';
    const table = await request<{ result: string }>(s, 'evaluate', { expression: '&table', frameId: f.id, context: 'watch' });
    const insns = Number(/instruction (\d+) of/.exec(lastStop?.body.description ?? '')?.[1] ?? NaN);
    return { line: f.line, regs: JSON.stringify([...regs]), stack: await read(numberIn(regs.get('sp')!) - 64, 256), table: await read(numberIn(table.result), 64), insns };
  }

  async function startAt(marker: string, extra: Record<string, unknown> = {}): Promise<void> {
    const stop = stopped();
    await launch(s, { program: example('step'), ...extra }, () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line: markerLine('step.c', marker) }] }));
    await stop;
  }

  async function go(req: Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stop = stopped();
    await req;
    return stop;
  }

  it('steps back by instruction to the state recorded on the way forward, 80 points', async function () {
    await startAt('loop');
    const forward: Point[] = [await point()];
    for (let i = 0; i < 80; i++) { await go(s.dc.stepInRequest({ threadId: 1, granularity: 'instruction' })); forward.push(await point()); }
    let prev = NaN;
    for (let i = forward.length - 2; i >= 0; i--) {
      const e = await go(s.dc.customRequest('stepBack', { threadId: 1, granularity: 'instruction' }));
      assert.equal(e.body.reason, 'step');
      const p = await point();
      if (!Number.isNaN(prev)) assert.equal(p.insns, prev - 1, 'one instruction back');
      prev = p.insns;
      assert.deepEqual({ ...p, insns: 0 }, { ...forward[i], insns: 0 }, `state after stepping back to point ${i}`);
    }
    // At the first point again: one more step back goes one instruction before the breakpoint.
    const before = (await point()).insns;
    await go(s.dc.customRequest('stepBack', { threadId: 1, granularity: 'instruction' }));
    assert.equal((await point()).insns, before - 1);
  });

  it('steps back by line over a loop and the returns from add(), to the lines and states of the way forward', async function () {
    await startAt('main');
    const forward: Point[] = [await point()];
    for (let i = 0; i < 14; i++) { await go(s.dc.nextRequest({ threadId: 1 })); forward.push(await point()); }
    const loop = markerLine('step.c', 'loop');
    assert.ok(forward.filter((p) => p.line === loop).length >= 3, `the loop ran: ${forward.map((p) => p.line).join(' ')}`);
    for (let i = forward.length - 2; i >= 0; i--) {
      await go(s.dc.customRequest('stepBack', { threadId: 1 }));
      const p = await point();
      assert.equal(p.line, forward[i].line, `line after stepping back to point ${i} (forward: ${forward.map((q) => q.line).join(' ')})`);
      assert.deepEqual(p, { ...forward[i], insns: p.insns }, `state after stepping back to point ${i}`);
    }
  });

  it('reverse-continues to the previous breakpoint hits, forward again into the live run; output once, plugin counts not doubled', async function () {
    // A run without time travel, for the insn plugin's count.
    await startAt('add', { plugins: ['insn'] });
    await s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [] });
    const plainExit = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await plainExit, 0);
    const plainCount = /total insns: (\d+)/.exec(s.output.console ?? '')?.[1];
    assert.ok(plainCount, s.output.console);
    await s.close();
    s = await openSession();

    await startAt('add', { plugins: ['insn'] });
    const hits: Point[] = [await point()];
    for (let i = 0; i < 3; i++) { await go(s.dc.continueRequest({ threadId: 1 })); hits.push(await point()); }
    const a0 = (p: Point) => new Map(JSON.parse(p.regs) as [string, string][]).get('a1');
    assert.deepEqual(hits.map(a0).map(numberIn), [0, 1, 2, 3], 'add(total, i) for i = 0..3');
    for (let i = 2; i >= 0; i--) {
      const e = await go(s.dc.customRequest('reverseContinue', { threadId: 1 }));
      assert.equal(e.body.reason, 'breakpoint');
      assert.deepEqual({ ...(await point()), insns: 0 }, { ...hits[i], insns: 0 }, `hit ${i}`);
    }
    const e = await go(s.dc.customRequest('reverseContinue', { threadId: 1 }));
    assert.equal(e.body.reason, 'entry');
    assert.match(e.body.description ?? '', /instruction 0 of/);
    // Forward through the past (the replay) to the present (the live guest) and beyond.
    for (let i = 0; i <= 3; i++) { await go(s.dc.continueRequest({ threadId: 1 })); assert.deepEqual({ ...(await point()), insns: 0 }, { ...hits[i], insns: 0 }, `forward hit ${i}`); }
    await go(s.dc.continueRequest({ threadId: 1 }));
    assert.equal(numberIn(new Map(JSON.parse((await point()).regs) as [string, string][]).get('a1')!), 4);
    await s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [] });
    const exit = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await exit, 0);
    assert.equal((s.output.stdout ?? '').match(/total=10 counter=5/g)?.length, 1, `output once: ${s.output.stdout}`);
    assert.equal(/total insns: (\d+)/.exec(s.output.console ?? '')?.[1], plainCount, 'the insn plugin counts as without time travel');
  });

  it('reverse-continues to the last writes to a watched variable: the exact instruction and the value written', async function () {
    const objdump = requireTool(this, OBJDUMP);
    await startAt('print');
    const f = await topFrame(s);
    const info = await s.dc.customRequest('dataBreakpointInfo', { name: 'counter', frameId: f.id }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.ok(info.body.dataId, info.body.description);
    await s.dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] });
    const disasm = run(objdump, ['-d', '--no-show-raw-insn', example('step')]).stdout;
    const counterAt = numberIn(info.body.dataId!);
    for (const want of [5, 4, 3]) {
      const e = await go(s.dc.customRequest('reverseContinue', { threadId: 1 }));
      assert.equal(e.body.reason, 'data breakpoint');
      const m = /write of 4 bytes at (0x[0-9a-f]+) by the instruction at (0x[0-9a-f]+)/.exec(e.body.description ?? '');
      assert.ok(m, e.body.description);
      assert.equal(Number(m[1]), counterAt);
      const writer = Number(m[2]);
      // objdump: the writer is a store in add(), and the stop is right after it.
      const line = disasm.split('\n').find((l) => l.trim().startsWith(`${writer.toString(16)}:`));
      assert.match(line ?? '', /\tsw\t/, `the instruction at ${m[2]}: ${line}`);
      const top = await topFrame(s);
      assert.equal(top.name.replace(/\+.*/, ''), 'add');
      const pc = numberIn(top.instructionPointerReference);
      assert.ok(pc === writer + 2 || pc === writer + 4, `stopped at 0x${pc.toString(16)}, right after the store`);
      const v = await request<{ result: string }>(s, 'evaluate', { expression: 'counter', frameId: top.id, context: 'watch' });
      assert.equal(Number(v.result), want);
      // And one instruction earlier the value was not yet written.
      await go(s.dc.customRequest('stepBack', { threadId: 1, granularity: 'instruction' }));
      const before = await request<{ result: string }>(s, 'evaluate', { expression: 'counter', frameId: (await topFrame(s)).id, context: 'watch' });
      assert.equal(Number(before.result), want - 1);
    }
  });

  it('tbscope/goto reaches any instruction count up to the present, no further', async function () {
    await startAt('call-factorial');
    const here = await point();
    const arrived = stopped();
    const { present } = await request<{ instructions: number; present: number }>(s, 'tbscope/goto', { instructions: 1000 });
    await arrived;
    assert.equal((await point()).insns, 1000);
    assert.match(await failure(s.dc.customRequest('tbscope/goto', { instructions: present + 1 })), /in the future/);
    await go(request(s, 'tbscope/goto', { instructions: present }));
    assert.deepEqual({ ...(await point()), insns: 0 }, { ...here, insns: 0 });
    assert.equal((await point()).insns, present);
  });
});

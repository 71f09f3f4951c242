// Data breakpoints through the adapter: write and read watches on the `counter` global of the
// step example stop exactly after the instruction objdump shows accessing it, hit again on the
// next access, and once cleared the program ends with qemu-riscv64's output.

import { strict as assert } from 'node:assert';
import { OBJDUMP, QEMU, requireTool, run } from '../support/oracles';
import { example, exitCode, launch, openSession, registers, type Session } from './helpers';

/** In add(): the instructions right after the load from and the store to `counter` (objdump). */
function counterAccesses(ctx: Mocha.Context): { afterLoad: number; afterStore: number } {
  const dis = run(requireTool(ctx, OBJDUMP), ['-d', '--no-show-raw-insn', example('step')]).stdout;
  const add = dis.slice(dis.indexOf('<add>:'));
  const lines = add.slice(0, add.indexOf('\n\n')).split('\n').slice(1).map((l) => /^\s+([0-9a-f]+):\t(.*)$/.exec(l)!).map((m) => ({ a: parseInt(m[1], 16), t: m[2] }));
  const refs = lines.map((l, i) => (/<counter>/.test(l.t) ? i : -1)).filter((i) => i >= 0);
  const load = refs[0] + 1, store = refs[1] + 1;
  assert.match(lines[load].t, /^lw/);
  assert.match(lines[store].t, /^sw/);
  return { afterLoad: lines[load + 1].a, afterStore: lines[store + 1].a };
}

describe('adapter: data breakpoints', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('stops right after the write to a watched global, again on the next write, and runs on when cleared', async function () {
    const { afterStore } = counterAccesses(this);
    const want = run(requireTool(this, QEMU), [example('step')]);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const info = await s.dc.dataBreakpointInfoRequest({ name: 'counter', bytes: 4 });
    assert.ok(info.body.dataId);
    assert.ok(info.body.accessTypes!.includes('write'));
    const set = await s.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.ok(set.body.breakpoints[0].verified);
    for (let n = 1; n <= 2; n++) {
      const hit = s.dc.waitForEvent('stopped');
      await s.dc.continueRequest({ threadId: 1 });
      const ev = await hit;
      assert.equal(ev.body.reason, 'data breakpoint');
      assert.deepEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
      assert.match(ev.body.description!, /write of 4 bytes/);
      assert.equal(Number((await registers(s)).get('pc')), afterStore);
      assert.equal((await s.dc.evaluateRequest({ expression: '*(int*)&counter' })).body.result, String(n));
    }
    await s.dc.setDataBreakpointsRequest({ breakpoints: [] });
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
  });

  it('read watches stop after the load', async function () {
    const { afterLoad } = counterAccesses(this);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const info = await s.dc.dataBreakpointInfoRequest({ name: '&counter', bytes: 4 });
    await s.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
    const hit = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    assert.match((await hit).body.description!, /read of 4 bytes/);
    assert.equal(Number((await registers(s)).get('pc')), afterLoad);
  });

  it("the views' data breakpoints (tbscope/setDataBreakpoints) and VS Code's are separate lists: neither replaces the other", async function () {
    const { afterLoad, afterStore } = counterAccesses(this);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step') }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const dataId = (await s.dc.dataBreakpointInfoRequest({ name: 'counter', bytes: 4 })).body.dataId!;
    // The views watch writes (Hot Pages' "Add Data Breakpoint on Page"); VS Code then sets its own read watch.
    const views = (await s.dc.customRequest('tbscope/setDataBreakpoints', { breakpoints: [{ dataId, accessType: 'write' }] })).body.breakpoints;
    const client = (await s.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId, accessType: 'read' }] })).body.breakpoints;
    const next = async (): Promise<{ pc: number; ids: number[] }> => {
      const hit = s.dc.waitForEvent('stopped');
      await s.dc.continueRequest({ threadId: 1 });
      const ev = await hit;
      return { pc: Number((await registers(s)).get('pc')), ids: ev.body.hitBreakpointIds ?? [] };
    };
    // add() loads counter, then stores it: both watches hit, in that order.
    assert.deepEqual(await next(), { pc: afterLoad, ids: [client[0].id] });
    assert.deepEqual(await next(), { pc: afterStore, ids: [views[0].id] });
    // VS Code clearing its list leaves the views' watch.
    await s.dc.setDataBreakpointsRequest({ breakpoints: [] });
    assert.deepEqual(await next(), { pc: afterStore, ids: [views[0].id] });
    await assert.rejects(s.dc.customRequest('tbscope/setDataBreakpoints', {}), /needs a breakpoints array/);
  });
});

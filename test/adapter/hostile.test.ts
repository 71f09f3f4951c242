// The debug adapter against hostile clients, each defect found by fuzzing kept as a named case:
// malformed frames are reported and the session resynchronises; arguments that do not fit the
// request's declared types get an error naming what is wrong; after the guest has exited,
// requests that would run or change it fail; data breakpoints, hit conditions and launch
// attributes are validated; disassemble's work is bounded by its count.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_PATH, schemaText } from '../../adapter/gen-dap-schema';
import { REPO_ROOT } from '../support/oracles';
import { example } from './helpers';
import { loopProgram } from './programs';
import { RawClient } from './raw-client';

const INIT = { adapterID: 'tbscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true };

/** initialize + launch (+ configurationDone) over a raw client; resolves with the launch response. */
async function launchRaw(c: RawClient, args: Record<string, unknown>) {
  await c.request('initialize', INIT);
  const launched = c.request('launch', { deterministic: true, ...args });
  await c.request('configurationDone');
  return launched;
}

describe('adapter: hostile clients', function () {
  this.timeout(60_000);
  let c: RawClient;
  afterEach(() => c?.close());

  it('malformed frames (invalid JSON, a null body, Content-Length: abc, garbage) are reported; the session goes on', async () => {
    c = await RawClient.tcp();
    c.frame('{"seq":1,"type":"request",');
    c.frame('null');
    c.raw('Content-Length: abc\r\n\r\n{"seq":2,"type":"request","command":"threads"}');
    c.raw('garbage without a header ');
    const r = await c.request('initialize', INIT);
    assert.equal(r.success, true);
    const out = c.output();
    assert.match(out, /invalid JSON/);
    assert.match(out, /must be a JSON object, got null/);
    assert.match(out, /bad DAP header 'Content-Length: abc'/);
    assert.match(out, /skipped \d+ bytes before a DAP header/);
  });

  it('the standalone adapter (stdio) survives invalid JSON instead of exiting', async () => {
    c = RawClient.stdio();
    let exited = false;
    c.child!.on('exit', () => { exited = true; });
    c.frame('{ not json');
    c.frame('null');
    const r = await c.request('initialize', INIT, undefined, 30_000);
    assert.equal(r.success, true);
    await new Promise((res) => setTimeout(res, 500)); // the base class exited 100 ms after bad JSON
    assert.equal(exited, false);
    assert.equal((await c.request('threads')).success, true);
  });

  it('arguments that do not fit the request name what is wrong (no TypeError texts)', async () => {
    c = await RawClient.tcp();
    await launchRaw(c, { program: example('tiny'), stopOnEntry: true });
    await c.event('stopped');
    const cases: [string, string | undefined, RegExp][] = [
      ['setBreakpoints', '{}', /setBreakpoints: 'source' is required/],
      ['evaluate', '{}', /evaluate: 'expression' is required/],
      ['evaluate', '[]', /evaluate: the arguments must be an object/],
      ['stackTrace', '{"threadId":"one"}', /'threadId' must be a number, got "one"/],
      ['scopes', '{"frameId":1e400}', /'frameId' must be an integer below 2\^53/],
      ['setDataBreakpoints', '{"breakpoints":[{"dataId":"0x1000/4","accessType":"bogus"}]}', /'breakpoints\[0\]\.accessType' must be one of 'read', 'write', 'readWrite', got "bogus"/],
      ['readMemory', `{"memoryReference":"0x10000","offset":${2 ** 60},"count":4}`, /'offset' must be an integer below 2\^53/],
      ['writeMemory', '{"memoryReference":"0x10000","data":"not base64!"}', /not valid base64/],
      ['disassemble', '{"memoryReference":"0x10000","instructionCount":4,"instructionOffset":1000000000}', /over the limit/],
      ['next', '{}', /next: 'threadId' is required/],
      ['setFunctionBreakpoints', '{"breakpoints":[{}]}', /'breakpoints\[0\]\.name' is required/],
    ];
    for (const [command, args, want] of cases) {
      const r = await c.request(command, undefined, args);
      assert.equal(r.success, false, `${command} ${args} succeeded`);
      assert.match(r.message ?? '', want, `${command} ${args}`);
      assert.doesNotMatch(r.message ?? '', /Cannot read properties|is not a function|cannot be converted/);
    }
    const frames = (await c.request('stackTrace', { threadId: 1 })).body!.stackFrames as { id: number }[];
    const scopes = (await c.request('scopes', { frameId: frames[0].id })).body!.scopes as { name: string; variablesReference: number }[];
    const regs = scopes.find((x) => x.name === 'Registers')!.variablesReference;
    const huge = await c.request('setVariable', { variablesReference: regs, name: 'a0', value: '1e400' });
    assert.equal(huge.success, false);
    assert.match(huge.message ?? '', /Infinity is not a finite number/);
    const far = await c.request('readMemory', { memoryReference: '0x10000', offset: 1e15, count: 4 });
    assert.equal(far.body!.unreadableBytes, 4, 'unmapped memory is unreadable, not an error');
    // Still alive and answering.
    assert.equal((await c.request('threads')).success, true);
  });

  it('disassemble with instructionOffset -1e9 answers its count of padding at once', async () => {
    c = await RawClient.tcp();
    await launchRaw(c, { program: example('tiny'), stopOnEntry: true });
    await c.event('stopped');
    const r = await c.request('disassemble', { memoryReference: '0x10078', instructionOffset: -1e9, instructionCount: 5 }, undefined, 5000);
    assert.equal(r.success, true, r.message);
    assert.equal((r.body!.instructions as unknown[]).length, 5);
  });

  it('readMemory with count >= 2^31 answers what it can read, not empty data', async () => {
    c = await RawClient.tcp();
    await launchRaw(c, { program: example('tiny'), stopOnEntry: true });
    await c.event('stopped');
    const stack = await c.request('stackTrace', { threadId: 1 });
    const pc = (stack.body!.stackFrames as { instructionPointerReference: string }[])[0].instructionPointerReference;
    const r = await c.request('readMemory', { memoryReference: pc, count: 2 ** 31 });
    assert.equal(r.success, true, r.message);
    assert.ok((r.body!.data as string).length > 0, 'some bytes');
  });

  it('breakpoints and data breakpoints that can never work are unverified with the reason', async () => {
    c = await RawClient.tcp();
    await launchRaw(c, { program: example('tiny'), stopOnEntry: true });
    await c.event('stopped');
    const fn = await c.request('setFunctionBreakpoints', { breakpoints: [{ name: '_start', hitCondition: '%0' }, { name: '_start', hitCondition: '==abc' }, { name: '_start', hitCondition: '1e400' }, { name: '_start', hitCondition: '2' }] });
    const fbs = fn.body!.breakpoints as { verified: boolean; message?: string }[];
    assert.deepEqual(fbs.map((b) => b.verified), [false, false, false, true]);
    assert.match(fbs[0].message!, /can never be met/);
    assert.match(fbs[1].message!, /not understood/);
    const data = await c.request('setDataBreakpoints', { breakpoints: [{ dataId: '0xffffffffffffffff/4' }, { dataId: '0x10000/0' }, { dataId: '0x10000/-1' }, { dataId: '0x10000/4', hitCondition: '==abc' }, { dataId: '0x10000/4' }] });
    const dbs = data.body!.breakpoints as { verified: boolean; message?: string }[];
    assert.deepEqual(dbs.map((b) => b.verified), [false, false, false, false, true]);
    assert.match(dbs[0].message!, /outside the guest's address space/);
    assert.doesNotMatch(JSON.stringify(dbs), /0x10000000000000000/);
    assert.match(dbs[1].message!, /1 to \d+ bytes, not 0/);
    assert.match(dbs[2].message!, /bad dataId/);
    const info = await c.request('dataBreakpointInfo', { name: '0x10000', asAddress: true, bytes: 0 });
    assert.equal(info.body!.dataId, null);
  });

  it('launch attributes of the wrong type and a missing cwd fail the launch (docs/launch.md)', async () => {
    for (const bad of [{ stopOnEntry: 'yes' }, { sourceFileMap: 'x' }, { cwd: '/nonexistent/folder' }, { deterministic: 1 }]) {
      c = await RawClient.tcp();
      await c.request('initialize', INIT);
      const r = await c.request('launch', { program: example('tiny'), ...bad });
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.match(r.message ?? '', new RegExp(Object.keys(bad)[0]));
      c.close();
    }
  });

  it('a program that is not a regular file (/dev/zero) fails the launch with one line, at once', async () => {
    c = await RawClient.tcp();
    await c.request('initialize', INIT);
    const r = await c.request('launch', { program: '/dev/zero' }, undefined, 10_000);
    assert.equal(r.success, false);
    assert.match(r.message ?? '', /'\/dev\/zero' is not a regular file \(a character device\)/);
  });

  it('launch while a guest runs is refused; the running guest is not orphaned', async () => {
    c = await RawClient.tcp();
    const first = await launchRaw(c, { program: loopProgram(), deterministic: false });
    assert.equal(first.success, true);
    const second = await c.request('launch', { program: example('tiny') });
    assert.equal(second.success, false);
    assert.match(second.message ?? '', /already running/);
    await c.request('terminate');
  });

  it('after the guest has exited, requests that would run or change it fail', async () => {
    c = await RawClient.tcp();
    await launchRaw(c, { program: example('tiny') });
    await c.event('exited');
    for (const [command, args] of [['next', { threadId: 1 }], ['stepIn', { threadId: 1 }], ['continue', { threadId: 1 }], ['pause', { threadId: 1 }],
      ['setVariable', { variablesReference: 1, name: 'a0', value: '1' }], ['writeMemory', { memoryReference: '0x10078', data: 'AAAA' }]] as const) {
      const r = await c.request(command, args);
      assert.equal(r.success, false, `${command} succeeded after exit`);
      assert.match(r.message ?? '', /has exited/, command);
    }
  });
});

describe('adapter: the DAP argument schema', () => {
  it('adapter/dap-schema.ts is what adapter/gen-dap-schema.ts generates from @vscode/debugprotocol', () => {
    assert.equal(readFileSync(join(REPO_ROOT, SCHEMA_PATH), 'utf8'), schemaText(), 'run: node --import tsx adapter/gen-dap-schema.ts');
  });
});

// The adapter stays up whatever it is sent: malformed requests get error responses and the
// session answers the next request; a plugin whose callback throws is unloaded with a message
// while the guest runs on to the output qemu-riscv64 gives; requests on a running guest that
// need it stopped are refused, not answered with stale data. Also runs the stdio entry point.

import { strict as assert } from 'node:assert';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startServer } from '../../adapter/server';
import { QEMU, REPO_ROOT, requireTool, run } from '../support/oracles';
import { example, exitCode, failure, launch, openSession, registers, request, type Session } from './helpers';
import { loopProgram, scratchDir } from './programs';

describe('adapter: malformed requests, failing plugins, stdio entry', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('answers malformed requests with errors and keeps the session alive', async () => {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('tiny'), stopOnEntry: true });
    await stopped;
    assert.match(await failure(s.dc.variablesRequest({ variablesReference: 987654 })), /unknown variablesReference/);
    assert.match(await failure(request(s, 'readMemory', { memoryReference: 'not-an-address', count: 4 })), /bad memoryReference/);
    assert.match(await failure(request(s, 'writeMemory', { memoryReference: '0x8', data: 'AAAA' })), /not mapped/);
    assert.match(await failure(s.dc.disassembleRequest({ memoryReference: 'zzz', instructionCount: 3 })), /bad memoryReference/);
    assert.match(await failure(s.dc.scopesRequest({ frameId: 4242 })), /unknown frameId/);
    assert.match(await failure(s.dc.evaluateRequest({ expression: '1 +' })), /end of expression/);
    assert.match(await failure(s.dc.evaluateRequest({ expression: 'nosuchname' })), /no register, variable or symbol/);
    assert.match(await failure(request(s, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: 'bogus' }] }).then((b) => {
      const bp = (b as { breakpoints: { verified: boolean; message: string }[] }).breakpoints[0];
      if (!bp.verified) throw new Error(bp.message);
    })), /bad memoryReference/);
    assert.match(await failure(request(s, 'tbscope/nosuch', {})), /unknown request/);
    assert.match(await failure(s.dc.exceptionInfoRequest({ threadId: 1 })), /did not stop for an exception/);
    // Still alive and correct.
    assert.ok((await registers(s)).get('pc'));
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, 0);
  });

  it('refuses requests that need a stopped guest while it runs', async () => {
    await launch(s, { program: loopProgram(), deterministic: false });
    await new Promise((r) => setTimeout(r, 100));
    assert.match(await failure(s.dc.stackTraceRequest({ threadId: 1 })), /running/);
    assert.match(await failure(request(s, 'tbscope/plugins', { action: 'unload', name: 'hotpages' })), /pause/);
    await s.dc.terminateRequest();
  });

  it('unloads a plugin whose callback throws, reports it, and the guest runs on', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('tiny')]);
    const dir = scratchDir();
    const plugin = join(dir, 'thrower.js');
    writeFileSync(plugin, `module.exports = { apiVersion: 7, install(api) {
      api.registerVcpuTbTransCb(api.id, (_id, tb) => api.registerVcpuTbExecCb(tb, () => { throw new Error('boom from a plugin'); }, 0));
    } };\n`);
    const code = exitCode(s);
    await launch(s, { program: example('tiny'), plugins: [plugin] });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
    assert.match(s.output.important ?? '', /plugin .*thrower\.js: tb_exec callback threw: boom from a plugin \(plugin unloaded\)/);
  });

  it('the TCP server listens on 127.0.0.1 only', async () => {
    const server = await startServer(0);
    try {
      assert.equal((server.address() as AddressInfo).address, '127.0.0.1');
    } finally {
      server.close();
    }
  });

  it('the stdio entry point (adapter/main.ts) speaks DAP', async function () {
    this.timeout(60000);
    const dc = new DebugClient(process.execPath, join(REPO_ROOT, 'adapter', 'main.ts'), 'tbscope', { env: { ...process.env, NODE_OPTIONS: '--import tsx' }, cwd: REPO_ROOT });
    dc.defaultTimeout = 30000;
    await dc.start();
    try {
      const exited = dc.waitForEvent('exited');
      await Promise.all([dc.configurationSequence(), dc.launch({ program: example('exitcode'), args: ['3'] })]);
      assert.equal((await exited).body.exitCode, 3);
    } finally {
      await dc.stop();
    }
  });
});

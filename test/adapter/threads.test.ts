// Guest threads in the debugger: a breakpoint in a worker thread stops every thread (all-stop)
// and the stopped event names the worker; `threads` lists the guest threads by tid with the
// names they gave themselves (PR_SET_NAME); each thread's stack is its own (the worker in work(),
// the main thread waiting in pthread_join below main()); thread events come as threads start
// and end; continue runs to the exit.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/oracles';
import { exitCode, launch, openSession, registers, type Session } from './helpers';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
const SOURCE = join(FIXTURES, 'threads', 'worker.c');
const PROGRAM = join(FIXTURES, 'threads', 'bin', 'worker');
const line = readFileSync(SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('// BP:worker')) + 1;

describe('adapter: guest threads', function () {
  this.timeout(60_000);
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('a breakpoint in a worker stops all threads; threads, per-thread stacks and registers; continue to the exit', async () => {
    const threadEvents: DebugProtocol.ThreadEvent[] = [];
    s.dc.on('thread', (e: DebugProtocol.ThreadEvent) => threadEvents.push(e));
    const stopped = s.dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(s, { program: PROGRAM, sourceFileMap: { '.': FIXTURES } },
      () => s.dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line }] }));
    const stop = (await stopped).body;
    assert.equal(stop.reason, 'breakpoint');
    assert.equal(stop.allThreadsStopped, true);

    const threads = (await s.dc.threadsRequest()).body.threads;
    assert.ok(threads.length >= 2, JSON.stringify(threads));
    const main = threads[0], worker = threads.find((t) => t.id === stop.threadId);
    assert.ok(worker && worker.id !== main.id, `the stop names a worker thread: ${JSON.stringify({ stop, threads })}`);
    assert.match(worker.name, /^worker-[01] \(\d+\)$/, 'named by PR_SET_NAME, with its tid');
    assert.match(main.name, /^worker \(\d+\)$/, 'the main thread keeps the program name');
    assert.deepEqual(threadEvents.filter((e) => e.body.reason === 'started').map((e) => e.body.threadId), threads.slice(1).map((t) => t.id));

    const workerFrames = (await s.dc.stackTraceRequest({ threadId: worker.id })).body.stackFrames;
    assert.equal(workerFrames[0].name, 'work');
    assert.equal(workerFrames[0].line, line);
    const mainFrames = (await s.dc.stackTraceRequest({ threadId: main.id })).body.stackFrames;
    assert.notEqual(mainFrames[0].name, 'work');
    assert.ok(mainFrames.some((f) => f.name === 'main'), mainFrames.map((f) => f.name).join(' < '));
    assert.ok(!workerFrames.some((f) => f.name === 'main'), 'a thread stack starts at its start routine');
    // Each thread has its own registers: the stack pointers are in different stacks.
    const spWorker = (await registers(s, workerFrames[0].id)).get('sp'), spMain = (await registers(s, mainFrames[0].id)).get('sp');
    assert.ok(spWorker && spMain && spWorker !== spMain, `${spWorker} ${spMain}`);
    // The worker's frame ids still answer after the main thread's were asked for.
    const scopes = (await s.dc.scopesRequest({ frameId: workerFrames[0].id })).body.scopes;
    const locals = scopes.find((x) => x.name === 'Locals')!;
    const names = (await s.dc.variablesRequest({ variablesReference: locals.variablesReference })).body.variables.map((v) => v.name);
    assert.ok(names.includes('i') && names.includes('id'), names.join(','));

    await s.dc.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: worker.id });
    assert.equal(await code, 0);
    assert.ok(threadEvents.some((e) => e.body.reason === 'exited'), 'thread exited events');
    assert.match(s.output.stdout ?? '', /^sum \d+\n$/);
  });
});

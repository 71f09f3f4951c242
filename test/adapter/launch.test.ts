// Launch, run control and program I/O through the real adapter (DebugClient): output and exit
// codes against qemu-riscv64, stop on entry at the ELF entry point objdump reports, bad
// configurations answered with clear errors, pause served within 100 ms in a tight loop,
// terminate, restart, and plugin output in its own Debug Console category.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { OBJDUMP, QEMU, SYSROOT, hasSysroot, requireTool, run, skipBecause } from '../support/oracles';
import { example, exitCode, failure, launch, openSession, registers, type Session } from './helpers';
import { loopProgram } from './programs';

describe('adapter: launch and run control', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('runs a program to its end: stdout and exit code as qemu-riscv64 gives them', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('tiny')]);
    const code = exitCode(s);
    const terminated = s.dc.waitForEvent('terminated');
    await launch(s, { program: example('tiny') });
    assert.equal(await code, want.status);
    await terminated;
    assert.equal(s.output.stdout, want.stdout);
  });

  it('passes args, reports the exit status and keeps stderr apart from stdout', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('exitcode'), '7']);
    const code = exitCode(s);
    await launch(s, { program: example('exitcode'), args: ['7'] });
    assert.equal(await code, want.status);
    assert.equal(s.output.stderr, want.stderr);
    assert.equal(s.output.stdout, undefined);
  });

  it('passes env changes to the guest', async () => {
    const code = exitCode(s);
    await launch(s, { program: example('printenv'), args: ['x'], env: { TBSCOPE_TEST: 'yes' } });
    assert.equal(await code, 0);
    assert.match(s.output.stdout, /^argv\[1\]=x$/m);
    assert.match(s.output.stdout, /^env TBSCOPE_TEST=yes$/m);
  });

  it('stops on entry at the ELF entry point and answers threads', async function () {
    const objdump = requireTool(this, OBJDUMP);
    const entry = Number(/start address (0x[0-9a-f]+)/.exec(run(objdump, ['-f', example('tiny')]).stdout)![1]);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('tiny'), stopOnEntry: true });
    const stop = (await stopped).body;
    assert.equal(stop.reason, 'entry');
    const threads = await s.dc.threadsRequest();
    // One guest thread, its id the tid: the (deterministic) pid for the main thread.
    assert.deepEqual(threads.body.threads.map((t) => t.id), [1000]);
    assert.equal(stop.threadId, 1000);
    const regs = await registers(s);
    assert.equal(Number(regs.get('pc')), entry);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, 0);
  });

  for (const [what, args, pattern] of [
    ['a missing program', {}, /'program'.*missing/],
    ['a program that does not exist', { program: '/nonexistent/prog' }, /cannot launch .*nonexistent.*(No such file|Could not open)/],
    ['a file that is not an ELF', { program: __filename }, /cannot launch .*ELF/i],
    ['an unknown plugin', { program: example('tiny'), plugins: ['nosuchplugin'] }, /nosuchplugin/],
    ['args that are not strings', { program: example('tiny'), args: [1] }, /'args'/],
  ] as const) {
    it(`fails the launch with a clear message for ${what}, and the session stays alive`, async () => {
      await s.dc.initializeRequest();
      const msg = await failure(s.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments));
      assert.match(msg, pattern);
      const threads = await s.dc.threadsRequest();
      assert.ok(threads.success);
    });
  }

  it('serves pause within 100 ms in a tight loop, continues, and terminates', async () => {
    const started = s.dc.waitForEvent('tbscope/update');
    await launch(s, { program: loopProgram(), deterministic: false });
    await started;
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const stopped = s.dc.waitForEvent('stopped');
    await s.dc.pauseRequest({ threadId: 1 });
    const ev = await stopped;
    const ms = performance.now() - t0;
    assert.equal(ev.body.reason, 'pause');
    assert.ok(ms < 100, `pause took ${ms.toFixed(1)} ms`);
    const a0 = BigInt((await registers(s)).get('a0')!);
    assert.ok(a0 > 1000n, `the loop ran (a0 = ${a0})`);
    await s.dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const terminated = s.dc.waitForEvent('terminated');
    await s.dc.terminateRequest();
    await terminated;
  });

  it('restarts: the guest starts over with breakpoints kept', async () => {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('tiny'), stopOnEntry: true });
    await stopped;
    const entryPc = (await registers(s)).get('pc');
    const stepped = s.dc.waitForEvent('stopped');
    await s.dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
    await stepped;
    assert.notEqual((await registers(s)).get('pc'), entryPc);
    const bp = await s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'loop' }] });
    for (let run = 0; run < 2; run++) {
      const again = s.dc.waitForEvent('stopped');
      await s.dc.customRequest('restart', {});
      assert.equal((await again).body.reason, 'entry');
      assert.equal((await registers(s)).get('pc'), entryPc);
      const hit = s.dc.waitForEvent('stopped');
      await s.dc.continueRequest({ threadId: 1 });
      const ev = await hit;
      assert.equal(ev.body.reason, 'function breakpoint');
      assert.deepEqual(ev.body.hitBreakpointIds, [bp.body.breakpoints[0].id]);
    }
  });

  it('runs a dynamically linked PIE with a sysroot: output as qemu-riscv64 -L, both modules listed, main found', async function () {
    const qemu = requireTool(this, QEMU);
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    const want = run(qemu, ['-L', SYSROOT, example('hello-dynamic')]);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('hello-dynamic'), sysroot: SYSROOT }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const top = (await s.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.equal(top.name, 'main');
    const mods = (await s.dc.customRequest('modules', {})).body.modules as { name: string; path: string }[];
    assert.ok(mods.length >= 2); // program, interpreter, then the libraries (modules.test.ts)
    assert.match(mods[1].path, /ld-linux-riscv64/);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
  });

  it('sends plugin output to the console category, not the program streams', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('tiny')]);
    const code = exitCode(s);
    await launch(s, { program: example('tiny'), plugins: ['bb'] });
    await code;
    assert.equal(s.output.stdout, want.stdout);
    assert.match(s.output.console ?? '', /^Total: bb's: \d+, insns: \d+$/m);
    assert.doesNotMatch(s.output.stdout, /insns/);
  });
});

// Guest signals and exception filters through the adapter: SIGSEGV with the fault address,
// SIGILL with the instruction, ebreak, break on syscalls (by name) and on exit — each stop with
// exceptionInfo, and the process ending afterwards the way qemu-riscv64 ends it.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { OBJDUMP, QEMU, requireTool, run } from '../support/oracles';
import { example, exitCode, launch, openSession, registers, type Session } from './helpers';
import { ebreakProgram, illegalProgram } from './programs';

describe('adapter: signals and exception filters', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('stops on SIGSEGV with the fault address, then dies like under qemu-riscv64', async function () {
    const qemu = requireTool(this, QEMU);
    const objdump = requireTool(this, OBJDUMP);
    const want = run(qemu, [example('segv')]);
    // The faulting store in main, as objdump shows it (segv.c stores to address 0x10).
    const dis = run(objdump, ['-d', '--no-show-raw-insn', example('segv')]).stdout;
    const main = dis.slice(dis.indexOf('<main>:'));
    const store = /^\s*([0-9a-f]+):\s+s[bhwd]\s+\w+,\d+\(zero\)/m.exec(main.slice(0, main.indexOf('\n\n')))!;
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('segv') });
    const ev = await stopped;
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.text, 'SIGSEGV');
    assert.match(ev.body.description!, /fault address 0x10\b/);
    assert.equal(Number((await registers(s)).get('pc')), parseInt(store[1], 16));
    const info = await s.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'SIGSEGV');
    assert.equal(info.body.breakMode, 'always');
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
  });

  it('stops on SIGILL naming the instruction', async function () {
    const qemu = requireTool(this, QEMU);
    const prog = illegalProgram();
    const want = run(qemu, [prog]);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: prog });
    const ev = await stopped;
    assert.equal(ev.body.text, 'SIGILL');
    assert.match(ev.body.description!, /instruction 0x0\b/);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
  });

  it('stops at ebreak and continues past it', async () => {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: ebreakProgram() });
    const ev = await stopped;
    assert.equal(ev.body.reason, 'exception');
    assert.equal(ev.body.text, 'ebreak');
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, 5);
  });

  it('without the signals filter, a SIGSEGV ends the program at once', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('segv')]);
    const code = exitCode(s);
    await launch(s, { program: example('segv') }, () => s.dc.setExceptionBreakpointsRequest({ filters: [] }));
    assert.equal(await code, want.status);
  });

  it('breaks on the write syscall (by name) every time, and on exit', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('tiny')]);
    const writes = want.stdout.split('\n').filter(Boolean).length;
    const stops: DebugProtocol.StoppedEvent[] = [];
    let resolveExit!: () => void;
    const exitStop = new Promise<void>((r) => { resolveExit = r; });
    s.dc.on('stopped', (e: DebugProtocol.StoppedEvent) => {
      stops.push(e);
      if (e.body.text === 'exit') resolveExit();
      else void s.dc.continueRequest({ threadId: 1 });
    });
    await launch(s, { program: example('tiny') }, () => s.dc.setExceptionBreakpointsRequest({
      filters: ['exit'], filterOptions: [{ filterId: 'syscall', condition: 'write' }],
    }));
    await exitStop;
    const sys = stops.filter((e) => e.body.text === 'syscall');
    assert.equal(sys.length, writes);
    for (const e of sys) assert.match(e.body.description!, /system call 64 \(write\)/);
    // Stopped before the exit: everything written, the exit status still to come.
    assert.equal(s.output.stdout, want.stdout);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
  });

  it('rejects an unknown syscall name in the filter condition', async () => {
    await s.dc.initializeRequest();
    await assert.rejects(s.dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'nosuchcall' }] }), /nosuchcall/);
  });
});

// Timers and waiting for signals against qemu-riscv64 (fixture linux-timers): alarm + pause,
// setitimer/getitimer (REAL with an interval, VIRTUAL, PROF) interrupting busy loops, POSIX
// timers (SIGEV_SIGNAL with a value, SIGEV_THREAD_ID, timer_gettime, timer_delete),
// rt_sigsuspend, rt_sigtimedwait, and SIGALRM's default action — same stdout and exit status,
// in deterministic mode (timers on instruction time, so also the same count on every run) and
// in real time. Plus the interruption of a sleep by a timer, and the shape of the syscalls' errors.

import { strict as assert } from 'node:assert';
import { fixture, runGuest, scratch, start, sys } from './helpers';
import { QEMU, requireTool, run } from '../support/oracles';
import { EINVAL } from '../../emulator/linux/errno';

describe('linux: timers and signal waits behave as under qemu-riscv64', function () {
  this.timeout(120000);

  it('linux-timers: same stdout and exit status, deterministic and real time', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-timers');
    const q = run(qemu, [path], { env: {} });
    assert.equal(q.status, 3, q.stderr);
    const det = runGuest(path, { env: [] });
    assert.equal(det.stdout, q.stdout);
    assert.equal(det.status, q.status);
    const real = runGuest(path, { env: [], deterministic: false });
    assert.equal(real.stdout, q.stdout);
    assert.equal(real.status, q.status);
  });

  it('deterministic: two runs retire the same instructions', () => {
    const path = fixture('linux-timers');
    const counts = [0, 1].map(() => { const { proc } = start(path, { env: [] }); proc.runToExit(); return proc.machine.cpu.instret; });
    assert.equal(counts[0], counts[1]);
  });

  it('linux-timers die: SIGALRM\'s default action ends the process with 128+14', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-timers');
    const q = run(qemu, [path, 'die'], { env: {} });
    const t = runGuest(path, { argv: [path, 'die'], env: [] });
    assert.equal(q.status, 142);
    assert.equal(t.status, q.status);
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.stderr, q.stderr, 'no report line: SIGALRM dumps no core');
  });

  it('setitimer validates which and the timeval; timer ids are QEMU\'s; a deleted timer is EINVAL', () => {
    const { proc } = start(fixture('linux-timers'), { env: [] });
    const buf = scratch(proc);
    proc.machine.mem.write(buf, new Uint8Array(32));
    assert.equal(sys(proc, 103, 3, buf, 0), -EINVAL, 'which 3');
    proc.machine.mem.writeU64(buf + 24, 1000000n);   // it_value.tv_usec = 10^6
    assert.equal(sys(proc, 103, 0, buf, 0), -EINVAL, 'usec out of range');
    assert.equal(sys(proc, 107, 1, 0, buf + 64), 0, 'timer_create without a sigevent');
    const id = proc.machine.mem.readU32(buf + 64);
    assert.equal(id, 0x0caf0000, 'TIMER_MAGIC | 0, as qemu-riscv64 numbers them');
    assert.equal(sys(proc, 111, id), 0);
    assert.equal(sys(proc, 111, id), -EINVAL);
    assert.equal(sys(proc, 107, 99, 0, buf + 64), -EINVAL, 'unknown clock');
  });
});

// Guest threads against qemu-riscv64: pthreads (mutexes, condition variables, barriers, TLS,
// detached threads, names, pthread_exit, pthread_cancel), C++ std::thread/std::async and OpenMP
// print what they print under QEMU and end with its status; a deadlock is reported instead of
// hanging; deterministic mode repeats a racy program exactly; bad clone flags get Linux's errno.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runGuest, scratch, start, sys } from './helpers';
import { QEMU, REPO_ROOT, requireTool, run } from '../support/oracles';

const THREADS = join(REPO_ROOT, 'test', 'fixtures', 'threads', 'bin');
const prog = (name: string): string => join(THREADS, name);

describe('linux: threads behave as under qemu-riscv64', function () {
  this.timeout(120_000);

  const expectations: [string, RegExp][] = [
    ['pthreads', /cancelled yes/],
    ['cxx', /condition_variable value 42/],
    ['openmp', /threads 3/],
    ['worker', /sum /],
  ];
  for (const [name, last] of expectations) {
    it(`${name}: same stdout and exit status`, function () {
      const qemu = requireTool(this, QEMU);
      const q = run(qemu, [prog(name)], { env: {} });
      const t = runGuest(prog(name), { env: [], deterministic: false });
      assert.equal(t.stdout, q.stdout);
      assert.equal(t.status, q.status);
      assert.match(t.stdout, last, 'the program ran to the end');
      assert.ok(t.proc.scheduler.switches > 0, 'threads took turns');
    });
  }

  it('deadlock: reported with every thread\'s wait and status 137, where qemu-riscv64 hangs', function () {
    const qemu = requireTool(this, QEMU);
    const q = spawnSync(qemu, [prog('deadlock')], { env: {}, timeout: 3000 });
    assert.equal((q.error as NodeJS.ErrnoException | undefined)?.code, 'ETIMEDOUT', 'qemu-riscv64 is still waiting when killed');
    const t = runGuest(prog('deadlock'), { env: [] });
    assert.equal(t.stdout, 'both hold one lock\n');
    assert.equal(t.status, 137);
    assert.match(t.stderr, /^tbscope: deadlock: every thread is blocked .*thread 1000 in futex_wait 0x[0-9a-f]+, thread 1001 in futex_wait 0x[0-9a-f]+\)\n$/);
  });

  it('deterministic mode: a racy program prints the same and retires the same instructions twice', () => {
    const a = runGuest(prog('race'), { env: [] }), b = runGuest(prog('race'), { env: [] });
    assert.match(a.stdout, /^counter \d+, odd seen \d+ \d+\n$/);
    assert.equal(b.stdout, a.stdout);
    assert.equal(b.instret, a.instret);
    assert.equal(b.proc.scheduler.switches, a.proc.scheduler.switches);
  });

  it('-d strace: clone and the threads\' syscalls carry the process id, as qemu-riscv64 prints them', () => {
    const t = runGuest(prog('worker'), { env: [], strace: true });
    const lines = t.log.map((l) => l.replace(/\n$/, ''));
    assert.ok(lines.length > 20);
    for (const l of lines) assert.match(l, /^1000 /, l);
    assert.ok(lines.some((l) => /^1000 clone\(.*\) = 1001$/.test(l)), 'clone returns the new tid');
    assert.ok(lines.some((l) => /^1000 exit\(0\)$/.test(l)), 'a worker ends with exit');
  });

  it('clone: flag combinations Linux refuses get its errno and a -d unimp line; fork-style clones ENOSYS', () => {
    const { proc, out } = start(prog('worker'), { unimp: true });
    const CLONE_VM = 0x100, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000, SIGCHLD = 17;
    assert.equal(sys(proc, 220, CLONE_VM | CLONE_THREAD), -22, 'CLONE_THREAD without CLONE_SIGHAND: EINVAL');
    assert.equal(sys(proc, 220, CLONE_SIGHAND), -22, 'CLONE_SIGHAND without CLONE_VM: EINVAL');
    assert.equal(sys(proc, 220, CLONE_VM | SIGCHLD), -22, 'CLONE_VM alone (vfork-like): EINVAL, as qemu-riscv64');
    assert.equal(sys(proc, 220, SIGCHLD), -38, 'fork: ENOSYS for now');
    assert.equal(out.log.filter((l) => l.startsWith('Unsupported clone flags')).length, 4, out.log.join(''));
    assert.equal(proc.kernel.tasks.size, 1, 'no thread was made');
  });

  it('futex: EAGAIN when the word differs, WAKE with no waiter, WAKE_OP updates the second word, CMP_REQUEUE checks', () => {
    const { proc } = start(prog('worker'));
    const a = scratch(proc);
    proc.machine.mem.writeU32(a, 5);
    proc.machine.mem.writeU32(a + 4, 1);
    assert.equal(sys(proc, 98, a, 0x80, 4), -11, 'FUTEX_WAIT_PRIVATE on a changed word');
    assert.equal(sys(proc, 98, a, 0x81, 1), 0, 'FUTEX_WAKE_PRIVATE: nobody waits');
    // FUTEX_OP(FUTEX_OP_ADD, 2, FUTEX_OP_CMP_EQ, 1): *a+4 += 2, then compare the old value with 1.
    assert.equal(sys(proc, 98, a, 0x85, 1, 1, a + 4, (1 << 28) | (0 << 24) | (2 << 12) | 1), 0);
    assert.equal(proc.machine.mem.readU32(a + 4), 3);
    assert.equal(sys(proc, 98, a, 0x84, 1, 1, a + 4, 6), -11, 'CMP_REQUEUE with a stale expected value');
    assert.equal(sys(proc, 98, a, 0x84, 1, 1, a + 4, 5), 0);
    assert.equal(sys(proc, 98, a, 0x86), -38, 'FUTEX_LOCK_PI: not implemented');
  });
});

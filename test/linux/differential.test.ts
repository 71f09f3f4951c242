// Whole programs under tbscope's Linux layer against qemu-riscv64: what the user sees (stdout,
// stderr, exit status) for the syscall exerciser and for every way of dying, plus the
// deterministic mode's promise that two runs are identical down to the instruction count.

import { strict as assert } from 'node:assert';
import { fixture, runGuest, withTempDirs } from './helpers';
import { QEMU, qemuRunCounts, requireTool, run } from '../support/oracles';

describe('linux: programs behave as under qemu-riscv64', () => {
  it('linux-syscalls: files, pipes, mmap, brk, clocks, signals, limits — same stdout, stderr, status', function () {
    const qemu = requireTool(this, QEMU);
    withTempDirs(2, (d1, d2) => {
      const path = fixture('linux-syscalls');
      const q = run(qemu, [path], { cwd: d1, env: {} });
      const t = runGuest(path, { cwd: d2, env: [], deterministic: false });
      assert.equal(t.stdout, q.stdout);
      assert.equal(t.stderr, q.stderr);
      assert.equal(t.status, q.status);
      assert.ok(t.stdout.includes('rmdir 0'), 'the program ran to the end');
    });
  });

  it('linux-sighandler: guest signal handlers (faults, raise, pending, sigaltstack) — same stdout', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-sighandler');
    const q = run(qemu, [path], { env: {} });
    const t = runGuest(path, { env: [] });
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.status, q.status);
    assert.match(t.stdout, /on altstack 1/);
  });

  const deaths: [string, number][] = [['segv', 11], ['abort', 6], ['ebreak', 5], ['ill', 4], ['kill', 15], ['pipe', 13], ['exit', 0], ['', 0]];
  for (const [how, signo] of deaths) {
    it(`linux-signals ${how || '(normal return)'}: exit status${signo ? ` 128+${signo}` : ''}`, function () {
      const qemu = requireTool(this, QEMU);
      const path = fixture('linux-signals');
      const q = run(qemu, how ? [path, how] : [path], { env: {} });
      const t = runGuest(path, { argv: how ? [path, how] : [path] });
      assert.equal(t.status, q.status);
      assert.equal(t.stdout, q.stdout);
      // QEMU reports core-dumping signals with one line (it dumps the core itself); others are silent.
      const core = [4, 5, 6, 11].includes(signo);
      const names: Record<number, string> = { 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 11: 'Segmentation fault' };
      assert.equal(t.stderr, core ? `tbscope: uncaught target signal ${signo} (${names[signo]}) - core dumped\n` : '');
      if (signo) assert.equal(t.end.signo, signo);
    });
  }
});

describe('linux: guest instruction counts equal qemu-riscv64\'s', () => {
  // Startup code (glibc's auxv walk, brk/TLS setup, stdio) runs exactly the same instructions
  // only if every syscall result and the stack layout match QEMU's. linux-syscalls is left out:
  // sched_getaffinity reports the host's CPU-mask size under QEMU, which changes glibc's memset.
  for (const [name, args] of [['linux-auxv', ['a', 'bc']], ['linux-signals', []]] as [string, string[]][]) {
    it(name, function () {
      const qemu = requireTool(this, QEMU);
      const path = fixture(name);
      const q = qemuRunCounts(qemu, [path, ...args], {});
      const t = runGuest(path, { argv: [path, ...args], env: [] });
      assert.equal(t.instret, q.insns);
    });
  }
});

describe('linux: deterministic mode', () => {
  it('two runs print the same and retire the same number of instructions', () => {
    const runs = [0, 1].map(() => withTempDirs(1, (d) =>
      runGuest(fixture('linux-syscalls'), { cwd: d, deterministic: true, argv: ['linux-syscalls'] })));
    assert.equal(runs[0].status, 0);
    assert.equal(runs[0].stdout, runs[1].stdout);
    assert.equal(runs[0].instret, runs[1].instret);
    assert.ok(runs[0].instret > 10000);
  });
});

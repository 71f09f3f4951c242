// `-d strace` output compared line by line with `qemu-riscv64 -strace` for the same program.
// Values that legitimately differ between two runs or two emulators (pids, addresses, clock
// readings) are masked on both sides before comparing. sched_getaffinity is not masked: run
// without --deterministic, tbscope returns the host's mask size as QEMU does.

import { strict as assert } from 'node:assert';
import { fixture, runGuest, withTempDirs } from './helpers';
import { QEMU, requireTool, run } from '../support/oracles';

/** Masks what may differ; keeps names, argument formats, flags, errno texts and small results. */
function normalize(lines: string[]): string[] {
  return lines.map((l) => l
    .replace(/^\d+ /, '')
    .replace(/^((?:getpid|gettid|getppid)\(\)|set_tid_address\(.*\)) = \d+$/, '$1 = <pid>')
    .replace(/^kill\(\d+,/, 'kill(<pid>,')
    .replace(/tv_sec = \d+,tv_nsec = \d+/, 'tv_sec = <t>,tv_nsec = <t>')
    .replace(/0x[0-9a-f]+/g, '0x<hex>')
    .replace(/\b\d{6,}\b/g, '<n>'));
}

describe('linux: -d strace matches qemu-riscv64 -strace', () => {
  it('every syscall line of linux-syscalls', function () {
    const qemu = requireTool(this, QEMU);
    withTempDirs(2, (d1, d2) => {
      const path = fixture('linux-syscalls');
      const q = run(qemu, ['-strace', path], { cwd: d1, env: {} });
      // QEMU prints "name(args)" before the call and " = ret" after it, so the guest's own
      // stderr output lands in the middle of that line; take it out to rejoin the line.
      const qLines = q.stderr.replace('to stderr\n', '').split('\n').filter((l) => l);
      const t = runGuest(path, { cwd: d2, env: [], strace: true, deterministic: false });
      assert.equal(t.status, 0);
      const tLines = t.log.flatMap((l) => l.split('\n')).filter((l) => l);
      assert.ok(qLines.length > 80, `qemu printed ${qLines.length} lines`);
      assert.deepEqual(normalize(tLines), normalize(qLines));
    });
  });

  it('a failing call prints QEMU\'s errno text, exit_group has no result', () => {
    withTempDirs(1, (d) => {
      const t = runGuest(fixture('linux-signals'), { argv: ['s', 'exit'], cwd: d, strace: true });
      assert.match(t.log.at(-1)!, /^1000 exit_group\(42\)$/);
      const s = runGuest(fixture('linux-syscalls'), { cwd: d, strace: true });
      assert.ok(s.log.some((l) => /^1000 close\(10\) = -1 errno=9 \(Bad file descriptor\)$/.test(l)));
      assert.ok(s.log.some((l) => /^1000 Unknown syscall 999$/.test(l)));
      assert.ok(s.log.some((l) => /^1000 brk\(NULL\) = 0x[0-9a-f]{16}$/.test(l)));
    });
  });
});

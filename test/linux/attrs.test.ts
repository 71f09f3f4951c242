// File metadata, readiness and copy syscalls (attrs.ts, poll.ts, sendfile/copy_file_range/
// close_range) and sched_getaffinity: the linux-attrs fixture against qemu-riscv64 (stdout and
// strace lines), plus the cases a whole program cannot show (endless waits, hosts without the
// optional HostFs calls, other kernels' CPU-mask sizes).

import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { affinityFrom, hostCpuAffinity, parseCpuList } from '../../emulator/node/cpus';
import { fixture, runGuest, scratch, start, sys, tempDir, writeCString } from './helpers';
import { QEMU, requireTool, run } from '../support/oracles';

const EINTR = 4, EINVAL = 22, ENOSYS = 38;
const NR = { truncate: 45, ppoll: 73, pselect6: 72, pipe2: 59, sched_getaffinity: 123, clock_gettime: 113 };

describe('linux: metadata, poll/select and copies match qemu-riscv64', () => {
  it('linux-attrs: same stdout, stderr and status', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-attrs');
    const q = run(qemu, [path], { env: {} });
    const t = runGuest(path, { env: [], deterministic: false });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.stderr, q.stderr);
    assert.equal(t.status, q.status);
  });

  it('linux-attrs: the new syscalls print like qemu-riscv64 -strace', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-attrs');
    const names = /^\d+ (truncate|ftruncate|fchmod|fchmodat|utimensat|statfs|fstatfs|symlinkat|linkat|sendfile|copy_file_range|close_range|getresuid)\(/;
    const mask = (l: string) => l.replace(/^\d+ /, '').replace(/0x[0-9a-f]+/g, '0x<hex>').replace(/\b\d{9,}\b/g, '<n>');
    const q = run(qemu, ['-strace', path], { env: {} }).stderr.split('\n').filter((l) => names.test(l)).map(mask);
    const t = runGuest(path, { env: [], strace: true, deterministic: false }).log.filter((l) => names.test(l)).map(mask);
    assert.ok(q.length >= 15, `qemu printed ${q.length} matching lines`);
    assert.deepEqual(t, q);
  });
});

describe('linux: poll and select never block', () => {
  it('nothing ready: a timeout advances the guest clock; an endless wait returns EINTR', () => {
    const { proc } = start(fixture('linux-auxv'));
    const mem = proc.machine.mem, buf = scratch(proc);
    assert.equal(sys(proc, NR.pipe2, buf, 0), 0);
    const rfd = mem.readU32(buf);
    mem.write(buf + 16, new Uint8Array(new Int32Array([rfd, 1]).buffer)); // {fd, POLLIN}
    const now = () => { sys(proc, NR.clock_gettime, 1, buf + 64); return mem.readU64(buf + 64) * 1_000_000_000n + mem.readU64(buf + 72); };
    const before = now();
    mem.writeU64(buf + 32, 2n); mem.writeU64(buf + 40, 0n); // 2 s
    assert.equal(sys(proc, NR.ppoll, buf + 16, 1, buf + 32, 0, 8), 0);
    assert.ok(now() - before >= 2_000_000_000n, 'the virtual clock moved by the timeout');
    assert.equal(mem.readU64(buf + 32), 0n, 'remaining time written back');
    assert.equal(sys(proc, NR.ppoll, buf + 16, 1, 0, 0, 8), -EINTR);
    mem.writeU64(buf + 48, 1n << BigInt(rfd)); // readfds
    assert.equal(sys(proc, NR.pselect6, rfd + 1, buf + 48, 0, 0, 0, 0), -EINTR);
    mem.writeU64(buf + 32, 0n); mem.writeU64(buf + 40, 1_000_000_000n);
    assert.equal(sys(proc, NR.ppoll, buf + 16, 1, buf + 32, 0, 8), -EINVAL, 'tv_nsec out of range');
  });
});

describe('linux: hosts without the optional HostFs calls', () => {
  it('truncate is ENOSYS when the host cannot truncate', () => {
    const d = tempDir();
    try {
      writeFileSync(join(d.path, 'f'), 'abc');
      const { proc } = start(fixture('linux-auxv'), { cwd: d.path });
      const fs = proc.kernel.host.fs;
      fs.truncate = undefined;
      const buf = scratch(proc);
      assert.equal(sys(proc, NR.truncate, writeCString(proc, buf, 'f'), 1), -ENOSYS);
      assert.equal(readFileSync(join(d.path, 'f'), 'latin1'), 'abc');
    } finally { d.cleanup(); }
  });
});

describe('linux: sched_getaffinity', () => {
  it('returns as many mask bytes as qemu-riscv64 does on this host', function () {
    const qemu = requireTool(this, QEMU);
    const affinity = hostCpuAffinity();
    if (!affinity) { console.log('      [skip] no Linux /sys here'); this.skip(); }
    const ret = (lines: string[]) => lines.map((l) => /sched_getaffinity\(.*\) = (-?\d+)/.exec(l)?.[1]).find((v) => v !== undefined);
    const d = tempDir();
    try {
      const q = run(qemu, ['-strace', fixture('linux-syscalls')], { env: {}, cwd: d.path });
      const t = runGuest(fixture('linux-syscalls'), { env: [], strace: true, deterministic: false, cwd: d.path });
      assert.ok(ret(q.stderr.split('\n')), 'qemu made the call');
      assert.equal(ret(t.log), ret(q.stderr.split('\n')));
    } finally { d.cleanup(); }
  });

  it('the kernel rule: NR_CPUS bits unless masks are off-stack, then the possible CPUs; never more than asked', () => {
    // Values as /sys and the config show them on three kinds of kernel.
    assert.deepEqual(affinityFrom(255, [0, 1], [0, 1], 'CONFIG_NR_CPUS=256\n'), { maskBytes: 32, cpus: [0, 1] });
    assert.equal(affinityFrom(8191, parseCpuList('0-7'), [0], 'CONFIG_CPUMASK_OFFSTACK=y\n').maskBytes, 8);
    assert.equal(affinityFrom(8191, parseCpuList('0-99'), [0], undefined).maskBytes, 16, 'no config: NR_CPUS > 512 means off-stack');
    assert.equal(affinityFrom(63, [0], [0], undefined).maskBytes, 8);
    assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);

    const { proc } = start(fixture('linux-auxv'), { deterministic: false });
    proc.kernel.host.cpuAffinity = () => ({ maskBytes: 32, cpus: [0, 9] });
    const buf = scratch(proc);
    assert.equal(sys(proc, NR.sched_getaffinity, 0, 128, buf), 32);
    assert.equal(sys(proc, NR.sched_getaffinity, 0, 16, buf), 16);
    assert.deepEqual([...proc.machine.mem.read(buf, 3)], [1, 2, 0]);
    assert.equal(sys(proc, NR.sched_getaffinity, 0, 12, buf), -EINVAL, 'not a multiple of 8');
    assert.equal(sys(proc, NR.sched_getaffinity, 0, 0, buf), -EINVAL);
  });

  it('deterministic runs see one CPU in an 8-byte mask whatever the host', () => {
    const { proc } = start(fixture('linux-auxv'));
    proc.kernel.host.cpuAffinity = () => ({ maskBytes: 32, cpus: [0, 1] });
    const buf = scratch(proc);
    assert.equal(sys(proc, NR.sched_getaffinity, 0, 128, buf), 8);
    assert.equal(proc.machine.mem.readU64(buf), 1n);
  });
});

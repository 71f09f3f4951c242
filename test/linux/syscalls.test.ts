// Individual syscalls issued on a loaded (not running) process: results, errno values (Linux
// uapi numbers), effects on guest memory and files, and the Machine invalidations that
// munmap/mprotect/MAP_FIXED/riscv_flush_icache must cause.

import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETERMINISTIC_EPOCH_NS } from '../../emulator/linux/kernel';
import { STACK_GUARD, STACK_SIZE, TASK_UNMAPPED_BASE } from '../../emulator/linux/layout';
import type { GuestProcess } from '../../emulator/linux/process';
import { fixture, scratch, start, sys, tempDir, writeCString } from './helpers';

const ENOENT = 2, EBADF = 9, ENOMEM = 12, EACCES = 13, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
  ERANGE = 34, ENOSYS = 38, ESRCH = 3;
const AT_FDCWD = -100, O_WRONLY = 1, O_CREAT = 0o100, O_EXCL = 0o200;
const PROT_RW = 3, MAP_PRIVATE = 2, MAP_ANON = 0x20, MAP_FIXED = 0x10, MAP_FIXED_NOREPLACE = 0x100000;

/** Records the ranges the kernel asks the Machine to invalidate. */
function spyInvalidate(proc: GuestProcess): [number, number][] {
  const calls: [number, number][] = [];
  const orig = proc.machine.invalidateRange.bind(proc.machine);
  proc.machine.invalidateRange = (a: number, l: number) => { calls.push([a, l]); orig(a, l); };
  return calls;
}

describe('linux syscalls', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => dir.cleanup());
  const load = (o: Parameters<typeof start>[1] = {}) => start(fixture('linux-auxv'), { cwd: dir.path, ...o });

  it('unknown syscalls return -ENOSYS and are reported under -d unimp in QEMU\'s words', () => {
    const a = load({ unimp: true });
    assert.equal(sys(a.proc, 999), -ENOSYS);
    assert.deepEqual(a.out.log, ['Unsupported syscall: 999']);
    const b = load();
    assert.equal(sys(b.proc, 999), -ENOSYS);
    assert.deepEqual(b.out.log, []);
  });

  it('brk grows and shrinks the heap page by page, and refuses to go below its start', () => {
    const { proc } = load();
    const base = sys(proc, 214, 0) as number;
    assert.equal(base, proc.kernel.brkStart);
    assert.equal(sys(proc, 214, base + 10000), base + 10000);
    assert.ok(proc.machine.mem.isMapped(base, 10000));
    proc.machine.mem.write(base + 9999, new Uint8Array([7]));
    assert.equal(sys(proc, 214, base + 100), base + 100);
    assert.ok(!proc.machine.mem.isMapped(base + 4096, 1), 'pages above the new break are gone');
    assert.equal(sys(proc, 214, base - 4096), base + 100);
  });

  it('mmap: anonymous memory at the mmap cursor above 2^38, zeroed; MAP_FIXED replaces; MAP_FIXED_NOREPLACE refuses', () => {
    const { proc } = load();
    const inval = spyInvalidate(proc);
    const a = sys(proc, 222, 0, 20000, PROT_RW, MAP_PRIVATE | MAP_ANON, -1, 0) as number;
    assert.ok(a > TASK_UNMAPPED_BASE && a % 4096 === 0);
    assert.ok(proc.machine.mem.read(a, 20480).every((b) => b === 0));
    proc.machine.mem.write(a, new Uint8Array([1, 2, 3]));
    assert.equal(sys(proc, 222, a, 4096, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
    assert.equal(sys(proc, 222, a, 4096, 1, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0), a);
    assert.equal(proc.machine.mem.read(a, 1)[0], 0, 'MAP_FIXED gives fresh zero pages');
    assert.deepEqual(inval.at(-1), [a, 4096]);
    assert.equal(sys(proc, 222, 0, 0, PROT_RW, MAP_PRIVATE | MAP_ANON, -1, 0), -EINVAL);
    assert.equal(sys(proc, 222, a + 1, 4096, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0), -EINVAL);
    assert.equal(sys(proc, 222, 0, 4096, PROT_RW, MAP_PRIVATE, 55, 0), -EBADF);
  });

  it('munmap and mprotect change the address space and invalidate translations', () => {
    const { proc } = load();
    const inval = spyInvalidate(proc);
    const a = sys(proc, 222, 0, 8192, 7, MAP_PRIVATE | MAP_ANON, -1, 0) as number;
    assert.equal(sys(proc, 226, a, 4096, 1), 0);
    assert.deepEqual(inval.at(-1), [a, 4096]);
    assert.equal(proc.machine.mem.regions().find((r) => r.start === a)!.prot, 1);
    assert.equal(sys(proc, 215, a, 8192), 0);
    assert.deepEqual(inval.at(-1), [a, 8192]);
    assert.ok(!proc.machine.mem.isMapped(a, 1));
    assert.equal(sys(proc, 226, a, 4096, 1), -ENOMEM, 'mprotect of unmapped memory');
    assert.equal(sys(proc, 215, a + 12, 4096), -EINVAL);
  });

  it('mremap moves contents when it cannot grow in place', () => {
    const { proc } = load();
    const a = sys(proc, 222, 0, 4096, PROT_RW, MAP_PRIVATE | MAP_ANON, -1, 0) as number;
    sys(proc, 222, a + 4096, 4096, PROT_RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0); // block growth in place
    proc.machine.mem.write(a, new Uint8Array([9, 8, 7]));
    assert.equal(sys(proc, 216, a, 4096, 8192, 0), -ENOMEM, 'no MREMAP_MAYMOVE');
    const b = sys(proc, 216, a, 4096, 8192, 1) as number;
    assert.notEqual(b, a);
    assert.deepEqual([...proc.machine.mem.read(b, 3)], [9, 8, 7]);
    assert.ok(!proc.machine.mem.isMapped(a, 1));
  });

  it('riscv_flush_icache invalidates the range (or flushes everything)', () => {
    const { proc } = load();
    const inval = spyInvalidate(proc);
    let flushed = 0;
    proc.machine.flush = () => { flushed++; };
    assert.equal(sys(proc, 259, 0x10000, 0x10100, 0), 0);
    assert.deepEqual(inval, [[0x10000, 0x100]]);
    assert.equal(sys(proc, 259, 0, 0, 0), 0);
    assert.equal(flushed, 1);
  });

  it('files: openat errors, O_EXCL, directories, dup3, close, pipe2', () => {
    const { proc } = load();
    const buf = scratch(proc);
    writeFileSync(join(dir.path, 'f'), 'hello');
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, 'missing'), 0, 0), -ENOENT);
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, 'f'), O_WRONLY | O_CREAT | O_EXCL, 0o644), -EEXIST);
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, '.'), O_WRONLY, 0), -EISDIR);
    const fd = sys(proc, 56, AT_FDCWD, writeCString(proc, buf, 'f'), 0, 0) as number;
    assert.equal(fd, 3);
    assert.equal(sys(proc, 63, fd, buf + 100, 64), 5);
    assert.equal(proc.machine.mem.readCString(buf + 100, 5), 'hello');
    assert.equal(sys(proc, 24, fd, fd, 0), -EINVAL, 'dup3 onto itself');
    assert.equal(sys(proc, 24, fd, 7, 0), 7);
    assert.equal(sys(proc, 57, fd), 0);
    assert.equal(sys(proc, 57, fd), -EBADF);
    assert.equal(sys(proc, 62, 7, 0, 0), 0, 'the dup keeps the file open');
    assert.equal(sys(proc, 59, buf + 200, 0), 0);
    const [r, w] = [proc.machine.mem.readU32(buf + 200), proc.machine.mem.readU32(buf + 204)];
    assert.equal(sys(proc, 64, w, buf + 100, 5), 5);
    assert.equal(sys(proc, 62, r, 0, 0), -29, 'lseek on a pipe is ESPIPE');
    assert.equal(sys(proc, 63, r, buf + 300, 10), 5);
  });

  it('paths: getcwd, chdir, readlinkat /proc/self/exe, faccessat', () => {
    const { proc } = load();
    const buf = scratch(proc);
    const n = sys(proc, 17, buf, 4096) as number;
    assert.equal(proc.machine.mem.readCString(buf), dir.path);
    assert.equal(n, dir.path.length + 1, 'getcwd returns the length with the NUL');
    assert.equal(sys(proc, 17, buf, 2), -ERANGE);
    writeFileSync(join(dir.path, 'file'), '');
    assert.equal(sys(proc, 49, writeCString(proc, buf, 'file')), -ENOTDIR);
    assert.equal(sys(proc, 49, writeCString(proc, buf, '/')), 0);
    assert.equal(proc.kernel.cwd, '/');
    const len = sys(proc, 78, AT_FDCWD, writeCString(proc, buf, '/proc/self/exe'), buf + 512, 256) as number;
    assert.equal(new TextDecoder().decode(proc.machine.mem.read(buf + 512, len)), fixture('linux-auxv'));
    assert.equal(sys(proc, 48, AT_FDCWD, writeCString(proc, buf, '/nonexistent-tbscope'), 0), -ENOENT);
  });

  it('/proc/self/maps, cmdline and auxv describe the guest, not the Node process', () => {
    const { proc } = load({ argv: ['prog', 'arg1'] });
    const buf = scratch(proc);
    const readAll = (path: string): string => {
      const fd = sys(proc, 56, AT_FDCWD, writeCString(proc, buf, path), 0, 0) as number;
      assert.ok(fd >= 3, `open ${path}: ${fd}`);
      const n = sys(proc, 63, fd, buf + 4096, 16384) as number;
      sys(proc, 57, fd);
      return new TextDecoder().decode(proc.machine.mem.read(buf + 4096, n));
    };
    const maps = readAll('/proc/self/maps');
    assert.match(maps, new RegExp(`^00010000-[0-9a-f]{8} r-xp 00000000 00:00 0 +${fixture('linux-auxv')}$`, 'm'));
    assert.match(maps, /^4000001000-4000801000 rw-p 00000000 00:00 0 +\[stack\]$/m);
    assert.equal(readAll('/proc/self/cmdline'), 'prog\0arg1\0');
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, '/proc/self/maps'), O_WRONLY, 0), -EACCES);
  });

  it('confineRoot: guest paths outside the folder are refused', () => {
    const { proc } = load({ host: { confineRoot: dir.path } });
    const buf = scratch(proc);
    writeFileSync(join(dir.path, 'in'), 'x');
    assert.ok((sys(proc, 56, AT_FDCWD, writeCString(proc, buf, 'in'), 0, 0) as number) >= 3);
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, '/etc/passwd'), 0, 0), -EACCES);
    assert.equal(sys(proc, 56, AT_FDCWD, writeCString(proc, buf, '../escape'), O_WRONLY | O_CREAT, 0o644), -EACCES);
  });

  it('deterministic clocks and random bytes repeat; the clock advances with instructions and sleeps', () => {
    const a = load(), b = load();
    const ba = scratch(a.proc), bb = scratch(b.proc);
    a.proc.machine.cpu.instret = 5000;
    assert.equal(sys(a.proc, 113, 0, ba), 0);
    const ns = (p: GuestProcess, at: number): bigint => p.machine.mem.readU64(at) * 1000000000n + p.machine.mem.readU64(at + 8);
    assert.equal(ns(a.proc, ba), DETERMINISTIC_EPOCH_NS + 5000n);
    writeFileSync(join(dir.path, 'x'), '');
    a.proc.machine.mem.write(ba + 64, new Uint8Array(16)); // timespec {0, 0} then set 1 ms
    a.proc.machine.mem.writeU64(ba + 72, 1000000n);
    assert.equal(sys(a.proc, 101, ba + 64, 0), 0);
    sys(a.proc, 113, 0, ba);
    assert.equal(ns(a.proc, ba), DETERMINISTIC_EPOCH_NS + 5000n + 1000000n, 'nanosleep advances virtual time');
    assert.equal(sys(a.proc, 278, ba + 128, 32, 0), 32);
    assert.equal(sys(b.proc, 278, bb + 128, 32, 0), 32);
    assert.deepEqual(a.proc.machine.mem.read(ba + 128, 32), b.proc.machine.mem.read(bb + 128, 32));
    assert.equal(sys(a.proc, 172), sys(b.proc, 172), 'fixed pid');
    assert.equal(sys(a.proc, 113, 99, ba), -EINVAL);
  });

  it('uname says Linux riscv64', () => {
    const { proc } = load();
    const buf = scratch(proc);
    assert.equal(sys(proc, 160, buf), 0);
    assert.equal(proc.machine.mem.readCString(buf), 'Linux');
    assert.equal(proc.machine.mem.readCString(buf + 4 * 65), 'riscv64');
  });

  it('exit_group, and signals sent to ourselves', () => {
    assert.deepEqual(sys(load().proc, 94, 0x1234), { kind: 'exit', code: 0x34 });
    const { proc } = load();
    const buf = scratch(proc);
    assert.equal(sys(proc, 129, 4242, 15), -ESRCH);
    // SIG_IGN for SIGTERM: the kill is a no-op; default action: death.
    proc.machine.mem.write(buf, new Uint8Array(24));
    proc.machine.mem.writeU64(buf, 1n);
    assert.equal(sys(proc, 134, 15, buf, 0, 8), 0);
    assert.equal(sys(proc, 129, proc.kernel.pid, 15), 0);
    const stop = sys(proc, 131, proc.kernel.pid, proc.kernel.pid, 6);
    assert.equal(typeof stop === 'object' && stop.kind === 'signal' && stop.signo, 6);
    assert.equal(sys(proc, 134, 9, buf, 0, 8), -EINVAL, 'SIGKILL cannot be caught');
  });

  it('the stack is 8 MiB at 2^38 above a guard page, as qemu-riscv64 maps it for a static program', () => {
    const { proc } = load();
    assert.ok(proc.machine.mem.isMapped(TASK_UNMAPPED_BASE + STACK_GUARD, STACK_SIZE));
    assert.equal(proc.machine.mem.regions().find((r) => r.start === TASK_UNMAPPED_BASE)?.prot, 0, 'guard page');
  });
});

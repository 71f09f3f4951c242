// The guest address space as qemu-riscv64 7.2 lays it out (emulator/linux/layout.ts): the
// linux-layout fixture prints where the stack, the program, ld.so, brk and a series of mmap,
// munmap, mremap, malloc and sbrk calls land, static and as a PIE, and the output must equal
// qemu-riscv64's. Why it matters: the corpus' Lua cases hash addresses, and test/corpus checks
// that they execute exactly as many instructions as under qemu-riscv64.

import { strict as assert } from 'node:assert';
import { fixture, runGuest } from './helpers';
import { hasSysroot, QEMU, requireTool, run, SYSROOT } from '../support/oracles';

describe('linux: address-space layout equal to qemu-riscv64\'s', () => {
  it('static program: stack at 2^38, brk after the bss, mmap/mremap/sbrk addresses', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-layout');
    const q = run(qemu, [path], { env: {} });
    const t = runGuest(path, { env: [] });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.match(t.stdout, /^sp 0x40008/m, 'the stack is where qemu-riscv64 puts it');
  });

  it('PIE: program, brk reserve, stack, ld.so and trampoline at the mmap cursor', function () {
    const qemu = requireTool(this, QEMU);
    if (!hasSysroot()) this.skip();
    const path = fixture('linux-layout-dynamic');
    const q = run(qemu, ['-L', SYSROOT, path], { env: {} });
    const t = runGuest(path, { env: [], sysroot: SYSROOT });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.match(t.stdout, /^main 0x4000000/m, 'the PIE is at 2^38');
  });
});

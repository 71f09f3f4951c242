// Guest memory (emulator/memory/memory.ts): permissions and GuestFault from the public API,
// faults as values from the generated code's slow path, misaligned and page-crossing accesses,
// addresses above 4 GiB, the fast-path tables and code-page marks, regions() and findFree().
// Expected values follow Linux semantics (mmap/mprotect/munmap, SIGSEGV address = first bad byte).

import { strict as assert } from 'node:assert';
import { Memory } from '../../emulator/memory/memory';
import { GuestFault, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/types';

const RW = PROT_READ | PROT_WRITE;

function faultOf(fn: () => unknown): GuestFault {
  try { fn(); } catch (e) { if (e instanceof GuestFault) return e; throw e; }
  assert.fail('expected a GuestFault');
}

describe('guest memory', () => {
  it('maps zero-filled pages; honours r/w permissions unless forced', () => {
    const m = new Memory();
    m.map(0x10000, 0x2000, PROT_READ);
    assert.deepEqual([...m.read(0x10ffe, 4)], [0, 0, 0, 0]);
    const f = faultOf(() => m.writeU32(0x10010, 1));
    assert.equal(f.addr, 0x10010);
    assert.equal(f.isWrite, true);
    m.write(0x10010, new Uint8Array([1, 2, 3, 4]), true);
    assert.equal(m.readU32(0x10010), 0x04030201);
    assert.equal(faultOf(() => m.read(0x11ffc, 8)).addr, 0x12000, 'first byte past the mapping');
    m.protect(0x10000, 0x1000, 0);
    assert.equal(faultOf(() => m.read(0x10010, 1)).addr, 0x10010);
    assert.equal(m.read(0x10010, 1, true)[0], 1, 'force ignores PROT bits');
  });

  it('misaligned scalars and bulk copies across a page boundary', () => {
    const m = new Memory();
    m.map(0x20000, 0x2000, RW);
    m.writeU64(0x20ffd, 0x0102030405060708n);
    assert.equal(m.readU64(0x20ffd), 0x0102030405060708n);
    assert.deepEqual([...m.read(0x20ffd, 8)], [8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(m.readU32(0x20fff), 0x03040506);
    m.write(0x20ff0, new TextEncoder().encode('hello, pages\0'));
    assert.equal(m.readCString(0x20ff0), 'hello, pages');
  });

  it('slow path for generated code: values, sizes and faults as values', () => {
    const m = new Memory();
    m.map(0x30000, 0x1000, RW);
    assert.equal(m.st(0x30ffe, 0, 8, 0x55667788, 0x11223344), 1, 'crosses into an unmapped page');
    assert.equal(m.faultAddr, 0x31000);
    assert.equal(m.read(0x30ffe, 2).join(), '0,0', 'a faulting store writes nothing');
    assert.equal(m.st(0x30ff0, 0, 8, 0x55667788, 0x11223344), 0);
    assert.equal(m.ld(0x30ff0, 0, 8), 0x55667788);
    assert.equal(m.rhi, 0x11223344);
    assert.equal(m.flt, false);
    assert.equal(m.ld(0x30ff3, 0, 2), 0x4455, 'halfword zero-extended');
    assert.equal(m.ld(0x30ff4, 0, 4), 0x11223344);
    assert.equal(m.ld(0x30ff7, 0, 1), 0x11);
    m.ld(0x40000, 0, 4);
    assert.equal(m.flt, true);
    assert.equal(m.faultAddr, 0x40000);
    m.ld(0x30000, 1, 4);   // hi word set: 0x1_0003_0000, unmapped
    assert.equal(m.faultAddr, 0x100030000);
  });

  it('addresses above 4 GiB work through the slow path', () => {
    const m = new Memory();
    const hi = 0x3fffff0000;
    m.map(hi, 0x2000, RW);
    m.writeU64(hi + 0xffc, 0xdeadbeefcafef00dn);
    assert.equal(m.ld((hi + 0xffc) | 0, Math.floor((hi + 0xffc) / 2 ** 32), 8), 0xcafef00d | 0);
    assert.equal(m.rhi, 0xdeadbeef | 0);
    assert.equal(m.R[(hi / 4096) % (1 << 20)], null, 'no fast-path entry aliases a high page');
  });

  it('fast-path tables follow prot and code marks; writing code calls onCodeWrite once per page', () => {
    const m = new Memory();
    m.map(0x50000, 0x2000, RW | PROT_EXEC);
    assert.equal(m.R[0x50], null, 'a mapped page gets its bytes (and fast-path entries) at its first touch');
    assert.equal(m.ld(0x50000, 0, 4), 0);
    assert.ok(m.R[0x50] && m.W[0x50]);
    const hits: number[] = [];
    m.onCodeWrite = (pn) => { hits.push(pn); m.clearCode(pn); };
    m.markCode(0x50);
    assert.equal(m.W[0x50], null, 'stores to code pages leave the fast path');
    assert.ok(m.R[0x50]);
    assert.equal(m.st(0x50010, 0, 4, 1, 0), 2, 'the slow store reports it hit code');
    assert.deepEqual(hits, [0x50]);
    assert.ok(m.W[0x50], 'no code left: fast path again');
    m.markCode(0x51);
    m.unmap(0x51000, 0x1000);
    assert.deepEqual(hits, [0x50, 0x51], 'unmapping a code page invalidates it');
    m.markCode(0x50);
    m.protect(0x50000, 0x1000, RW);
    assert.deepEqual(hits, [0x50, 0x51, 0x50], 'losing exec invalidates');
    assert.equal(m.protect(0x50000, 0x2000, RW), false, 'partly unmapped range: ENOMEM');
  });

  it('the tables\' second window covers the 4 GiB from 2^38 (stack and mmaps) at index (lo >>> 12) | 2^20', () => {
    const m = new Memory();
    const base = 2 ** 38, window = 1 << 20;
    m.map(base + 0x5000, 0x1000, RW);
    m.map(base + 2 ** 32, 0x1000, RW);
    m.map(base - 0x1000, 0x1000, RW);
    // Pages are made at their first touch; the tables then hold the ones inside a window.
    for (const a of [base + 0x5000, base + 2 ** 32, base - 0x1000]) m.write(a, new Uint8Array([1]));
    assert.ok(m.R[window + 5] && m.W[window + 5]);
    m.W[window + 5]!.setInt32(8, 1234, true);
    assert.equal(m.ld(0x5008, 64, 4), 1234, 'the table holds the page itself');
    assert.equal(m.R.filter((v) => v !== null).length, 1, 'pages outside both windows are not in the tables');
    m.markCode(2 ** 26 + 5);
    assert.equal(m.W[window + 5], null, 'code pages leave the high window too');
    m.unmap(base + 0x5000, 0x1000);
    assert.equal(m.R[window + 5], null);
  });

  it('regions() merges runs of equal protection; findFree() finds the lowest gap at or above the hint', () => {
    const m = new Memory();
    m.map(0x10000, 0x3000, PROT_READ | PROT_EXEC);
    m.map(0x13000, 0x1000, RW);
    m.map(0x14000, 0x1000, RW);
    m.map(0x20000, 0x1000, RW);
    assert.deepEqual(m.regions(), [
      { start: 0x10000, end: 0x13000, prot: PROT_READ | PROT_EXEC },
      { start: 0x13000, end: 0x15000, prot: RW },
      { start: 0x20000, end: 0x21000, prot: RW },
    ]);
    assert.equal(m.findFree(0x1000, 0x10000), 0x15000);
    assert.equal(m.findFree(0xb000, 0x10000), 0x15000);
    assert.equal(m.findFree(0xc000, 0x10000), 0x21000);
    assert.equal(m.findFree(0x1000, 0x20000), 0x21000);
    assert.equal(m.findFree(0x1000, 0), 0x1000, 'page 0 is never handed out');
    assert.ok(m.isMapped(0x13000, 0x2000));
    assert.ok(!m.isMapped(0x14000, 0x2000));
    m.unmap(0x13000, 0x2000);
    assert.equal(m.findFree(0x1000, 0x10000), 0x13000);
  });
});

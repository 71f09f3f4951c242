// Guest limits against qemu-riscv64 (fixture test/fixtures/linux/limits.c): many single-page
// mmaps (once O(n²) in the page count), an anonymous mmap of 5 GiB and glibc malloc(2 GiB)
// (reserved, pages made on first touch), and a 16 GiB reservation in guest memory itself.

import { strict as assert } from 'node:assert';
import { fixture, runGuest } from './helpers';
import { QEMU, requireTool, run } from '../support/oracles';
import { Memory } from '../../emulator/memory/memory';
import { PROT_READ, PROT_WRITE } from '../../emulator/memory/types';

describe('linux: guest limits as under qemu-riscv64', () => {
  for (const argv of [['mmaps', '20000'], ['malloc2g'], ['mmap5g']]) {
    it(`limits ${argv.join(' ')}: same output and status`, function () {
      this.timeout(60_000);
      const qemu = requireTool(this, QEMU);
      const path = fixture('linux-limits');
      const q = run(qemu, [path, ...argv], { env: {} });
      const t = runGuest(path, { argv: [path, ...argv], env: [] });
      assert.equal(t.stdout, q.stdout);
      assert.equal(t.status, q.status);
      assert.match(t.stdout, /mmaps, sum|bytes: ok/);
    });
  }

  it('a mapping only reserves: 16 GiB mapped, two pages touched, 100k single-page maps merged', function () {
    this.timeout(20_000);
    const m = new Memory();
    m.map(0x100000000, 16 * 2 ** 30, PROT_READ | PROT_WRITE);
    m.writeU32(0x100000000 + 16 * 2 ** 30 - 4, 7);
    assert.equal(m.readU32(0x100000000 + 16 * 2 ** 30 - 4), 7);
    assert.equal(m.readU32(0x100000000 + 8 * 2 ** 30), 0);
    // Before areas, each findFree scanned every page: 100k of these took minutes.
    for (let i = 0; i < 100_000; i++) m.map(m.findFree(4096, 0x10000), 4096, PROT_READ | PROT_WRITE);
    assert.equal(m.regions().length, 2);
    m.unmap(0x10000 + 4096 * 10, 4096);
    assert.equal(m.regions().length, 3);
    assert.equal(m.findFree(4096, 0x10000), 0x10000 + 4096 * 10);
  });
});

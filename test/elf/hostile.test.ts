// Hostile ELF files against the loader, each defect found by fuzzing kept as a named case: what
// tbscope does is what qemu-riscv64 does (runs the program, SIGSEGV, or one error line), never
// an internal error, a hang or unbounded memory. Then a seeded mutation fuzzer over program and
// segment headers (test/support/fuzz.ts: TBSCOPE_FUZZ=n for a longer run).

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeBuffer, writeElf } from '../support/elf-writer';
import { QEMU, REPO_ROOT, requireTool, run, runTbscope } from '../support/oracles';
import { fuzzCases, FUZZ_SEED, Rng } from '../support/fuzz';
import { start } from '../linux/helpers';
import { ElfError } from '../../emulator/elf/elf';
import { LoadError } from '../../emulator/linux/loader';

const EHDR = 64, PHDR = 56, DATA_PH = EHDR + PHDR;
const DATA_ADDR = 0x4000000;

/** A program that exits with the byte at DATA_ADDR + 0x1000 (42, in the second page of its data). */
function program(): Uint8Array {
  const code = new CodeBuffer()
    .word(0x04001537)                 // lui a0, 0x4001
    .word(0x00054503)                 // lbu a0, 0(a0)
    .word(0x05d00893)                 // li a7, 93 (exit)
    .word(0x00000073)                 // ecall
    .toBytes();
  const data = new Uint8Array(0x2000);
  data[0x1000] = 42;
  return writeElf({ code, data, dataAddr: DATA_ADDR });
}

const setU64 = (b: Uint8Array, off: number, v: bigint) => new DataView(b.buffer, b.byteOffset).setBigUint64(off, v, true);

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'tbscope-elf-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, patch: (b: Uint8Array) => void): string {
  const b = program();
  patch(b);
  const p = join(dir, name);
  writeFileSync(p, b, { mode: 0o755 });
  return p;
}

/** One error line, status 1, no stack. */
function assertOneLine(r: { status: number; stderr: string }, mention: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^tbscope: [^\n]+\n$/);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(r.stderr, mention);
}

describe('elf: hostile segments behave as under qemu-riscv64', () => {
  const sameAsQemu: [string, (b: Uint8Array) => void][] = [
    ['a 16 GiB bss (p_memsz) is only reserved', (b) => setU64(b, DATA_PH + 40, 16n << 30n)],
    ['p_memsz = 2^32', (b) => setU64(b, DATA_PH + 40, 1n << 32n)],
    ['p_filesz > p_memsz: only p_memsz is mapped (SIGSEGV past it)', (b) => setU64(b, DATA_PH + 40, 16n)],
    ['a W|X data segment without R is readable (PROT_WRITE implies read)', (b) => new DataView(b.buffer).setUint32(DATA_PH + 4, 3, true)],
  ];
  for (const [name, patch] of sameAsQemu) {
    it(name, function () {
      this.timeout(30_000);
      const qemu = requireTool(this, QEMU);
      const p = file(name.replace(/\W+/g, '-'), patch);
      const q = run(qemu, [p]);
      const t = runTbscope([p], { timeout: 20_000 });
      assert.doesNotMatch(t.stderr, /internal error/);
      assert.equal(t.status, q.status, t.stderr);
    });
  }

  for (const va of [0xfffffffffffff000n, 0x8000000000000000n]) {
    it(`a segment at 0x${va.toString(16)}: one error line (qemu: "Error mapping file")`, () => {
      assertOneLine(runTbscope([file(`va-${va}`, (b) => setU64(b, DATA_PH + 16, va))]), /outside the user address space/);
    });
  }

  it('a program that is not a regular file (/dev/zero, a FIFO, a directory): one line, no read', function () {
    this.timeout(20_000);
    assertOneLine(runTbscope(['/dev/zero'], { timeout: 10_000 }), /'\/dev\/zero' is not a regular file \(a character device\)/);
    const fifo = join(dir, 'fifo');
    run('mkfifo', [fifo]);
    assertOneLine(runTbscope([fifo], { timeout: 10_000 }), /is not a regular file \(a FIFO\)/);
    assertOneLine(runTbscope([dir], { timeout: 10_000 }), /is not a regular file \(a directory\)/);
  });
});

describe('elf: header and segment mutation fuzzer (in process)', () => {
  const seeds = [program(), readFileSync(join(REPO_ROOT, 'examples/bin/tiny')), readFileSync(join(REPO_ROOT, 'examples/bin/tiny-pie'))];
  const interesting = [0n, 1n, 0xfffn, 0x1000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, 1n << 47n,
    (1n << 47n) - 0x1000n, 1n << 53n, 1n << 63n, 0xfffffffffffff000n, 0xffffffffffffffffn];

  function mutate(rng: Rng, src: Uint8Array): Uint8Array {
    const b = Uint8Array.from(src);
    const dv = new DataView(b.buffer);
    const phnum = dv.getUint16(56, true), phoff = Number(dv.getBigUint64(32, true));
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const what = rng.int(10);
      const ph = phoff + rng.int(Math.max(phnum, 1)) * PHDR;
      const value = rng.chance(0.6) ? rng.pick(interesting) : rng.u64();
      if (what < 6 && ph + PHDR <= b.length) {
        // A program header field: type, flags, offset, vaddr, filesz, memsz, align.
        const field = rng.pick([0, 4, 8, 16, 32, 40, 48]);
        if (field < 8) dv.setUint32(ph + field, field === 4 ? rng.int(8) : rng.pick([0, 1, 2, 3, 6, 7, 0x6474e551]), true);
        else dv.setBigUint64(ph + field, field === 8 || field === 16 ? value & ~0xfffn : value, true);
      } else if (what < 8) {
        // An ELF header field: entry, phoff, phentsize, phnum.
        const field = rng.pick([24, 32, 54, 56]);
        if (field >= 54) dv.setUint16(field, rng.pick([0, 1, 56, 57, 64, 0xffff, phnum + 1]), true);
        else dv.setBigUint64(field, value, true);
      } else {
        b[rng.int(Math.min(b.length, 512))] = rng.int(256);
      }
    }
    return b;
  }

  it(`${fuzzCases(80)} mutated programs: each loads and runs (bounded) or fails with one ElfError/LoadError line`, function () {
    this.timeout(60_000 * Math.max(1, fuzzCases(80) / 80));
    const rng = new Rng(FUZZ_SEED * 7919 + 1);
    const path = join(dir, 'fuzzed');
    for (let i = 0; i < fuzzCases(80); i++) {
      const bytes = mutate(rng, rng.pick(seeds));
      writeFileSync(path, bytes);
      const where = `seed ${FUZZ_SEED} case ${i}`;
      try {
        const { proc } = start(path);
        for (let slice = 0; slice < 20 && !proc.ended; slice++) {
          const end = proc.handleStop(proc.machine.run({ maxInsns: 10_000 }));
          if (end) break;
        }
      } catch (e) {
        assert.ok(e instanceof ElfError || e instanceof LoadError, `${where}: ${(e as Error)?.stack ?? e}`);
        assert.ok(!e.message.includes('\n') && e.message.length < 300, `${where}: not one short line: ${e.message}`);
      }
    }
  });
});

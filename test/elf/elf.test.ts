// ELF parsing checked against GNU readelf/nm (headers, segments, interpreter, symbols) and the
// one-line errors for files that are not RV64 executables.

import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElfError, parseElf, PT_LOAD } from '../../emulator/elf/elf';
import { BAD_FIXTURES, fixture } from '../linux/helpers';
import { REPO_ROOT, requireTool, run } from '../support/oracles';

const READELF = 'riscv64-linux-gnu-readelf';

const PROGRAMS = [fixture('linux-syscalls'), fixture('linux-auxv-dynamic'), join(REPO_ROOT, 'examples', 'bin', 'tiny-pie')]
  .filter((p) => existsSync(p));

function parseError(bytes: Uint8Array): string {
  try { parseElf(bytes, 'prog'); } catch (e) {
    assert.ok(e instanceof ElfError, `expected ElfError, got ${e}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail('parseElf accepted the file');
}

describe('elf: headers and segments match readelf', () => {
  for (const path of PROGRAMS) {
    it(path.slice(REPO_ROOT.length + 1), function () {
      const readelf = requireTool(this, READELF);
      const out = run(readelf, ['-h', '-l', '-W', path]).stdout;
      const elf = parseElf(readFileSync(path), path);
      assert.equal(elf.header.entry, parseInt(/Entry point address:\s+0x([0-9a-f]+)/.exec(out)![1], 16));
      assert.equal(elf.header.type === 2 ? 'EXEC' : 'DYN', /Type:\s+(\w+)/.exec(out)![1]);
      assert.equal(elf.phdrs.length, Number(/Number of program headers:\s+(\d+)/.exec(out)![1]));
      const loads = [...out.matchAll(/^\s+LOAD\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) ([RWE ]{3})/gm)];
      const ours = elf.phdrs.filter((p) => p.type === PT_LOAD);
      assert.equal(ours.length, loads.length);
      ours.forEach((p, i) => {
        const [, off, va, fsz, msz, fl] = loads[i];
        assert.deepEqual([p.offset, p.vaddr, p.filesz, p.memsz], [off, va, fsz, msz].map((h) => parseInt(h, 16)));
        assert.equal(`${p.flags & 4 ? 'R' : ' '}${p.flags & 2 ? 'W' : ' '}${p.flags & 1 ? 'E' : ' '}`, fl);
      });
      const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(out);
      assert.equal(elf.interp, interp?.[1]);
    });
  }
});

describe('elf: symbols match readelf', () => {
  it('every function and object symbol of a static program (readelf -s), and symbolize()', function () {
    const readelf = requireTool(this, READELF);
    const path = fixture('linux-syscalls');
    const elf = parseElf(readFileSync(path));
    let checked = 0;
    for (const l of run(readelf, ['-s', '-W', path]).stdout.split('\n')) {
      const m = /^\s*\d+: ([0-9a-f]+)\s+(\d+) (FUNC|OBJECT)\s+\w+\s+\w+\s+(\w+) (\S+)$/.exec(l);
      if (!m || m[4] === 'UND') continue;
      const value = parseInt(m[1], 16), size = Number(m[2]), name = m[5];
      const sym = elf.symbols.symbols.find((s) => s.name === name && s.value === value);
      assert.ok(sym, `missing ${name} @0x${m[1]}`);
      assert.equal(sym.size, size, name);
      assert.equal(sym.type, m[3] === 'FUNC' ? 'func' : 'object', name);
      if (size > 2 && m[3] === 'FUNC') {
        assert.equal(elf.symbols.containing(value + size - 1)!.symbol.value, value, `containing() inside ${name}`);
        assert.match(elf.symbols.symbolize(value + 2)!, /\+0x2$/);
      }
      checked++;
    }
    assert.ok(checked > 500, `only ${checked} symbols compared`);
    const main = elf.symbols.byNameLookup('main')!;
    assert.equal(elf.symbols.symbolize(main.value), 'main');
    assert.equal(elf.symbols.symbolize(main.value + 4), 'main+0x4');
  });

  it('a stripped program has no symbols and still parses', () => {
    const elf = parseElf(readFileSync(fixture('linux-signals')));
    assert.equal(elf.symbols.size, 0);
    assert.equal(elf.symbols.symbolize(elf.header.entry), undefined);
  });

  it('rebased tables move every symbol by the bias', () => {
    const elf = parseElf(readFileSync(fixture('linux-syscalls')));
    const main = elf.symbols.byNameLookup('main')!;
    assert.equal(elf.symbols.rebased(0x1000).byNameLookup('main')!.value, main.value + 0x1000);
  });
});

describe('elf: bad input gives one-line errors', () => {
  const good = (): Uint8Array => new Uint8Array(readFileSync(fixture('linux-auxv')));

  it('not an ELF file', () => {
    assert.match(parseError(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /prog: not an ELF file/);
    assert.match(parseError(new Uint8Array(0)), /not an ELF file/);
  });
  it('truncated files', () => {
    assert.match(parseError(good().subarray(0, 10)), /truncated/);
    assert.match(parseError(good().subarray(0, 40)), /truncated/);
    assert.match(parseError(good().subarray(0, 100)), /truncated/);
    assert.match(parseError(good().subarray(0, 4096)), /truncated.*segment/);
  });
  it('an x86-64 program (/bin/true)', function () {
    if (!existsSync('/bin/true')) this.skip();
    assert.match(parseError(readFileSync('/bin/true')), /is for x86-64, not RISC-V/);
  });
  it('a 32-bit RISC-V program', () => {
    assert.match(parseError(readFileSync(join(BAD_FIXTURES, 'linux-rv32'))), /32-bit/);
  });
  it('big-endian and other machines', () => {
    const be = good(); be[5] = 2;
    assert.match(parseError(be), /big-endian/);
    const arm = good(); arm[18] = 183; arm[19] = 0;
    assert.match(parseError(arm), /is for AArch64, not RISC-V/);
  });
  it('not an executable (relocatable object)', () => {
    const rel = good(); rel[16] = 1; rel[17] = 0;
    assert.match(parseError(rel), /not an executable \(a relocatable object file\)/);
  });
});

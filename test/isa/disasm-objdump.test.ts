// Disassembly must be identical to `riscv64-linux-gnu-objdump -d` (docs/architecture.md) for every ELF we
// ship or test with: examples/bin/*, test/fixtures/bin/* and the all-instructions fixture
// (test/fixtures/asm/all-insns.S, assembled and linked here). Each instruction objdump lists is
// decoded by our decoder at the same address and printed with one DisasmState carried through
// the file, as objdump does, so `<symbol>` targets and `# address` comments are compared too.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { decode } from '../../emulator/isa/decode';
import { DisasmState, disassemble, disassembleWord, objdumpLine } from '../../emulator/isa/disasm';
import { AS, LD, OBJDUMP, globalPointer, makeSymbolizer, objdumpLines, requireBinutils, tmpDir } from './objdump';
import { REPO_ROOT as ROOT, requireTool, testPrograms } from '../support/oracles';

/** Mismatching lines (at most `max`) between objdump and us for one file. */
function compareFile(file: string, max = 20): { checked: number; bad: string[] } {
  const sym = makeSymbolizer(file);
  const state = new DisasmState(globalPointer(file));
  const bad: string[] = [];
  const lines = objdumpLines(file);
  for (const l of lines) {
    const insn = decode(l.addr, l.raw & 0xffff, l.raw >>> 16);
    const ours = insn ? disassemble(insn, sym, state) : disassembleWord(l.addr, l.raw, sym, state);
    if (ours !== l.text && bad.length < max) bad.push(`${l.addr.toString(16)}: objdump "${l.text}"  ours "${ours}"`);
  }
  return { checked: lines.length, bad };
}

describe('disassembler vs objdump on ELF files', function () {
  before(function () { requireTool(this, OBJDUMP); });

  it('the all-instructions fixture (every RV64GC instruction and alias form)', function () {
    requireBinutils(this);
    const dir = tmpDir('all-insns-');
    const obj = join(dir, 'all.o');
    const elf = join(dir, 'all');
    execFileSync(AS, ['-march=rv64gc', '-o', obj, join(ROOT, 'test/fixtures/asm/all-insns.S')]);
    execFileSync(LD, ['-Ttext=0x10000', '-o', elf, obj]);
    const { checked, bad } = compareFile(elf);
    assert.ok(checked > 250, `objdump listed ${checked} instructions`);
    assert.deepEqual(bad, []);
    // The whole-line helper reproduces objdump's layout (address, bytes, text).
    const sym = makeSymbolizer(elf);
    const state = new DisasmState(globalPointer(elf));
    for (const l of objdumpLines(elf)) {
      const insn = decode(l.addr, l.raw & 0xffff, l.raw >>> 16);
      if (insn) assert.equal(objdumpLine(insn, sym, state), l.line);
      else disassembleWord(l.addr, l.raw, sym, state);
    }
  });

  const files = testPrograms();
  if (files.length === 0) it('example/test binaries (none present yet)', function () { this.skip(); });
  for (const { name, path } of files) {
    it(name, function () {
      const { checked, bad } = compareFile(path);
      assert.ok(checked > 0, 'objdump listed instructions');
      assert.deepEqual(bad, []);
    });
  }
});

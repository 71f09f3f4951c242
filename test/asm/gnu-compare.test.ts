// Byte-for-byte comparison of the tbscope assembler + in-process link with GNU as + ld
// (`as -march=rv64gc -mno-relax`, `ld -static -nostdlib --no-relax -Ttext=0x10000`): every
// allocated section must have the same address, size and contents. -mno-relax because tbscope
// does no linker relaxation (GNU's relaxation would rewrite call/la/alignment at link time).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleExecutable } from '../../emulator/asm';
import { parseElf, PT_LOAD } from '../../emulator/elf/elf';
import { fileIncludeReader } from '../../emulator/node/host';
import { REPO_ROOT, requireTool } from '../support/oracles';
import { allInstructionsSource, randomInstructionsSource } from './gen-insns';
import { allocSections, AS, GCC, gnuBuild, gnuPreprocess, LD } from './gnu';

const fixture = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');

/** `includeDir`: where `.include` finds files (GNU as: -I; tbscope: the reader's folder). */
function compare(ctx: Mocha.Context, src: string, cpp = false, includeDir?: string): void {
  requireTool(ctx, AS); requireTool(ctx, LD);
  if (cpp) requireTool(ctx, GCC);
  const g = gnuBuild(cpp ? gnuPreprocess(src) : src, includeDir ? ['-I', includeDir] : []);
  assert.ok(g.ok, `GNU rejected the source:\n${g.stderr}`);
  const ours = assembleExecutable(src, { preprocess: cpp, include: includeDir ? fileIncludeReader(includeDir) : undefined });
  const errs = ours.asm.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col}: ${d.message}`);
  assert.deepEqual(errs, [], 'tbscope reported errors');
  const gs = allocSections(g.elf!), os = allocSections(ours.elf!);
  assert.deepEqual([...os.keys()], [...gs.keys()], 'allocated sections');
  for (const [name, s] of gs) {
    const t = os.get(name)!;
    assert.equal(`0x${t.addr.toString(16)}+${t.size}`, `0x${s.addr.toString(16)}+${s.size}`, `${name} address and size`);
    const diff = s.bytes.findIndex((b, i) => b !== t.bytes[i]);
    assert.equal(diff, -1, `${name} differs first at 0x${(s.addr + diff).toString(16)}: GNU ${s.bytes[diff]?.toString(16)} tbscope ${t.bytes[diff]?.toString(16)}`);
  }
  const ge = parseElf(g.elf!), oe = parseElf(ours.elf!);
  assert.equal(oe.header.entry, ge.header.entry, 'entry point');
  // Same loadable segments: addresses, sizes and permissions (R+X code/rodata, RW data/bss).
  const loads = (f: typeof ge) => f.phdrs.filter((p) => p.type === PT_LOAD).map((p) => ({ vaddr: p.vaddr, filesz: p.filesz, memsz: p.memsz, flags: p.flags, offset: p.offset }));
  assert.deepEqual(loads(oe), loads(ge), 'PT_LOAD segments');
}

describe('asm: byte-identical with GNU as + ld', () => {
  it('examples/tiny.S', function () { compare(this, fixture('examples/tiny.S')); });
  it('every directive and pseudo-instruction (test/fixtures/asm/pseudos.s)', function () { compare(this, fixture('test/fixtures/asm/pseudos.s')); });
  it('a runnable program (test/fixtures/asm/hello.s)', function () { compare(this, fixture('test/fixtures/asm/hello.s')); });
  it('branch relaxation: 2/4/6/8-byte branches and jumps (test/fixtures/asm/far-branches.s)', function () { compare(this, fixture('test/fixtures/asm/far-branches.s')); });
  it('explicit c.* mnemonics and load/store symbol forms (test/fixtures/asm/compressed.s)', function () { compare(this, fixture('test/fixtures/asm/compressed.s')); });
  it('custom sections placed by their flags (test/fixtures/asm/sections.s)', function () { compare(this, fixture('test/fixtures/asm/sections.s')); });
  it('a .S file through the C-preprocessor subset (test/fixtures/asm/preprocessed.S, GNU side: gcc -E)', function () {
    compare(this, fixture('test/fixtures/asm/preprocessed.S'), true);
  });
  it('macros and repetition: .macro, .rept, .irp, .irpc (test/fixtures/asm/macros.s)', function () { compare(this, fixture('test/fixtures/asm/macros.s')); });
  it('.include, relative to the source (test/fixtures/asm/include-main.s)', function () {
    compare(this, fixture('test/fixtures/asm/include-main.s'), false, join(REPO_ROOT, 'test/fixtures/asm'));
  });
  it('conditional assembly: .if/.elseif/.else, .ifdef, .ifeq, .ifb in macros, over .equ/.set constants (test/fixtures/asm/conditionals.s)', function () { compare(this, fixture('test/fixtures/asm/conditionals.s')); });
  it('the disassembler fixture with .irp, norvc blocks and every alias (test/fixtures/asm/all-insns.S)', function () { compare(this, fixture('test/fixtures/asm/all-insns.S')); });
  it('every instruction of the ISA table, with compression (.option rvc)', function () { compare(this, allInstructionsSource(8)); });
  it('every instruction of the ISA table without compression (.option norvc)', function () {
    compare(this, allInstructionsSource(4).replace('\t.text', '\t.option norvc\n\t.text'));
  });
  for (const seed of [1, 2, 3]) {
    it(`random operands for every instruction (seed ${seed})`, function () { compare(this, randomInstructionsSource(6, seed)); });
  }
  it('numeric local labels, comments and statement separators', function () {
    compare(this, [
      '/* block', '   comment */ .text', '.globl _start', '_start: li a0, 1 ; li a1, 2 # trailing', '1: addi a0, a0, -1',
      '   bnez a0, 1b', '1: j 2f', '2: j 1b', '1:', '   beqz a1, 1b', 'a: b: c: ret', '   .word 1b - a',
    ].join('\n'));
  });
});

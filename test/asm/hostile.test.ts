// The assembler against hostile input, each defect found by fuzzing kept as a named case: the
// budgets (expansion lines, output bytes, expression terms, what `.include` reads) turn into
// diagnostics instead of a language server that dies or blocks, and the statements where
// tbscope differed from GNU as now match it (checked against riscv64-linux-gnu-as). Then a
// seeded fuzzer of random instruction and directive lines compared with GNU as: the same lines
// rejected, the same bytes for the rest (TBSCOPE_FUZZ=n for a longer run).

import assert from 'node:assert/strict';
import { assemble, assembleExecutable } from '../../emulator/asm';
import { MAX_EXPANDED_LINES } from '../../emulator/asm/macros';
import { fileIncludeReader } from '../../emulator/node/host';
import { requireTool } from '../support/oracles';
import { fuzzCases, FUZZ_SEED, Rng } from '../support/fuzz';
import { allocSections, AS, gnuBuild } from './gnu';

/** Assembles src; the diagnostics' messages (errors only). */
function errorsOf(src: string): string[] {
  return assemble(src, { include: fileIncludeReader('/tmp') }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`);
}

const list = (n: number, v: string) => Array(n).fill(v).join(',');

describe('asm: budgets give a diagnostic, never a crash or a blocked server', function () {
  this.timeout(60_000);
  const cases: [string, string, RegExp][] = [
    ['.include "/dev/zero"', '.include "/dev/zero"\n', /\.include "\/dev\/zero": not a regular file/],
    ['nested .irp 5000 x 5000', `.irp a,${list(5000, '1')}\n.irp b,${list(5000, '2')}\nnop\n.endr\n.endr\n`, /expansion produces more than/],
    ['nested .rept 100000 x 2', '.rept 100000\n.rept 100000\nnop\n.endr\n.endr\n', /expansion produces more than/],
    ['.rept 100 nested four deep', '.rept 100\n.rept 100\n.rept 100\n.rept 100\nnop\n.endr\n.endr\n.endr\n.endr\n', /expansion produces more than/],
    ['.rept 100000 of .fill 100000,8,0', '.data\n.rept 100000\n.fill 100000,8,0\n.endr\n', /output is larger than 64 MiB/],
    ['a 20,000-term expression', `.word ${list(20000, '1').replace(/,/g, '+')}\n`, /expression too long/],
    ['20,000 nested parentheses', `.word ${'('.repeat(20000)}1${')'.repeat(20000)}\n`, /expression too long/],
  ];
  for (const [name, src, want] of cases) {
    it(name, () => {
      const errs = errorsOf(src);
      assert.ok(errs.some((e) => want.test(e)), errs.join('\n'));
      assert.ok(errs.length < 10, 'one diagnostic, not one per expanded line');
    });
  }

  it(`just under the expansion budget (${MAX_EXPANDED_LINES} lines) still assembles`, () => {
    assert.deepEqual(errorsOf(`_start:\n.rept ${MAX_EXPANDED_LINES / 1000 - 1}\n.rept 1000\nnop\n.endr\n.endr\n`), []);
  });
});

describe('asm: statements where tbscope differed from GNU as', () => {
  const lines = ['li gp, 18446744073709551616', 'li gp, 0x10000000000000000', 'li gp, 2^64', 'c.slli a0, 0', 'c.srli a0, 0', 'c.srai a0, 0',
    'c.addi x0, 1', 'c.lui a0, 0x7fffffff', 'c.lui a0, -1', 'li zero, 0', 'fgt.s a0, fa0, fa1', 'fge.s a0, fa0, fa1', 'fgt.d a0, fa0, fa1', 'fge.d a0, fa0, fa1', '.option norvc\nc.nop', '.option norvc\nc.addi a0, 1'];
  for (const line of lines) {
    it(JSON.stringify(line), function () {
      requireTool(this, AS);
      const src = `.globl _start\n_start:\n${line}\n`;
      const gnu = gnuBuild(src);
      const ours = assembleExecutable(src);
      assert.equal(ours.asm.ok, gnu.ok, `GNU as ${gnu.ok ? 'accepts' : 'rejects'} it: ${gnu.stderr} / ours: ${ours.asm.diagnostics.map((d) => d.message).join('; ')}`);
      if (gnu.ok) assert.deepEqual([...allocSections(ours.elf!).get('.text')!.bytes], [...allocSections(gnu.elf!).get('.text')!.bytes]);
    });
  }
});

/** Random statements: instructions with valid and invalid operands, pseudo-instructions, data directives. */
function randomLine(rng: Rng): string {
  const X = ['zero', 'ra', 'sp', 'gp', 'a0', 'a1', 'a5', 's0', 's1', 't6', 'x0', 'x8', 'x15', 'x31', 'x32', 'f0'];
  const F = ['fa0', 'fa1', 'ft0', 'fs11', 'f31', 'a0'];
  const imm = () => rng.pick(['0', '1', '-1', '31', '32', '63', '64', '2047', '2048', '-2048', '-2049', '4095', '0x7ff', '0xfffff', '0x100000', '-0x80000000', '0x7fffffff', String(rng.int(100000) - 50000)]);
  const x = () => rng.pick(X), f = () => rng.pick(F);
  switch (rng.int(12)) {
    case 0: return `${rng.pick(['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'addw', 'subw', 'mul', 'mulh', 'div', 'remuw'])} ${x()}, ${x()}, ${x()}`;
    case 1: return `${rng.pick(['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw', 'slli', 'srli', 'srai', 'slliw', 'srliw', 'sraiw'])} ${x()}, ${x()}, ${imm()}`;
    case 2: return `${rng.pick(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd'])} ${x()}, ${imm()}(${x()})`;
    case 3: return `${rng.pick(['flw', 'fld', 'fsw', 'fsd'])} ${f()}, ${imm()}(${x()})`;
    case 4: return `${rng.pick(['fadd.s', 'fsub.d', 'fmul.s', 'fdiv.d', 'fmin.s', 'fsgnj.d'])} ${f()}, ${f()}, ${f()}${rng.chance(0.3) ? `, ${rng.pick(['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn', 'bad'])}` : ''}`;
    case 5: return `${rng.pick(['flt.s', 'fle.d', 'feq.s', 'fgt.s', 'fge.d', 'fgt.d', 'fge.s'])} ${x()}, ${f()}, ${f()}`;
    case 6: return `li ${x()}, ${rng.pick([imm(), '0x123456789abcdef0', '-9223372036854775808', '18446744073709551615', '18446744073709551616', '0x80000000', '-0x80000001'])}`;
    case 7: return `${rng.pick(['c.addi', 'c.addiw', 'c.slli', 'c.srli', 'c.srai', 'c.andi', 'c.li', 'c.lui'])} ${x()}, ${imm()}`;
    case 8: return `${rng.pick(['c.mv', 'c.add', 'c.sub', 'c.xor', 'c.or', 'c.and', 'c.addw', 'c.subw'])} ${x()}, ${x()}`;
    case 9: return `${rng.pick(['c.lw', 'c.ld', 'c.sw', 'c.sd', 'c.lwsp', 'c.ldsp', 'c.swsp', 'c.sdsp'])} ${x()}, ${rng.pick(['0', '4', '8', '124', '128', '248', '256', '-4'])}(${x()})`;
    case 10: return `${rng.pick(['mv', 'not', 'neg', 'negw', 'sext.w', 'seqz', 'snez', 'sltz', 'sgtz'])} ${x()}, ${x()}`;
    default: return `${rng.pick(['.byte', '.half', '.word', '.dword'])} ${imm()}${rng.chance(0.3) ? `, ${imm()}` : ''}`;
  }
}

describe('asm: random statements against GNU as (seeded fuzzer)', function () {
  const programs = fuzzCases(12);
  this.timeout(30_000 + programs * 3000);
  it(`${programs} programs of 30 random lines: the same lines rejected, the same bytes`, function () {
    requireTool(this, AS);
    const rng = new Rng(FUZZ_SEED * 15485863 + 7);
    for (let p = 0; p < programs; p++) {
      const body = Array.from({ length: 30 }, () => randomLine(rng));
      const src = (lines: string[]) => `.globl _start\n_start:\n${lines.join('\n')}\n`;
      const where = `seed ${FUZZ_SEED} program ${p}`;
      // GNU as names the lines it rejects ("t.s:N: Error: …"); ours has line numbers too.
      const gnu = gnuBuild(src(body));
      const gnuBad = new Set([...gnu.stderr.matchAll(/t\.s:(\d+): Error/g)].map((m) => Number(m[1]) - 2));
      const ours = assemble(src(body));
      const ourBad = new Set(ours.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line - 2));
      for (let i = 1; i <= body.length; i++) {
        assert.equal(ourBad.has(i), gnuBad.has(i), `${where}: '${body[i - 1]}': GNU as ${gnuBad.has(i) ? 'rejects' : 'accepts'} it (${gnu.stderr.split('\n').find((l) => l.startsWith(`t.s:${i + 2}:`)) ?? ''}); ours: ${ours.diagnostics.filter((d) => d.line === i + 2).map((d) => d.message).join('; ')}`);
      }
      const good = body.filter((_, i) => !gnuBad.has(i + 1));
      const g = gnuBuild(src(good)), o = assembleExecutable(src(good));
      assert.ok(g.ok && o.elf, `${where}: the accepted lines assemble (${g.stderr})`);
      for (const name of ['.text', '.data']) {
        const a = allocSections(o.elf!).get(name), b = allocSections(g.elf!).get(name);
        assert.deepEqual(a && [...a.bytes], b && [...b.bytes], `${where}: ${name} differs\n${good.join('\n')}`);
      }
    }
  });
});

// The TextMate grammars and the assembly docs against oracles: the checked-in riscv-asm grammar
// equals what language/gen-grammar.ts generates from the ISA table, and every mnemonic that
// riscv64-linux-gnu-objdump prints for the example programs (aliases included) is highlighted
// as an instruction and has hover documentation. Grammar regexes are run with JS RegExp (they
// stay in the subset Oniguruma and JS share).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAMMAR_PATH, grammarText } from '../../language/gen-grammar';
import { DIRECTIVE_NAMES, PSEUDO_NAMES } from '../../emulator/asm';
import { docFor } from '../../language/docs';
import { OBJDUMP, REPO_ROOT, requireTool } from '../support/oracles';

interface Rule { match?: string; begin?: string; patterns?: Rule[]; name?: string; captures?: Record<string, { name: string }> }
const asm = JSON.parse(readFileSync(join(REPO_ROOT, GRAMMAR_PATH), 'utf8')) as { repository: Record<string, Rule> };
const tb = JSON.parse(readFileSync(join(REPO_ROOT, 'syntaxes', 'tbscope-tb.tmLanguage.json'), 'utf8')) as { repository: Record<string, Rule> };

/** Does the statement `line` start with a mnemonic the grammar highlights (base or pseudo)? */
function mnemonicOf(line: string): string | undefined {
  for (const r of ['instruction', 'pseudo']) {
    const m = new RegExp(asm.repository[r].match!).exec(line);
    if (m && m.index === 0) return m[1] + (m[2] ?? '');
  }
  return undefined;
}

function objdumpMnemonics(ctx: Mocha.Context): Set<string> {
  const objdump = requireTool(ctx, OBJDUMP);
  const out = new Set<string>();
  for (const ex of ['tiny', 'step', 'hello-static']) {
    const r = spawnSync(objdump, ['-d', join(REPO_ROOT, 'examples', 'bin', ex)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    for (const l of r.stdout.split('\n')) {
      const m = /^\s+[0-9a-f]+:\t[0-9a-f]+\s*\t(\S+)/.exec(l);
      if (m && !m[1].startsWith('.')) out.add(m[1]);
    }
  }
  return out;
}

describe('grammars', () => {
  it('the checked-in riscv-asm grammar is the one generated from the ISA table', () => {
    assert.equal(readFileSync(join(REPO_ROOT, GRAMMAR_PATH), 'utf8'), grammarText(), 'run: node --import tsx language/gen-grammar.ts');
  });

  it('highlights, and documents on hover, every mnemonic objdump prints for the examples', function () {
    this.timeout(120000);
    const seen = objdumpMnemonics(this);
    assert.ok(seen.size > 40, `only ${seen.size} mnemonics`);
    const unhighlighted = [...seen].filter((m) => mnemonicOf(`    ${m} a0, a1`) !== m);
    assert.deepEqual(unhighlighted, []);
    const undocumented = [...seen].filter((m) => !docFor(m));
    assert.deepEqual(undocumented, []);
  });

  it("documents every pseudo-instruction and directive the assembler accepts", () => {
    assert.deepEqual(PSEUDO_NAMES.filter((p) => !docFor(p)), []);
    assert.deepEqual(DIRECTIVE_NAMES.filter((d) => !docFor(d)), []);
  });

  it('tells mnemonics from prefixes, labels and operands', () => {
    assert.equal(mnemonicOf('  addi a0, a0, 1'), 'addi');
    assert.equal(mnemonicOf('  amoadd.w.aqrl a0, a1, (a2)'), 'amoadd.w.aqrl');
    assert.equal(mnemonicOf('  addix a0'), undefined);
    assert.equal(mnemonicOf('  .text'), undefined);
    // After a label, the statement starts again (lookbehind on ':').
    const label = new RegExp(asm.repository.label.match!).exec('loop: li a0, 1')!;
    assert.equal(label[1], 'loop');
    const rest = 'loop: li a0, 1';
    const m = new RegExp(asm.repository.pseudo.match!, 'g');
    m.lastIndex = label[0].length;
    assert.equal(m.exec(rest)?.[1], 'li');
  });

  it('scopes registers, numbers, local label references and relocations in operands', () => {
    const ops = asm.repository.operands.patterns!;
    const scopeOf = (text: string) => ops.find((p) => p.match && new RegExp(`^(?:${p.match})$`).test(text))?.name;
    assert.equal(scopeOf('a0'), 'variable.language.register.riscv-asm');
    assert.equal(scopeOf('ft11'), 'variable.language.register.riscv-asm');
    assert.equal(scopeOf('x31'), 'variable.language.register.riscv-asm');
    assert.equal(scopeOf('x32'), 'variable.other.symbol.riscv-asm');
    assert.equal(scopeOf('1b'), 'entity.name.label.reference.riscv-asm');
    assert.equal(scopeOf('0x1f'), 'constant.numeric.hex.riscv-asm');
    assert.equal(scopeOf('msg_len'), 'variable.other.symbol.riscv-asm');
    assert.match('%pcrel_hi(msg)', new RegExp(ops.find((p) => p.name?.startsWith('support.function'))!.match!));
  });

  it('the TB grammar recognises the lines of a rendered TB document', () => {
    const r = tb.repository;
    assert.match('   10078:\t00a00513\tli a0,10', new RegExp(r.instruction.begin!));
    assert.match('        @plugin hotpages: memory callback (RW)', new RegExp(r.instrumentation.match!));
    assert.match('// step.c:19: int sum = a + b;', new RegExp(r.source.match!));
    assert.match('; Translation block 0x10078 <main>', new RegExp(r.header.match!));
    assert.match('== generated JavaScript ==', new RegExp(r.javascript.begin!));
  });
});

// The symbol index the language server uses (go to definition, find references, document
// symbols): definitions and references with exact positions, numeric local labels bound to the
// right definition, and final addresses equal to GNU ld's symbol table (nm is the oracle).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allMnemonicDocs, assemble, COMPRESSED_NAMES, mnemonicDoc, PSEUDO_NAMES, symbolAt, type AsmSymbol } from '../../emulator/asm';
import { MNEMONICS } from '../../emulator/isa/table';
import { REPO_ROOT, requireTool } from '../support/oracles';
import { gnuBuild, LD } from './gnu';

const SRC = readFileSync(join(REPO_ROOT, 'test/fixtures/asm/hello.s'), 'utf8');
const LINES = SRC.split('\n');
/** Source lines without comments (the fixture has no '#' inside strings). */
const CODE = LINES.map((l) => l.replace(/#.*$/, '').replace(/'.'/g, "'_'"));

/** Every (line, col) where `name` occurs as a whole word in code. */
function occurrences(name: string): { line: number; col: number }[] {
  const out: { line: number; col: number }[] = [];
  const re = new RegExp(`(?<![\\w.$])${name.replace(/[.$]/g, '\\$&')}(?![\\w.$])`, 'g');
  CODE.forEach((l, i) => { for (const m of l.matchAll(re)) out.push({ line: i + 1, col: m.index! + 1 }); });
  return out;
}

describe('asm: symbol index', () => {
  const r = assemble(SRC);
  const named = (n: string) => r.symbols.filter((s) => s.name === n && s.kind !== 'local');

  it('assembles cleanly', () => assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []));

  for (const name of ['_start', 'write_out', 'print_u64', 'digits', 'counter', 'greeting', 'SYS_write', 'n_numbers', 'greeting_len']) {
    it(`${name}: definition and every reference`, () => {
      const [s] = named(name);
      assert.ok(s, `symbol ${name}`);
      const occ = occurrences(name);
      const isDef = (o: { line: number; col: number }) => {
        const before = CODE[o.line - 1].slice(0, o.col - 1), after = CODE[o.line - 1].slice(o.col - 1 + name.length);
        return (/^\s*$/.test(before) && /^:/.test(after)) || (/^\s*\.(equ|set)\s+$/.test(before) && /^\s*,/.test(after));
      };
      const def = occ.find(isDef);
      assert.ok(def, `definition of ${name} in the source`);
      assert.deepEqual({ line: s.def!.line, col: s.def!.col, end: s.def!.endCol }, { line: def.line, col: def.col, end: def.col + name.length });
      const refs = occ.filter((o) => o !== def);
      assert.deepEqual(s.refs.map((p) => ({ line: p.line, col: p.col })).sort((a, b) => a.line - b.line || a.col - b.col), refs);
      assert.equal(s.kind, /^\s*\.(equ|set)\b/.test(CODE[def.line - 1]) ? 'equ' : 'label');
    });
  }

  it('numeric local labels: each 1b/3b/2f binds to the nearest definition in its direction', () => {
    const locals = r.symbols.filter((s) => s.kind === 'local');
    assert.ok(locals.length >= 4);
    for (const s of locals) {
      for (const ref of s.refs) {
        const text = CODE[ref.line - 1].slice(ref.col - 1);
        const m = /^(\d+)([bf])/.exec(text);
        assert.ok(m, `reference text at ${ref.line}:${ref.col}`);
        const defs = CODE.map((l, i) => (new RegExp(`^${m[1]}:`).test(l) ? i + 1 : 0)).filter(Boolean);
        const want = m[2] === 'b' ? Math.max(...defs.filter((d) => d <= ref.line)) : Math.min(...defs.filter((d) => d > ref.line));
        assert.equal(s.def!.line, want, `${m[0]} on line ${ref.line}`);
        assert.equal(s.name, m[1]);
      }
    }
  });

  it('final addresses equal the GNU-linked symbol table', function () {
    requireTool(this, LD);
    const g = gnuBuild(SRC);
    assert.ok(g.ok, g.stderr);
    const dir = mkdtempSync(join(tmpdir(), 'tbscope-asm-sym-'));
    try {
      writeFileSync(join(dir, 'g'), g.elf!);
      const nm = spawnSync('riscv64-linux-gnu-nm', [join(dir, 'g')], { encoding: 'utf8' });
      const gnu = new Map([...nm.stdout.matchAll(/^([0-9a-f]+) \w (\S+)$/gm)].map((m) => [m[2], BigInt('0x' + m[1])]));
      const labels = r.symbols.filter((s: AsmSymbol) => s.kind !== 'local' && s.def);
      assert.ok(labels.length > 8);
      for (const s of labels) if (gnu.has(s.name)) assert.equal(s.address, gnu.get(s.name), s.name);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('asm: language-server helpers', () => {
  it('symbolAt finds a label from its definition and from any reference', () => {
    const r = assemble(SRC);
    const line = LINES.findIndex((l) => /\bcall\s+write_out/.test(l)) + 1;
    const col = LINES[line - 1].indexOf('write_out') + 1;
    const s = symbolAt(r, line, col + 3);
    assert.equal(s?.name, 'write_out');
    assert.equal(symbolAt(r, s!.def!.line, s!.def!.col)?.name, 'write_out');
    assert.equal(symbolAt(r, line, 1), undefined);
  });

  it('documents every mnemonic the assembler accepts, and only those', () => {
    const docs = allMnemonicDocs();
    for (const m of MNEMONICS) assert.ok(mnemonicDoc(m)?.syntax.startsWith(m), m);
    for (const p of PSEUDO_NAMES) assert.ok(mnemonicDoc(p), `pseudo ${p}`);
    for (const c of COMPRESSED_NAMES) assert.equal(mnemonicDoc(c)?.kind, 'compressed');
    // Every documented mnemonic is known to the assembler: it never reports "unknown instruction".
    for (const d of docs) {
      const r = assemble(`\t${d.name}\n`);
      assert.ok(!r.diagnostics.some((x) => /unknown instruction/.test(x.message)), d.name);
    }
    assert.equal(mnemonicDoc('frobnicate'), undefined);
    assert.match(mnemonicDoc('addi')!.syntax, /^addi rd, rs1, imm$/);
    assert.match(mnemonicDoc('ld')!.syntax, /^ld rd, offset\(rs1\)$/);
  });
});

// "As you type" robustness: the language server assembles half-written text on every keystroke,
// so no input may throw; every diagnostic must point inside the file. Inputs are deterministic
// mutations (deleted, duplicated and inserted characters) of the fixtures.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../emulator/asm';
import { REPO_ROOT } from '../support/oracles';

const FIXTURES = ['test/fixtures/asm/hello.s', 'test/fixtures/asm/pseudos.s', 'test/fixtures/asm/macros.s', 'test/fixtures/asm/compressed.s'];
const ALPHABET = ' \t\n,():%#."\'\\-+*/0123456789abcxyzsp';

function* mutations(src: string, n: number, seed: number): Generator<string> {
  let s = seed >>> 0;
  const rnd = (k: number) => { s = (s * 1103515245 + 12345) >>> 0; return s % k; };
  for (let i = 0; i < n; i++) {
    let t = src;
    for (let e = 1 + rnd(4); e > 0; e--) {
      const at = rnd(t.length + 1);
      switch (rnd(3)) {
        case 0: t = t.slice(0, at) + t.slice(at + 1 + rnd(6)); break;
        case 1: t = t.slice(0, at) + t.slice(at, at + rnd(12)) + t.slice(at); break;
        default: t = t.slice(0, at) + ALPHABET[rnd(ALPHABET.length)] + t.slice(at);
      }
    }
    yield t;
  }
}

describe('asm: never throws on half-written input', () => {
  for (const f of FIXTURES) {
    it(f, () => {
      const src = readFileSync(join(REPO_ROOT, f), 'utf8');
      let k = 0;
      for (const m of mutations(src, 150, f.length)) {
        const lines = m.split('\n').length;
        let r;
        try { r = assemble(m); } catch (e) { assert.fail(`mutation ${k} threw ${(e as Error).stack}\n---\n${m}`); }
        for (const d of r.diagnostics) {
          assert.ok(d.line >= 1 && d.line <= lines && d.col >= 1 && d.endCol >= d.col, `bad position ${JSON.stringify(d)} in mutation ${k}`);
        }
        k++;
      }
    });
  }
  it('empty and degenerate sources', () => {
    for (const src of ['', '\n', ':', '.', '1:', 'a:b:c:', '.section', '.macro', '.endm', '.rept 1', '"', "'", '/*', '%hi(x)', 'li a0,', 'la a0, %lo(x)',
      'constructor a0', 'toString', '__proto__ x', 'hasOwnProperty: nop', 'fadd.s fa0, fa1, fa2, constructor', 'c.constructor', 'amoadd.w.constructor a0, a1, (a2)',
      '.constructor', '.equ constructor, 1\nli a0, constructor', 'valueOf.aq a0, a1, (a2)']) {
      let r;
      try { r = assemble(src); } catch (e) { assert.fail(`${JSON.stringify(src)} threw ${(e as Error).stack}`); }
      assert.ok(Array.isArray(r.diagnostics), src);
    }
  });
});

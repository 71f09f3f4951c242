// Diagnostics "as you type": every bad statement gets its own error at the offending token, the
// rest of the file is still assembled, and GNU as/ld (the oracle) rejects exactly the same lines.
// Expected columns come from the source text (the marker names the token), never from our output.

import assert from 'node:assert/strict';
import { assemble } from '../../emulator/asm';
import { requireTool } from '../support/oracles';
import { AS, gnuBuild, LD } from './gnu';

// Each line ending in `# ERR <token>` must produce one error starting at <token>.
const BAD = `	.text
	.globl _start
_start:
	addi	a0, a0, 1
	frobnicate a0, a1		# ERR frobnicate
	addi	a0, q7, 1		# ERR q7
	addi	a0, a0, 5000		# ERR 5000
	slli	a0, a0, 64		# ERR 64
	beqz	a0, nowhere		# ERR nowhere
	lw	a0, 4(a9)		# ERR a9
	fadd.d	a0, fa1, fa2		# ERR a0
	csrrw	a0, 5000, a1		# ERR 5000
	.bogus	1			# ERR .bogus
	lui	a0, 0x100000		# ERR 0x100000
	sd	a0, 2048(sp)		# ERR 2048
	j	1f			# ERR 1f
	ld	a1, 8(sp
	mv	a0, a1
	c.addi	a0, 64			# ERR a0
	c.beqz	a6, done		# ERR a6
	jal	done
done:	ret
done:	nop				# ERR done
`.replace('\tld\ta1, 8(sp\n', '\tld\ta1, 8(sp\t\t# ERR 8\n');

interface Expect { line: number; col: number; token: string }

function expectations(src: string): Expect[] {
  const out: Expect[] = [];
  src.split('\n').forEach((text, i) => {
    const m = /# ERR (\S+)$/.exec(text);
    if (!m) return;
    const code = text.slice(0, m.index);
    const at = code.search(new RegExp(`(?<![\\w.])${m[1].replace(/[.()]/g, '\\$&')}(?![\\w])`));
    assert.ok(at >= 0, `marker token ${m[1]} not on line ${i + 1}`);
    out.push({ line: i + 1, col: at + 1, token: m[1] });
  });
  return out;
}

describe('asm: diagnostics', () => {
  it('reports one error per bad line, at the offending token, and keeps going', () => {
    const r = assemble(BAD);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const want = expectations(BAD);
    assert.deepEqual(errors.map((d) => ({ line: d.line, col: d.col })), want.map((w) => ({ line: w.line, col: w.col })),
      errors.map((d) => `${d.line}:${d.col}: ${d.message}`).join('\n'));
    for (const [k, d] of errors.entries()) {
      assert.ok(d.endCol > d.col, `non-empty range on line ${d.line}`);
      assert.ok(d.message.length > 10, `a real message on line ${d.line}: ${d.message}`);
      if (/^[a-z.]/i.test(want[k].token) && !/^\d/.test(want[k].token)) assert.match(d.message, new RegExp(want[k].token.replace(/[.]/g, '\\.')), `message names ${want[k].token}`);
    }
    assert.ok(!r.ok);
    // Later good statements were still assembled: `done` was defined and `jal done` resolved.
    assert.ok(r.symbols.find((s) => s.name === 'done')?.address !== undefined);
  });

  it('GNU as + ld reject exactly the lines we reject', function () {
    requireTool(this, AS); requireTool(this, LD);
    const asm = gnuBuild(BAD);
    assert.ok(!asm.ok);
    const gnuLines = new Set([...asm.stderr.matchAll(/t\.s:(\d+): Error/g)].map((m) => Number(m[1])));
    // Undefined symbols are the linker's error in GNU; check them with the assembler-clean lines only.
    const ours = new Set(assemble(BAD).diagnostics.filter((d) => d.severity === 'error' && !/undefined/.test(d.message)).map((d) => d.line));
    assert.deepEqual([...ours].sort((a, b) => a - b), [...gnuLines].sort((a, b) => a - b), asm.stderr);
    // GNU as itself rejects the undefined numeric label (without a line number).
    assert.match(asm.stderr, /local label `"1" \(instance number 1 of a fb label\)' is not defined/);
    const ourLocal = assemble(BAD).diagnostics.find((d) => /local label/.test(d.message));
    assert.equal(ourLocal?.message, `undefined local label '1'`);
    // Undefined symbols are the linker's error in GNU.
    const linkOnly = BAD.split('\n').map((l, i) => (gnuLines.has(i + 1) || l.includes('1f') ? '' : l)).join('\n');
    const ld = gnuBuild(linkOnly);
    assert.ok(!ld.ok);
    assert.match(ld.stderr, /undefined reference to `nowhere'/);
    const ourLink = assemble(linkOnly).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(ourLink.map((d) => d.message), [`undefined symbol 'nowhere'`]);
  });

  it('warns like GNU as when data is truncated', function () {
    const src = '\t.data\n\t.byte 256\n\t.half -40000\n\t.word 0x1ffffffff\n\t.byte -256\n\t.byte -257\n\t.half 65535\n';
    const ours = assemble(src).diagnostics;
    requireTool(this, AS); requireTool(this, LD);
    const g = gnuBuild(src);
    const gnu = [...g.stderr.matchAll(/t\.s:(\d+): Warning/g)].map((m) => Number(m[1]));
    assert.ok(gnu.length >= 2, g.stderr);
    assert.deepEqual(ours.map((d) => d.line), gnu);
    assert.ok(ours.every((d) => d.severity === 'warning'));
  });

  it('reports preprocessor problems at their lines in .S mode', () => {
    const r = assemble('#include "x.h"\n#define F(x) x\n#if\n#endif\n#endif\n\tnop\n#ifdef A\n', { preprocess: true });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line), [1, 2, 3, 5, 7]);
  });

  it('reports conditional-assembly problems at their lines, and GNU as rejects the same lines', function () {
    const src = '\t.text\n_start:\n\t.if\tundefined_symbol\n\tnop\n\t.endif\n\t.else\n\tnop\n\t.endif\n\t.ifdef\t_start\n\tnop\n';
    const r = assemble(src);
    const ours = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(ours.map((d) => d.line), [3, 6, 8, 9]);
    assert.match(ours[0].message, /constant expression/);
    assert.match(ours[3].message, /\.ifdef without \.endif/);
    requireTool(this, AS);
    const gnu = gnuBuild(src);
    assert.equal(gnu.ok, false);
    // GNU as names the same lines (the unterminated .ifdef as "the start of the unterminated conditional").
    assert.deepEqual([...gnu.stderr.matchAll(/:(\d+): Error/g)].map((m) => Number(m[1])), [3, 6, 8, 9]);
  });

  it('reports an .include it cannot read at its line, as GNU as does', function () {
    const src = '\t.text\n_start:\n\t.include "no-such-file.inc"\n\tnop\n';
    const r = assemble(src, { include: () => undefined });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.message]), [[3, 'cannot read "no-such-file.inc"']]);
    assert.match(assemble(src).diagnostics[0].message, /no file access/);
    requireTool(this, AS);
    assert.deepEqual([...gnuBuild(src).stderr.matchAll(/:(\d+): Error/g)].map((m) => Number(m[1])), [3]);
  });

  it('reports lexical errors with positions and accepts // and /* */ comments', () => {
    const r = assemble('\t.text\n_start: /* a\n comment */ nop // c\n\tnop ` x\n\t.ascii "open\n');
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.col]), [[4, 6], [5, 9]]);
  });
});

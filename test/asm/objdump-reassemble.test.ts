// Whatever objdump prints — and so our disassembler, which must print the same
// (test/isa/disasm-objdump.test.ts) — the assembler reads back: every instruction line of
// `objdump -d` for the example/fixture binaries, the all-instructions fixture and generated
// encodings (every 16-bit parcel, random words for every table entry) is re-assembled and must
// give the bytes objdump showed. Where one text stands for several encodings (`add sp,sp,16` is
// c.addi or c.addi16sp) ours must be GNU as's choice for that text and the same instruction.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { assemble } from '../../emulator/asm';
import { decode } from '../../emulator/isa/decode';
import { ISA, MNEMONICS } from '../../emulator/isa/table';
import { assemble as gnuObject, AS, LD, objdumpLines, requireBinutils, tmpDir, type DumpLine } from '../isa/objdump';
import { REPO_ROOT, testPrograms } from '../support/oracles';
import { allocSections, gnuBuild } from './gnu';

/** Mnemonics objdump prints with a branch/jump target (`10078 <main+0x8>` or `0x10078`). */
const TARGET = /^(j|jal|beq|bne|blt|bge|bltu|bgeu|beqz|bnez|blez|bgez|bltz|bgtz)$/;

/**
 * objdump's text as assembler input: the `# address` comment dropped and a target address made
 * relative to the instruction (`.+0x10`), so the line means the same anywhere it is assembled.
 */
export function reassemblable(text: string, addr: number): string {
  const t = text.replace(/ # .*$/, '');
  const [mn, ops = ''] = t.split('\t');
  if (!TARGET.test(mn)) return t;
  const parts = ops.split(',');
  const m = /^(?:0x)?([0-9a-f]+)(?: <.*>)?$/.exec(parts[parts.length - 1]);
  if (!m) throw new Error(`no target address in "${text}"`);
  const d = BigInt.asIntN(64, BigInt('0x' + m[1]) - BigInt(addr));
  parts[parts.length - 1] = d < 0n ? `.-0x${(-d).toString(16)}` : `.+0x${d.toString(16)}`;
  return `${mn}\t${parts.join(',')}`;
}

/**
 * Reserved encodings objdump still names, whose text GNU as reads as a different (valid)
 * encoding: c.addi16sp with immediate 0 prints as `add sp,sp,0`, which is c.addi sp,0.
 */
const RESERVED = new Set([0x6101]);

/** One distinct printed text (per size) and every encoding objdump printed it for. */
interface Printed { text: string; size: 2 | 4; raws: Set<number>; where: string }

function collect(into: Map<string, Printed>, lines: DumpLine[], where: string): void {
  for (const l of lines) {
    // Data objdump shows for bytes it does not decode, and reserved rounding modes / empty fence
    // sets it prints as `unknown`: no instruction syntax, GNU as rejects them too (checked below).
    if (/^\.\d?byte\b/.test(l.text) || /[\t,]unknown\b/.test(l.text)) continue;
    const text = reassemblable(l.text, l.addr);
    const key = `${l.size}\t${text}`;
    const p = into.get(key) ?? { text, size: l.size, raws: new Set<number>(), where };
    p.raws.add(l.raw >>> 0);
    into.set(key, p);
  }
}

/** Encoding fields of an instruction (compressed forms expanded), to compare two encodings. */
function meaning(raw: number, size: 2 | 4): string | undefined {
  const i = decode(0, raw & 0xffff, size === 4 ? raw >>> 16 : 0);
  if (!i || i.size !== size) return undefined;
  const { op, rd, rs1, rs2, rs3, imm, rm, csr, aq, rl, pred, succ } = i;
  return JSON.stringify({ op, rd, rs1, rs2, rs3, imm, rm, csr, aq, rl, pred, succ });
}

/** Each source line's encoding, in order (one instruction per line). */
function splitInsns(bytes: Uint8Array, n: number): number[] {
  const out: number[] = [];
  for (let o = 0; out.length < n && o < bytes.length;) {
    const size = (bytes[o] & 3) === 3 ? 4 : 2;
    let w = 0;
    for (let k = size - 1; k >= 0; k--) w = w * 256 + bytes[o + k];
    out.push(w >>> 0);
    o += size;
  }
  return out;
}

/**
 * Re-assembles every printed text (`.option rvc` for 2-byte encodings, norvc for 4-byte ones,
 * so the size objdump saw is possible) and returns the problems.
 */
function reassemble(printed: Map<string, Printed>): { problems: string[]; checked: number; gnuChoice: number } {
  const entries = [...printed.values()];
  const src = entries.map((p) => `${p.size === 2 ? '.option rvc' : '.option norvc'}; ${p.text}`);
  const asm = assemble(src.join('\n') + '\n');
  const problems: string[] = [];
  for (const d of asm.diagnostics) {
    if (d.severity === 'error') problems.push(`${entries[d.line - 1].where}: "${entries[d.line - 1].text}" rejected: ${d.message}`);
  }
  const text = asm.sections.find((s) => s.name === '.text')!;
  const ours = new Map<number, number>();   // entry index → our encoding
  for (const l of asm.lines) {
    const o = l.address - text.addr;
    ours.set(l.line - 1, splitInsns(text.bytes.subarray(o, o + l.size), 1)[0]);
  }
  // Texts standing for another encoding than ours: GNU as decides which one the text means.
  const other = entries.map((p, i) => ({ p, i, mine: ours.get(i) })).filter((e) => e.mine !== undefined && [...e.p.raws].some((r) => r !== e.mine));
  let gnuChoice = 0;
  if (other.length) {
    const g = gnuBuild(other.map((e) => `${e.p.size === 2 ? '.option rvc' : '.option norvc'}; ${e.p.text}`).join('\n') + '\n');
    assert.ok(g.ok, `GNU as rejected texts objdump printed:\n${g.stderr}`);
    const gnu = splitInsns(allocSections(g.elf!).get('.text')!.bytes, other.length);
    other.forEach(({ p, mine }, k) => {
      const hex = (w: number) => w.toString(16).padStart(p.size * 2, '0');
      if (mine !== gnu[k]) { problems.push(`${p.where}: "${p.text}" assembles to ${hex(mine!)}, GNU as gives ${hex(gnu[k])}`); return; }
      for (const raw of p.raws) {
        if (raw === mine) continue;
        const was = meaning(raw, p.size);
        const same = was !== undefined && was === meaning(mine!, (mine! & 3) === 3 ? 4 : 2);
        if (same || (p.size === 2 && RESERVED.has(raw))) gnuChoice++;
        else problems.push(`${p.where}: "${p.text}" was ${hex(raw)}, re-assembles to another instruction ${hex(mine!)} (GNU as too)`);
      }
    });
  }
  return { problems, checked: entries.length, gnuChoice };
}

function verify(printed: Map<string, Printed>, min: number): void {
  const { problems, checked, gnuChoice } = reassemble(printed);
  assert.ok(checked >= min, `only ${checked} distinct texts`);
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems (of ${checked} texts, ${gnuChoice} re-encoded by GNU's choice)`);
}

/** Deterministic xorshift32, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/**
 * `.insn` lines for every 16-bit parcel and, per table entry, words with its fixed bits and
 * random fields, registers and immediates often forced to the values aliases hinge on
 * (x0..x4; 0, 1, -1, 255; the F CSRs and counters).
 */
function generatedEncodings(perEntry: number): string {
  const src = ['.option rvc'];
  for (let x = 0; x < 0x10000; x++) if ((x & 3) !== 3) src.push(`.insn 2, 0x${x.toString(16)}`);
  const next = rng(0xc0ffee);
  for (const m of MNEMONICS) {
    const s = ISA[m];
    for (let k = 0; k < perEntry; k++) {
      let w = next();
      const r = next();
      for (const [bit, shift] of [[1, 7], [2, 15], [4, 20]]) if (r & bit) w = (w & ~(0x1f << shift)) | (((r >>> (8 + shift)) % 5) << shift);
      if (r & 8) w = (w & 0xfffff) | ([0, 1, -1, 255, 0xc00, 0xc01, 0xc02, 1, 2, 3][(r >>> 4) % 10] << 20);
      src.push(`.insn 4, 0x${(((w & ~s.mask) | s.match) >>> 0).toString(16)}`);
    }
  }
  return src.join('\n') + '\n';
}

describe('asm: re-assembling what objdump prints gives the same encoding', function () {
  this.timeout(300_000);
  before(function () { requireBinutils(this); });

  it('the all-instructions fixture (test/fixtures/asm/all-insns.S, every alias form)', function () {
    const dir = tmpDir('reasm-');
    execFileSync(AS, ['-march=rv64gc', '-o', join(dir, 'all.o'), join(REPO_ROOT, 'test/fixtures/asm/all-insns.S')]);
    execFileSync(LD, ['-Ttext=0x10000', '-o', join(dir, 'all'), join(dir, 'all.o')]);
    const printed = new Map<string, Printed>();
    collect(printed, objdumpLines(join(dir, 'all')), 'all-insns.S');
    verify(printed, 250);
  });

  it('every example and fixture binary (examples/bin, test/fixtures/bin)', function () {
    const files = testPrograms();
    if (!files.length) this.skip();
    const printed = new Map<string, Printed>();
    for (const f of files) collect(printed, objdumpLines(f.path), f.name);
    verify(printed, 1000);
  });

  it('generated encodings: every 16-bit parcel, random words for every table entry', function () {
    const printed = new Map<string, Printed>();
    collect(printed, objdumpLines(gnuObject(generatedEncodings(200))), 'generated');
    verify(printed, 50_000);
  });

  it('objdump\'s `unknown` operands (reserved rounding modes, empty fence sets) are not GNU syntax either', function () {
    const g = gnuBuild('\tfadd.s fa0, fa1, fa2, unknown\n');
    assert.equal(g.ok, false);
    assert.equal(gnuBuild('\tfence unknown, rw\n').ok, false);
  });

  it('reassemblable(): targets become relative, comments go', function () {
    assert.equal(reassemblable('beq\ta0,a1,10078 <main+0x8>', 0x10080), 'beq\ta0,a1,.-0x8');
    assert.equal(reassemblable('jal\t0x10100', 0x10000), 'jal\t.+0x100');
    assert.equal(reassemblable('ld\ta0,-16(gp) # 11800 <x>', 0x10000), 'ld\ta0,-16(gp)');
    assert.equal(reassemblable('bnez\ta0,fffffffffffffffe <_start+0xfffffffffffffffe>', 0x12), 'bnez\ta0,.-0x14');
  });
});

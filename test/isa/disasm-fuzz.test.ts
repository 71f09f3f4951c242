// Disassembler vs objdump on generated encodings: every 16-bit parcel (all 49152 of them) and,
// for every table entry, random words with that entry's fixed bits (so every operand field,
// rounding mode, aq/rl bit, CSR number and immediate sign is exercised). objdump decides what
// the text must be; this also checks which encodings objdump refuses (.2byte / .4byte).

import { strict as assert } from 'node:assert';
import { disassembleWord } from '../../emulator/isa/disasm';
import { ISA, MNEMONICS } from '../../emulator/isa/table';
import { assemble, makeSymbolizer, objdumpLines, requireBinutils } from './objdump';

/** Deterministic xorshift32, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

// objdump's `# address` comments depend on the instructions before (DisasmState): the ELF test
// (disasm-objdump.test.ts) checks them; here each word is disassembled on its own.
const stripComment = (t: string) => t.replace(/ # .*$/, '');

function compare(words: { word: number; size: 2 | 4 }[]): string[] {
  const src = ['.option rvc'];
  for (const w of words) src.push(`.insn ${w.size}, 0x${(w.word >>> 0).toString(16)}`);
  const obj = assemble(src.join('\n') + '\n');
  const sym = makeSymbolizer(obj);
  const lines = objdumpLines(obj);
  assert.equal(lines.length, words.length, 'objdump printed one line per encoding');
  const bad: string[] = [];
  for (const l of lines) {
    const ours = disassembleWord(l.addr, l.raw, sym);
    if (ours !== stripComment(l.text)) bad.push(`${l.raw.toString(16).padStart(l.size * 2, '0')}: objdump "${l.text}" ours "${ours}"`);
  }
  return bad;
}

describe('disassembler vs objdump on generated encodings', function () {
  before(function () { requireBinutils(this); });

  it('every 16-bit parcel', function () {
    const words: { word: number; size: 2 }[] = [];
    for (let x = 0; x < 0x10000; x++) if ((x & 3) !== 3) words.push({ word: x, size: 2 });
    const bad = compare(words);
    assert.deepEqual(bad.slice(0, 30), [], `${bad.length} mismatches`);
  });

  it('random words for every table entry', function () {
    const next = rng(0x1234567);
    const words: { word: number; size: 4 }[] = [];
    for (const m of MNEMONICS) {
      const s = ISA[m];
      for (let k = 0; k < 300; k++) {
        let w = next();
        // Aliases hinge on special field values: force rd/rs1/rs2 to x0..x4 and imm to 0/1/-1/255
        // (and the CSR field to the F CSRs and counters) in a good share of the samples.
        const r = next();
        if (r & 1) w = (w & ~0xf80) | ((r >>> 8) % 5 << 7);
        if (r & 2) w = (w & ~0xf8000) | ((r >>> 11) % 5 << 15);
        if (r & 4) w = (w & ~0x1f00000) | ((r >>> 14) % 5 << 20);
        if (r & 8) w = (w & 0xfffff) | ([0, 1, -1, 255, 0xc00, 0xc01, 0xc02, 2, 3][(r >>> 17) % 9] << 20);
        words.push({ word: ((w & ~s.mask) | s.match) >>> 0, size: 4 });
      }
    }
    const bad = compare(words);
    assert.deepEqual(bad.slice(0, 30), [], `${bad.length} mismatches`);
  });
});

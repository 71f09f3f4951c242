// Encoder: builds the 32-bit word of a base instruction from the table's format and operand
// fields — the inverse of decode.ts. Used by the generated tests and the assembler. Values are
// range-checked so a bad operand is an error, never a silently different instruction.

import { decode } from './decode';
import type { Insn } from './insn';
import { ISA, type Mnemonic } from './table';

export type EncodeFields = Partial<Pick<Insn, 'rd' | 'rs1' | 'rs2' | 'rs3' | 'imm' | 'rm' | 'csr' | 'aq' | 'rl' | 'pred' | 'succ'>>;

function check(name: string, v: number, lo: number, hi: number, align = 1): number {
  if (!Number.isInteger(v) || v < lo || v > hi || v % align !== 0) {
    throw new RangeError(`${name} ${v} out of range [${lo}, ${hi}]${align > 1 ? ` or not a multiple of ${align}` : ''}`);
  }
  return v;
}
const reg = (name: string, v = 0) => check(name, v, 0, 31);

/** Immediate bits for each format (RISC-V Unprivileged ISA, fig. 2.3/2.4). */
function immBits(format: string, imm: number, mnemonic: string): number {
  switch (format) {
    case 'I': return (check(`${mnemonic} imm`, imm, -2048, 2047) & 0xfff) << 20;
    case 'S': { const v = check(`${mnemonic} imm`, imm, -2048, 2047); return ((v & 0xfe0) << 20) | ((v & 31) << 7); }
    case 'B': {
      const v = check(`${mnemonic} offset`, imm, -4096, 4094, 2);
      return ((v & 0x1000) << 19) | ((v & 0x7e0) << 20) | ((v & 0x1e) << 7) | ((v & 0x800) >> 4);
    }
    case 'U': {
      // Accept the already-shifted value as decode produces it (a multiple of 4096, int32).
      const v = check(`${mnemonic} imm`, imm, -0x80000000, 0x7ffff000, 4096);
      return v & 0xfffff000;
    }
    case 'J': {
      const v = check(`${mnemonic} offset`, imm, -(1 << 20), (1 << 20) - 2, 2);
      return ((v & 0x100000) << 11) | ((v & 0x7fe) << 20) | ((v & 0x800) << 9) | (v & 0xff000);
    }
    case 'SH6': return check(`${mnemonic} shamt`, imm, 0, 63) << 20;
    case 'SH5': return check(`${mnemonic} shamt`, imm, 0, 31) << 20;
    case 'CSRI': return check(`${mnemonic} zimm`, imm, 0, 31) << 15;
    default: return 0;
  }
}

/**
 * The 32-bit encoding of `mnemonic` with the given operand fields (missing fields are 0; the
 * rounding mode defaults to 7 = dynamic). Throws RangeError for out-of-range operands.
 */
export function encode(mnemonic: Mnemonic, f: EncodeFields = {}): number {
  const s = ISA[mnemonic];
  if (!s) throw new Error(`unknown mnemonic ${mnemonic}`);
  let w = s.match | immBits(s.format, f.imm ?? 0, mnemonic);
  if (s.rdFile) w |= reg('rd', f.rd) << 7;
  if (s.rs1File) w |= reg('rs1', f.rs1) << 15;
  if (s.rs2File) w |= reg('rs2', f.rs2) << 20;
  if (s.rs3File) w |= reg('rs3', f.rs3) << 27;
  if (s.flags.hasRm) w |= check('rm', f.rm ?? 7, 0, 7) << 12;
  if (s.format === 'CSR' || s.format === 'CSRI') w |= check('csr', f.csr ?? 0, 0, 4095) << 20;
  if (s.ext === 'A') w |= (f.aq ? 1 << 26 : 0) | (f.rl ? 1 << 25 : 0);
  if (s.format === 'FENCE') w |= (check('pred', f.pred ?? 15, 0, 15) << 24) | (check('succ', f.succ ?? 15, 0, 15) << 20);
  return w >>> 0;
}

let cIndex: Map<string, number> | undefined;
const cKey = (cop: string, f: { rd?: number; rs1?: number; rs2?: number; imm?: number }) =>
  `${cop}|${f.rd ?? 0}|${f.rs1 ?? 0}|${f.rs2 ?? 0}|${f.imm ?? 0}`;

/**
 * The 16-bit parcel of compressed form `cop` (e.g. 'c.addi') whose expansion has the given
 * base-instruction fields (rd/rs1/rs2/imm as decode reports them), or undefined when no legal
 * parcel encodes them. The index is built once from the decoder, so the two cannot disagree.
 */
export function encodeCompressed(cop: string, f: { rd?: number; rs1?: number; rs2?: number; imm?: number }): number | undefined {
  if (!cIndex) {
    cIndex = new Map();
    for (let x = 0; x < 0x10000; x++) {
      if ((x & 3) === 3) continue;
      const i = decode(0, x, 0);
      if (i?.cop) cIndex.set(cKey(i.cop, i), x);
    }
  }
  return cIndex.get(cKey(cop, f));
}

// Instruction decoder: one 16- or 32-bit encoding -> Insn (emulator/isa/insn.ts). The
// translator calls it once per guest instruction at translation time, so instead of scanning
// the whole table it dispatches on the major opcode and funct3 (32-bit) or quadrant and funct3
// (16-bit) into small buckets precomputed from the table's match/mask values.

import type { Insn } from './insn';
import { C_TABLE, ISA, MNEMONICS, type CSpec, type InsnSpec } from './table';

/** Bits that select a 32-bit bucket: opcode[6:2] and funct3. */
const KEY32_MASK = 0x707c;
const key32 = (w: number) => ((((w >>> 2) & 31) | (((w >>> 12) & 7) << 5)) << 7) | (w >>> 25);
const key16 = (x: number) => (x & 3) | (((x >>> 13) & 7) << 2);

const IMM_KIND: Record<string, number> = { I: 1, S: 2, B: 3, U: 4, J: 5, SH6: 6, SH5: 7, CSRI: 8 };

/** Per-entry decoding facts precomputed once, in one object shape (keeps decode32 monomorphic). */
class DecodeInfo {
  readonly match: number;
  readonly mask: number;
  readonly immKind: number;
  readonly useRd: boolean;
  readonly useRs1: boolean;
  readonly useRs2: boolean;
  readonly useRs3: boolean;
  readonly hasRm: boolean;
  readonly isAmo: boolean;
  readonly isCsr: boolean;
  readonly isFence: boolean;
  constructor(readonly spec: InsnSpec) {
    this.match = spec.match | 0;
    this.mask = spec.mask | 0;
    this.immKind = IMM_KIND[spec.format] ?? 0;
    this.useRd = spec.rdFile !== undefined;
    this.useRs1 = spec.rs1File !== undefined;
    this.useRs2 = spec.rs2File !== undefined;
    this.useRs3 = spec.rs3File !== undefined;
    this.hasRm = spec.flags.hasRm === true;
    this.isAmo = spec.ext === 'A';
    this.isCsr = spec.format === 'CSR' || spec.format === 'CSRI';
    this.isFence = spec.format === 'FENCE';
  }
}

const popcount = (v: number) => { let n = 0; for (let x = v >>> 0; x; x &= x - 1) n++; return n; };

/**
 * 32-bit dispatch: 256 buckets by opcode[6:2] + funct3, each split again by funct7 (bits 31:25)
 * into 128 lists, so even OP-FP (where funct3 is a rounding mode) scans one or two entries.
 */
function buildBuckets32(): DecodeInfo[][] {
  const buckets: DecodeInfo[][] = [];
  const empty: DecodeInfo[] = [];
  const infos = MNEMONICS.map((m) => new DecodeInfo(ISA[m]));
  for (let k = 0; k < 256; k++) {
    const w = 3 | ((k & 31) << 2) | ((k >>> 5) << 12);
    const inBucket = infos.filter((s) => ((w ^ s.match) & s.mask & KEY32_MASK) === 0);
    // Most specific first, so an entry with more fixed bits wins over a broader one.
    inBucket.sort((a, c) => popcount(c.mask) - popcount(a.mask));
    for (let f7 = 0; f7 < 128; f7++) {
      const hi = (f7 << 25) >>> 0;
      const list = inBucket.filter((s) => ((hi ^ s.match) & s.mask & 0xfe000000) === 0);
      buckets.push(list.length ? list : empty);
    }
  }
  return buckets;
}

function buildBuckets16(): CSpec[][] {
  const buckets: CSpec[][] = Array.from({ length: 32 }, () => []);
  for (const c of C_TABLE) {
    for (let k = 0; k < 32; k++) {
      const x = (k & 3) | ((k >>> 2) << 13);
      if (((x ^ c.match) & c.mask & 0xe003) === 0) buckets[k].push(c);
    }
  }
  return buckets;   // C_TABLE order is significant (c.nop before c.addi, c.ebreak before c.jalr ...)
}

const BUCKETS32 = buildBuckets32();
const BUCKETS16 = buildBuckets16();

function find32(w: number): DecodeInfo | undefined {
  const b = BUCKETS32[key32(w)];
  for (let i = 0; i < b.length; i++) if (((w ^ b[i].match) & b[i].mask) === 0) return b[i];
  return undefined;
}

/** Finds the table entry for a 32-bit word (no field validity checks). */
export function lookup32(w: number): InsnSpec | undefined {
  return find32(w | 0)?.spec;
}

/** Finds the compressed form of a 16-bit parcel (no reserved-encoding checks). */
export function lookup16(x: number): CSpec | undefined {
  const b = BUCKETS16[key16(x)];
  for (let i = 0; i < b.length; i++) if (((x ^ b[i].match) & b[i].mask) === 0) return b[i];
  return undefined;
}

function makeInsn(pc: number, raw: number, size: 2 | 4, s: InsnSpec, cop: string | undefined,
  rd: number, rs1: number, rs2: number, rs3: number, imm: number, rm: number, csr: number,
  aq: boolean, rl: boolean, pred: number, succ: number): Insn {
  // One object shape for every instruction keeps consumers monomorphic.
  return { pc, raw, size, op: s.mnemonic, cop, rd, rs1, rs2, rs3, imm, rm, csr, aq, rl, pred, succ };
}

/** Immediate of a 32-bit word by format (RISC-V Unprivileged ISA, fig. 2.4 "Types of immediate"). */
function imm32(kind: number, w: number): number {
  switch (kind) {
    case 1: return w >> 20;                                                      // I
    case 2: return ((w >> 25) << 5) | ((w >>> 7) & 31);                          // S
    case 3: return ((w >> 31) << 12) | ((w << 4) & 0x800) | ((w >>> 20) & 0x7e0) | ((w >>> 7) & 0x1e);  // B
    case 4: return w & 0xfffff000;                                               // U
    case 5: return ((w >> 31) << 20) | (w & 0xff000) | ((w >>> 9) & 0x800) | ((w >>> 20) & 0x7fe);      // J
    case 6: return (w >>> 20) & 63;                                              // 6-bit shamt
    case 7: return (w >>> 20) & 31;                                              // 5-bit shamt
    case 8: return (w >>> 15) & 31;                                              // CSR zimm
    default: return 0;
  }
}

function decode32(pc: number, w: number, lenient: boolean): Insn | undefined {
  const d = find32(w);
  if (d === undefined) return undefined;
  const rm = d.hasRm ? (w >>> 12) & 7 : 0;
  // Reserved rounding modes are illegal (QEMU raises it for static rm 5/6, like the spec says).
  if ((rm === 5 || rm === 6) && !lenient) return undefined;
  return makeInsn(pc, w >>> 0, 4, d.spec, undefined,
    d.useRd ? (w >>> 7) & 31 : 0,
    d.useRs1 ? (w >>> 15) & 31 : 0,
    d.useRs2 ? (w >>> 20) & 31 : 0,
    d.useRs3 ? w >>> 27 : 0,
    imm32(d.immKind, w), rm,
    d.isCsr ? w >>> 20 : 0,
    d.isAmo && ((w >>> 26) & 1) === 1, d.isAmo && ((w >>> 25) & 1) === 1,
    d.isFence ? (w >>> 24) & 15 : 0, d.isFence ? (w >>> 20) & 15 : 0);
}

function decode16(pc: number, x: number): Insn | undefined {
  const c = lookup16(x);
  if (c === undefined) return undefined;
  const f = c.expand(x);
  if (f === undefined) return undefined;
  return makeInsn(pc, x, 2, ISA[c.op], c.cop, f.rd, f.rs1, f.rs2, 0, f.imm, 0, 0, false, false, 0, 0);
}

/**
 * Decodes the instruction at `pc` from its first parcel `lo16` and, for 32-bit encodings
 * (low two bits 11), the next parcel `hi16`. Returns undefined for an illegal instruction.
 */
export function decode(pc: number, lo16: number, hi16: number): Insn | undefined {
  lo16 &= 0xffff;
  if ((lo16 & 3) !== 3) return decode16(pc, lo16);
  return decode32(pc, (lo16 | (hi16 << 16)) | 0, false);
}

/** Decodes a whole 32-bit word or 16-bit parcel (tests, assembler round trips). */
export function decodeWord(pc: number, word: number): Insn | undefined {
  return decode(pc, word & 0xffff, (word >>> 16) & 0xffff);
}

/**
 * Like decodeWord for 32-bit words but keeps encodings that are only illegal because of a
 * reserved rounding mode (the disassembler prints them as objdump does, with `unknown`).
 */
export function decodeLenient(pc: number, word: number): Insn | undefined {
  return decode32(pc, word | 0, true);
}

// The decoded form of one guest instruction: what the decoder produces and what the
// disassembler, translator, assembler and plugins consume. Compressed instructions are
// decoded to the base instruction they expand to (RVC spec, ch. "C" Standard Extension),
// keeping `size` = 2 and `raw` = the 16-bit encoding, so semantics live in one place.

import type { Mnemonic } from './table';

export interface Insn {
  /** Guest address of the instruction (JS number; user-mode addresses are < 2^53). */
  pc: number;
  /** Encoding: the 32-bit word, or the 16-bit parcel for compressed instructions. */
  raw: number;
  /** 2 for compressed, 4 otherwise. */
  size: 2 | 4;
  /** Base mnemonic the instruction executes as (compressed forms expanded). */
  op: Mnemonic;
  /** Compressed mnemonic (e.g. 'c.addi16sp') when size === 2, else undefined. */
  cop?: string;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  /** Sign-extended immediate as an int32 (U-type: already shifted, e.g. lui imm = raw & 0xfffff000 | 0). Shift amount for shifts. */
  imm: number;
  /** Rounding-mode field of FP instructions (0..7; 7 = dynamic). */
  rm: number;
  /** CSR number for Zicsr instructions. */
  csr: number;
  /** A-extension ordering bits. */
  aq: boolean;
  rl: boolean;
  /** fence predecessor/successor sets (4 bits each). */
  pred: number;
  succ: number;
  /**
   * Set only on the stand-in for an undecodable first instruction of a TB, shown to plugins
   * (QEMU runs the exec callbacks of such a one-instruction TB before SIGILL). `raw`/`size` are
   * the fetched bits; `op` and the operand fields then mean nothing.
   */
  illegal?: true;
}

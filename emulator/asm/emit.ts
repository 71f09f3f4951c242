// What the instruction layer hands to the assembler: base instructions with either all fields
// known now (possibly compressed, exactly where GNU as compresses) or one field to be filled
// in at link time (a relocation), and relaxable branches/jumps whose size (2/4/6/8 bytes) is
// chosen by the layout loop the way GNU as sizes its RELAX_BRANCH frags.

import { encodeCompressed, type EncodeFields } from '../isa/encode';
import { C_TABLE, type Mnemonic } from '../isa/table';
import type { Expr } from './expr';

/**
 * hi20/lo12: %hi/%lo of an absolute address; pcrel_hi20: %pcrel_hi (relative to this insn);
 * pcrel_lo12: %pcrel_lo, relative to the auipc `hiInsn` (or the one at label `expr`);
 * abs: a plain immediate that was not a constant when assembled; call: auipc+jalr pair (hi part).
 */
export type RelocKind = 'hi20' | 'lo12' | 'pcrel_hi20' | 'pcrel_lo12' | 'abs';

export interface InsnEmit {
  t: 'insn';
  op: Mnemonic;
  f: EncodeFields;
  /** Compressed parcel when all fields were known and a C form exists. */
  c?: number;
  /** A 32-bit word emitted as is (fence.tso: its fm field is not an operand of `fence`). */
  word?: number;
  reloc?: { kind: RelocKind; expr: Expr; hiInsn?: InsnEmit };
}

export type BranchOp = 'beq' | 'bne' | 'blt' | 'bge' | 'bltu' | 'bgeu' | 'jal';

export interface BranchEmit {
  t: 'branch';
  op: BranchOp;
  rd: number;
  rs1: number;
  rs2: number;
  target: Expr;
  /** A compressed form (c.beqz/c.bnez/c.j) matched when assembled: GNU's best case of 2 bytes. */
  rvc: boolean;
  /** Written as c.beqz/c.bnez/c.j: always 2 bytes, out of range is an error. */
  fixed?: boolean;
}

export type Emit = InsnEmit | BranchEmit;

const C_BY_OP = new Map<string, string[]>();
for (const c of C_TABLE) C_BY_OP.set(c.op, [...(C_BY_OP.get(c.op) ?? []), c.cop]);

/**
 * HINT encodings (RVC spec, table "RVC HINT instructions") decode to base instructions too, but
 * GNU as never produces them for a base instruction: rd = x0 writes, zero shift amounts, c.addi 0.
 */
function isHint(cop: string, f: EncodeFields): boolean {
  const rd = f.rd ?? 0, imm = f.imm ?? 0;
  switch (cop) {
    case 'c.nop': return imm !== 0;
    case 'c.addi': return rd === 0 || imm === 0;
    case 'c.li': case 'c.lui': case 'c.mv': case 'c.add': return rd === 0;
    case 'c.slli': case 'c.srli': case 'c.srai': return rd === 0 || imm === 0;
  }
  return false;
}

/** Commutative ops whose C forms GNU as also finds with the sources swapped. */
const COMMUTATIVE = new Set(['add', 'and', 'or', 'xor', 'addw']);

/** The 16-bit parcel GNU as would emit for this base instruction (C forms limited to `only`), or undefined. */
export function compress(op: Mnemonic, f: EncodeFields, only?: readonly string[]): number | undefined {
  const fields = { rd: f.rd ?? 0, rs1: f.rs1 ?? 0, rs2: f.rs2 ?? 0, imm: f.imm ?? 0 };
  // `add rd, zero, rs2` is c.mv in GNU as ("d,Cz,CV"); our decoder expands c.mv to addi.
  if (op === 'add' && fields.rs1 === 0 && fields.rd !== 0 && fields.rs2 !== 0 && (!only || only.includes('c.mv'))) {
    return encodeCompressed('c.mv', { rd: fields.rd, rs1: fields.rs2, rs2: 0, imm: 0 });
  }
  const cops = C_BY_OP.get(op)?.filter((c) => !only || only.includes(c));
  if (!cops) return undefined;
  for (const cop of cops) {
    if (isHint(cop, fields)) continue;
    const x = encodeCompressed(cop, fields);
    if (x !== undefined) return x;
    if (COMMUTATIVE.has(op)) {
      const y = encodeCompressed(cop, { ...fields, rs1: fields.rs2, rs2: fields.rs1 });
      if (y !== undefined) return y;
    }
  }
  return undefined;
}

// Explicit compressed mnemonics (`c.addi a0, 1`, `c.lw a2, 4(a3)`, `c.beqz s0, label`): the
// operand syntax GNU as accepts for each RVC form, turned into the fields of the base instruction
// it expands to, then encoded through the ISA's C table (isa/encode.ts encodeCompressed), so an
// operand the form cannot hold is an error instead of a silently different instruction.

import { encodeCompressed } from '../isa/encode';
import { C_TABLE, ISA, type CSpec } from '../isa/table';
import type { Emit } from './emit';
import { AsmError, type Expr } from './expr';
import { constOperand, type InsnCtx } from './instructions';
import type { Token } from './lexer';
import { expression, freg, memOperand, xreg, type Operand } from './operands';

type Fields = { rd: number; rs1: number; rs2: number; imm: number };
type Shape = (ctx: InsnCtx, ops: Operand[], reg: (o: Operand) => number) => Fields | Emit;

const immE = (ctx: InsnCtx, e: Expr) => constOperand(ctx, e, 'immediate', -(2 ** 31), 2 ** 32 - 1);
const imm = (ctx: InsnCtx, o: Operand) => immE(ctx, expression(o));
const rdImm: Shape = (ctx, [a, b]) => { const rd = xreg(a); return { rd, rs1: rd, rs2: 0, imm: imm(ctx, b) }; };
const rdRs2: Shape = (_c, [a, b]) => { const rd = xreg(a); return { rd, rs1: rd, rs2: xreg(b), imm: 0 }; };
const load: Shape = (ctx, [a, b], reg) => { const m = memOperand(b); return { rd: reg(a), rs1: m.base, rs2: 0, imm: m.off ? immE(ctx, m.off) : 0 }; };
const store: Shape = (ctx, [a, b], reg) => { const m = memOperand(b); return { rd: 0, rs1: m.base, rs2: reg(a), imm: m.off ? immE(ctx, m.off) : 0 }; };

const shift64: Shape = (_c, [a]) => { const rd = xreg(a); return { rd, rs1: rd, rs2: 0, imm: 0 }; };

/** Operand counts and syntax per C mnemonic; `cop`/`desc` when the name is a spelling of another C form. */
const SHAPES: Record<string, { n: number[]; shape: Shape; cop?: string; desc?: string }> = {
  'c.addi': { n: [2], shape: rdImm }, 'c.addiw': { n: [2], shape: rdImm }, 'c.slli': { n: [2], shape: rdImm },
  'c.srli': { n: [2], shape: rdImm }, 'c.srai': { n: [2], shape: rdImm }, 'c.andi': { n: [2], shape: rdImm },
  // The shift-by-0 HINTs (RV128's 64-bit shifts), as objdump prints them.
  'c.slli64': { n: [1], shape: shift64, cop: 'c.slli', desc: 'slli rd, rd, 0 (a HINT).' },
  'c.srli64': { n: [1], shape: shift64, cop: 'c.srli', desc: 'srli rd\', rd\', 0 (a HINT).' },
  'c.srai64': { n: [1], shape: shift64, cop: 'c.srai', desc: 'srai rd\', rd\', 0 (a HINT).' },
  'c.li': { n: [2], shape: (ctx, [a, b]) => ({ rd: xreg(a), rs1: 0, rs2: 0, imm: imm(ctx, b) }) },
  // The operand is lui's 20-bit field (GNU as: 1..0x1f or 0xfffe0..0xfffff); anything wider would wrap.
  'c.lui': { n: [2], shape: (ctx, [a, b]) => ({ rd: xreg(a), rs1: 0, rs2: 0, imm: (constOperand(ctx, expression(b), 'immediate', 0, 0xfffff) << 12) | 0 }) },
  'c.addi16sp': { n: [2], shape: (ctx, [a, b]) => ({ rd: xreg(a), rs1: xreg(a), rs2: 0, imm: imm(ctx, b) }) },
  'c.addi4spn': { n: [3], shape: (ctx, [a, b, c]) => ({ rd: xreg(a), rs1: xreg(b), rs2: 0, imm: imm(ctx, c) }) },
  'c.lw': { n: [2], shape: load }, 'c.ld': { n: [2], shape: load }, 'c.fld': { n: [2], shape: load },
  'c.lwsp': { n: [2], shape: load }, 'c.ldsp': { n: [2], shape: load }, 'c.fldsp': { n: [2], shape: load },
  'c.sw': { n: [2], shape: store }, 'c.sd': { n: [2], shape: store }, 'c.fsd': { n: [2], shape: store },
  'c.swsp': { n: [2], shape: store }, 'c.sdsp': { n: [2], shape: store }, 'c.fsdsp': { n: [2], shape: store },
  'c.mv': { n: [2], shape: (_c, [a, b]) => ({ rd: xreg(a), rs1: xreg(b), rs2: 0, imm: 0 }) },
  'c.add': { n: [2], shape: rdRs2 }, 'c.sub': { n: [2], shape: rdRs2 }, 'c.xor': { n: [2], shape: rdRs2 },
  'c.or': { n: [2], shape: rdRs2 }, 'c.and': { n: [2], shape: rdRs2 }, 'c.subw': { n: [2], shape: rdRs2 }, 'c.addw': { n: [2], shape: rdRs2 },
  'c.jr': { n: [1], shape: (_c, [a]) => ({ rd: 0, rs1: xreg(a), rs2: 0, imm: 0 }) },
  'c.jalr': { n: [1], shape: (_c, [a]) => ({ rd: 1, rs1: xreg(a), rs2: 0, imm: 0 }) },
  'c.nop': { n: [0, 1], shape: (ctx, [a]) => ({ rd: 0, rs1: 0, rs2: 0, imm: a ? imm(ctx, a) : 0 }) },
  'c.ebreak': { n: [0], shape: () => ({ rd: 0, rs1: 0, rs2: 0, imm: 0 }) },
  'c.j': { n: [1], shape: (_c, [a]) => ({ t: 'branch', op: 'jal', rd: 0, rs1: 0, rs2: 0, target: expression(a), rvc: true, fixed: true }) },
  'c.beqz': { n: [2], shape: (_c, [a, b]) => ({ t: 'branch', op: 'beq', rd: 0, rs1: xreg(a), rs2: 0, target: expression(b), rvc: true, fixed: true }) },
  'c.bnez': { n: [2], shape: (_c, [a, b]) => ({ t: 'branch', op: 'bne', rd: 0, rs1: xreg(a), rs2: 0, target: expression(b), rvc: true, fixed: true }) },
};

export const COMPRESSED_NAMES: readonly string[] = Object.keys(SHAPES);

/** The C-table entry an explicit compressed mnemonic encodes, with that mnemonic's description. */
export function compressedSpec(name: string): CSpec | undefined {
  const s = Object.hasOwn(SHAPES, name) ? SHAPES[name] : undefined;
  const spec = s && C_TABLE.find((c) => c.cop === (s.cop ?? name));
  return spec && { ...spec, desc: s.desc ?? spec.desc };
}

/** Assembles an explicit `c.*` instruction, or returns undefined if `name` is not one. */
export function compressedInstruction(ctx: InsnCtx, name: string, ops: Operand[], m: Token): Emit[] | undefined {
  const s = Object.hasOwn(SHAPES, name) ? SHAPES[name] : undefined;
  const spec = compressedSpec(name);
  if (!s || !spec) return undefined;
  // Like GNU as: explicit C mnemonics need the C extension, i.e. `.option rvc` in effect.
  if (!ctx.rvc) throw new AsmError(`${name}: the C extension is off here (.option norvc)`, m);
  if (!s.n.includes(ops.length)) throw new AsmError(`${name} expects ${s.n.join(' or ')} operand${s.n[0] === 1 ? '' : 's'}, got ${ops.length}`, ops[0]?.[0] ?? m);
  const base = ISA[spec.op];
  const fp = base.rdFile === 'f' || base.rs2File === 'f';
  const r = s.shape(ctx, ops, fp ? freg : xreg);
  // A shift by 0 is only spelled c.slli64 & co. (GNU as: "illegal operands"); `c.addi x0, n`
  // is the HINT c.nop n, which GNU as accepts.
  if (/^c\.(slli|srli|srai)$/.test(name) && !('t' in r) && r.imm === 0) throw new AsmError(`${name} needs a shift amount of 1..63 (a shift by 0 is ${name}64)`, ops[1]?.[0] ?? m);
  if (name === 'c.addi' && !('t' in r) && r.rd === 0) return compressedInstruction(ctx, 'c.nop', [ops[1]], m);
  if ('t' in r) {
    if (r.t === 'branch' && r.rs1 !== 0 && (r.rs1 < 8 || r.rs1 > 15)) throw new AsmError(`${name} needs a register x8..x15 (s0, s1, a0..a5), not '${ops[0][0].text}'`, ops[0][0]);
    return [r];
  }
  const c = encodeCompressed(spec.cop, r);
  if (c === undefined) {
    throw new AsmError(`'${ops.map((o) => o.map((t) => t.text).join('')).join(', ')}' cannot be encoded as ${name}: ${spec.desc}`, ops[0]?.[0] ?? m, ops[ops.length - 1]?.at(-1));
  }
  return [{ t: 'insn', op: spec.op, f: r, c }];
}

// Base instructions: operands are parsed in the order the ISA table lists them (the order objdump
// prints), so every mnemonic in emulator/isa is assemblable without a second opcode table.
// Constant instructions are compressed where GNU as compresses them (emit.ts); operands that
// are relocations (%hi/%lo/%pcrel_*, labels) become link-time fields and are never compressed,
// as in GNU as.

import type { EncodeFields } from '../isa/encode';
import { encode } from '../isa/encode';
import { ISA, type InsnSpec, type Mnemonic } from '../isa/table';
import { compress, type BranchEmit, type BranchOp, type Emit, type InsnEmit, type RelocKind } from './emit';
import { AsmError, type Expr } from './expr';
import type { Token } from './lexer';
import { csrOperand, expression, fenceSet, freg, memOperand, roundingMode, xreg, type Operand } from './operands';

export interface InsnCtx {
  /** .option rvc in effect. */
  rvc: boolean;
  /** Value of an expression if it is an assembly-time constant, else undefined. */
  constant(e: Expr): bigint | undefined;
}

const OPTIONAL = new Set(['rm', 'pred', 'succ']);

/** Checks an encodable instruction now, so range errors point at the source statement. */
function checked(op: Mnemonic, f: EncodeFields, at: Token, atEnd?: Token): void {
  try { encode(op, f); } catch (e) { throw new AsmError((e as Error).message.replace(/^(\S+) imm /, '$1: immediate '), at, atEnd); }
}

/**
 * A fully known base instruction, compressed when allowed. GNU as picks C forms per *written*
 * mnemonic (opcodes/riscv-opc.c lists e.g. `mv` only with c.mv), so callers may restrict the
 * candidates with `only` (an empty list: never compress).
 */
export function insn(ctx: InsnCtx, op: Mnemonic, f: EncodeFields, at: Token, atEnd?: Token, only?: readonly string[]): InsnEmit {
  checked(op, f, at, atEnd);
  const c = ctx.rvc ? compress(op, f, only) : undefined;
  return c === undefined ? { t: 'insn', op, f } : { t: 'insn', op, f, c };
}

export function relocInsn(op: Mnemonic, f: EncodeFields, kind: RelocKind, expr: Expr, hiInsn?: InsnEmit): InsnEmit {
  return { t: 'insn', op, f, reloc: { kind, expr, hiInsn } };
}

const RELOC_OF = { hi: 'hi20', lo: 'lo12', pcrel_hi: 'pcrel_hi20', pcrel_lo: 'pcrel_lo12' } as const;

/** An immediate operand: a constant (checked later by encode), or a relocation. */
export function immOperand(ctx: InsnCtx, e: Expr | undefined, allowed: readonly string[]):
  { imm: number } | { kind: RelocKind; expr: Expr } {
  if (!e) return { imm: 0 };
  if (e.k === 'reloc') {
    if (!allowed.includes(e.fn)) throw new AsmError(`%${e.fn} is not allowed in this operand`, e.tok);
    return { kind: RELOC_OF[e.fn], expr: e.a };
  }
  const v = ctx.constant(e);
  if (v === undefined) return { kind: 'abs', expr: e };
  if (v < -(1n << 31n) || v > (1n << 32n) - 1n) throw new AsmError(`immediate ${v} out of range`, e.tok);
  return { imm: Number(BigInt.asIntN(32, v)) };
}

/** A constant operand (shift amounts, CSR numbers, zimm): must be known now. */
export function constOperand(ctx: InsnCtx, e: Expr, what: string, lo: number, hi: number): number {
  if (e.k === 'reloc') throw new AsmError(`%${e.fn} is not allowed for ${what}`, e.tok);
  const v = ctx.constant(e);
  if (v === undefined) throw new AsmError(`${what} must be a constant`, e.tok);
  if (v < BigInt(lo) || v > BigInt(hi)) throw new AsmError(`${what} ${v} out of range [${lo}, ${hi}]`, e.tok);
  return Number(v);
}

export function branchEmit(op: BranchOp, rd: number, rs1: number, rs2: number, target: Expr, rvc: boolean): BranchEmit {
  // GNU as's c.beqz/c.bnez ("Cs,Cp"/"Cs,Cz,Cp") and c.j ("Ca") matched at parse time.
  const cReg = rs1 >= 8 && rs1 <= 15 && rs2 === 0;
  const c = rvc && ((op === 'beq' || op === 'bne') ? cReg : op === 'jal' ? rd === 0 : false);
  return { t: 'branch', op, rd, rs1, rs2, target, rvc: c };
}

/** AMO/LR/SC ordering suffixes: `amoadd.w.aqrl` is amoadd.w with aq and rl set. */
export function splitOrdering(name: string): { base: string; aq: boolean; rl: boolean } | undefined {
  const m = /^(.*)\.(aq|rl|aqrl)$/.exec(name);
  if (!m || !Object.hasOwn(ISA, m[1]) || ISA[m[1] as Mnemonic].ext !== 'A') return undefined;
  return { base: m[1], aq: m[2] !== 'rl', rl: m[2] !== 'aq' };
}

/**
 * GNU's symbol forms of loads and stores: `ld rd, sym` (auipc rd + ld rd, %pcrel_lo), and
 * `sd rs2, sym, rt` / `fld frd, sym, rt` which need a temporary integer register for the auipc.
 */
function symbolAccess(spec: InsnSpec, ops: Operand[], mnemonic: Token): Emit[] {
  const intLoad = spec.flags.load && spec.rdFile === 'x';
  if (ops.length !== (intLoad ? 2 : 3)) {
    throw new AsmError(`${spec.mnemonic} with a symbol address expects ${intLoad ? 'rd, symbol' : 'reg, symbol, temp-reg'}`, ops[0]?.[0] ?? mnemonic);
  }
  const reg = (spec.flags.load ? spec.rdFile : spec.rs2File) === 'f' ? freg(ops[0]) : xreg(ops[0]);
  const tmp = intLoad ? reg : xreg(ops[2]);
  const target = expression(ops[1]);
  if (target.k === 'reloc') throw new AsmError(`%${target.fn} needs the imm(reg) form`, target.tok);
  const hi = relocInsn('auipc', { rd: tmp }, 'pcrel_hi20', target);
  const f = spec.flags.load ? { rd: reg, rs1: tmp } : { rs2: reg, rs1: tmp };
  return [hi, relocInsn(spec.mnemonic, f, 'pcrel_lo12', target, hi)];
}

/**
 * Assembles a base instruction of the ISA table from its operands. `only` limits the C forms
 * (see insn()) when the written mnemonic is an alias with fewer C entries in GNU's table.
 */
export function baseInstruction(ctx: InsnCtx, spec: InsnSpec, ops: Operand[], mnemonic: Token, extra: EncodeFields = {}, only?: readonly string[]): Emit[] {
  // Exact conversions (fcvt.d.w, fcvt.d.s, ...): GNU as 2.40 takes no rounding mode and encodes rm = 0.
  const kinds = spec.flags.rmObjdumpZero ? spec.operands.filter((k) => k !== 'rm') : spec.operands;
  const memAt = kinds.indexOf('mem');
  if (memAt >= 0 && spec.mnemonic !== 'jalr' && ops[memAt] && !ops[memAt].some((t) => t.text === '(')) return symbolAccess(spec, ops, mnemonic);
  const required = kinds.filter((k) => !OPTIONAL.has(k)).length;
  if (ops.length < required || ops.length > kinds.length) {
    const n = required === kinds.length ? `${required}` : `${required} to ${kinds.length}`;
    throw new AsmError(`${spec.mnemonic} expects ${n} operand${kinds.length === 1 ? '' : 's'} (${kinds.join(', ')}), got ${ops.length}`,
      ops[0]?.[0] ?? mnemonic, ops[ops.length - 1]?.at(-1));
  }
  const f: EncodeFields = { ...extra };
  let reloc: InsnEmit['reloc'];
  let target: Expr | undefined;
  const first = ops[0]?.[0] ?? mnemonic, last = ops[ops.length - 1]?.at(-1);
  let immOp: Operand | undefined;
  const takeImm = (e: Expr | undefined, allowed: readonly string[]) => {
    const r = immOperand(ctx, e, allowed);
    if ('imm' in r) f.imm = r.imm; else reloc = { kind: r.kind, expr: r.expr };
  };
  kinds.forEach((k, idx) => {
    const o = ops[idx];
    if (!o) return; // optional operand omitted
    switch (k) {
      case 'rd': f.rd = xreg(o); break;
      case 'rs1': f.rs1 = xreg(o); break;
      case 'rs2': f.rs2 = xreg(o); break;
      case 'frd': f.rd = freg(o); break;
      case 'frs1': f.rs1 = freg(o); break;
      case 'frs2': f.rs2 = freg(o); break;
      case 'frs3': f.rs3 = freg(o); break;
      case 'imm': immOp = o; takeImm(expression(o), ['lo', 'pcrel_lo']); break;
      case 'shamt': f.imm = constOperand(ctx, expression(o), 'shift amount', 0, spec.format === 'SH5' ? 31 : 63); break;
      case 'hi20': {
        const e = expression(o);
        if (e.k === 'reloc') takeImm(e, ['hi', 'pcrel_hi']);
        else f.imm = constOperand(ctx, e, `${spec.mnemonic} immediate`, 0, 0xfffff) << 12 | 0;
        break;
      }
      case 'mem': { const m = memOperand(o); f.rs1 = m.base; immOp = o; takeImm(m.off, ['lo', 'pcrel_lo']); break; }
      case 'addr': {
        const m = memOperand(o);
        if (m.off && ctx.constant(m.off) !== 0n) throw new AsmError('the address of an atomic must be (reg) with no offset', o[0]);
        f.rs1 = m.base; break;
      }
      case 'target': target = expression(o); break;
      case 'csr': {
        const c = csrOperand(o);
        f.csr = typeof c === 'number' ? c : constOperand(ctx, c, 'CSR number', 0, 4095);
        break;
      }
      case 'zimm': f.imm = constOperand(ctx, expression(o), 'CSR immediate', 0, 31); break;
      case 'rm': f.rm = roundingMode(o); break;
      case 'pred': f.pred = fenceSet(o); break;
      case 'succ': f.succ = fenceSet(o); break;
    }
  });
  if (kinds.includes('pred') && ops.length === 1) throw new AsmError('fence needs both sets (e.g. fence rw, rw)', first);
  if (target) {
    // An explicit `jal rd, target` is never c.j in GNU as (only the `j` alias is).
    if (spec.mnemonic === 'jal') return [branchEmit('jal', f.rd ?? 0, 0, 0, target, false)];
    return [branchEmit(spec.mnemonic as BranchOp, 0, f.rs1 ?? 0, f.rs2 ?? 0, target, ctx.rvc)];
  }
  if (reloc) {
    checked(spec.mnemonic, { ...f, imm: 0 }, first, last);
    return [{ t: 'insn', op: spec.mnemonic, f, reloc }];
  }
  if (spec.flags.rmObjdumpZero) f.rm = 0;
  // GNU as has no C form for the explicit `jalr rd, imm(rs1)` syntax (only for jr/jalr rs/ret).
  // A range error is about the immediate: point at that operand rather than the whole statement.
  const [at, atEnd] = immOp ? [immOp[0], immOp[immOp.length - 1]] : [first, last];
  return [insn(ctx, spec.mnemonic, f, at, atEnd, spec.mnemonic === 'jalr' ? [] : only)];
}

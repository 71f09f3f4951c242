// Pseudo-instructions and alternative operand forms of GNU as (binutils opcodes/riscv-opc.c
// "pseudo" entries and gas/config/tc-riscv.c macros), each expanded into base instructions of
// the ISA table. `li` follows tc-riscv.c load_const() exactly so 64-bit constants produce the
// same instruction sequence as GNU as.

import { encodeCompressed } from '../isa/encode';
import { ISA, type Mnemonic } from '../isa/table';
import type { BranchOp, Emit, InsnEmit } from './emit';
import { AsmError, type Expr } from './expr';
import { baseInstruction, branchEmit, constOperand, immOperand, insn, relocInsn, type InsnCtx } from './instructions';
import type { Token } from './lexer';
import { csrOperand, expression, freg, memOperand, xreg, xregOf, type Operand } from './operands';

type Handler = (ctx: InsnCtx, ops: Operand[], m: Token) => Emit[] | undefined;

const RA = 1, T1 = 6;

function count(ops: Operand[], m: Token, ...n: number[]): void {
  if (!n.includes(ops.length)) {
    throw new AsmError(`${m.text} expects ${n.join(' or ')} operand${n.length === 1 && n[0] === 1 ? '' : 's'}, got ${ops.length}`,
      ops[0]?.[0] ?? m, ops[ops.length - 1]?.at(-1));
  }
}

/** tc-riscv.c load_const(): lui/addiw for 32-bit values, else recursive + slli + addi. */
function loadConst(ctx: InsnCtx, rd: number, v: bigint, m: Token, out: Emit[]): void {
  const lower = ((v & 0xfffn) ^ 0x800n) - 0x800n;
  let upper = BigInt.asIntN(64, v - lower);
  if (v !== BigInt.asIntN(32, v)) {
    let shift = 12n;
    while (((upper >> shift) & 1n) === 0n) shift++;
    upper >>= shift;
    loadConst(ctx, rd, upper, m, out);
    out.push(insn(ctx, 'slli', { rd, rs1: rd, imm: Number(shift) }, m));
    if (lower !== 0n) out.push(insn(ctx, 'addi', { rd, rs1: rd, imm: Number(lower) }, m));
  } else {
    let hi = 0;
    if (upper !== 0n) {
      out.push(insn(ctx, 'lui', { rd, imm: Number(BigInt.asIntN(32, upper)) }, m));
      hi = rd;
    }
    if (lower !== 0n || hi === 0) out.push(insn(ctx, 'addiw', { rd, rs1: hi, imm: Number(lower) }, m));
  }
}

function li(ctx: InsnCtx, ops: Operand[], m: Token): Emit[] {
  count(ops, m, 2);
  const rd = xreg(ops[0]);
  const e = expression(ops[1]);
  if (e.k === 'reloc') throw new AsmError(`li does not take %${e.fn}; use lui/addi`, e.tok);
  // GNU as keeps a number of more than 64 bits as a bignum, which li refuses (it never wraps it).
  const big = bignum(e);
  if (big) throw new AsmError('unsupported large constant (more than 64 bits)', big.tok);
  const v = ctx.constant(e);
  if (v === undefined) throw new AsmError('li needs a constant defined before this line (use la for addresses)', ops[1][0], ops[1].at(-1));
  // GNU tries the single-instruction forms (c.li, addi) before the load_const macro.
  // riscv-opc.c's "li" c.li entry needs rd != 0; `li zero, n` is the plain addi.
  if (v >= -2048n && v <= 2047n) return [insn(ctx, 'addi', { rd, rs1: 0, imm: Number(v) }, m, undefined, rd === 0 ? [] : undefined)];
  const out: Emit[] = [];
  loadConst(ctx, rd, v, m, out);
  return out;
}

/** A number literal of more than 64 bits in e, if any. */
function bignum(e: Expr): Extract<Expr, { k: 'num' }> | undefined {
  switch (e.k) {
    case 'num': return e.v >= 1n << 64n ? e : undefined;
    case 'un': case 'reloc': return bignum(e.a);
    case 'bin': return bignum(e.a) ?? bignum(e.b);
    default: return undefined;
  }
}

/** auipc + a second instruction using %pcrel_lo of the auipc (lla/la, call/tail). */
function pcrelPair(rd: number, target: Expr, second: (hi: InsnEmit) => InsnEmit): Emit[] {
  const hi = relocInsn('auipc', { rd }, 'pcrel_hi20', target);
  return [hi, second(hi)];
}

function lla(ctx: InsnCtx, ops: Operand[], m: Token): Emit[] {
  count(ops, m, 2);
  const rd = xreg(ops[0]);
  const target = expression(ops[1]);
  if (target.k === 'reloc') throw new AsmError(`${m.text} takes a symbol, not %${target.fn}`, target.tok);
  return pcrelPair(rd, target, (hi) => relocInsn('addi', { rd, rs1: rd }, 'pcrel_lo12', target, hi));
}

function callLike(link: number, scratch: number): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 1, 2);
    // riscv-opc.c: `call rd, sym` uses t1 for the auipc, `call sym` uses ra, `tail` t1.
    const rd = ops.length === 2 ? xreg(ops[0]) : link;
    const tmp = ops.length === 2 ? T1 : scratch;
    const target = expression(ops[ops.length - 1]);
    if (target.k === 'reloc') throw new AsmError(`${m.text} takes a symbol, not %${target.fn}`, target.tok);
    return pcrelPair(tmp, target, (hi) => relocInsn('jalr', { rd: link === RA ? rd : 0, rs1: tmp }, 'pcrel_lo12', target, hi));
  };
}

/** Pseudo with a fixed expansion `op rd, rs1, rs2/imm` built from the operand registers. */
function two(op: Mnemonic, build: (a: number, b: number) => { rd?: number; rs1?: number; rs2?: number; imm?: number }, fp = false, only?: string[]): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 2);
    const r = fp ? freg : xreg;
    return [insn(ctx, op, build(r(ops[0]), r(ops[1])), m, undefined, only)];
  };
}

/** `fgt`/`fge`: an integer rd and two FP operands, swapped into the `flt`/`fle` they spell. */
function fpCompareSwapped(op: Mnemonic): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 3);
    return [insn(ctx, op, { rd: xreg(ops[0]), rs1: freg(ops[2]), rs2: freg(ops[1]) }, m)];
  };
}

/** A lone integer register name (as opposed to an immediate or `imm(reg)`). */
const isXreg = (o: Operand) => o.length === 1 && o[0].kind === 'ident' && xregOf(o[0].text) !== undefined;

/**
 * objdump prints immediate instructions under the register-form name (`add a0,a1,5`,
 * `sll a0,a0,0x3`, `addw a0,a0,-1`; see isa/disasm.ts) and GNU as reads that spelling back
 * (riscv-opc.c "d,s,j"/"d,s,>" alias entries). Its C forms are only those riscv-opc.c lists
 * under the register-form name (`add`: c.addi, c.addi4spn, c.addi16sp, but never c.li/c.mv).
 * With a register third operand the statement is the table's register instruction.
 */
function immForm(op: Mnemonic, only: readonly string[]): Handler {
  return (ctx, ops, m) => (ops.length === 3 && !isXreg(ops[2]) ? baseInstruction(ctx, ISA[op], ops, m, {}, only) : undefined);
}

const addImm = immForm('addi', ['c.addi', 'c.addi4spn', 'c.addi16sp']);

/** `add rd, rd, 0` is c.addi rd, 0 in GNU as ("d,CU,Co" takes 0): a HINT the `addi` spelling never yields. */
const add: Handler = (ctx, ops, m) => {
  const out = addImm(ctx, ops, m);
  const e = out?.[0];
  if (ctx.rvc && e?.t === 'insn' && !e.reloc && e.c === undefined && e.f.imm === 0 && e.f.rd && e.f.rd === e.f.rs1) {
    e.c = encodeCompressed('c.addi', { rd: e.f.rd, rs1: e.f.rd, rs2: 0, imm: 0 });
  }
  return out;
};

/** `jalr rd, off(rs1)` from an offset expression: GNU as has no C form for an explicit offset. */
function jalrOff(ctx: InsnCtx, rd: number, rs1: number, off: Expr | undefined, m: Token): Emit[] {
  const r = immOperand(ctx, off, ['lo', 'pcrel_lo']);
  return ['imm' in r ? insn(ctx, 'jalr', { rd, rs1, imm: r.imm }, m, undefined, []) : relocInsn('jalr', { rd, rs1 }, r.kind, r.expr)];
}

/** jr and one-operand jalr: `rs` (c.jr/c.jalr), `imm(rs)` or `rs, imm` (riscv-opc.c "s", "o(s)", "s,j"). */
function jumpReg(rd: number): Handler {
  return (ctx, ops, m) => {
    if (ops.length === 1 && ops[0].at(-1)?.text !== ')') return [insn(ctx, 'jalr', { rd, rs1: xreg(ops[0]), imm: 0 }, m)];
    if (ops.length === 1) { const { base, off } = memOperand(ops[0]); return jalrOff(ctx, rd, base, off, m); }
    if (ops.length === 2 && rd === 0) return jalrOff(ctx, rd, xreg(ops[0]), expression(ops[1]), m);
    return undefined;
  };
}

const jr = jumpReg(0), jalr1 = jumpReg(RA);

function branchZ(op: BranchOp, swap: boolean): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 2);
    const rs = xreg(ops[0]);
    const t = expression(ops[1]);
    return [swap ? branchEmit(op, 0, 0, rs, t, ctx.rvc) : branchEmit(op, 0, rs, 0, t, ctx.rvc)];
  };
}

function branchSwap(op: BranchOp): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 3);
    return [branchEmit(op, 0, xreg(ops[1]), xreg(ops[0]), expression(ops[2]), ctx.rvc)];
  };
}

/**
 * csrr/csrw/... : one CSR operand plus an optional register or immediate. objdump prints the
 * immediate forms without their `i` (`csrw fflags,3`, like GNU's "E,Z" alias entries), so a
 * write with an immediate source is the `immOp` instruction (csrrwi/csrrsi/csrrci).
 */
function csrPseudo(op: Mnemonic, shape: 'read' | 'write' | 'writeImm', immOp?: Mnemonic): Handler {
  return (ctx, ops, m) => {
    count(ops, m, 2);
    const csrOf = (o: Operand) => { const c = csrOperand(o); return typeof c === 'number' ? c : constOperand(ctx, c, 'CSR number', 0, 4095); };
    if (shape === 'read') return [insn(ctx, op, { rd: xreg(ops[0]), csr: csrOf(ops[1]), rs1: 0 }, m)];
    if (shape === 'write' && (!immOp || isXreg(ops[1]))) return [insn(ctx, op, { rd: 0, csr: csrOf(ops[0]), rs1: xreg(ops[1]) }, m)];
    return [insn(ctx, immOp ?? op, { rd: 0, csr: csrOf(ops[0]), imm: constOperand(ctx, expression(ops[1]), 'CSR immediate', 0, 31) }, m)];
  };
}

/** frflags/fsflags/frrm/fsrm/frcsr/fscsr/fsflagsi/fsrmi and rdcycle/rdtime/rdinstret. */
function fcsr(csr: number, kind: 'read' | 'swap' | 'swapImm'): Handler {
  return (ctx, ops, m) => {
    if (kind === 'read') { count(ops, m, 1); return [insn(ctx, 'csrrs', { rd: xreg(ops[0]), csr, rs1: 0 }, m)]; }
    count(ops, m, 1, 2);
    const rd = ops.length === 2 ? xreg(ops[0]) : 0;
    const src = ops[ops.length - 1];
    if (kind === 'swap') return [insn(ctx, 'csrrw', { rd, csr, rs1: xreg(src) }, m)];
    return [insn(ctx, 'csrrwi', { rd, csr, imm: constOperand(ctx, expression(src), 'CSR immediate', 0, 31) }, m)];
  };
}

export const PSEUDOS: Readonly<Record<string, Handler>> = {
  nop: (ctx, ops, m) => { count(ops, m, 0); return [insn(ctx, 'addi', { rd: 0, rs1: 0, imm: 0 }, m)]; },
  li,
  la: lla, // non-PIC: la is lla (GNU as default for riscv64-linux-gnu without -fpic)
  lla,
  call: callLike(RA, RA),
  tail: callLike(0, T1),
  mv: two('addi', (a, b) => ({ rd: a, rs1: b, imm: 0 }), false, ['c.mv']),
  not: two('xori', (a, b) => ({ rd: a, rs1: b, imm: -1 })),
  neg: two('sub', (a, b) => ({ rd: a, rs1: 0, rs2: b })),
  negw: two('subw', (a, b) => ({ rd: a, rs1: 0, rs2: b })),
  'sext.w': two('addiw', (a, b) => ({ rd: a, rs1: b, imm: 0 })),
  'zext.b': two('andi', (a, b) => ({ rd: a, rs1: b, imm: 255 })),
  add, and: immForm('andi', ['c.andi']), or: immForm('ori', []), xor: immForm('xori', []),
  sll: immForm('slli', ['c.slli']), srl: immForm('srli', ['c.srli']), sra: immForm('srai', ['c.srai']),
  addw: immForm('addiw', ['c.addiw']), sllw: immForm('slliw', []), srlw: immForm('srliw', []), sraw: immForm('sraiw', []),
  seqz: two('sltiu', (a, b) => ({ rd: a, rs1: b, imm: 1 })),
  snez: two('sltu', (a, b) => ({ rd: a, rs1: 0, rs2: b })),
  sltz: two('slt', (a, b) => ({ rd: a, rs1: b, rs2: 0 })),
  sgtz: two('slt', (a, b) => ({ rd: a, rs1: 0, rs2: b })),
  // fgt/fge rd, a, b are flt/fle rd, b, a (riscv-opc.c; objdump prints the flt/fle).
  'fgt.s': fpCompareSwapped('flt.s'), 'fge.s': fpCompareSwapped('fle.s'),
  'fgt.d': fpCompareSwapped('flt.d'), 'fge.d': fpCompareSwapped('fle.d'),
  'fmv.s': two('fsgnj.s', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  'fabs.s': two('fsgnjx.s', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  'fneg.s': two('fsgnjn.s', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  'fmv.d': two('fsgnj.d', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  'fabs.d': two('fsgnjx.d', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  'fneg.d': two('fsgnjn.d', (a, b) => ({ rd: a, rs1: b, rs2: b }), true),
  j: (ctx, ops, m) => { count(ops, m, 1); return [branchEmit('jal', 0, 0, 0, expression(ops[0]), ctx.rvc)]; },
  jal: (ctx, ops) => ops.length === 1 ? [branchEmit('jal', RA, 0, 0, expression(ops[0]), ctx.rvc)] : undefined,
  jr: (ctx, ops, m) => { count(ops, m, 1, 2); return jr(ctx, ops, m); },
  jalr: (ctx, ops, m) => {
    // jalr rs | jalr imm(rs) | jalr rd, rs | jalr rs, imm | jalr rd, rs, imm | jalr rd, imm(rs) (the table form);
    // only `jalr rs` becomes c.jalr in GNU as.
    if (ops.length === 1) return jalr1(ctx, ops, m);
    if (ops.length === 2 && ops[1].at(-1)?.text !== ')') {
      if (isXreg(ops[1])) return [insn(ctx, 'jalr', { rd: xreg(ops[0]), rs1: xreg(ops[1]), imm: 0 }, m, undefined, [])];
      return jalrOff(ctx, RA, xreg(ops[0]), expression(ops[1]), m);
    }
    if (ops.length === 3) return jalrOff(ctx, xreg(ops[0]), xreg(ops[1]), expression(ops[2]), m);
    return undefined;
  },
  ret: (ctx, ops, m) => { count(ops, m, 0); return [insn(ctx, 'jalr', { rd: 0, rs1: RA, imm: 0 }, m)]; },
  beqz: branchZ('beq', false),
  bnez: branchZ('bne', false),
  blez: branchZ('bge', true),
  bgez: branchZ('bge', false),
  bltz: branchZ('blt', false),
  bgtz: branchZ('blt', true),
  bgt: branchSwap('blt'),
  ble: branchSwap('bge'),
  bgtu: branchSwap('bltu'),
  bleu: branchSwap('bgeu'),
  fence: (ctx, ops, m) => ops.length === 0 ? baseInstruction(ctx, ISA.fence, [], m, { pred: 15, succ: 15 }) : undefined,
  // fence.tso: fm = 1000, pred = succ = rw (RISC-V Unprivileged ISA, "Memory Ordering Instructions").
  'fence.tso': (_c, ops, m) => { count(ops, m, 0); return [{ t: 'insn', op: 'fence', f: { pred: 3, succ: 3 }, word: 0x8330000f }]; },
  // unimp: c.unimp (0x0000) with RVC, else csrrw x0, cycle, x0 (binutils riscv-opc.c).
  unimp: (ctx, ops, m) => {
    count(ops, m, 0);
    const f = { rd: 0, csr: 0xc00, rs1: 0 };
    return [ctx.rvc ? { t: 'insn', op: 'csrrw', f, c: 0 } : insn(ctx, 'csrrw', f, m)];
  },
  'c.unimp': (_c, ops, m) => { count(ops, m, 0); return [{ t: 'insn', op: 'csrrw', f: { rd: 0, csr: 0xc00, rs1: 0 }, c: 0 }]; },
  csrr: csrPseudo('csrrs', 'read'),
  csrw: csrPseudo('csrrw', 'write', 'csrrwi'),
  csrs: csrPseudo('csrrs', 'write', 'csrrsi'),
  csrc: csrPseudo('csrrc', 'write', 'csrrci'),
  // `csrrw rd, csr, imm` (objdump's spelling of csrrwi): the immediate instruction.
  csrrw: immForm('csrrwi', []), csrrs: immForm('csrrsi', []), csrrc: immForm('csrrci', []),
  csrwi: csrPseudo('csrrwi', 'writeImm'),
  csrsi: csrPseudo('csrrsi', 'writeImm'),
  csrci: csrPseudo('csrrci', 'writeImm'),
  frflags: fcsr(1, 'read'), fsflags: fcsr(1, 'swap'), fsflagsi: fcsr(1, 'swapImm'),
  frrm: fcsr(2, 'read'), fsrm: fcsr(2, 'swap'), fsrmi: fcsr(2, 'swapImm'),
  frcsr: fcsr(3, 'read'), fscsr: fcsr(3, 'swap'),
  rdcycle: fcsr(0xc00, 'read'), rdtime: fcsr(0xc01, 'read'), rdinstret: fcsr(0xc02, 'read'),
};

export const PSEUDO_NAMES: readonly string[] = Object.keys(PSEUDOS);

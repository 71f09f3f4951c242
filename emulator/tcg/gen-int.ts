// Code generators for the RV64I/M integer instructions that touch no memory: arithmetic, logic,
// shifts, compares, lui/auipc, branches and jumps (RISC-V Unprivileged ISA ch. 2, 5 and 7).
// 64-bit values are int32 lo/hi pairs: add/sub propagate the carry with an unsigned compare
// of the low words, compares are done on (hi signed or unsigned, lo unsigned).

import type { Insn } from '../isa/insn';
import type { Mnemonic } from '../isa/table';
import { Ctx, hi32, lo32, num, toNum } from './ctx';

export type Gen = (c: Ctx, i: Insn) => void;

const ult = (a: string, b: string): string => `((${a}) >>> 0) < ((${b}) >>> 0)`;

/** Signed 64-bit a < b. */
function slt64(a: [string, string], b: [string, string]): string {
  return `(${a[1]} < ${b[1]} || (${a[1]} === ${b[1]} && ${ult(a[0], b[0])}))`;
}
/** Unsigned 64-bit a < b. */
function sltu64(a: [string, string], b: [string, string]): string {
  return `(${ult(a[1], b[1])} || (${a[1]} === ${b[1]} && ${ult(a[0], b[0])}))`;
}
/** Sign-extended 12-bit/32-bit immediate as a (lo, hi) pair. */
const immPair = (imm: number): [string, string] => [String(imm | 0), String(imm >> 31)];

/** rd = rs1 + (lo, hi): the carry out of the low word is (result < operand) unsigned. */
function add64(c: Ctx, rd: number, a: [string, string], b: [string, string]): void {
  if (rd === 0) return;
  if (b[0] === '0' && b[1] === '0') { c.set(rd, a[0], a[1]); return; }
  c.emit(`T2 = (${a[0]} + ${b[0]}) | 0;`);
  c.set(rd, 'T2', `(${a[1]} + ${b[1]} + (${ult('T2', a[0])} ? 1 : 0)) | 0`);
}

function sub64(c: Ctx, rd: number, a: [string, string], b: [string, string]): void {
  if (rd === 0) return;
  c.set(rd, `(${a[0]} - ${b[0]}) | 0`, `(${a[1]} - ${b[1]} - (${ult(a[0], b[0])} ? 1 : 0)) | 0`);
}

/** Immediate shifts: the amount is known, so only one case is generated. */
function shiftImm(c: Ctx, rd: number, [l, h]: [string, string], kind: 'sll' | 'srl' | 'sra', s: number): void {
  if (s === 0) return c.set(rd, l, h);
  if (kind === 'sll') {
    if (s < 32) return c.set(rd, `${l} << ${s}`, `(${h} << ${s}) | (${l} >>> ${32 - s})`);
    return c.set(rd, '0', `${l} << ${s - 32}`);
  }
  if (s < 32) {
    return c.set(rd, `(${l} >>> ${s}) | (${h} << ${32 - s})`, kind === 'srl' ? `(${h} >>> ${s}) | 0` : `${h} >> ${s}`);
  }
  if (kind === 'srl') return c.set(rd, `(${h} >>> ${s - 32}) | 0`, '0');
  return c.set(rd, `${h} >> ${s - 32}`, `${h} >> 31`);
}

/** rd = helper(a, b) for a helper returning lo and leaving hi in R.hi. */
function call64(c: Ctx, name: string, rd: number, a: [string, string], b: [string, string]): void {
  if (rd === 0) return;
  c.helper(name);
  c.emit(`T2 = ${name}(${a[0]}, ${a[1]}, ${b[0]}, ${b[1]});`);
  c.set(rd, 'T2', 'AR.hi');
}

function shiftReg(c: Ctx, name: string, i: Insn): void {
  if (i.rd === 0) return;
  const [l, h] = c.r(i.rs1);
  c.helper(name);
  c.emit(`T2 = ${name}(${l}, ${h}, ${c.r(i.rs2)[0]});`);
  c.set(i.rd, 'T2', 'AR.hi');
}

/** Conditional branch: the TB ends here, continuing at the target or the next instruction. */
function branch(cond: (a: [string, string], b: [string, string]) => string): Gen {
  return (c, i) => {
    const target = i.pc + i.imm, next = i.pc + i.size;
    const test = cond(c.r(i.rs1), c.r(i.rs2));
    c.nextPc = `(${test} ? ${num(target)} : ${num(next)})`;
    c.nextBranch = { test, taken: target, fallThrough: next };
  };
}

/**
 * 64-bit equality without a short circuit: with `lo === lo' && hi === hi'`, the high words are
 * compared only once the low words match, typically first when a loop ends. V8 then meets a
 * compare it has no type feedback for and throws the function's optimized code away (seen in
 * nbody-mandel: its mandelbrot region ran in on-stack-replacement code from then on).
 */
const eq64 = (a: [string, string], b: [string, string]): string =>
  (b[0] === '0' && b[1] === '0' ? `((${a[0]} | ${a[1]}) === 0)` : `(((${a[0]} ^ ${b[0]}) | (${a[1]} ^ ${b[1]})) === 0)`);

export const INT_GEN = {
  lui: (c, i) => c.set32(i.rd, String(i.imm | 0)),
  auipc: (c, i) => { const v = i.pc + i.imm; c.set(i.rd, lo32(v), hi32(v)); },
  jal: (c, i) => {
    const link = i.pc + i.size;
    c.set(i.rd, lo32(link), hi32(link));
    c.nextPc = num(i.pc + i.imm);
  },
  jalr: (c, i) => {
    // Target computed before rd is written (rd may equal rs1).
    const [l, h] = c.r(i.rs1);
    c.emit(`T2 = (${l} + ${i.imm | 0}) | 0; T3 = (${h} + ${i.imm >> 31} + (${ult('T2', l)} ? 1 : 0)) | 0;`);
    c.emit(`T4 = ${toNum('T2 & -2', 'T3')};`);
    const link = i.pc + i.size;
    c.set(i.rd, lo32(link), hi32(link));
    c.nextPc = 'T4';
  },
  beq: branch(eq64),
  bne: branch((a, b) => `!${eq64(a, b)}`),
  blt: branch(slt64),
  bge: branch((a, b) => `!${slt64(a, b)}`),
  bltu: branch(sltu64),
  bgeu: branch((a, b) => `!${sltu64(a, b)}`),

  addi: (c, i) => add64(c, i.rd, c.r(i.rs1), immPair(i.imm)),
  slti: (c, i) => c.set(i.rd, `${slt64(c.r(i.rs1), immPair(i.imm))} ? 1 : 0`, '0'),
  sltiu: (c, i) => c.set(i.rd, `${sltu64(c.r(i.rs1), immPair(i.imm))} ? 1 : 0`, '0'),
  xori: (c, i) => { const [l, h] = c.r(i.rs1); c.set(i.rd, `${l} ^ ${i.imm | 0}`, `${h} ^ ${i.imm >> 31}`); },
  ori: (c, i) => { const [l, h] = c.r(i.rs1); c.set(i.rd, `${l} | ${i.imm | 0}`, `${h} | ${i.imm >> 31}`); },
  andi: (c, i) => { const [l, h] = c.r(i.rs1); c.set(i.rd, `${l} & ${i.imm | 0}`, `${h} & ${i.imm >> 31}`); },
  slli: (c, i) => shiftImm(c, i.rd, c.r(i.rs1), 'sll', i.imm & 63),
  srli: (c, i) => shiftImm(c, i.rd, c.r(i.rs1), 'srl', i.imm & 63),
  srai: (c, i) => shiftImm(c, i.rd, c.r(i.rs1), 'sra', i.imm & 63),
  add: (c, i) => add64(c, i.rd, c.r(i.rs1), c.r(i.rs2)),
  sub: (c, i) => sub64(c, i.rd, c.r(i.rs1), c.r(i.rs2)),
  sll: (c, i) => shiftReg(c, 'sll64', i),
  srl: (c, i) => shiftReg(c, 'srl64', i),
  sra: (c, i) => shiftReg(c, 'sra64', i),
  slt: (c, i) => c.set(i.rd, `${slt64(c.r(i.rs1), c.r(i.rs2))} ? 1 : 0`, '0'),
  sltu: (c, i) => c.set(i.rd, `${sltu64(c.r(i.rs1), c.r(i.rs2))} ? 1 : 0`, '0'),
  xor: (c, i) => { const [a, b] = [c.r(i.rs1), c.r(i.rs2)]; c.set(i.rd, `${a[0]} ^ ${b[0]}`, `${a[1]} ^ ${b[1]}`); },
  or: (c, i) => { const [a, b] = [c.r(i.rs1), c.r(i.rs2)]; c.set(i.rd, `${a[0]} | ${b[0]}`, `${a[1]} | ${b[1]}`); },
  and: (c, i) => { const [a, b] = [c.r(i.rs1), c.r(i.rs2)]; c.set(i.rd, `${a[0]} & ${b[0]}`, `${a[1]} & ${b[1]}`); },

  // RV64I *W: operate on the low word, sign-extend the 32-bit result.
  addiw: (c, i) => c.set32(i.rd, `(${c.r(i.rs1)[0]} + ${i.imm | 0}) | 0`),
  slliw: (c, i) => c.set32(i.rd, `${c.r(i.rs1)[0]} << ${i.imm & 31}`),
  srliw: (c, i) => c.set32(i.rd, `(${c.r(i.rs1)[0]} >>> ${i.imm & 31}) | 0`),
  sraiw: (c, i) => c.set32(i.rd, `${c.r(i.rs1)[0]} >> ${i.imm & 31}`),
  addw: (c, i) => c.set32(i.rd, `(${c.r(i.rs1)[0]} + ${c.r(i.rs2)[0]}) | 0`),
  subw: (c, i) => c.set32(i.rd, `(${c.r(i.rs1)[0]} - ${c.r(i.rs2)[0]}) | 0`),
  sllw: (c, i) => c.set32(i.rd, `${c.r(i.rs1)[0]} << (${c.r(i.rs2)[0]} & 31)`),
  srlw: (c, i) => c.set32(i.rd, `(${c.r(i.rs1)[0]} >>> (${c.r(i.rs2)[0]} & 31)) | 0`),
  sraw: (c, i) => c.set32(i.rd, `${c.r(i.rs1)[0]} >> (${c.r(i.rs2)[0]} & 31)`),

  // M extension (ch. 7). Division by zero and overflow follow table 7.1.
  mul: (c, i) => call64(c, 'mul64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  mulh: (c, i) => call64(c, 'mulh64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  mulhu: (c, i) => call64(c, 'mulhu64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  mulhsu: (c, i) => call64(c, 'mulhsu64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  div: (c, i) => call64(c, 'div64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  divu: (c, i) => call64(c, 'divu64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  rem: (c, i) => call64(c, 'rem64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  remu: (c, i) => call64(c, 'remu64', i.rd, c.r(i.rs1), c.r(i.rs2)),
  mulw: (c, i) => c.set32(i.rd, `Math.imul(${c.r(i.rs1)[0]}, ${c.r(i.rs2)[0]})`),
  divw: (c, i) => {
    const a = c.r(i.rs1)[0], b = c.r(i.rs2)[0];
    c.set32(i.rd, `(${b} === 0 ? -1 : (${b} === -1 ? -${a} | 0 : (${a} / ${b}) | 0))`);
  },
  divuw: (c, i) => {
    const a = c.r(i.rs1)[0], b = c.r(i.rs2)[0];
    c.set32(i.rd, `(${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0)`);
  },
  remw: (c, i) => {
    const a = c.r(i.rs1)[0], b = c.r(i.rs2)[0];
    c.set32(i.rd, `(${b} === 0 ? ${a} : (${b} === -1 ? 0 : (${a} % ${b}) | 0))`);
  },
  remuw: (c, i) => {
    const a = c.r(i.rs1)[0], b = c.r(i.rs2)[0];
    c.set32(i.rd, `(${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0)`);
  },
} satisfies Partial<Record<Mnemonic, Gen>>;

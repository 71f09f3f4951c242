// Builders shared by the F and D tables (f.ts, d.ts): the two extensions have the same
// encodings apart from the fmt field (bits 26:25: 00 = S, 01 = D) and the load/store width
// (RISC-V Unprivileged ISA, ch. 20 "F" and ch. 21 "D").

import { def, f3, f7, OPC, F3, F7, RS2, type Ext, type Operand, type SpecDef, type InsnFlags } from './spec';

const OP_FP = 0x53;
const RM_FREE = OPC | F7; // funct3 is the rounding mode

/** The computational instructions F and D share, named `<op>.s` / `<op>.d`. */
const COMMON = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd', 'fadd', 'fsub', 'fmul', 'fdiv', 'fsqrt',
  'fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'] as const;
type Common<E extends 'F' | 'D'> = Record<`${(typeof COMMON)[number]}.${E extends 'F' ? 's' : 'd'}`, SpecDef>;

export function fpBuilders<E extends 'F' | 'D'>(ext: E) {
  const fmt = ext === 'F' ? 0 : 1;
  const fl: InsnFlags = { fp: true, fpDouble: ext === 'D' };
  const e: Ext = ext;
  const withRm = (extra: InsnFlags = {}): InsnFlags => ({ ...fl, hasRm: true, ...extra });
  const b = {
    /** Two-source arithmetic with a rounding mode: fadd/fsub/fmul/fdiv. */
    arith: (fn5: number, desc: string): SpecDef =>
      def(e, 'R', OP_FP | f7((fn5 << 2) | fmt), RM_FREE, ['frd', 'frs1', 'frs2', 'rm'], desc, withRm()),
    /** One source with rs2 fixed: fsqrt and the conversions. */
    unary: (fn7: number, rs2: number, ops: readonly Operand[], desc: string, extra: InsnFlags = {}): SpecDef =>
      def(e, 'R', OP_FP | f7(fn7) | (rs2 << 20), RM_FREE | RS2, ops, desc, withRm(extra)),
    /** funct3 selects the operation (fsgnj*, fmin/fmax, compares): no rounding mode. */
    fn3: (fn5: number, fn3v: number, ops: readonly Operand[], desc: string): SpecDef =>
      def(e, 'R', OP_FP | f7((fn5 << 2) | fmt) | f3(fn3v), OPC | F7 | F3, ops, desc, fl),
    /** fclass / fmv.x.* / fmv.*.x: funct3 and rs2 fixed. */
    fixed: (fn7: number, fn3v: number, ops: readonly Operand[], desc: string): SpecDef =>
      def(e, 'R', OP_FP | f7(fn7) | f3(fn3v), OPC | F7 | F3 | RS2, ops, desc, fl),
    /** Fused multiply-add family (R4 format). */
    fma: (opcode: number, desc: string): SpecDef =>
      def(e, 'R4', opcode | (fmt << 25), OPC | (3 << 25), ['frd', 'frs1', 'frs2', 'frs3', 'rm'], desc, withRm()),
    load: (desc: string): SpecDef =>
      def(e, 'I', 0x07 | f3(ext === 'F' ? 2 : 3), OPC | F3, ['frd', 'mem'], desc, { ...fl, load: true, memSize: ext === 'F' ? 4 : 8 }),
    store: (desc: string): SpecDef =>
      def(e, 'S', 0x27 | f3(ext === 'F' ? 2 : 3), OPC | F3, ['frs2', 'mem'], desc, { ...fl, store: true, memSize: ext === 'F' ? 4 : 8 }),
  };
  /** Fused multiply-add, arithmetic, square root, sign injection and min/max, in spec order. */
  const common = (): Common<E> => {
    const s = ext === 'F' ? 's' : 'd', word = ext === 'F' ? 'Single' : 'Double';
    const FFF = ['frd', 'frs1', 'frs2'] as const;
    const defs: SpecDef[] = [
      b.fma(0x43, 'Fused multiply-add: rd = rs1*rs2 + rs3, one rounding.'),
      b.fma(0x47, 'Fused multiply-subtract: rd = rs1*rs2 - rs3.'),
      b.fma(0x4b, 'Negated fused multiply-subtract: rd = -(rs1*rs2) + rs3.'),
      b.fma(0x4f, 'Negated fused multiply-add: rd = -(rs1*rs2) - rs3.'),
      b.arith(0x00, `${word} add.`),
      b.arith(0x01, `${word} subtract.`),
      b.arith(0x02, `${word} multiply.`),
      b.arith(0x03, `${word} divide.`),
      b.unary(0x2c | fmt, 0, ['frd', 'frs1', 'rm'], `${word} square root.`),
      b.fn3(0x04, 0, FFF, `Sign injection: magnitude of rs1, sign of rs2 (fmv.${s} when rs1 = rs2).`),
      b.fn3(0x04, 1, FFF, `Sign injection with the negated sign of rs2 (fneg.${s} when rs1 = rs2).`),
      b.fn3(0x04, 2, FFF, `Sign injection with the xor of both signs (fabs.${s} when rs1 = rs2).`),
      b.fn3(0x05, 0, FFF, 'IEEE 754-2019 minimumNumber (-0 < +0; a single NaN operand is ignored).'),
      b.fn3(0x05, 1, FFF, 'IEEE 754-2019 maximumNumber.'),
    ];
    return Object.fromEntries(COMMON.map((op, i) => [`${op}.${s}`, defs[i]])) as Common<E>;
  };
  return { ...b, common };
}

// Builders shared by the F and D tables (f.ts, d.ts): the two extensions have the same
// encodings apart from the fmt field (bits 26:25: 00 = S, 01 = D) and the load/store width
// (RISC-V Unprivileged ISA, ch. 20 "F" and ch. 21 "D").

import { def, f3, f7, OPC, F3, F7, RS2, type Ext, type Operand, type SpecDef, type InsnFlags } from './spec';

const OP_FP = 0x53;
const RM_FREE = OPC | F7; // funct3 is the rounding mode

export function fpBuilders(ext: 'F' | 'D') {
  const fmt = ext === 'F' ? 0 : 1;
  const fl: InsnFlags = { fp: true, fpDouble: ext === 'D' };
  const e: Ext = ext;
  const withRm = (extra: InsnFlags = {}): InsnFlags => ({ ...fl, hasRm: true, ...extra });
  return {
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
}

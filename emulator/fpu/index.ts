// The floating-point unit's contract with the translator: one helper per F/D computational
// instruction (loads/stores are the translator's), keyed by the exact RISC-V mnemonic.
//
// Calling convention (every helper has the same shape, so generated code is uniform):
//   helper(s, rd, rs1, rs2, rs3, rm, xlo, xhi)
//   - FP operands are read from s.f (raw bits; singles NaN-unboxed per spec 12.2), FP results are
//     written to s.f[2*rd], s.f[2*rd+1] (singles NaN-boxed); the return value is then 0.
//   - Integer operands (fcvt.*.w/wu/l/lu, fmv.w.x, fmv.d.x) arrive as xlo/xhi int32 halves.
//   - Integer results (fcvt.w/wu/l/lu.*, feq/flt/fle, fclass, fmv.x.w, fmv.x.d) are returned as
//     the low 32 bits with the high 32 bits in s.retHi (32-bit results sign-extended).
//   - fflags are accrued into s.fflags.
//
// Illegal rounding modes: the translator calls fpRmValid(s, insn.rm) before any helper whose
// FP_USES_RM entry is true, and raises SIGILL (illegal instruction) when it is false — rm 5/6
// are always illegal, rm 7 (dynamic) is illegal while frm holds 5..7 (spec "Floating-Point Control
// and Status Register"). A static rm 0..4 needs no check. Helpers assume a valid mode.

import type { CpuState } from '../cpu/state';
import { faddS, fsubS, fmulS, fdivS, fsqrtS, faddD, fsubD, fmulD, fdivD, fsqrtD } from './arith';
import { fmaddS, fmsubS, fnmsubS, fnmaddS, fmaddD, fmsubD, fnmsubD, fnmaddD } from './fma';
import {
  fcvtWS, fcvtWuS, fcvtLS, fcvtLuS, fcvtWD, fcvtWuD, fcvtLD, fcvtLuD, fcvtSW, fcvtSWu, fcvtSL, fcvtSLu,
  fcvtDW, fcvtDWu, fcvtDL, fcvtDLu, fcvtSD, fcvtDS, fmvXW, fmvWX, fmvXD, fmvDX,
} from './convert';
import {
  fsgnjS, fsgnjnS, fsgnjxS, fsgnjD, fsgnjnD, fsgnjxD, fminS, fmaxS, fminD, fmaxD,
  feqS, fltS, fleS, feqD, fltD, fleD, fclassS, fclassD,
} from './misc';

export { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM, DYN } from './bits';

export type FpHelper = (s: CpuState, rd: number, rs1: number, rs2: number, rs3: number,
  rm: number, xlo: number, xhi: number) => number;

/** Every RV64 F and D computational instruction (not flw/fsw/fld/fsd). */
export type FpMnemonic =
  | 'fmadd.s' | 'fmsub.s' | 'fnmsub.s' | 'fnmadd.s' | 'fadd.s' | 'fsub.s' | 'fmul.s' | 'fdiv.s' | 'fsqrt.s'
  | 'fsgnj.s' | 'fsgnjn.s' | 'fsgnjx.s' | 'fmin.s' | 'fmax.s' | 'fcvt.w.s' | 'fcvt.wu.s' | 'fmv.x.w'
  | 'feq.s' | 'flt.s' | 'fle.s' | 'fclass.s' | 'fcvt.s.w' | 'fcvt.s.wu' | 'fmv.w.x'
  | 'fcvt.l.s' | 'fcvt.lu.s' | 'fcvt.s.l' | 'fcvt.s.lu'
  | 'fmadd.d' | 'fmsub.d' | 'fnmsub.d' | 'fnmadd.d' | 'fadd.d' | 'fsub.d' | 'fmul.d' | 'fdiv.d' | 'fsqrt.d'
  | 'fsgnj.d' | 'fsgnjn.d' | 'fsgnjx.d' | 'fmin.d' | 'fmax.d' | 'fcvt.s.d' | 'fcvt.d.s'
  | 'feq.d' | 'flt.d' | 'fle.d' | 'fclass.d' | 'fcvt.w.d' | 'fcvt.wu.d' | 'fcvt.d.w' | 'fcvt.d.wu'
  | 'fcvt.l.d' | 'fcvt.lu.d' | 'fmv.x.d' | 'fcvt.d.l' | 'fcvt.d.lu' | 'fmv.d.x';

export const FP_HELPERS: Record<FpMnemonic, FpHelper> = {
  'fmadd.s': fmaddS, 'fmsub.s': fmsubS, 'fnmsub.s': fnmsubS, 'fnmadd.s': fnmaddS,
  'fadd.s': faddS, 'fsub.s': fsubS, 'fmul.s': fmulS, 'fdiv.s': fdivS, 'fsqrt.s': fsqrtS,
  'fsgnj.s': fsgnjS, 'fsgnjn.s': fsgnjnS, 'fsgnjx.s': fsgnjxS, 'fmin.s': fminS, 'fmax.s': fmaxS,
  'fcvt.w.s': fcvtWS, 'fcvt.wu.s': fcvtWuS, 'fmv.x.w': fmvXW,
  'feq.s': feqS, 'flt.s': fltS, 'fle.s': fleS, 'fclass.s': fclassS,
  'fcvt.s.w': fcvtSW, 'fcvt.s.wu': fcvtSWu, 'fmv.w.x': fmvWX,
  'fcvt.l.s': fcvtLS, 'fcvt.lu.s': fcvtLuS, 'fcvt.s.l': fcvtSL, 'fcvt.s.lu': fcvtSLu,
  'fmadd.d': fmaddD, 'fmsub.d': fmsubD, 'fnmsub.d': fnmsubD, 'fnmadd.d': fnmaddD,
  'fadd.d': faddD, 'fsub.d': fsubD, 'fmul.d': fmulD, 'fdiv.d': fdivD, 'fsqrt.d': fsqrtD,
  'fsgnj.d': fsgnjD, 'fsgnjn.d': fsgnjnD, 'fsgnjx.d': fsgnjxD, 'fmin.d': fminD, 'fmax.d': fmaxD,
  'fcvt.s.d': fcvtSD, 'fcvt.d.s': fcvtDS,
  'feq.d': feqD, 'flt.d': fltD, 'fle.d': fleD, 'fclass.d': fclassD,
  'fcvt.w.d': fcvtWD, 'fcvt.wu.d': fcvtWuD, 'fcvt.d.w': fcvtDW, 'fcvt.d.wu': fcvtDWu,
  'fcvt.l.d': fcvtLD, 'fcvt.lu.d': fcvtLuD, 'fmv.x.d': fmvXD, 'fcvt.d.l': fcvtDL, 'fcvt.d.lu': fcvtDLu,
  'fmv.d.x': fmvDX,
};

/**
 * Whether the instruction's funct3 is a rounding mode (so an invalid one is an illegal
 * instruction). Sign injection, min/max, compares, classify and moves use funct3 as an opcode.
 * The exact-result conversions (fcvt.d.s, fcvt.d.w, fcvt.d.wu) still carry an rm field that
 * must be valid (QEMU checks it too).
 */
export const FP_USES_RM: Record<FpMnemonic, boolean> = Object.fromEntries(
  (Object.keys(FP_HELPERS) as FpMnemonic[]).map((op) => [op, !/^(fsgnj|fmin|fmax|feq|flt|fle|fclass|fmv)/.test(op)]),
) as Record<FpMnemonic, boolean>;

/** True when rm (the instruction field) selects a valid rounding mode given the current frm. */
export function fpRmValid(s: CpuState, rm: number): boolean {
  return rm === 7 ? s.frm <= 4 : rm <= 4;
}

// FADD/FSUB/FMUL/FDIV/FSQRT in single and double precision (RISC-V unprivileged spec, chapters
// "F" and "D": computational instructions). Each computes the JS (round-to-nearest-even) result
// and, where inexactness matters, its exact error; round.ts then applies the rounding mode.
// Singles are computed on exact double images of their operands: + - * / sqrt of binary32 values
// rounded to binary64 and then to binary32 in RNE is correctly rounded (53 >= 2*24+2), and the
// residual we pass along covers the other modes and the flags.

import type { CpuState } from '../cpu/state';
import {
  NV, DZ, RNE, RDN, RMM, regsD, regsS, bitsS, isNaNS, isSNaNS, writeCanonS,
  writeCanonD, regIsNaND, regIsSNaND, twoSumErr, twoProdErr, pow2,
} from './bits';
import { finishD, finishS } from './round';
import { addExactD, mulExactD, divExactD } from './exact';

/** Rounding mode in effect: the instruction's rm, or frm when rm is DYN (validity checked by the translator via fpRmValid). */
export function mode(s: CpuState, rm: number): number { return rm === 7 ? s.frm : rm; }

/**
 * NaN result (spec "NaN Generation and Propagation"): always the canonical NaN; NV when an
 * operand is a signalling NaN, or when no operand was a NaN at all (the operation itself was
 * invalid: inf-inf, 0*inf, 0/0, inf/inf, sqrt(<0)). r2/r3 < 0 mean "no such operand".
 */
export function nanResultS(s: CpuState, rd: number, r1: number, r2: number, r3: number): void {
  const b1 = bitsS(s, r1), b2 = r2 < 0 ? 0 : bitsS(s, r2), b3 = r3 < 0 ? 0 : bitsS(s, r3);
  if (isSNaNS(b1) || isSNaNS(b2) || isSNaNS(b3) || !(isNaNS(b1) || isNaNS(b2) || isNaNS(b3))) s.fflags |= NV;
  writeCanonS(s, rd);
}
export function nanResultD(s: CpuState, rd: number, r1: number, r2: number, r3: number): void {
  const sn = regIsSNaND(s, r1) || (r2 >= 0 && regIsSNaND(s, r2)) || (r3 >= 0 && regIsSNaND(s, r3));
  const qn = regIsNaND(s, r1) || (r2 >= 0 && regIsNaND(s, r2)) || (r3 >= 0 && regIsNaND(s, r3));
  if (sn || !qn) s.fflags |= NV;
  writeCanonD(s, rd);
}

// ---- single precision ----------------------------------------------------------------------

function addS(s: CpuState, rd: number, rs1: number, rs2: number, rm: number, sub: boolean): number {
  const f = s.f, S = regsS(s);
  if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  const a = S[2 * rs1], b = sub ? -S[2 * rs2] : S[2 * rs2];
  let d = a + b;
  if (d !== d) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  const m = mode(s, rm);
  const err = twoSumErr(a, b, d); // exact: sums of binary32 values never overflow binary64
  if (d === 0 && m === RDN) d = -(-a - b); // exact zero: +0 except in RDN (IEEE 754 6.3)
  finishS(s, rd, d, err, m);
  return 0;
}
export function faddS(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  return addS(s, rd, rs1, rs2, rm, false);
}
export function fsubS(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  return addS(s, rd, rs1, rs2, rm, true);
}
export function fmulS(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  const f = s.f, S = regsS(s);
  if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  const d = S[2 * rs1] * S[2 * rs2]; // exact: 24+24 bits fit in 53
  if (d !== d) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  finishS(s, rd, d, 0, mode(s, rm));
  return 0;
}
export function fdivS(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  const f = s.f, S = regsS(s);
  if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  const a = S[2 * rs1], b = S[2 * rs2];
  const d = a / b;
  if (d !== d) { nanResultS(s, rd, rs1, rs2, -1); return 0; }
  if (b === 0 && a !== Infinity && a !== -Infinity) s.fflags |= DZ;
  let err = 0;
  if (d !== 0 && d !== Infinity && d !== -Infinity) {
    // Remainder a - d*b is exactly representable (it has <= 24 significant bits); its sign,
    // times b's, is the sign of a/b - d.
    const p = d * b;
    const rem = (a - p) - twoProdErr(d, b, p);
    err = b > 0 ? rem : -rem;
  }
  finishS(s, rd, d, err, mode(s, rm));
  return 0;
}
export function fsqrtS(s: CpuState, rd: number, rs1: number, _rs2: number, _rs3: number, rm: number): number {
  if (s.f[2 * rs1 + 1] !== -1) { nanResultS(s, rd, rs1, -1, -1); return 0; }
  const a = regsS(s)[2 * rs1];
  const d = Math.sqrt(a);
  if (d !== d) { nanResultS(s, rd, rs1, -1, -1); return 0; }
  let err = 0;
  if (d !== 0 && d !== Infinity) {
    const p = d * d;
    err = (a - p) - twoProdErr(d, d, p); // a - d^2: sign of sqrt(a) - d
  }
  finishS(s, rd, d, err, mode(s, rm));
  return 0;
}

// ---- double precision ----------------------------------------------------------------------
// Fast paths need error-free transformations to be exact: Dekker's split overflows above 2^995
// and product errors fall below 2^-1074 when results are near the subnormal range, so outside
// [2^-960, 2^960]-ish ranges the exact BigInt path in exact.ts takes over.

const BIG = pow2(800);
const TINY = pow2(-960);
const SAFE_MUL = pow2(995);
const HUGE_SUM = pow2(1020);

function addD(s: CpuState, rd: number, rs1: number, rs2: number, rm: number, sub: boolean): number {
  const F = regsD(s);
  const a = F[rs1], b = sub ? -F[rs2] : F[rs2];
  let r = a + b;
  if (r !== r) { nanResultD(s, rd, rs1, rs2, -1); return 0; }
  const m = mode(s, rm);
  if (!(Math.abs(r) < HUGE_SUM)) {
    // An infinite operand gives an exact infinity. Finite operands this close to overflow go the
    // exact way: whether the sum overflows depends on the mode, and TwoSum's intermediates could.
    F[rd] = a - a === 0 && b - b === 0 ? addExactD(s, a, b, m) : r;
    return 0;
  }
  // TwoSum is exact for any finite sum, including subnormal ones (sums in that range are exact).
  const t = twoSumErr(a, b, r);
  if (r === 0 && m === RDN) r = -(-a - b);
  finishD(s, rd, r, t, m, true);
  return 0;
}
export function faddD(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  return addD(s, rd, rs1, rs2, rm, false);
}
export function fsubD(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  return addD(s, rd, rs1, rs2, rm, true);
}

export function fmulD(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  const F = regsD(s);
  const a = F[rs1], b = F[rs2];
  const r = a * b;
  if (r !== r) { nanResultD(s, rd, rs1, rs2, -1); return 0; }
  const m = mode(s, rm);
  const ar = Math.abs(r);
  // |r| <= 2^995 also keeps Dekker's partial product ah*bh (up to |ab|(1+2^-25)) from overflowing.
  if (ar >= TINY && ar <= SAFE_MUL && Math.abs(a) <= SAFE_MUL && Math.abs(b) <= SAFE_MUL) {
    finishD(s, rd, r, twoProdErr(a, b, r), m, true);
    return 0;
  }
  const specialOperand = a === 0 || b === 0 || a - a !== 0 || b - b !== 0;
  if (specialOperand) F[rd] = r; // zero or infinite operand: exact
  else F[rd] = mulExactD(s, a, b, m); // underflow, overflow, or operands too large to split
  return 0;
}

export function fdivD(s: CpuState, rd: number, rs1: number, rs2: number, _rs3: number, rm: number): number {
  const F = regsD(s);
  const a = F[rs1], b = F[rs2];
  const q = a / b;
  if (q !== q) { nanResultD(s, rd, rs1, rs2, -1); return 0; }
  const m = mode(s, rm);
  const aa = Math.abs(a), ab = Math.abs(b), aq = Math.abs(q);
  if (aq >= TINY && aq <= BIG && aa >= TINY && aa <= BIG && ab >= TINY && ab <= BIG) {
    // a - q*b is exactly representable for a correctly rounded quotient; its sign times b's is
    // the sign of a/b - q. Division results in the normal range are never exact ties, so RMM = RNE.
    const p = q * b;
    const rem = (a - p) - twoProdErr(q, b, p);
    finishD(s, rd, q, b > 0 ? rem : -rem, m === RMM ? RNE : m, false);
    return 0;
  }
  if (b === 0) { if (a - a === 0) s.fflags |= DZ; F[rd] = q; return 0; }
  if (a === 0 || a - a !== 0 || b - b !== 0) { F[rd] = q; return 0; } // exact: 0/x, inf/x, x/inf
  F[rd] = divExactD(s, a, b, m);
  return 0;
}

const SCALE_UP = pow2(108); // brings subnormal operands into range, exactly
const SCALE_DOWN = pow2(-54); // sqrt(2^-108)
const SCALE_DOWN2 = pow2(-108);
const SCALE_UP2 = pow2(54);
export function fsqrtD(s: CpuState, rd: number, rs1: number, _rs2: number, _rs3: number, rm: number): number {
  const F = regsD(s);
  let a = F[rs1];
  if (a !== a || a < 0) { nanResultD(s, rd, rs1, -1, -1); return 0; }
  if (a === 0 || a === Infinity) { F[rd] = a; return 0; }
  // Scale by an even power of two into the range where r*r and its Dekker split cannot
  // under/overflow; sqrt results (2^-537 .. 2^512) are normal, so scaling back is exact.
  const scale = a < TINY ? 1 : a > BIG ? -1 : 0;
  if (scale !== 0) a *= scale > 0 ? SCALE_UP : SCALE_DOWN2;
  let r = Math.sqrt(a);
  const p = r * r;
  const rem = (a - p) - twoProdErr(r, r, p); // a - r^2, exact; sign of sqrt(a) - r
  if (scale !== 0) r *= scale > 0 ? SCALE_DOWN : SCALE_UP2;
  const m = mode(s, rm);
  finishD(s, rd, r, rem, m === RMM ? RNE : m, false); // square roots are never exact ties
  return 0;
}

// Fused multiply-add family (FMADD/FMSUB/FNMSUB/FNMADD .S/.D): rs1*rs2 ± rs3 with ONE rounding.
// The variants are sign flips of the exact operation (fmsub: -rs3; fnmsub: -rs1; fnmadd: both),
// which also yields IEEE's signed-zero results. Singles: the product is exact in double, and
// TwoSum gives the exact residual of the one double addition. Doubles follow the structure of
// Boldo & Melquiond, "Emulation of FMA and correctly-rounded sums: proved algorithms using
// rounding to odd" (IEEE TC 2008): exact product (Dekker) and sum (TwoSum), low parts added, one
// final RN addition — with their round-to-odd step replaced by an explicit repair of the one
// case it guards against (see fmaD). Cases outside the proven range go to the exact BigInt path.

import type { CpuState } from '../cpu/state';
import {
  NV, RDN, regsD, regsS, readS, bitsS, isNaNS, isSNaNS, writeCanonS, writeCanonD,
  regIsNaND, regIsSNaND, twoSumErr, twoProdErr, pow2,
} from './bits';
import { finishD, finishS } from './round';
import { fmaExactD } from './exact';
import { mode } from './arith';

/** NaN result of a fused op; 0*inf raises NV even when the addend is a quiet NaN (spec "Single-Precision Floating-Point Computational Instructions"). */
function fmaNaN(s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, a: number, b: number, single: boolean): void {
  const zeroTimesInf = (a === 0 && (b === Infinity || b === -Infinity)) || (b === 0 && (a === Infinity || a === -Infinity));
  let sn: boolean, qn: boolean;
  if (single) {
    const b1 = bitsS(s, rs1), b2 = bitsS(s, rs2), b3 = bitsS(s, rs3);
    sn = isSNaNS(b1) || isSNaNS(b2) || isSNaNS(b3);
    qn = isNaNS(b1) || isNaNS(b2) || isNaNS(b3);
  } else {
    sn = regIsSNaND(s, rs1) || regIsSNaND(s, rs2) || regIsSNaND(s, rs3);
    qn = regIsNaND(s, rs1) || regIsNaND(s, rs2) || regIsNaND(s, rs3);
  }
  if (sn || !qn || zeroTimesInf) s.fflags |= NV;
  if (single) writeCanonS(s, rd); else writeCanonD(s, rd);
}

function fmaS(s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negP: boolean, negC: boolean): number {
  const f = s.f;
  if (f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1 || f[2 * rs3 + 1] !== -1) {
    fmaNaN(s, rd, rs1, rs2, rs3, readS(s, rs1), readS(s, rs2), true);
    return 0;
  }
  const S = regsS(s);
  const a = negP ? -S[2 * rs1] : S[2 * rs1], b = S[2 * rs2], c = negC ? -S[2 * rs3] : S[2 * rs3];
  const p = a * b; // exact
  let d = p + c;
  if (d !== d) { fmaNaN(s, rd, rs1, rs2, rs3, a, b, true); return 0; }
  const m = mode(s, rm);
  const err = twoSumErr(p, c, d);
  if (d === 0 && err === 0 && m === RDN) d = -(-p - c);
  finishS(s, rd, d, err, m);
  return 0;
}

/** Dekker's split cannot overflow below this (also the bound of the translator's inline fast path, fpu/inline.ts). */
export const FMA_SAFE = pow2(995);
/** Product errors stay >= 2^-872 (normal) above this, so every EFT below is exact. */
export const FMA_TINY = pow2(-766);
const SAFE = FMA_SAFE, TINY = FMA_TINY;

function fmaD(s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negP: boolean, negC: boolean): number {
  const F = regsD(s);
  const a = negP ? -F[rs1] : F[rs1], b = F[rs2], c = negC ? -F[rs3] : F[rs3];
  const ph = a * b;
  const aph = Math.abs(ph), ac = Math.abs(c);
  if (aph >= TINY && aph <= SAFE && Math.abs(a) <= SAFE && Math.abs(b) <= SAFE && (c === 0 || (ac >= TINY && ac <= SAFE))) {
    const pl = twoProdErr(a, b, ph); // a*b = ph + pl exactly
    const th = c + ph;
    const ul = twoSumErr(c, ph, th); // c + ph = th + ul exactly
    const v = pl + ul;
    const e1 = twoSumErr(pl, ul, v); // x = th + v + e1 exactly
    let r = th + v;
    let e2 = twoSumErr(th, v, r); // th + v = r + e2
    // r = RN(th + v) is RN(x): th, v and r are multiples of v's quantum q, |e1| < q, so no
    // rounding boundary lies between th + v and x unless th + v is itself a midpoint (ties are
    // the double-rounding case Boldo & Melquiond's round-to-odd step exists for). Then |e2| is
    // half an ulp of r, r + 2*e2 is exactly the other neighbour, and e1's side decides.
    if (e1 !== 0 && e2 !== 0 && (r + 2 * e2) - r === 2 * e2 && (e1 > 0) === (e2 > 0)) {
      r += 2 * e2;
      e2 = -e2;
    }
    if (Math.abs(r) >= TINY && r - r === 0) {
      // x - r = e2 + e1, and a nonzero e2 (a multiple of q) outweighs e1; exact only if e1 = 0.
      finishD(s, rd, r, e2 !== 0 ? e2 : e1, mode(s, rm), e1 === 0);
      return 0;
    }
  }
  // Kept out of line so the hot path above stays small enough for V8 to inline its helpers.
  fmaSlowD(s, rd, rs1, rs2, rs3, a, b, c, mode(s, rm));
  return 0;
}

/** NaNs, infinities, zero products, and results or operands outside the proven fast range. */
function fmaSlowD(s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, a: number, b: number, c: number, m: number): void {
  const F = regsD(s);
  if (a !== a || b !== b || c !== c) { fmaNaN(s, rd, rs1, rs2, rs3, a, b, false); return; }
  const ph = a * b;
  const infA = a - a !== 0, infB = b - b !== 0, infC = c - c !== 0;
  if (infA || infB || infC || a === 0 || b === 0) {
    // Zero or infinite operands make the product exact (0 or inf), so ph + c is the exact result;
    // a NaN there is an invalid operation (0*inf, inf-inf). Only an exact zero sum's sign depends on rm.
    const sum = (infA || infB) ? ph + c : infC ? c : ph + c;
    if (sum !== sum) { fmaNaN(s, rd, rs1, rs2, rs3, a, b, false); return; }
    F[rd] = sum === 0 && m === RDN ? -(-ph - c) : sum;
    return;
  }
  F[rd] = fmaExactD(s, a, b, c, m);
}

type Fused = (s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number) => number;
export const fmaddS: Fused = (s, rd, a, b, c, rm) => fmaS(s, rd, a, b, c, rm, false, false);
export const fmsubS: Fused = (s, rd, a, b, c, rm) => fmaS(s, rd, a, b, c, rm, false, true);
export const fnmsubS: Fused = (s, rd, a, b, c, rm) => fmaS(s, rd, a, b, c, rm, true, false);
export const fnmaddS: Fused = (s, rd, a, b, c, rm) => fmaS(s, rd, a, b, c, rm, true, true);
export const fmaddD: Fused = (s, rd, a, b, c, rm) => fmaD(s, rd, a, b, c, rm, false, false);
export const fmsubD: Fused = (s, rd, a, b, c, rm) => fmaD(s, rd, a, b, c, rm, false, true);
export const fnmsubD: Fused = (s, rd, a, b, c, rm) => fmaD(s, rd, a, b, c, rm, true, false);
export const fnmaddD: Fused = (s, rd, a, b, c, rm) => fmaD(s, rd, a, b, c, rm, true, true);

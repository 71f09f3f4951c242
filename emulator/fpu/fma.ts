// Fused multiply-add family (FMADD/FMSUB/FNMSUB/FNMADD .S/.D): rs1*rs2 ± rs3 with ONE rounding.
// The variants are sign flips of the exact operation (fmsub: -rs3; fnmsub: -rs1; fnmadd: both),
// which also yields IEEE's signed-zero results. Singles: the product is exact in double, and
// TwoSum gives the exact residual of the one double addition. Doubles: Boldo & Melquiond,
// "Emulation of FMA and correctly-rounded sums: proved algorithms using rounding to odd"
// (IEEE TC 2008): exact product (Dekker) and sum (TwoSum), low parts added with round-to-odd,
// one final RN addition; cases outside the proven range go to the exact BigInt path.

import type { CpuState } from '../cpu/state';
import {
  NV, RDN, SF64, SI32, regsD, regsS, readS, bitsS, isNaNS, isSNaNS, writeCanonS, writeCanonD,
  regIsNaND, regIsSNaND, twoSumErr, twoProdErr, nextUpD, nextDownD, pow2,
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

const SAFE = pow2(995); // Dekker's split cannot overflow below this
const TINY = pow2(-766); // product errors stay >= 2^-872 (normal), so every EFT below is exact

/** Round-to-odd of v = RN(x) given its residual e = x - v: an inexact even result moves to its odd neighbour. */
function toOdd(v: number, e: number): number {
  if (e === 0) return v;
  SF64[0] = v;
  if ((SI32[0] & 1) !== 0) return v;
  return e > 0 ? nextUpD(v) : nextDownD(v);
}

function fmaD(s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number, negP: boolean, negC: boolean): number {
  const F = regsD(s);
  const a = negP ? -F[rs1] : F[rs1], b = F[rs2], c = negC ? -F[rs3] : F[rs3];
  const ph = a * b;
  const m = mode(s, rm);
  const aph = Math.abs(ph), ac = Math.abs(c);
  if (aph >= TINY && aph <= SAFE && Math.abs(a) <= SAFE && Math.abs(b) <= SAFE && (c === 0 || (ac >= TINY && ac <= SAFE))) {
    const pl = twoProdErr(a, b, ph); // a*b = ph + pl exactly
    const th = c + ph;
    const ul = twoSumErr(c, ph, th); // c + ph = th + ul exactly
    const v0 = pl + ul;
    const e1 = twoSumErr(pl, ul, v0);
    const v = toOdd(v0, e1); // RO(pl + ul)
    const r = th + v;
    const e2 = twoSumErr(th, v, r);
    // Residual of v: pl + ul - v (e1 itself when v was not moved; otherwise only its sign is
    // reliable, and then x cannot be a tie because |x - r| < ulp(v) << ulp(r)/2).
    const ex = v === v0 ? e1 : e1 - (v - v0);
    if (Math.abs(r) >= TINY && r - r === 0) {
      // x - r = e2 + ex; if e2 != 0 it is a multiple of ulp(v) > |ex|, so it carries the sign.
      finishD(s, rd, r, e2 !== 0 ? e2 : ex, m, ex === 0);
      return 0;
    }
  }
  if (a !== a || b !== b || c !== c) { fmaNaN(s, rd, rs1, rs2, rs3, a, b, false); return 0; }
  const infA = a - a !== 0, infB = b - b !== 0, infC = c - c !== 0;
  if (infA || infB || infC || a === 0 || b === 0) {
    // Zero or infinite operands make the product exact (0 or inf), so ph + c is the exact result;
    // a NaN there is an invalid operation (0*inf, inf-inf). Only an exact zero sum's sign depends on rm.
    const sum = (infA || infB) ? ph + c : infC ? c : ph + c;
    if (sum !== sum) { fmaNaN(s, rd, rs1, rs2, rs3, a, b, false); return 0; }
    F[rd] = sum === 0 && m === RDN ? -(-ph - c) : sum;
    return 0;
  }
  F[rd] = fmaExactD(s, a, b, c, m);
  return 0;
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

// FCVT.* between integers and floats and between S and D, plus the FMV bit moves (RISC-V
// unprivileged spec, "Single-Precision Floating-Point Conversion and Move Instructions" and the
// D counterparts). Integer operands arrive as (xlo, xhi) int32 halves; integer results return
// the low half with the high half in s.retHi (32-bit results sign-extended, as RV64 requires).

import type { CpuState } from '../cpu/state';
import {
  NV, NX, RNE, RTZ, RDN, RUP, regsD, regsS, bitsS, isSNaNS, writeCanonS, writeCanonD,
  regIsSNaND, twoSumErr,
} from './bits';
import { finishS, finishD } from './round';
import { mode } from './arith';

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** Rounds finite v to an integer-valued double in mode m (|v| >= 2^52 is already integral). */
function roundToInt(v: number, m: number): number {
  if (!(Math.abs(v) < TWO52)) return v;
  switch (m) {
    case RTZ: return Math.trunc(v);
    case RDN: return Math.floor(v);
    case RUP: return Math.ceil(v);
    default: {
      const fl = Math.floor(v), frac = v - fl; // exact below 2^52
      if (frac !== 0.5) return frac > 0.5 ? fl + 1 : fl;
      if (m === RNE) return fl % 2 === 0 ? fl : fl + 1;
      return v < 0 ? fl : fl + 1; // RMM: ties away from zero
    }
  }
}

const W = 0, WU = 1, L = 2, LU = 3;
// Saturation results per the spec's "FCVT.W/WU/L/LU invalid input behaviour" table, as [lo, hi]:
// for too-large or NaN inputs, and for too-small inputs.
const MAX_OUT = [[0x7fffffff, 0], [-1, -1], [-1, 0x7fffffff], [-1, -1]];
const MIN_OUT = [[0x80000000 | 0, -1], [0, 0], [0, 0x80000000 | 0], [0, 0]];
const LIMIT_HI = [2147483647, 4294967295, TWO63, TWO64]; // results must be <= (W, WU) or < (L, LU)
const LIMIT_LO = [-2147483648, 0, -TWO63, 0];

/** Float value (NaN allowed) -> integer of kind k, rounding mode m. Returns low half, sets s.retHi. */
function toInt(s: CpuState, v: number, m: number, k: number): number {
  let out: number[] | null = null;
  let i = 0;
  if (v !== v) out = MAX_OUT[k];
  else {
    i = roundToInt(v, m);
    if (k < L ? i > LIMIT_HI[k] : i >= LIMIT_HI[k]) out = MAX_OUT[k];
    else if (i < LIMIT_LO[k]) out = MIN_OUT[k];
  }
  if (out !== null) { s.fflags |= NV; s.retHi = out[1]; return out[0]; }
  if (i !== v) s.fflags |= NX;
  if (k < L) { const lo = i | 0; s.retHi = lo >> 31; return lo; } // wrap, then sign-extend bit 31
  const hi = Math.floor(i / TWO32);
  s.retHi = hi | 0;
  return (i - hi * TWO32) | 0;
}

type H = (s: CpuState, rd: number, rs1: number, rs2: number, rs3: number, rm: number, xlo: number, xhi: number) => number;
const fromS = (k: number): H => (s, _rd, rs1, _2, _3, rm) =>
  s.f[2 * rs1 + 1] !== -1 ? toInt(s, NaN, RNE, k) : toInt(s, regsS(s)[2 * rs1], mode(s, rm), k);
const fromD = (k: number): H => (s, _rd, rs1, _2, _3, rm) => toInt(s, regsD(s)[rs1], mode(s, rm), k);
export const fcvtWS = fromS(W), fcvtWuS = fromS(WU), fcvtLS = fromS(L), fcvtLuS = fromS(LU);
export const fcvtWD = fromD(W), fcvtWuD = fromD(WU), fcvtLD = fromD(L), fcvtLuD = fromD(LU);

/** Integer operand as a double plus the exact residual of that rounding (64-bit kinds only). */
let intErr = 0;
function intValue(xlo: number, xhi: number, k: number): number {
  intErr = 0;
  switch (k) {
    case W: return xlo;
    case WU: return xlo >>> 0;
    default: {
      const h = (k === L ? xhi : xhi >>> 0) * TWO32, l = xlo >>> 0;
      const d = h + l;
      intErr = twoSumErr(h, l, d);
      return d;
    }
  }
}
const toS = (k: number): H => (s, rd, _1, _2, _3, rm, xlo, xhi) => {
  const d = intValue(xlo, xhi, k);
  finishS(s, rd, d, intErr, mode(s, rm));
  return 0;
};
const toD = (k: number): H => (s, rd, _1, _2, _3, rm, xlo, xhi) => {
  const d = intValue(xlo, xhi, k);
  finishD(s, rd, d, intErr, mode(s, rm), true);
  return 0;
};
export const fcvtSW = toS(W), fcvtSWu = toS(WU), fcvtSL = toS(L), fcvtSLu = toS(LU);
export const fcvtDW = toD(W), fcvtDWu = toD(WU), fcvtDL = toD(L), fcvtDLu = toD(LU);

/** fcvt.s.d: one rounding of a double to single. */
export const fcvtSD: H = (s, rd, rs1, _2, _3, rm) => {
  const d = regsD(s)[rs1];
  if (d !== d) { if (regIsSNaND(s, rs1)) s.fflags |= NV; writeCanonS(s, rd); return 0; }
  finishS(s, rd, d, 0, mode(s, rm));
  return 0;
};
/** fcvt.d.s: exact widening; NaNs become the canonical NaN (NV for sNaN). */
export const fcvtDS: H = (s, rd, rs1) => {
  const v = regsS(s)[2 * rs1];
  if (v !== v || s.f[2 * rs1 + 1] !== -1) { if (isSNaNS(bitsS(s, rs1))) s.fflags |= NV; writeCanonD(s, rd); return 0; }
  regsD(s)[rd] = v;
  return 0;
};

// FMV moves raw bits: no NaN-box check on fmv.x.w, no canonicalisation.
export const fmvXW: H = (s, _rd, rs1) => { const lo = s.f[2 * rs1]; s.retHi = lo >> 31; return lo; };
export const fmvWX: H = (s, rd, _1, _2, _3, _rm, xlo) => { s.f[2 * rd] = xlo; s.f[2 * rd + 1] = -1; return 0; };
export const fmvXD: H = (s, _rd, rs1) => { s.retHi = s.f[2 * rs1 + 1]; return s.f[2 * rs1]; };
export const fmvDX: H = (s, rd, _1, _2, _3, _rm, xlo, xhi) => { s.f[2 * rd] = xlo; s.f[2 * rd + 1] = xhi; return 0; };


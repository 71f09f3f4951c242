// Non-arithmetic F/D instructions: sign injection, min/max, comparisons and classify (RISC-V
// unprivileged spec, F and D chapters). They work on raw bits where bit-exactness matters
// (sign injection, NaN tests) and never round, so they ignore rm.

import type { CpuState } from '../cpu/state';
import { NV, CANON_S, CANON_D_HI, regsD, regsS, bitsS, isNaNS, isSNaNS, isNaND, isSNaND } from './bits';

type H = (s: CpuState, rd: number, rs1: number, rs2: number) => number;
const SIGN = 0x80000000 | 0;

// ---- sign injection: singles are unboxed first (an invalid box reads as the canonical NaN) ----
function sgnjS(s: CpuState, rd: number, rs1: number, rs2: number, kind: number): number {
  const a = bitsS(s, rs1), b = bitsS(s, rs2);
  const sign = kind === 0 ? b & SIGN : kind === 1 ? ~b & SIGN : (a ^ b) & SIGN;
  s.f[2 * rd] = (a & 0x7fffffff) | sign;
  s.f[2 * rd + 1] = -1;
  return 0;
}
function sgnjD(s: CpuState, rd: number, rs1: number, rs2: number, kind: number): number {
  const a = s.f[2 * rs1 + 1], b = s.f[2 * rs2 + 1];
  const sign = kind === 0 ? b & SIGN : kind === 1 ? ~b & SIGN : (a ^ b) & SIGN;
  s.f[2 * rd] = s.f[2 * rs1];
  s.f[2 * rd + 1] = (a & 0x7fffffff) | sign;
  return 0;
}
export const fsgnjS: H = (s, rd, a, b) => sgnjS(s, rd, a, b, 0);
export const fsgnjnS: H = (s, rd, a, b) => sgnjS(s, rd, a, b, 1);
export const fsgnjxS: H = (s, rd, a, b) => sgnjS(s, rd, a, b, 2);
export const fsgnjD: H = (s, rd, a, b) => sgnjD(s, rd, a, b, 0);
export const fsgnjnD: H = (s, rd, a, b) => sgnjD(s, rd, a, b, 1);
export const fsgnjxD: H = (s, rd, a, b) => sgnjD(s, rd, a, b, 2);

// ---- fmin/fmax (spec 2.2+ semantics = IEEE 754-2019 minimumNumber/maximumNumber): a NaN operand
// is ignored unless both are NaN (then the canonical NaN); sNaN raises NV; -0.0 < +0.0. ----
function minmaxS(s: CpuState, rd: number, rs1: number, rs2: number, max: boolean): number {
  const a = bitsS(s, rs1), b = bitsS(s, rs2);
  let r: number;
  if (isNaNS(a) || isNaNS(b)) {
    if (isSNaNS(a) || isSNaNS(b)) s.fflags |= NV;
    r = isNaNS(a) ? (isNaNS(b) ? CANON_S : b) : a;
  } else {
    const S = regsS(s);
    const va = S[2 * rs1], vb = S[2 * rs2];
    if (va === vb) r = max ? a & b : a | b; // equal: only ±0 differ in bits; the sign bit decides
    else r = (va < vb) !== max ? a : b;
  }
  s.f[2 * rd] = r;
  s.f[2 * rd + 1] = -1;
  return 0;
}
function minmaxD(s: CpuState, rd: number, rs1: number, rs2: number, max: boolean): number {
  const f = s.f;
  const ah = f[2 * rs1 + 1], al = f[2 * rs1], bh = f[2 * rs2 + 1], bl = f[2 * rs2];
  const na = isNaND(ah, al), nb = isNaND(bh, bl);
  let rh: number, rl: number;
  if (na || nb) {
    if (isSNaND(ah, al) || isSNaND(bh, bl)) s.fflags |= NV;
    if (na && nb) { rh = CANON_D_HI; rl = 0; } else if (na) { rh = bh; rl = bl; } else { rh = ah; rl = al; }
  } else {
    const F = regsD(s);
    const va = F[rs1], vb = F[rs2];
    if (va === vb) { rh = max ? ah & bh : ah | bh; rl = al; } else if ((va < vb) !== max) { rh = ah; rl = al; } else { rh = bh; rl = bl; }
  }
  f[2 * rd] = rl;
  f[2 * rd + 1] = rh;
  return 0;
}
export const fminS: H = (s, rd, a, b) => minmaxS(s, rd, a, b, false);
export const fmaxS: H = (s, rd, a, b) => minmaxS(s, rd, a, b, true);
export const fminD: H = (s, rd, a, b) => minmaxD(s, rd, a, b, false);
export const fmaxD: H = (s, rd, a, b) => minmaxD(s, rd, a, b, true);

// ---- comparisons: feq is quiet (NV only for sNaN), flt/fle are signalling (NV for any NaN) ----
const EQ = 0, LT = 1, LE = 2;
function cmpS(s: CpuState, rs1: number, rs2: number, op: number): number {
  s.retHi = 0;
  const f = s.f, S = regsS(s);
  const va = S[2 * rs1], vb = S[2 * rs2];
  if (va !== va || vb !== vb || f[2 * rs1 + 1] !== -1 || f[2 * rs2 + 1] !== -1) {
    if (op !== EQ || isSNaNS(bitsS(s, rs1)) || isSNaNS(bitsS(s, rs2))) s.fflags |= NV;
    return 0;
  }
  return (op === EQ ? va === vb : op === LT ? va < vb : va <= vb) ? 1 : 0;
}
function cmpD(s: CpuState, rs1: number, rs2: number, op: number): number {
  s.retHi = 0;
  const F = regsD(s);
  const va = F[rs1], vb = F[rs2];
  if (va !== va || vb !== vb) {
    const f = s.f;
    if (op !== EQ || isSNaND(f[2 * rs1 + 1], f[2 * rs1]) || isSNaND(f[2 * rs2 + 1], f[2 * rs2])) s.fflags |= NV;
    return 0;
  }
  return (op === EQ ? va === vb : op === LT ? va < vb : va <= vb) ? 1 : 0;
}
export const feqS: H = (s, _rd, a, b) => cmpS(s, a, b, EQ);
export const fltS: H = (s, _rd, a, b) => cmpS(s, a, b, LT);
export const fleS: H = (s, _rd, a, b) => cmpS(s, a, b, LE);
export const feqD: H = (s, _rd, a, b) => cmpD(s, a, b, EQ);
export const fltD: H = (s, _rd, a, b) => cmpD(s, a, b, LT);
export const fleD: H = (s, _rd, a, b) => cmpD(s, a, b, LE);

// ---- fclass: one-hot mask (bit 0 -inf ... bit 9 quiet NaN), from the sign/exponent/mantissa fields ----
function classify(neg: boolean, expAllOnes: boolean, expZero: boolean, mantZero: boolean, quiet: boolean): number {
  if (expAllOnes) return mantZero ? (neg ? 1 << 0 : 1 << 7) : quiet ? 1 << 9 : 1 << 8;
  if (expZero) return mantZero ? (neg ? 1 << 3 : 1 << 4) : (neg ? 1 << 2 : 1 << 5);
  return neg ? 1 << 1 : 1 << 6;
}
export const fclassS: H = (s, _rd, rs1) => {
  const b = bitsS(s, rs1), e = (b >>> 23) & 0xff;
  s.retHi = 0;
  return classify(b < 0, e === 0xff, e === 0, (b & 0x7fffff) === 0, (b & 0x400000) !== 0);
};
export const fclassD: H = (s, _rd, rs1) => {
  const hi = s.f[2 * rs1 + 1], lo = s.f[2 * rs1], e = (hi >>> 20) & 0x7ff;
  s.retHi = 0;
  return classify(hi < 0, e === 0x7ff, e === 0, (hi & 0xfffff) === 0 && lo === 0, (hi & 0x80000) !== 0);
};

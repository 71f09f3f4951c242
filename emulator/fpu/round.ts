// Rounding: turns "RN result + exact residual" into the correctly rounded result in any RISC-V
// rounding mode, with fflags. JS arithmetic rounds to nearest-even on doubles, so each operation
// computes r = RN(x) plus the exact error x - r (error-free transformations), and the other modes
// are one ulp away at most: that step is done here. Singles are computed in double and rounded
// once more here, with the double's own residual carried along so no double-rounding error survives.

import type { CpuState } from '../cpu/state';
import {
  NX, UF, OF, RNE, RTZ, RDN, RUP, RMM, MAX_S, MIN_NORMAL_S,
  nextUpD, nextDownD, nextUpS, nextDownS, regsD, writeS, SF64, SI32, pow2,
} from './bits';

/** Result of an overflowing operation per mode (IEEE 754-2019 7.4; RISC-V follows it). */
export function overflowValue(neg: boolean, m: number, max: number): number {
  switch (m) {
    case RTZ: return neg ? -max : max;
    case RDN: return neg ? -Infinity : max;
    case RUP: return neg ? -max : Infinity;
    default: return neg ? -Infinity : Infinity; // RNE, RMM
  }
}

/**
 * r = RN(x) in the target format, t = x - r (only the sign is used; 0 = exact), tie = x lies exactly
 * halfway between r and its neighbour. Returns x rounded in mode m: a directed mode moves one ulp
 * toward t when RN went the wrong way; RMM moves away from zero on ties (RN chose the even side).
 */
export function directed(r: number, t: number, tie: boolean, m: number, single: boolean): number {
  if (t === 0) return r;
  let up: boolean;
  switch (m) {
    case RTZ: if (r === 0 || (t > 0) === (r > 0)) return r; up = r < 0; break;
    case RDN: if (t > 0) return r; up = false; break;
    case RUP: if (t < 0) return r; up = true; break;
    case RMM: if (!tie || (r !== 0 && (t > 0) !== (r > 0))) return r; up = t > 0; break;
    default: return r;
  }
  if (single) return up ? nextUpS(r) : nextDownS(r);
  return up ? nextUpD(r) : nextDownD(r);
}

/** Whether x = r + t is exactly halfway between double r and its neighbour on t's side (t exact). */
export function isTieD(r: number, t: number): boolean {
  const g = t > 0 ? nextUpD(r) : nextDownD(r);
  return 2 * t === g - r;
}

/**
 * Finishes a double operation whose fast path proved r = RN(x) with |r| well inside the normal
 * range (so no underflow) and r finite. t = x - r (exact when `exactT`, else only its sign is right).
 */
export function finishD(s: CpuState, rd: number, r: number, t: number, m: number, exactT: boolean): void {
  if (t !== 0) {
    s.fflags |= NX;
    if (m !== RNE) r = directedD(s, r, t, m, exactT);
  }
  regsD(s)[rd] = r;
}
/** The non-RNE tail of finishD, out of line to keep finishD inlinable into every hot path. */
function directedD(s: CpuState, r: number, t: number, m: number, exactT: boolean): number {
  r = directed(r, t, m === RMM && exactT && isTieD(r, t), m, false);
  if (r === Infinity || r === -Infinity) s.fflags |= OF;
  return r;
}

const TWO128 = pow2(128);
const OVF_S = TWO128 - pow2(103); // binary32 MAX + half an ulp: at or beyond it RN overflows
const TWO_M150 = pow2(-150); // the unbounded-exponent ulp just below 2^-126
const TWO_M151 = pow2(-151);

/** Compares |d + e| with a positive double thr, where e is d's RN residual (|e| << ulp(d)). */
function absAtLeast(d: number, e: number, thr: number, strict: boolean): boolean {
  const ad = Math.abs(d);
  if (ad !== thr) return ad > thr;
  if (e === 0) return !strict;
  return (e > 0) === (d > 0);
}

/**
 * Rounds x = d + err (d a double, err its exact residual or just a value of the residual's sign)
 * to binary32 in mode m, accruing NX/OF/UF. Tininess is detected after rounding (RISC-V, spec
 * "Accrued exceptions"): a result rounded to 2^-126 is still tiny when rounding with an unbounded
 * exponent would have stayed below 2^-126.
 */
export function roundS(s: CpuState, d: number, err: number, m: number): number {
  // Infinite d comes only from infinite operands here (binary32 operations cannot overflow a
  // double), so it is exact; its err may be NaN (TwoSum on infinities).
  if (d === Infinity || d === -Infinity || (d === 0 && err === 0)) return d;
  let f = Math.fround(d), t: number, tie = false;
  if (Math.abs(d) > MAX_S) {
    // |x| > MAX. Overflow is decided after rounding with an unbounded exponent (IEEE 754 7.4):
    // RNE/RMM overflow from MAX + ulp/2, modes rounding away from zero at once, the others from
    // 2^128. Only the flag differs when a mode toward zero lands on ±MAX either way.
    const neg = d < 0;
    const over = m === RNE || m === RMM ? absAtLeast(d, err, OVF_S, false)
      : (m === RUP && !neg) || (m === RDN && neg) || absAtLeast(d, err, TWO128, false);
    s.fflags |= over ? OF | NX : NX;
    return over ? overflowValue(neg, m, MAX_S) : neg ? -MAX_S : MAX_S;
  } else if (f !== d) {
    const g = f < d ? nextUpS(f) : nextDownS(f);
    t = d - f; // exact (Sterbenz); dominates err, which is below half a double ulp of d
    if (2 * t === g - f) { // d is a binary32 midpoint: err decides, or it is a true tie
      if (err === 0) tie = true;
      else if ((err > 0) === (t > 0)) { f = g; t = -t; }
    }
  } else {
    t = err; // d is representable; x is within a double half-ulp of it, never a binary32 tie
  }
  if (t === 0) return f;
  const r = directed(f, t, tie, m, true);
  let fl = NX;
  const ar = Math.abs(r);
  if (ar === Infinity) fl |= OF;
  else if (ar < MIN_NORMAL_S) fl |= UF;
  else if (ar === MIN_NORMAL_S && !absAtLeast(d, err, MIN_NORMAL_S, false)) {
    // |x| < 2^-126 rounded up to 2^-126: tiny unless the unbounded-exponent rounding also reaches it.
    const away = (m === RUP && d > 0) || (m === RDN && d < 0);
    const reaches = m === RNE || m === RMM ? absAtLeast(d, err, MIN_NORMAL_S - TWO_M151, false)
      : away && absAtLeast(d, err, MIN_NORMAL_S - TWO_M150, true);
    if (!reaches) fl |= UF;
  }
  s.fflags |= fl;
  return r;
}

/**
 * Writes the binary32 rounding of x = d + err to rd (err: exact residual of d, or of its sign).
 * Fast path: RNE with a normal, finite result. Math.fround(d) is then correctly rounded unless d
 * sits exactly on a binary32 midpoint while err != 0 (possible for fused ops and 64-bit integer
 * conversions; never for + - * / sqrt of binary32 operands, since 53 >= 2*24+2 — Figueroa,
 * "When is double rounding innocuous?"): that case, seen in d's low 29 mantissa bits being
 * exactly 1000...0, takes the general path.
 */
export function finishS(s: CpuState, rd: number, d: number, err: number, m: number): void {
  if (m === RNE) {
    const f = Math.fround(d);
    const af = Math.abs(f);
    if (af > MIN_NORMAL_S && af <= MAX_S) {
      if (f !== d || err !== 0) {
        if (f !== d && err !== 0) {
          SF64[0] = d;
          if ((SI32[0] & 0x1fffffff) === 0x10000000) { writeS(s, rd, roundS(s, d, err, m)); return; }
        }
        s.fflags |= NX;
      }
      writeS(s, rd, f);
      return;
    }
  }
  writeS(s, rd, roundS(s, d, err, m));
}

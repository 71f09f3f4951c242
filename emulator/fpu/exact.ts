// Exact (BigInt) arithmetic for the rare double-precision cases the fast paths cannot prove:
// results that underflow, operands so large that Dekker's split would overflow, and fused
// multiply-adds whose product over/underflows. Values are sign * mant * 2^exp with a BigInt
// mant; rounding to a format is done once, exactly, with tininess after rounding.

import type { CpuState } from '../cpu/state';
import { NX, UF, OF, RNE, RDN, RUP, RMM, SF64, SI32, pow2 } from './bits';
import { overflowValue } from './round';

export interface FloatFormat { p: number; emin: number; emax: number; max: number }
export const BINARY64: FloatFormat = { p: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE };
export const BINARY32: FloatFormat = { p: 24, emin: -126, emax: 127, max: 3.4028234663852886e38 };

/** Finite nonzero double -> [mant, exp] with |x| = mant * 2^exp. */
export function decompose(x: number): [bigint, number] {
  SF64[0] = x;
  const hi = SI32[1], lo = SI32[0];
  const ef = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  if (ef === 0) return [mant, -1074];
  mant |= 1n << 52n;
  return [mant, ef - 1075];
}

function bitLength(m: bigint): number { return m.toString(2).length; }

/** Rounds m (> 0) at 2^sh below its last kept bit, mode rm; returns [kept, inexact]. */
function roundShift(neg: boolean, m: bigint, sh: number, rm: number): [bigint, boolean] {
  if (sh <= 0) return [m << BigInt(-sh), false];
  const b = BigInt(sh);
  let kept = m >> b;
  const rem = m - (kept << b);
  if (rem === 0n) return [kept, false];
  const half = 1n << (b - 1n);
  let up: boolean;
  switch (rm) {
    case RNE: up = rem > half || (rem === half && (kept & 1n) === 1n); break;
    case RMM: up = rem >= half; break;
    case RDN: up = neg; break;
    case RUP: up = !neg; break;
    default: up = false; // RTZ
  }
  if (up) kept += 1n;
  return [kept, true];
}

/**
 * Correctly rounds (-1)^neg * mant * 2^exp (mant > 0) to fmt in mode rm, accruing NX/OF/UF into
 * s.fflags (UF = tiny after rounding with unbounded exponent, and inexact). Returns a JS number
 * that is exactly representable in fmt.
 */
export function roundExact(s: CpuState, neg: boolean, mant: bigint, exp: number, rm: number, fmt: FloatFormat): number {
  const { p, emin, emax } = fmt;
  const E = exp + bitLength(mant) - 1; // |x| in [2^E, 2^(E+1))
  if (E > emax) { s.fflags |= OF | NX; return overflowValue(neg, rm, fmt.max); }
  const q = Math.max(E - p + 1, emin - p + 1);
  const [kept, inexact] = roundShift(neg, mant, q - exp, rm);
  let v = Number(kept) * pow2(q);
  if (v > fmt.max) { s.fflags |= OF | NX; return overflowValue(neg, rm, fmt.max); }
  if (inexact) {
    let fl = NX;
    if (E < emin) {
      // Tiny unless rounding to p bits with an unbounded exponent carries up to 2^emin.
      const [ku] = roundShift(neg, mant, E - p + 1 - exp, rm);
      if (E + 1 < emin || ku < (1n << BigInt(p))) fl |= UF;
    }
    s.fflags |= fl;
  }
  if (neg) v = -v;
  return v;
}

/** Exact sum of two signed BigInt-scaled values: returns [neg, mant, exp] with mant >= 0. */
function addExact(na: boolean, ma: bigint, ea: number, nb: boolean, mb: bigint, eb: number): [boolean, bigint, number] {
  const e = Math.min(ea, eb);
  const a = (na ? -ma : ma) << BigInt(ea - e);
  const b = (nb ? -mb : mb) << BigInt(eb - e);
  const sum = a + b;
  return sum < 0n ? [true, -sum, e] : [false, sum, e];
}

/** a+b for finite doubles (used when the RN sum overflowed: the mode decides OF and the result). */
export function addExactD(s: CpuState, a: number, b: number, rm: number): number {
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b);
  const [neg, mant, exp] = addExact(a < 0, ma, ea, b < 0, mb, eb);
  return roundExact(s, neg, mant, exp, rm, BINARY64);
}

/** a*b for finite nonzero doubles, correctly rounded in rm. */
export function mulExactD(s: CpuState, a: number, b: number, rm: number): number {
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b);
  return roundExact(s, (a < 0) !== (b < 0), ma * mb, ea + eb, rm, BINARY64);
}

/** a/b for finite nonzero doubles: a quotient with >= 56 bits plus a sticky bit rounds exactly. */
export function divExactD(s: CpuState, a: number, b: number, rm: number): number {
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b);
  const k = Math.max(0, 58 + bitLength(mb) - bitLength(ma));
  const num = ma << BigInt(k);
  const q = num / mb;
  const sticky = num - q * mb === 0n ? 0n : 1n;
  return roundExact(s, (a < 0) !== (b < 0), (q << 1n) | sticky, ea - eb - k - 1, rm, BINARY64);
}

/** a*b + c for finite doubles with a*b != 0, single rounding; exact zero -> +0 (RDN: -0). */
export function fmaExactD(s: CpuState, a: number, b: number, c: number, rm: number): number {
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b);
  const np = (a < 0) !== (b < 0);
  let neg = np, mant = ma * mb, exp = ea + eb;
  if (c !== 0) {
    const [mc, ec] = decompose(c);
    [neg, mant, exp] = addExact(np, mant, exp, c < 0, mc, ec);
    if (mant === 0n) return rm === RDN ? -0 : 0;
  }
  return roundExact(s, neg, mant, exp, rm, BINARY64);
}

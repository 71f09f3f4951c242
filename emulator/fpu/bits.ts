// Bit-level building blocks of the FPU: flag and rounding-mode constants, the shared scratch
// buffer (no allocation per instruction), direct Float64/Float32 views over CpuState.f, NaN
// classification on raw bits, and one-ulp steps. Everything here is format plumbing; the
// arithmetic lives in round.ts / arith.ts / fma.ts / convert.ts.

import type { CpuState } from '../cpu/state';

/** fflags bits (RISC-V unprivileged spec, "Floating-Point Control and Status Register"). */
export const NX = 0x01, UF = 0x02, OF = 0x04, DZ = 0x08, NV = 0x10;
/** Rounding modes as encoded in the rm field / frm (same section). 7 = dynamic. */
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;

/** Canonical NaNs (spec "NaN Generation and Propagation"): results never carry payloads. */
export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000;

export const MAX_S = 3.4028234663852886e38;       // largest finite binary32
export const MIN_NORMAL_S = 1.1754943508222875e-38; // 2^-126
export const MAX_D = Number.MAX_VALUE;
export const MIN_NORMAL_D = 2.2250738585072014e-308; // 2^-1022

// The register file is read through typed-array views that alias CpuState.f, which stores
// f[2r] = low word, f[2r+1] = high word: exactly a little-endian Float64Array layout.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('tbscope FPU: a little-endian host is required');
}

const scratch = new ArrayBuffer(8);
/** Scratch views for bit <-> value conversions (one shared buffer, never reallocated). */
export const SF64 = new Float64Array(scratch);
export const SF32 = new Float32Array(scratch);
export const SI32 = new Int32Array(scratch);

let owner: Int32Array | null = null;
let viewD: Float64Array = new Float64Array(0);
let viewS: Float32Array = new Float32Array(0);
function bind(f: Int32Array): void {
  owner = f;
  viewD = new Float64Array(f.buffer, f.byteOffset, f.length >> 1);
  viewS = new Float32Array(f.buffer, f.byteOffset, f.length);
}
/** Float64 view of s.f: element r is register fr. Cached for the last vCPU seen (one compare per call). */
export function regsD(s: CpuState): Float64Array {
  if (s.f !== owner) bind(s.f);
  return viewD;
}
/** Float32 view of s.f: element 2r is the low (single) half of register fr. */
export function regsS(s: CpuState): Float32Array {
  if (s.f !== owner) bind(s.f);
  return viewS;
}

/** Single operand bits after NaN-unboxing: an improperly boxed value reads as the canonical NaN (spec 12.2, "NaN Boxing of Narrower Values"). */
export function bitsS(s: CpuState, r: number): number {
  return s.f[2 * r + 1] === -1 ? s.f[2 * r] : CANON_S;
}
/**
 * Single operand value (a JS double, exact); NaN when unboxed — classify NaNs with bitsS. Slow-path
 * only: a NaN constant flowing into hot arithmetic costs V8 several ns, so hot paths test
 * `s.f[2r+1] !== -1` up front, branch to their NaN path, and read regsS(s)[2r] directly.
 */
export function readS(s: CpuState, r: number): number {
  return s.f[2 * r + 1] === -1 ? regsS(s)[2 * r] : NaN;
}
/** Writes a non-NaN single result, NaN-boxed. */
export function writeS(s: CpuState, rd: number, v: number): void {
  regsS(s)[2 * rd] = v;
  s.f[2 * rd + 1] = -1;
}
export function writeCanonS(s: CpuState, rd: number): void {
  s.f[2 * rd] = CANON_S;
  s.f[2 * rd + 1] = -1;
}
export function writeCanonD(s: CpuState, rd: number): void {
  s.f[2 * rd] = 0;
  s.f[2 * rd + 1] = CANON_D_HI;
}

export function isNaNS(b: number): boolean { return (b & 0x7fffffff) > 0x7f800000; }
export function isSNaNS(b: number): boolean { return isNaNS(b) && (b & 0x00400000) === 0; }
export function isNaND(hi: number, lo: number): boolean {
  const h = hi & 0x7fffffff;
  return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0);
}
export function isSNaND(hi: number, lo: number): boolean { return isNaND(hi, lo) && (hi & 0x00080000) === 0; }
/** Whether register r holds a double sNaN. */
export function regIsSNaND(s: CpuState, r: number): boolean { return isSNaND(s.f[2 * r + 1], s.f[2 * r]); }
export function regIsNaND(s: CpuState, r: number): boolean { return isNaND(s.f[2 * r + 1], s.f[2 * r]); }

/** Next double above x (x not NaN, not +inf); steps the bit pattern, so subnormals and -0 work. */
export function nextUpD(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  SF64[0] = x;
  let lo = SI32[0], hi = SI32[1];
  if (x > 0) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; } else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }
  SI32[0] = lo; SI32[1] = hi;
  return SF64[0];
}
export function nextDownD(x: number): number { return -nextUpD(-x); }

const MIN_SUB_S = 1.401298464324817e-45; // 2^-149
/** Next binary32 above x (x a binary32 value, not NaN, not +inf). */
export function nextUpS(x: number): number {
  if (x === 0) return MIN_SUB_S;
  SF32[0] = x;
  SI32[0] = x > 0 ? SI32[0] + 1 : SI32[0] - 1;
  return SF32[0];
}
export function nextDownS(x: number): number { return -nextUpS(-x); }

/** Exact 2^n for -1074 <= n <= 1023, built from bits (no reliance on Math.pow accuracy). */
export function pow2(n: number): number {
  if (n < -1022) return pow2(n + 64) * pow2(-64);
  SI32[0] = 0; SI32[1] = (n + 1023) << 20;
  return SF64[0];
}

/** Error-free transformations (Knuth TwoSum; Dekker/Veltkamp TwoProduct): return the exact error of s = RN(a+b) / p = RN(a*b). */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}
/** Dekker's splitter for doubles: 2^27 + 1. */
export const SPLIT = 134217729;
/** Exact a*b - p when |a|,|b| <= 2^995 (split does not overflow) and the error is not below 2^-1074. */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

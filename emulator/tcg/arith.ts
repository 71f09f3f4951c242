// Runtime helpers called by generated TB code for the 64-bit integer operations that are too long
// to paste inline at every use (variable shifts, multiply-high, division). Values are int32 lo/hi
// pairs; a helper returns the low word and leaves the high word in `R.hi`. They are small,
// monomorphic and called from constant closure slots, so TurboFan inlines them into the TB.
// Semantics: RISC-V Unprivileged ISA, ch. 2.4 (shifts) and ch. 7 "M" (mul/div incl. the
// divide-by-zero and overflow results of table 7.1).

/** Second return value of the helpers below. */
export const R = { hi: 0 };

const TWO32 = 4294967296;

export function sll64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = (h << s) | (l >>> (32 - s)); return l << s; }
  R.hi = l << (s - 32); return 0;
}

export function srl64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = h >>> s | 0; return (l >>> s) | (h << (32 - s)); }
  R.hi = 0; return (h >>> (s - 32)) | 0;
}

export function sra64(l: number, h: number, s: number): number {
  s &= 63;
  if (s === 0) { R.hi = h; return l; }
  if (s < 32) { R.hi = h >> s; return (l >>> s) | (h << (32 - s)); }
  R.hi = h >> 31; return h >> (s - 32);
}

/** High 32 bits of the unsigned 64-bit product of two u32 (as int32). */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a0 * b0;
  const m = a1 * b0 + (t >>> 16);
  const m2 = a0 * b1 + (m & 0xffff);
  return (a1 * b1 + (m >>> 16) + (m2 >>> 16)) | 0;
}

/** Low 64 bits of a * b. */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  R.hi = (mulhu32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return Math.imul(al, bl);
}

/** High 64 bits of the unsigned 128-bit product. */
export function mulhu64(al: number, ah: number, bl: number, bh: number): number {
  // Four 32x32->64 partial products; sums of up to four u32 stay exact in a double.
  const hi00 = mulhu32(al, bl) >>> 0;
  const lo01 = Math.imul(al, bh) >>> 0, hi01 = mulhu32(al, bh) >>> 0;
  const lo10 = Math.imul(ah, bl) >>> 0, hi10 = mulhu32(ah, bl) >>> 0;
  const lo11 = Math.imul(ah, bh) >>> 0, hi11 = mulhu32(ah, bh) >>> 0;
  const c1 = Math.floor((hi00 + lo01 + lo10) / TWO32);
  const w2 = hi01 + hi10 + lo11 + c1;
  const c2 = Math.floor(w2 / TWO32);
  R.hi = (hi11 + c2) | 0;
  return w2 | 0;   // ToInt32 keeps the low 32 bits of the exact sum
}

/** High 64 bits of signed a * signed b. */
export function mulh64(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu64(al, ah, bl, bh), hi = R.hi;
  // Signed correction: subtract b<<64 if a<0 and a<<64 if b<0 (mod 2^64 on the high half).
  if (ah < 0) { const n = (lo - bl) | 0; hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; lo = n; }
  if (bh < 0) { const n = (lo - al) | 0; hi = (hi - ah - ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0; lo = n; }
  R.hi = hi; return lo;
}

/** High 64 bits of signed a * unsigned b. */
export function mulhsu64(al: number, ah: number, bl: number, bh: number): number {
  let lo = mulhu64(al, ah, bl, bh), hi = R.hi;
  if (ah < 0) { const n = (lo - bl) | 0; hi = (hi - bh - ((lo >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; lo = n; }
  R.hi = hi; return lo;
}

const big = (l: number, h: number): bigint => (BigInt(h) << 32n) | BigInt(l >>> 0);
const ubig = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
function retBig(v: bigint): number {
  R.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}
/** Whether the signed value fits in a double exactly (|v| < 2^53): then double division is exact. */
const small = (h: number): boolean => h >= -0x200000 && h < 0x200000;
function retNum(v: number): number {
  R.hi = Math.floor(v / TWO32) | 0;
  return v | 0;   // ToInt32 of an exact integer = its low 32 bits
}

export function div64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { R.hi = -1; return -1; }
  if (small(ah) && small(bh)) return retNum(Math.trunc((ah * TWO32 + (al >>> 0)) / (bh * TWO32 + (bl >>> 0))));
  if (ah === -2147483648 && al === 0 && bl === -1 && bh === -1) { R.hi = ah; return 0; }
  return retBig(big(al, ah) / big(bl, bh));
}

export function divu64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { R.hi = -1; return -1; }
  if (ah >>> 0 < 0x200000 && bh >>> 0 < 0x200000) {
    return retNum(Math.floor(((ah >>> 0) * TWO32 + (al >>> 0)) / ((bh >>> 0) * TWO32 + (bl >>> 0))));
  }
  return retBig(ubig(al, ah) / ubig(bl, bh));
}

export function rem64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { R.hi = ah; return al; }
  if (small(ah) && small(bh)) {
    const r = (ah * TWO32 + (al >>> 0)) % (bh * TWO32 + (bl >>> 0));
    return retNum(r === 0 ? 0 : r);   // -0 → 0
  }
  if (bl === -1 && bh === -1) { R.hi = 0; return 0; }
  return retBig(big(al, ah) % big(bl, bh));
}

export function remu64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { R.hi = ah; return al; }
  if (ah >>> 0 < 0x200000 && bh >>> 0 < 0x200000) {
    return retNum(((ah >>> 0) * TWO32 + (al >>> 0)) % ((bh >>> 0) * TWO32 + (bl >>> 0)));
  }
  return retBig(ubig(al, ah) % ubig(bl, bh));
}

/** The helpers by the name generated code uses for them. */
export const ARITH = { sll64, srl64, sra64, mul64, mulh64, mulhu64, mulhsu64, div64, divu64, rem64, remu64 };

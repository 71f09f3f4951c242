// gdb-style text for C scalars: integers from little-endian bytes, chars as `113 'q'`, floats
// as printf %g with 9 (float) / 17 (double) significant digits, and char arrays as strings with
// octal escapes and `'\000' <repeats 27 times>` runs — the spellings a gdb / VS Code C/C++ user
// already reads, so values can be compared with gdb's own output. Floats are converted to
// decimal exactly (BigInt), so binary128 long doubles print as precisely as gdb prints them.

/** Elements beyond this are shown as "..." (gdb's `print elements` default). */
export const PRINT_ELEMENTS = 200;
/** Runs longer than this collapse to `<repeats N times>` (gdb's `print repeats` default). */
export const REPEAT_THRESHOLD = 10;

export function bytesToBigInt(b: Uint8Array, signed: boolean): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return signed && b.length ? BigInt.asIntN(b.length * 8, v) : v;
}

export function bigIntToBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** printf("%.{prec}g") of (-1)^neg · sig · 2^e2, exactly (BigInt decimal arithmetic, round half to even). */
export function exactG(sig: bigint, e2: number, neg: boolean, prec: number): string {
  const sign = neg ? '-' : '';
  if (sig === 0n) return `${sign}0`;
  const num = e2 >= 0 ? sig << BigInt(e2) : sig;
  const den = e2 >= 0 ? 1n : 1n << BigInt(-e2);
  // Decimal exponent: the estimate from digit counts is off by at most one.
  let e10 = num.toString().length - den.toString().length;
  if (num * 10n ** BigInt(Math.max(0, -e10)) < den * 10n ** BigInt(Math.max(0, e10))) e10--;
  const scaled = (e: number): bigint => {
    const shift = prec - 1 - e;
    const n = shift >= 0 ? num * 10n ** BigInt(shift) : num;
    const d = shift >= 0 ? den : den * 10n ** BigInt(-shift);
    const q = n / d, r = n % d;
    return 2n * r > d || (2n * r === d && q % 2n === 1n) ? q + 1n : q;
  };
  let digits = scaled(e10);
  if (digits >= 10n ** BigInt(prec)) { e10++; digits = scaled(e10); }
  const ds = digits.toString();
  const trim = (x: string): string => (x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '') : x);
  if (e10 < -4 || e10 >= prec) {
    return `${sign}${trim(`${ds[0]}.${ds.slice(1)}`)}e${e10 < 0 ? '-' : '+'}${String(Math.abs(e10)).padStart(2, '0')}`;
  }
  if (e10 >= 0) return sign + trim(`${ds.slice(0, e10 + 1)}.${ds.slice(e10 + 1)}`);
  return sign + trim(`0.${'0'.repeat(-e10 - 1)}${ds}`);
}

/** gdb's NaN spelling keeps the mantissa: nan(0x8000000000000). */
function nanText(mantissa: bigint, negative: boolean): string {
  return `${negative ? '-' : ''}nan(0x${mantissa.toString(16)})`;
}

/** A float of 4, 8 or 16 bytes (IEEE binary32/64/128) as gdb prints it. */
export function formatFloat(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length === 4) {
    const bits = dv.getUint32(0, true), exp = (bits >>> 23) & 0xff, mant = bits & 0x7fffff;
    if (exp === 0xff) return mant ? nanText(BigInt(mant), bits >>> 31 === 1) : bits >>> 31 ? '-inf' : 'inf';
    return exactG(BigInt(exp === 0 ? mant : mant | 0x800000), (exp === 0 ? 1 : exp) - 127 - 23, bits >>> 31 === 1, 9);
  }
  if (b.length === 8) {
    const bits = dv.getBigUint64(0, true), exp = Number((bits >> 52n) & 0x7ffn), mant = bits & ((1n << 52n) - 1n);
    const neg = bits >> 63n === 1n;
    if (exp === 0x7ff) return mant ? nanText(mant, neg) : neg ? '-inf' : 'inf';
    return exactG(exp === 0 ? mant : mant | (1n << 52n), (exp === 0 ? 1 : exp) - 1023 - 52, neg, 17);
  }
  if (b.length === 16) {
    // binary128 (RISC-V long double): 113-bit significand, printed exactly with 36 digits (gdb: %.36Lg).
    const hi = dv.getBigUint64(8, true), lo = dv.getBigUint64(0, true);
    const neg = hi >> 63n === 1n, exp = Number((hi >> 48n) & 0x7fffn);
    const mant = ((hi & ((1n << 48n) - 1n)) << 64n) | lo;
    if (exp === 0x7fff) return mant ? nanText(mant, neg) : neg ? '-inf' : 'inf';
    const sig = exp === 0 ? mant : mant | (1n << 112n);
    return exactG(sig, (exp === 0 ? 1 : exp) - 16383 - 112, neg, 36);
  }
  return `<${b.length}-byte float>`;
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 27: '\\033' };

/** One character inside quotes `quote` (' or "), escaped as gdb does. */
export function escapeChar(c: number, quote: string): string {
  if (ESCAPES[c]) return ESCAPES[c];
  if (c === 92) return '\\\\';
  if (String.fromCharCode(c) === quote) return `\\${quote}`;
  if (c >= 32 && c < 127) return String.fromCharCode(c);
  return `\\${c.toString(8).padStart(3, '0')}`;
}

/** `113 'q'` for a char value. */
export function formatChar(v: number, signed: boolean): string {
  const n = signed ? (v << 24) >> 24 : v & 0xff;
  return `${n} '${escapeChar(v & 0xff, "'")}'`;
}

/**
 * A char array or C string as gdb shows it: quoted runs, long runs of one char as
 * `'x' <repeats N times>`, a trailing NUL dropped (it is the terminator), "..." when cut short.
 */
export function formatCharArray(b: Uint8Array, truncated = false): string {
  let n = b.length;
  if (n > 0 && b[n - 1] === 0 && !truncated) n--;
  // A string that ends early: gdb's print null-stop is off for arrays, so later NULs still show
  // unless everything after the first NUL is NUL (then the repeats rule shortens it).
  const parts: string[] = [];
  let cur = '';
  let shown = 0;
  let i = 0;
  while (i < n && shown < PRINT_ELEMENTS) {
    let run = 1;
    while (i + run < n && b[i + run] === b[i]) run++;
    if (run > REPEAT_THRESHOLD) {
      if (cur) { parts.push(`"${cur}"`); cur = ''; }
      parts.push(`'${escapeChar(b[i], "'")}' <repeats ${run} times>`);
      i += run; shown += REPEAT_THRESHOLD;
      continue;
    }
    cur += escapeChar(b[i], '"');
    i++; shown++;
  }
  if (cur || parts.length === 0) parts.push(`"${cur}"`);
  return parts.join(', ') + (i < n || truncated ? '...' : '');
}

/** Elements of an array with gdb's `<repeats N times>` folding and 200-element limit. */
export function foldRepeats(items: readonly string[], total = items.length): string {
  const out: string[] = [];
  let i = 0, shown = 0;
  while (i < items.length && shown < PRINT_ELEMENTS) {
    let run = 1;
    while (i + run < items.length && items[i + run] === items[i]) run++;
    if (run > REPEAT_THRESHOLD) { out.push(`${items[i]} <repeats ${run} times>`); i += run; shown += REPEAT_THRESHOLD; }
    else { out.push(items[i]); i++; shown++; }
  }
  return `{${out.join(', ')}${i < total ? '...' : ''}}`;
}

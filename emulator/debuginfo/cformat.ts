// gdb-style text for C scalars: integers from little-endian bytes, chars as `113 'q'`, floats
// as printf %g with 9 (float) / 17 (double) significant digits, and char arrays as strings with
// octal escapes and `'\000' <repeats 27 times>` runs — the spellings a gdb / VS Code C/C++ user
// already reads, so values can be compared with gdb's own output.

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

/** printf("%.{prec}g"). */
export function formatG(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const expStr = x.toExponential(prec - 1);
  const exp = Number(expStr.slice(expStr.indexOf('e') + 1));
  const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= prec) {
    const [m, e] = expStr.split('e');
    const n = Number(e);
    return `${trim(m)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return trim(x.toFixed(Math.max(0, prec - 1 - exp)));
}

/** gdb's NaN spelling keeps the mantissa: nan(0x8000000000000). */
function nanText(mantissa: bigint, negative: boolean): string {
  return `${negative ? '-' : ''}nan(0x${mantissa.toString(16)})`;
}

/** A float of 4, 8 or 16 bytes (IEEE binary32/64/128) as gdb prints it. */
export function formatFloat(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length === 4) {
    const x = dv.getFloat32(0, true);
    if (Number.isNaN(x)) { const bits = dv.getUint32(0, true); return nanText(BigInt(bits & 0x7fffff), bits >>> 31 === 1); }
    return formatG(x, 9);
  }
  if (b.length === 8) {
    const x = dv.getFloat64(0, true);
    if (Number.isNaN(x)) { const bits = dv.getBigUint64(0, true); return nanText(bits & ((1n << 52n) - 1n), bits >> 63n === 1n); }
    return formatG(x, 17);
  }
  if (b.length === 16) {
    // binary128 (RISC-V long double): shown through the nearest double, which keeps 17 digits.
    const hi = dv.getBigUint64(8, true), lo = dv.getBigUint64(0, true);
    const neg = hi >> 63n === 1n, exp = Number((hi >> 48n) & 0x7fffn);
    const mant = ((hi & ((1n << 48n) - 1n)) << 64n) | lo;
    if (exp === 0x7fff) return mant ? nanText(mant, neg) : neg ? '-inf' : 'inf';
    const frac = Number(mant >> 60n) / 2 ** 52;
    const x = (exp === 0 ? frac * 2 ** -16382 : (1 + frac) * 2 ** (exp - 16383)) * (neg ? -1 : 1);
    return formatG(x, 18);
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

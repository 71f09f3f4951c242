// The expression language of watch, hover, the Debug Console, breakpoint conditions and
// setVariable: C-like integer arithmetic over registers (`a0`, `$a0`, `x10`, `pc`, `$ft0`),
// ELF symbols (their addresses), DWARF variables when the program has them, and memory reads
// `*(type*)addr` with C's base types. 64-bit two's-complement throughout (BigInt), doubles for
// float/double values.

import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/cpu/state';

export type Value =
  | { kind: 'int'; v: bigint; size: number; signed: boolean; isAddr?: boolean; char?: boolean }
  | { kind: 'float'; v: number; size: 4 | 8 };

export interface EvalEnv {
  readX(r: number): bigint;
  readF(r: number): bigint;
  pc(): number;
  /** Bytes at addr, or undefined when unreadable. */
  readMem(addr: number, len: number): Uint8Array | undefined;
  /** A symbol's address. */
  symbol(name: string): number | undefined;
  /** A source variable's value (DWARF), when the program has debug info; `name` may be an access path (`p.x`, `q->y`, `a[2]`). */
  variable?(name: string): Value | undefined;
  /** `&name`: the address of a variable (or path) in memory, else of a symbol. */
  address?(name: string): number | undefined;
  /** `sizeof name`: the size of a variable's (or path's) type. */
  sizeOf?(name: string): number | undefined;
}

export class EvalError extends Error {}

interface CType { size: number; signed: boolean; float: boolean; char?: boolean }
const BASE_TYPES: Record<string, CType> = {
  char: { size: 1, signed: true, float: false, char: true }, 'signed char': { size: 1, signed: true, float: false, char: true }, 'unsigned char': { size: 1, signed: false, float: false, char: true },
  short: { size: 2, signed: true, float: false }, 'unsigned short': { size: 2, signed: false, float: false },
  int: { size: 4, signed: true, float: false }, 'unsigned int': { size: 4, signed: false, float: false }, unsigned: { size: 4, signed: false, float: false },
  long: { size: 8, signed: true, float: false }, 'unsigned long': { size: 8, signed: false, float: false },
  'long long': { size: 8, signed: true, float: false }, 'unsigned long long': { size: 8, signed: false, float: false },
  int8_t: { size: 1, signed: true, float: false }, uint8_t: { size: 1, signed: false, float: false },
  int16_t: { size: 2, signed: true, float: false }, uint16_t: { size: 2, signed: false, float: false },
  int32_t: { size: 4, signed: true, float: false }, uint32_t: { size: 4, signed: false, float: false },
  int64_t: { size: 8, signed: true, float: false }, uint64_t: { size: 8, signed: false, float: false },
  size_t: { size: 8, signed: false, float: false }, float: { size: 4, signed: true, float: true }, double: { size: 8, signed: true, float: true },
  void: { size: 1, signed: false, float: false },
};
const POINTER: CType = { size: 8, signed: false, float: false };

/** Register number of an integer register name (ABI, xN, fp), or -1. */
export function xRegister(name: string): number {
  if (name === 'fp') return 8;
  const i = (ABI_NAMES as readonly string[]).indexOf(name);
  if (i >= 0) return i;
  const m = /^x([0-9]|[12][0-9]|3[01])$/.exec(name);
  return m ? Number(m[1]) : -1;
}
export function fRegister(name: string): number {
  const i = (FP_ABI_NAMES as readonly string[]).indexOf(name);
  if (i >= 0) return i;
  const m = /^f([0-9]|[12][0-9]|3[01])$/.exec(name);
  return m ? Number(m[1]) : -1;
}

// Identifiers carry their access path (`p.x`, `q->y`, `a[2]`) as one token: variable() resolves it.
const TOKEN = /\s*(0[xX][0-9a-fA-F]+|\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?|\$?[A-Za-z_][\w.$]*(?:(?:->|\.)[A-Za-z_]\w*|\[\d+\])*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>])/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new EvalError(`cannot parse '${src.slice(pos).trim()}'`);
    out.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

export const toBig = (v: Value): bigint => {
  if (v.kind === 'int') return v.v;
  if (!Number.isFinite(v.v)) throw new EvalError(`${v.v} is not a finite number`);
  return BigInt(Math.trunc(v.v));
};
const toNum = (v: Value): number => (v.kind === 'int' ? Number(v.signed ? BigInt.asIntN(64, v.v) : v.v) : v.v);
const int = (v: bigint, isAddr = false): Value => ({ kind: 'int', v: BigInt.asIntN(64, v), size: 8, signed: true, isAddr });

function readTyped(env: EvalEnv, addr: bigint, t: CType): Value {
  const bytes = env.readMem(Number(BigInt.asUintN(64, addr)), t.size);
  if (!bytes) throw new EvalError(`cannot read ${t.size} bytes at 0x${BigInt.asUintN(64, addr).toString(16)}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (t.float) return { kind: 'float', v: t.size === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true), size: t.size as 4 | 8 };
  let v = 0n;
  for (let i = t.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return { kind: 'int', v: t.signed ? BigInt.asIntN(t.size * 8, v) : v, size: t.size, signed: t.signed, char: t.char };
}

class Parser {
  private i = 0;
  constructor(private readonly toks: string[], private readonly env: EvalEnv) {}

  parse(): Value {
    const v = this.binary(0);
    if (this.i < this.toks.length) throw new EvalError(`unexpected '${this.toks[this.i]}'`);
    return v;
  }

  private peek(): string | undefined { return this.toks[this.i]; }
  private take(t?: string): string {
    const tok = this.toks[this.i];
    if (tok === undefined || (t !== undefined && tok !== t)) throw new EvalError(t ? `expected '${t}'` : 'unexpected end of expression');
    this.i++;
    return tok;
  }

  private binary(minPrec: number): Value {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = op !== undefined ? BINARY[op] : undefined;
      if (prec === undefined || prec <= minPrec) return left;
      this.i++;
      left = applyBinary(op!, left, this.binary(prec));
    }
  }

  /** `(type)` or `(type *)` at the cursor, or undefined (then it is a parenthesised expression). */
  private castType(): { t: CType; ptr: number } | undefined {
    let j = this.i + 1;
    const words: string[] = [];
    while (j < this.toks.length && /^[A-Za-z_]\w*$/.test(this.toks[j])) words.push(this.toks[j++]);
    const name = words.join(' ');
    if (!words.length || !BASE_TYPES[name]) return undefined;
    let ptr = 0;
    while (this.toks[j] === '*') { ptr++; j++; }
    if (this.toks[j] !== ')') return undefined;
    this.i = j + 1;
    return { t: BASE_TYPES[name], ptr };
  }

  private unary(): Value {
    const t = this.peek();
    if (t === 'sizeof') return this.sizeofOperator();
    if (t === '-') { this.i++; const v = this.unary(); return v.kind === 'float' ? { ...v, v: -v.v } : int(-v.v); }
    if (t === '+') { this.i++; return this.unary(); }
    if (t === '~') { this.i++; return int(~toBig(this.unary())); }
    if (t === '!') { this.i++; const v = this.unary(); return int(toNum(v) === 0 ? 1n : 0n); }
    if (t === '&') {
      this.i++;
      const name = this.take();
      const a = /^[A-Za-z_]/.test(name) ? this.env.address?.(name) ?? this.env.symbol(name) : undefined;
      if (a === undefined) throw new EvalError(`'&${name}': not a variable in memory or a symbol`);
      return int(BigInt(a), true);
    }
    if (t === '*') {
      this.i++;
      // `*(type*)expr`: the cast's pointee type decides the size; a plain `*expr` reads 8 bytes.
      if (this.peek() === '(') {
        const save = this.i;
        const cast = this.castType();
        if (cast && cast.ptr >= 1) return readTyped(this.env, toBig(this.unary()), cast.ptr > 1 ? POINTER : cast.t);
        this.i = save;
      }
      return readTyped(this.env, toBig(this.unary()), POINTER);
    }
    if (t === '(') {
      const cast = this.castType();
      if (cast) {
        const v = this.unary();
        if (cast.ptr) return int(toBig(v), true);
        if (cast.t.float) return { kind: 'float', v: toNum(v), size: cast.t.size as 4 | 8 };
        const bits = cast.t.size * 8;
        const raw = BigInt.asUintN(bits, toBig(v));
        return { kind: 'int', v: cast.t.signed ? BigInt.asIntN(bits, raw) : raw, size: cast.t.size, signed: cast.t.signed, char: cast.t.char };
      }
      this.take('(');
      const v = this.binary(0);
      this.take(')');
      return v;
    }
    return this.primary();
  }

  /** `sizeof(type)`, `sizeof(expr)`, `sizeof name`: gdb gives an unsigned long. */
  private sizeofOperator(): Value {
    this.take('sizeof');
    const size = (n: number): Value => ({ kind: 'int', v: BigInt(n), size: 8, signed: false });
    if (this.peek() === '(') {
      const cast = this.castType();
      if (cast) return size(cast.ptr ? 8 : cast.t.size);
    }
    const tok = this.peek();
    const bare = tok !== undefined && /^[A-Za-z_]/.test(tok) && (this.toks[this.i + 1] === undefined || BINARY[this.toks[this.i + 1]] !== undefined || this.toks[this.i + 1] === ')');
    if (bare && this.env.sizeOf?.(tok) !== undefined) { this.i++; return size(this.env.sizeOf(tok)!); }
    if (this.peek() === '(' && /^[A-Za-z_]/.test(this.toks[this.i + 1] ?? '') && this.toks[this.i + 2] === ')' && this.env.sizeOf?.(this.toks[this.i + 1]) !== undefined) {
      const n = this.env.sizeOf(this.toks[this.i + 1])!;
      this.i += 3;
      return size(n);
    }
    const v = this.unary();
    return size(v.size);
  }

  private primary(): Value {
    const t = this.take();
    if (/^0[xX]/.test(t)) return int(BigInt(t));
    if (/^\d/.test(t)) return /[.eE]/.test(t) ? { kind: 'float', v: Number(t), size: 8 } : int(BigInt(t));
    const dollar = t.startsWith('$');
    const name = dollar ? t.slice(1) : t;
    if (!dollar && this.env.variable) {
      const v = this.env.variable(name);
      if (v) return v;
    }
    if (name === 'pc') return int(BigInt(this.env.pc()), true);
    const x = xRegister(name);
    if (x >= 0) return int(this.env.readX(x), true);
    const f = fRegister(name);
    if (f >= 0) {
      const bits = this.env.readF(f);
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, BigInt.asUintN(64, bits), true);
      return { kind: 'float', v: dv.getFloat64(0, true), size: 8 };
    }
    const sym = this.env.symbol(name);
    if (sym !== undefined) return int(BigInt(sym), true);
    throw new EvalError(`no register, variable or symbol named '${name}'`);
  }
}

function applyBinary(op: string, a: Value, b: Value): Value {
  if ((a.kind === 'float' || b.kind === 'float') && ['+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!='].includes(op)) {
    const x = toNum(a), y = toNum(b);
    switch (op) {
      case '+': return { kind: 'float', v: x + y, size: 8 };
      case '-': return { kind: 'float', v: x - y, size: 8 };
      case '*': return { kind: 'float', v: x * y, size: 8 };
      case '/': return { kind: 'float', v: x / y, size: 8 };
      default: return int(cmp(op, x, y) ? 1n : 0n);
    }
  }
  const x = toBig(a), y = toBig(b);
  const isAddr = (a.kind === 'int' && !!a.isAddr) || (b.kind === 'int' && !!b.isAddr);
  switch (op) {
    case '+': return int(x + y, isAddr);
    case '-': return int(x - y, isAddr);
    case '*': return int(x * y);
    case '/': if (y === 0n) throw new EvalError('division by zero'); return int(x / y);
    case '%': if (y === 0n) throw new EvalError('division by zero'); return int(x % y);
    case '&': return int(x & y);
    case '|': return int(x | y);
    case '^': return int(x ^ y);
    case '<<': return int(x << (y & 63n));
    case '>>': return int(x >> (y & 63n));
    case '&&': return int(x !== 0n && y !== 0n ? 1n : 0n);
    case '||': return int(x !== 0n || y !== 0n ? 1n : 0n);
    default: return int(cmp(op, x, y) ? 1n : 0n);
  }
}

function cmp<T extends number | bigint>(op: string, x: T, y: T): boolean {
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return x === y;
    default: return x !== y;
  }
}

/** `(*path).` (path as the tokens spell it, indices already numbers). */
const DEREF_MEMBER = /\(\s*\*\s*([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[\d+\])*)\s*\)\s*\./g;

/**
 * Rewrites C access syntax the path tokens do not spell into what they do: an index that is an
 * expression (`table[i]`, `grid[i + 1][j]`, `m[grid[j][i]]`) becomes its value (evaluated as an
 * expression of its own, so nested indices work), and `(*p).m` becomes `p->m`.
 */
export function normalizeAccess(src: string, env: EvalEnv): string {
  let out = '';
  let pos = 0;
  for (let open = src.indexOf('['); open >= 0; open = src.indexOf('[', pos)) {
    let depth = 0, close = open;
    for (; close < src.length; close++) {
      if (src[close] === '[') depth++;
      else if (src[close] === ']' && --depth === 0) break;
    }
    if (close === src.length) throw new EvalError(`missing ']' in '${src.slice(open)}'`);
    const inner = src.slice(open + 1, close);
    let index = inner.trim();
    if (!/^\d+$/.test(index)) {
      const v = evaluateExpression(inner, env);
      if (v.kind !== 'int') throw new EvalError(`array index '${index}' is not an integer`);
      const i = BigInt.asIntN(64, v.v);
      if (i < 0n) throw new EvalError(`array index '${index}' is negative (${i})`);
      index = String(i);
    }
    out += `${src.slice(pos, open)}[${index}]`;
    pos = close + 1;
  }
  // `*&x` is x itself (gdb keeps x's type; reading through the address would lose it).
  return (out + src.slice(pos)).replace(DEREF_MEMBER, '$1->').replace(/(^|[(,=!<>+\-*/%&|^~]\s*)\*\s*&\s*(?=[A-Za-z_(])/g, '$1');
}

export function evaluateExpression(src: string, env: EvalEnv): Value {
  const toks = tokenize(normalizeAccess(src, env));
  if (!toks.length) throw new EvalError('empty expression');
  return new Parser(toks, env).parse();
}

/** A char as gdb shows it: `65 'A'`, `10 '\\n'`, `0 '\\000'`. */
function charText(code: number): string {
  const esc: Record<number, string> = { 0: '\\000', 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' };
  const c = code & 0xff;
  return esc[c] ?? (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0'));
}

/** Display text: addresses and registers in hex, typed integers in decimal (chars as gdb), floats as JS prints them. */
export function formatValue(v: Value): string {
  if (v.kind === 'float') return String(v.v);
  if (v.isAddr) return '0x' + BigInt.asUintN(64, v.v).toString(16);
  const n = v.signed ? BigInt.asIntN(v.size * 8, v.v) : BigInt.asUintN(v.size * 8, v.v);
  return v.char ? `${n} '${charText(Number(n))}'` : n.toString();
}

/** Whether a condition value counts as true. */
export const isTrue = (v: Value): boolean => (v.kind === 'float' ? v.v !== 0 : v.v !== 0n);

// Assembler directives (GNU as subset used by hand-written programs): sections, data, strings,
// space/fill, symbols (.equ/.set/.globl/...), alignment and .option. Unknown directives are an
// error; directives that only matter to other tools (.type, .size, .file, .cfi_*, .attribute)
// are accepted and ignored.

import type { Assembler } from './assembler';
import { AsmError, exprStart, type Expr } from './expr';
import type { Token } from './lexer';
import type { DataFixup, SectionKind } from './model';
import { expression, splitOperands, type Operand } from './operands';

type Directive = (a: Assembler, ops: Operand[], d: Token, raw: Token[]) => void;

function need(ops: Operand[], d: Token, lo: number, hi = lo): void {
  if (ops.length < lo || ops.length > hi) {
    throw new AsmError(`${d.text} expects ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${ops.length}`, ops[0]?.[0] ?? d);
  }
}

function constArg(a: Assembler, op: Operand, what: string): bigint {
  const e = expression(op);
  const v = a.constant(e);
  if (v === undefined) throw new AsmError(`${what} must be a constant defined before this line`, op[0], op[op.length - 1]);
  return v;
}

/**
 * GNU as truncates data values that do not fit, with a warning; a value fits when its magnitude
 * is below 2^bits (observed with binutils 2.40: .byte accepts -255..255).
 */
function checkData(a: Assembler, v: bigint, size: number, t: Token, end: Token): void {
  const bits = BigInt(size * 8);
  if (size < 8 && (v >= (1n << bits) || v <= -(1n << bits))) {
    a.warn(`value 0x${BigInt.asUintN(64, v).toString(16)} truncated to 0x${BigInt.asUintN(size * 8, v).toString(16)}`, t, end);
  }
}

function data(size: 1 | 2 | 4 | 8): Directive {
  return (a, ops, d) => {
    if (a.sec.kind === 'bss') throw new AsmError(`${d.text}: data is not allowed in ${a.sec.name} (use .zero)`, d);
    const bytes = new Uint8Array(size * ops.length);
    const fixups: DataFixup[] = [];
    a.noteRefs(ops.flat(), false);
    const view = new DataView(bytes.buffer);
    ops.forEach((op, k) => {
      const e = expression(op);
      if (e.k === 'reloc') throw new AsmError(`%${e.fn} is not allowed in data`, e.tok);
      a.dotBias = k * size;
      let v: bigint | undefined;
      try { v = a.constant(e); } finally { a.dotBias = 0; }
      if (v === undefined) { fixups.push({ at: k * size, size, expr: e }); return; }
      checkData(a, v, size, exprStart(e), op[op.length - 1]);
      const u = BigInt.asUintN(64, v);
      if (size === 8) view.setBigUint64(k * size, u, true);
      else for (let b = 0; b < size; b++) bytes[k * size + b] = Number((u >> BigInt(8 * b)) & 0xffn);
    });
    a.addItem({ k: 'bytes', data: bytes, fixups, pos: posOfDirective(d, ops), off: 0, size: bytes.length });
  };
}

const posOfDirective = (d: Token, ops: Operand[]) => {
  const last = ops[ops.length - 1]?.at(-1) ?? d;
  return { line: d.line, col: d.col, endCol: last.line === d.line ? last.endCol : d.endCol };
};

function strings(zero: boolean): Directive {
  return (a, ops, d) => {
    if (a.sec.kind === 'bss') throw new AsmError(`${d.text}: data is not allowed in ${a.sec.name}`, d);
    const out: number[] = [];
    for (const op of ops) {
      if (op.length !== 1 || op[0].kind !== 'str') throw new AsmError(`${d.text} expects string literals`, op[0]);
      out.push(...op[0].bytes!);
      if (zero) out.push(0);
    }
    a.addItem({ k: 'bytes', data: Uint8Array.from(out), fixups: [], pos: posOfDirective(d, ops), off: 0, size: out.length });
  };
}

function space(a: Assembler, n: bigint, fill: number, d: Token, ops: Operand[]): void {
  if (n < 0n || n > 0x10000000n) throw new AsmError(`${d.text}: size ${n} out of range`, ops[0]?.[0] ?? d);
  const pos = posOfDirective(d, ops);
  if (fill === 0) a.addItem({ k: 'zero', pos, off: 0, size: Number(n) });
  else {
    if (a.sec.kind === 'bss') throw new AsmError(`${d.text}: non-zero fill in ${a.sec.name}`, d);
    a.addItem({ k: 'bytes', data: new Uint8Array(Number(n)).fill(fill), fixups: [], pos, off: 0, size: Number(n) });
  }
}

function align(kind: 'pow' | 'bytes'): Directive {
  return (a, ops, d) => {
    need(ops, d, 1, 3);
    const n = constArg(a, ops[0], 'alignment');
    let pow: number;
    if (kind === 'pow') pow = Number(n);
    else {
      if (n <= 0n || (n & (n - 1n)) !== 0n) throw new AsmError(`${d.text}: alignment ${n} is not a power of 2`, ops[0][0]);
      pow = n.toString(2).length - 1;
    }
    if (pow < 0 || pow > 16) throw new AsmError(`${d.text}: alignment ${n} out of range`, ops[0][0]);
    const fill = ops[1] && ops[1].length ? Number(constArg(a, ops[1], 'fill value') & 0xffn) : undefined;
    const max = ops[2] ? Number(constArg(a, ops[2], 'maximum skip')) : undefined;
    if (pow > a.sec.align) a.sec.align = pow;
    const code = a.sec.kind === 'text' && fill === undefined;
    const size = a.sec.knownSize !== undefined ? padding(a.sec.knownSize, pow, max) : 0;
    a.addItem({ k: 'align', pow, fill, max, code, pos: posOfDirective(d, ops), off: 0, size }, a.sec.knownSize === undefined);
  };
}

/** Bytes needed to align `off` to 2^pow, or 0 when that exceeds `max` (GNU: then skip nothing). */
export function padding(off: number, pow: number, max?: number): number {
  const p = (-off) & ((1 << pow) - 1);
  return max !== undefined && p > max ? 0 : p;
}

/** Section kind from `.section name, "flags", @type` (x: code, w: data, @nobits: bss), as ld places orphans. */
function kindFromFlags(ops: Operand[]): SectionKind | undefined {
  const flags = ops[1]?.find((t) => t.kind === 'str')?.bytes;
  if (!flags) return undefined;
  const f = String.fromCharCode(...flags);
  const nobits = ops[2]?.some((t) => t.text === 'nobits');
  return f.includes('x') ? 'text' : f.includes('w') ? (nobits ? 'bss' : 'data') : 'rodata';
}

function section(a: Assembler, ops: Operand[], d: Token): void {
  if (!ops.length) throw new AsmError('.section needs a name', d);
  const name = ops[0].map((t) => t.text).join('');
  if (!/^[.A-Za-z_][\w.$-]*$/.test(name)) throw new AsmError(`bad section name '${name}'`, ops[0][0]);
  a.switchTo(name, kindFromFlags(ops));
}

function symbols(global: boolean): Directive {
  return (a, ops, d) => {
    for (const op of ops) {
      if (op.length !== 1 || op[0].kind !== 'ident') throw new AsmError(`${d.text} expects symbol names`, op[0]);
      const s = a.symbol(op[0].text);
      s.global = global;
      s.refs.push({ line: op[0].line, col: op[0].col, endCol: op[0].endCol });
    }
  };
}

function equ(redefinable: boolean): Directive {
  return (a, ops, d) => {
    need(ops, d, 2);
    if (ops[0].length !== 1 || ops[0][0].kind !== 'ident') throw new AsmError(`${d.text} expects a symbol name`, ops[0][0]);
    const e: Expr = expression(ops[1]);
    if (e.k === 'reloc') throw new AsmError(`%${e.fn} is not allowed in ${d.text}`, e.tok);
    a.noteRefs(ops[1], false);
    a.defineEqu(ops[0][0], e, redefinable);
  };
}

function option(a: Assembler, ops: Operand[], d: Token): void {
  need(ops, d, 1);
  const o = ops[0][0].text;
  switch (o) {
    case 'rvc': a.opts.rvc = true; break;
    case 'norvc': a.opts.rvc = false; break;
    case 'relax': a.opts.relax = true; break;
    case 'norelax': a.opts.relax = false; break;
    case 'push': a.optStack.push({ ...a.opts }); break;
    case 'pop': {
      const p = a.optStack.pop();
      if (!p) throw new AsmError('.option pop without .option push', ops[0][0]);
      a.opts = p; break;
    }
    case 'pic': case 'nopic': break;
    default: throw new AsmError(`unknown .option '${o}' (rvc, norvc, relax, norelax, push, pop, pic, nopic)`, ops[0][0]);
  }
}

const ignore: Directive = () => undefined;

const DIRECTIVES: Record<string, Directive> = {
  '.text': (a) => a.switchTo('.text'),
  '.data': (a) => a.switchTo('.data'),
  '.bss': (a) => a.switchTo('.bss'),
  '.rodata': (a) => a.switchTo('.rodata'),
  '.section': section,
  '.pushsection': (a, ops, d) => { a.secStack.push(a.sec); section(a, ops, d); },
  '.popsection': (a, _o, d) => { const s = a.secStack.pop(); if (!s) throw new AsmError('.popsection without .pushsection', d); a.switchTo(s.name); },
  '.previous': (a) => { if (a.prevSec) a.switchTo(a.prevSec.name); },
  '.byte': data(1), '.half': data(2), '.short': data(2), '.2byte': data(2),
  '.word': data(4), '.long': data(4), '.4byte': data(4), '.int': data(4),
  '.quad': data(8), '.dword': data(8), '.8byte': data(8),
  '.ascii': strings(false), '.asciz': strings(true), '.string': strings(true),
  '.zero': (a, ops, d) => { need(ops, d, 1); space(a, constArg(a, ops[0], 'size'), 0, d, ops); },
  '.space': (a, ops, d) => { need(ops, d, 1, 2); space(a, constArg(a, ops[0], 'size'), ops[1] ? Number(constArg(a, ops[1], 'fill') & 0xffn) : 0, d, ops); },
  '.fill': (a, ops, d) => {
    need(ops, d, 1, 3);
    const rep = constArg(a, ops[0], 'repeat');
    const size = ops[1] ? Number(constArg(a, ops[1], 'size')) : 1;
    const val = ops[2] ? constArg(a, ops[2], 'value') : 0n;
    if (size < 0 || size > 8) throw new AsmError('.fill size must be 0..8', ops[1][0]);
    if (rep < 0n || rep * BigInt(size) > 0x10000000n) throw new AsmError('.fill repeat out of range', ops[0][0]);
    if (val === 0n || size === 0) { space(a, rep * BigInt(size), 0, d, ops); return; }
    // GNU: each repetition is `size` bytes holding the value (little-endian, high bytes 0 beyond 4).
    const bytes = new Uint8Array(Number(rep) * size);
    const u = BigInt.asUintN(32, val);
    for (let r = 0; r < Number(rep); r++) for (let b = 0; b < Math.min(size, 4); b++) bytes[r * size + b] = Number((u >> BigInt(8 * b)) & 0xffn);
    a.addItem({ k: 'bytes', data: bytes, fixups: [], pos: posOfDirective(d, ops), off: 0, size: bytes.length });
  },
  '.skip': (a, ops, d) => DIRECTIVES['.space'](a, ops, d, []),
  '.equ': equ(true), '.set': equ(true), '.equiv': equ(false),
  '.align': align('pow'), '.p2align': align('pow'), '.balign': align('bytes'),
  '.globl': symbols(true), '.global': symbols(true), '.local': symbols(false),
  '.weak': symbols(true),
  '.type': (a, ops) => {
    if (ops.length === 2 && ops[0].length === 1) {
      const s = a.symbol(ops[0][0].text);
      s.type = ops[1].map((t) => t.text).join('').replace(/^[@%]/, '');
      s.refs.push({ line: ops[0][0].line, col: ops[0][0].col, endCol: ops[0][0].endCol });
    }
  },
  '.size': (a, ops) => a.noteRefs(ops.flat(), false),
  '.file': ignore, '.ident': ignore, '.attribute': ignore, '.loc': ignore, '.end': ignore,
  '.option': option,
};

/** Directive names (for completion). */
export const DIRECTIVE_NAMES: readonly string[] = Object.keys(DIRECTIVES);

export function runDirective(a: Assembler, d: Token, rest: Token[]): void {
  const name = d.text.toLowerCase();
  const fn = Object.hasOwn(DIRECTIVES, name) ? DIRECTIVES[name] : undefined;
  if (!fn) {
    if (name.startsWith('.cfi_')) return;
    throw new AsmError(`unknown directive '${d.text}'`, d);
  }
  fn(a, name === '.section' || name === '.pushsection' ? splitSectionOps(rest, d) : splitOperands(rest, d), d, rest);
}

/** `.section name, "flags", @type`: name, flags and type operands (the name may contain '-'). */
function splitSectionOps(rest: Token[], d: Token): Operand[] {
  if (!rest.length) return [];
  const out: Operand[] = [[]];
  for (const t of rest) {
    if (t.text === ',') out.push([]);
    else out[out.length - 1].push(t);
  }
  if (!out[0].length) throw new AsmError('.section needs a name', d);
  return out;
}

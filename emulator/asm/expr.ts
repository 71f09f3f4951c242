// Expressions of the assembler (GNU as semantics, 64-bit two's complement via BigInt):
// numbers, symbols, `.`, unary - ~ !, binary * / % << >> & | ^ + - and comparisons, parentheses,
// and the RISC-V relocation functions %hi/%lo/%pcrel_hi/%pcrel_lo. Values are either absolute
// or "section + offset" so label differences resolve while labels alone stay relocatable.

import type { Token } from './lexer';

export type RelocFn = 'hi' | 'lo' | 'pcrel_hi' | 'pcrel_lo';

export type Expr =
  | { k: 'num'; v: bigint; tok: Token }
  | { k: 'sym'; name: string; tok: Token }
  | { k: 'dot'; tok: Token }
  | { k: 'un'; op: string; a: Expr; tok: Token }
  | { k: 'bin'; op: string; a: Expr; b: Expr; tok: Token }
  | { k: 'reloc'; fn: RelocFn; a: Expr; tok: Token };

/** An error pointing at a token range; the assembler turns it into a diagnostic. */
export class AsmError extends Error {
  constructor(message: string, public tok?: Token, public endTok?: Token) { super(message); }
}

/** A value: absolute (sec undefined) or an offset into section `sec`. */
export interface Value { sec?: string; v: bigint }

export interface EvalEnv {
  /** Value of a symbol, or undefined if it cannot be known here (undefined symbol / not constant yet). */
  sym(name: string, tok: Token): Value | undefined;
  dot(tok: Token): Value | undefined;
}

/** Thrown (not reported) when a value is not known yet; callers decide whether that is an error. */
export class NotYet extends Error {
  constructor(public tok: Token) { super('not yet known'); }
}

/** Wraps to a signed 64-bit value. */
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

// GNU as precedence (as.info "Infix Operators"): + and - share the low level with comparisons.
const PREC: Record<string, number> = {
  '||': 1, '&&': 1, '==': 3, '!=': 3, '<': 3, '>': 3, '<=': 3, '>=': 3,
  '+': 3, '-': 3, '|': 5, '^': 5, '&': 5, '!': 5, '*': 6, '/': 6, '%': 6, '<<': 6, '>>': 6,
};

/**
 * Most operators and operands in one expression: evaluation recurses once per level, and a
 * 20,000-term expression overflowed the stack. No hand-written expression comes near it.
 */
export const MAX_EXPR_TERMS = 2000;

/** Counts one more term of the expression being parsed (pos.n), refusing more than MAX_EXPR_TERMS. */
function count(pos: { i: number; n?: number }, t: Token): void {
  pos.n = (pos.n ?? 0) + 1;
  if (pos.n > MAX_EXPR_TERMS) throw new AsmError(`expression too long (more than ${MAX_EXPR_TERMS} terms)`, t);
}

/** Parses an expression from toks starting at pos.i; advances pos.i. */
export function parseExpr(toks: Token[], pos: { i: number; n?: number }, minPrec = 1): Expr {
  let a = parseUnary(toks, pos);
  for (;;) {
    const t = toks[pos.i];
    if (!t || t.kind !== 'punct') break;
    const p = PREC[t.text];
    if (p === undefined || p < minPrec || t.text === '!') break;
    pos.i++;
    count(pos, t);
    const b = parseExpr(toks, pos, p + 1);
    a = { k: 'bin', op: t.text, a, b, tok: t };
  }
  return a;
}

function parseUnary(toks: Token[], pos: { i: number; n?: number }): Expr {
  const t = toks[pos.i];
  if (!t) {
    const last = toks[toks.length - 1];
    throw new AsmError('missing expression', last ? { ...last, col: last.endCol, endCol: last.endCol + 1 } : undefined);
  }
  count(pos, t);
  if (t.kind === 'punct') {
    if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
      pos.i++;
      return { k: 'un', op: t.text, a: parseUnary(toks, pos), tok: t };
    }
    if (t.text === '(') {
      pos.i++;
      const e = parseExpr(toks, pos);
      if (toks[pos.i]?.text !== ')') throw new AsmError("expected ')'", toks[pos.i] ?? t);
      pos.i++;
      return e;
    }
    if (t.text === '%') {
      const f = toks[pos.i + 1];
      const fn = f?.kind === 'ident' ? f.text : '';
      if (fn !== 'hi' && fn !== 'lo' && fn !== 'pcrel_hi' && fn !== 'pcrel_lo') {
        throw new AsmError(`unknown relocation function '%${f?.text ?? ''}'`, f ?? t);
      }
      if (toks[pos.i + 2]?.text !== '(') throw new AsmError(`expected '(' after %${fn}`, toks[pos.i + 2] ?? f);
      pos.i += 3;
      const a = parseExpr(toks, pos);
      if (toks[pos.i]?.text !== ')') throw new AsmError("expected ')'", toks[pos.i] ?? t);
      pos.i++;
      return { k: 'reloc', fn, a, tok: t };
    }
    throw new AsmError(`unexpected '${t.text}' in expression`, t);
  }
  pos.i++;
  if (t.kind === 'num' || t.kind === 'char') return { k: 'num', v: t.value!, tok: t };
  if (t.kind === 'ident') return t.text === '.' ? { k: 'dot', tok: t } : { k: 'sym', name: t.text, tok: t };
  if (t.kind === 'localref') return { k: 'sym', name: '', tok: t }; // name filled in by the assembler
  throw new AsmError(`unexpected ${t.kind === 'str' ? 'string' : t.text} in expression`, t);
}

function arith(op: string, a: bigint, b: bigint, tok: Token): bigint {
  switch (op) {
    case '+': return s64(a + b);
    case '-': return s64(a - b);
    case '*': return s64(a * b);
    case '/': if (b === 0n) throw new AsmError('division by zero', tok); return s64(a / b);
    case '%': if (b === 0n) throw new AsmError('division by zero', tok); return s64(a % b);
    case '<<': return b >= 64n || b < 0n ? 0n : s64(a << b);
    // GNU as shifts right as an unsigned 64-bit value (expr.c: (valueT) left >> right).
    case '>>': return b >= 64n || b < 0n ? 0n : s64(u64(a) >> b);
    case '&': return s64(a & b);
    case '|': return s64(a | b);
    case '^': return s64(a ^ b);
    // GNU as comparisons yield -1 for true.
    case '==': return a === b ? -1n : 0n;
    case '!=': return a !== b ? -1n : 0n;
    case '<': return a < b ? -1n : 0n;
    case '>': return a > b ? -1n : 0n;
    case '<=': return a <= b ? -1n : 0n;
    case '>=': return a >= b ? -1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
  }
  throw new AsmError(`unknown operator '${op}'`, tok);
}

/**
 * Evaluates an expression. Throws NotYet when a symbol is not known in `env`, AsmError for
 * invalid combinations (e.g. adding two labels). %-functions are only valid at operand level.
 */
export function evaluate(e: Expr, env: EvalEnv): Value {
  switch (e.k) {
    case 'num': return { v: s64(e.v) };
    case 'sym': { const v = env.sym(e.name, e.tok); if (!v) throw new NotYet(e.tok); return v; }
    case 'dot': { const v = env.dot(e.tok); if (!v) throw new NotYet(e.tok); return v; }
    case 'reloc': throw new AsmError(`%${e.fn} is not allowed here`, e.tok);
    case 'un': {
      const a = evaluate(e.a, env);
      if (e.op === '+') return a;
      if (a.sec !== undefined) throw new AsmError(`operator '${e.op}' needs an absolute value`, e.tok);
      return { v: e.op === '-' ? s64(-a.v) : e.op === '~' ? s64(~a.v) : a.v === 0n ? 1n : 0n };
    }
    case 'bin': {
      const a = evaluate(e.a, env), b = evaluate(e.b, env);
      if (e.op === '+') {
        if (a.sec !== undefined && b.sec !== undefined) throw new AsmError('cannot add two relocatable values', e.tok);
        return { sec: a.sec ?? b.sec, v: s64(a.v + b.v) };
      }
      if (e.op === '-') {
        if (b.sec !== undefined) {
          if (a.sec !== b.sec) throw new AsmError('cannot subtract values from different sections', e.tok);
          return { v: s64(a.v - b.v) };
        }
        return { sec: a.sec, v: s64(a.v - b.v) };
      }
      if (a.sec !== undefined || b.sec !== undefined) throw new AsmError(`operator '${e.op}' needs absolute values`, e.tok);
      return { v: arith(e.op, a.v, b.v, e.tok) };
    }
  }
}

/** The tokens an expression spans (for diagnostics). */
export function exprStart(e: Expr): Token {
  return e.k === 'bin' ? exprStart(e.a) : e.tok;
}

export function u64(v: bigint): bigint { return BigInt.asUintN(64, v); }

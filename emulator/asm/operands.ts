// Operand-level syntax shared by instructions and pseudo-instructions: register names (numeric,
// ABI, `fp` for s0), CSR names (the same table the disassembler prints from), rounding modes,
// fence sets, comma splitting and the `imm(reg)` memory form. Names come from the ISA/CPU
// tables so the assembler accepts exactly what the disassembler prints.

import { ABI_NAMES, FP_ABI_NAMES } from '../cpu/state';
import { CSR_NAMES } from '../isa/csr-names';
import { AsmError, parseExpr, type Expr } from './expr';
import type { Token } from './lexer';

const XREG = new Map<string, number>();
const FREG = new Map<string, number>();
for (let i = 0; i < 32; i++) {
  XREG.set(`x${i}`, i); XREG.set(ABI_NAMES[i], i);
  FREG.set(`f${i}`, i); FREG.set(FP_ABI_NAMES[i], i);
}
XREG.set('fp', 8);

const CSR_BY_NAME = new Map<string, number>(Object.entries(CSR_NAMES).map(([n, name]) => [name, Number(n)]));

export const ROUNDING_MODES: Readonly<Record<string, number>> = { rne: 0, rtz: 1, rdn: 2, rup: 3, rmm: 4, dyn: 7 };

/** All register names (for completion in the language server). */
export const REGISTER_NAMES: readonly string[] = [...XREG.keys(), ...FREG.keys()];
export const CSR_NAME_LIST: readonly string[] = [...CSR_BY_NAME.keys()];

export function xregOf(name: string): number | undefined { return XREG.get(name); }
export function fregOf(name: string): number | undefined { return FREG.get(name); }

/** Tokens of one operand; `toks` is never empty. */
export type Operand = Token[];

/** Splits a statement's operand tokens at top-level commas. Empty operands are errors. */
export function splitOperands(toks: Token[], mnemonic: Token): Operand[] {
  if (toks.length === 0) return [];
  const out: Operand[] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') depth--;
    if (t.kind === 'punct' && t.text === ',' && depth === 0) {
      if (!cur.length) throw new AsmError('missing operand', t);
      out.push(cur); cur = [];
      continue;
    }
    cur.push(t);
  }
  if (!cur.length) throw new AsmError('missing operand after \',\'', toks[toks.length - 1] ?? mnemonic);
  out.push(cur);
  return out;
}

const describe = (op: Operand) => op.map((t) => t.text).join('');

function single(op: Operand, what: string): Token {
  if (op.length !== 1 || op[0].kind !== 'ident') throw new AsmError(`expected ${what}, found '${describe(op)}'`, op[0], op[op.length - 1]);
  return op[0];
}

export function xreg(op: Operand): number {
  const t = single(op, 'an integer register');
  const r = XREG.get(t.text);
  if (r === undefined) {
    throw new AsmError(FREG.has(t.text) ? `'${t.text}' is a floating-point register; an integer register is needed here`
      : `unknown register '${t.text}'`, t);
  }
  return r;
}

export function freg(op: Operand): number {
  const t = single(op, 'a floating-point register');
  const r = FREG.get(t.text);
  if (r === undefined) {
    throw new AsmError(XREG.has(t.text) ? `'${t.text}' is an integer register; a floating-point register is needed here`
      : `unknown floating-point register '${t.text}'`, t);
  }
  return r;
}

export function roundingMode(op: Operand): number {
  const t = single(op, 'a rounding mode');
  const v = Object.hasOwn(ROUNDING_MODES, t.text) ? ROUNDING_MODES[t.text] : undefined;
  if (v === undefined) throw new AsmError(`unknown rounding mode '${t.text}' (rne, rtz, rdn, rup, rmm, dyn)`, t);
  return v;
}

/** A CSR operand: a name objdump prints, or an expression; returns the name's number or the expression. */
export function csrOperand(op: Operand): number | Expr {
  if (op.length === 1 && op[0].kind === 'ident') {
    const n = CSR_BY_NAME.get(op[0].text);
    if (n !== undefined) return n;
  }
  return expression(op);
}

/** A fence set such as `rw` or `iorw`. */
export function fenceSet(op: Operand): number {
  const t = single(op, 'a fence set (i, o, r, w)');
  let v = 0;
  for (const c of t.text) {
    const bit = ({ i: 8, o: 4, r: 2, w: 1 } as Record<string, number>)[c];
    if (bit === undefined || v & bit) throw new AsmError(`bad fence set '${t.text}'`, t);
    v |= bit;
  }
  return v;
}

/** The whole operand as one expression (trailing tokens are an error). */
export function expression(op: Operand): Expr {
  const pos = { i: 0 };
  const e = parseExpr(op, pos);
  if (pos.i < op.length) throw new AsmError(`unexpected '${op[pos.i].text}' after expression`, op[pos.i]);
  return e;
}

/** `imm(reg)`, `(reg)` or `%lo(sym)(reg)`: the offset expression (undefined = 0) and the base register. */
export function memOperand(op: Operand): { off?: Expr; base: number } {
  const n = op.length;
  if (n >= 3 && op[n - 1].text === ')' && op[n - 3].text === '(' && op[n - 2].kind === 'ident') {
    const base = xreg([op[n - 2]]);
    const offToks = op.slice(0, n - 3);
    return { off: offToks.length ? expression(offToks) : undefined, base };
  }
  throw new AsmError(`expected a memory operand like 8(sp), found '${describe(op)}'`, op[0], op[n - 1]);
}

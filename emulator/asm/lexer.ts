// Lexer for GNU-as-style RISC-V assembly: splits a source file into statements (one per line
// or per `;`), dropping comments (`#`, `//`, `/* */` possibly spanning lines), and each
// statement into tokens with their line/column, so every later diagnostic and every symbol
// reference can point at the exact text (the language server needs positions, not just lines).

export type TokKind = 'ident' | 'num' | 'str' | 'char' | 'localref' | 'punct';

export interface Token {
  kind: TokKind;
  text: string;
  /** 1-based line and column of the first character; endCol is exclusive. */
  line: number;
  col: number;
  endCol: number;
  /** num/char: value; localref: label number. */
  value?: bigint;
  /** localref: 'b' (backward) or 'f' (forward). */
  dir?: 'b' | 'f';
  /** str: decoded bytes. */
  bytes?: number[];
}

export interface Statement { line: number; tokens: Token[] }

export interface LexError { line: number; col: number; endCol: number; message: string }

const IDENT_START = /[A-Za-z_.$]/;
const IDENT_CHAR = /[A-Za-z0-9_.$]/;
const PUNCT2 = ['<<', '>>', '==', '!=', '<=', '>=', '&&', '||'];

/** Decodes one backslash escape at s[i] (after the backslash); returns [byte, next index]. */
function escape(s: string, i: number): [number, number] {
  const c = s[i];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34, "'": 39, e: 27 };
  if (c in simple) return [simple[c], i + 1];
  if (c === 'x' || c === 'X') {
    let j = i + 1, v = 0;
    while (j < s.length && /[0-9a-fA-F]/.test(s[j])) v = (v * 16 + parseInt(s[j++], 16)) & 0xff;
    return [v, j];
  }
  if (/[0-7]/.test(c)) {
    let j = i, v = 0;
    while (j < s.length && j < i + 3 && /[0-7]/.test(s[j])) v = v * 8 + parseInt(s[j++], 8);
    return [v & 0xff, j];
  }
  return [c.charCodeAt(0) & 0xff, i + 1];
}

const UTF8 = new TextEncoder();
function utf8(ch: string): number[] { return [...UTF8.encode(ch)]; }

/** Parses a number literal at s[i]; returns [value, end] or undefined. GNU as: 0x, 0b, leading 0 = octal. */
function number(s: string, i: number): [bigint, number] | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)/.exec(s.slice(i));
  if (!m) return undefined;
  const t = m[1];
  let v: bigint;
  if (/^0[xX]/.test(t)) v = BigInt(t);
  else if (/^0[bB]/.test(t)) v = BigInt(t);
  else if (t.length > 1 && t[0] === '0') v = BigInt('0o' + t.slice(1).replace(/[89]/g, '7'));
  else v = BigInt(t);
  return [v, i + t.length];
}

/**
 * Tokenizes a source file (or lines already numbered by the macro expander) into statements;
 * lexical errors are collected, never thrown.
 */
export function lex(src: string | readonly { text: string; line: number }[]): { statements: Statement[]; errors: LexError[] } {
  const statements: Statement[] = [];
  const errors: LexError[] = [];
  const lines = typeof src === 'string' ? src.split(/\r?\n/).map((text, i) => ({ text, line: i + 1 })) : src;
  let inBlockComment = false;
  for (const { text: s, line } of lines) {
    let cur: Token[] = [];
    const flush = () => { if (cur.length) statements.push({ line, tokens: cur }); cur = []; };
    let i = 0;
    while (i < s.length) {
      if (inBlockComment) {
        const e = s.indexOf('*/', i);
        if (e < 0) break;
        inBlockComment = false; i = e + 2; continue;
      }
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\f' || c === '\v') { i++; continue; }
      if (c === '#' || (c === '/' && s[i + 1] === '/')) break;
      if (c === '/' && s[i + 1] === '*') { inBlockComment = true; i += 2; continue; }
      if (c === ';') { flush(); i++; continue; }
      const col = i + 1;
      if (c === '"') {
        const bytes: number[] = [];
        let j = i + 1, closed = false;
        while (j < s.length) {
          if (s[j] === '"') { closed = true; j++; break; }
          if (s[j] === '\\' && j + 1 < s.length) { const [b, n] = escape(s, j + 1); bytes.push(b); j = n; continue; }
          const cp = s.codePointAt(j)!;
          const ch = String.fromCodePoint(cp);
          bytes.push(...utf8(ch)); j += ch.length;
        }
        if (!closed) errors.push({ line, col, endCol: s.length + 1, message: 'unterminated string' });
        cur.push({ kind: 'str', text: s.slice(i, j), line, col, endCol: j + 1, bytes });
        i = j; continue;
      }
      if (c === "'") {
        // GNU as: 'c is the character's value; a closing quote is optional.
        let j = i + 1;
        if (j >= s.length) { errors.push({ line, col, endCol: col + 1, message: 'bad character constant' }); i = j; continue; }
        let v: number;
        if (s[j] === '\\') { const [b, n] = escape(s, j + 1); v = b; j = n; } else { v = s.codePointAt(j)!; j += String.fromCodePoint(v).length; }
        if (s[j] === "'") j++;
        cur.push({ kind: 'char', text: s.slice(i, j), line, col, endCol: j + 1, value: BigInt(v) });
        i = j; continue;
      }
      if (/[0-9]/.test(c)) {
        // Numeric local label reference: digits followed by b/f and no further identifier char.
        const lm = /^([0-9]+)([bf])(?![A-Za-z0-9_.$])/.exec(s.slice(i));
        if (lm && !/^0[bB][01]/.test(s.slice(i))) {
          cur.push({ kind: 'localref', text: lm[0], line, col, endCol: col + lm[0].length, value: BigInt(lm[1]), dir: lm[2] as 'b' | 'f' });
          i += lm[0].length; continue;
        }
        const n = number(s, i)!;
        let j = n[1];
        if (j < s.length && IDENT_CHAR.test(s[j])) {
          while (j < s.length && IDENT_CHAR.test(s[j])) j++;
          errors.push({ line, col, endCol: j + 1, message: `bad number '${s.slice(i, j)}'` });
        }
        cur.push({ kind: 'num', text: s.slice(i, j), line, col, endCol: j + 1, value: n[0] });
        i = j; continue;
      }
      if (IDENT_START.test(c)) {
        let j = i + 1;
        while (j < s.length && IDENT_CHAR.test(s[j])) j++;
        cur.push({ kind: 'ident', text: s.slice(i, j), line, col, endCol: j + 1 });
        i = j; continue;
      }
      const two = s.slice(i, i + 2);
      if (PUNCT2.includes(two)) { cur.push({ kind: 'punct', text: two, line, col, endCol: col + 2 }); i += 2; continue; }
      if ('+-*/%()<>&|^~!,:=[]{}@'.includes(c)) { cur.push({ kind: 'punct', text: c, line, col, endCol: col + 1 }); i++; continue; }
      errors.push({ line, col, endCol: col + 1, message: `unexpected character '${c}'` });
      i++;
    }
    flush();
  }
  return { statements, errors };
}

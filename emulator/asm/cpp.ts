// A small C-preprocessor subset for `.S` files (what gcc runs before `as`): object-like
// #define/#undef, #ifdef/#ifndef/#if/#elif/#else/#endif (with `defined`), #error. Lines keep
// their numbers (directives become empty lines) so diagnostics and the line map stay exact.
// #include and function-like macros are reported as unsupported rather than silently ignored.

import { evaluate, parseExpr } from './expr';
import { lex } from './lexer';

export interface CppError { line: number; message: string }

const DIRECTIVE = /^\s*#\s*(define|undef|ifdef|ifndef|if|elif|else|endif|include|error|warning|pragma|line)\b\s*(.*)$/;

/** Replaces defined names (whole identifiers, not inside strings or after '#' comments). */
function substitute(text: string, defs: Map<string, string>): string {
  if (!defs.size) return text;
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    let out = '', q = false;
    for (let i = 0; i < text.length;) {
      const c = text[i];
      if (c === '"' && text[i - 1] !== '\\') { q = !q; out += c; i++; continue; }
      if (!q && c === '#') { out += text.slice(i); break; }
      const m = !q && /[A-Za-z_]/.test(c) && !/[\w.$]/.test(text[i - 1] ?? '') ? /^[A-Za-z_][\w]*/.exec(text.slice(i)) : null;
      if (m) {
        const v = defs.get(m[0]);
        if (v !== undefined) { out += v; changed = true; } else out += m[0];
        i += m[0].length; continue;
      }
      out += c; i++;
    }
    text = out;
    if (!changed) break;
  }
  return text;
}

function condition(expr: string, defs: Map<string, string>): boolean | undefined {
  const withDefined = expr.replace(/defined\s*(\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/g, (_m, _a, p, b) => (defs.has(p ?? b) ? '1' : '0'));
  // Unknown identifiers are 0 in #if, as in C.
  const text = substitute(withDefined, defs).replace(/[A-Za-z_]\w*/g, '0');
  const { statements, errors } = lex(text);
  if (errors.length || statements.length !== 1) return undefined;
  try {
    const pos = { i: 0 };
    const v = evaluate(parseExpr(statements[0].tokens, pos), { sym: () => undefined, dot: () => undefined });
    return pos.i === statements[0].tokens.length ? v.v !== 0n : undefined;
  } catch { return undefined; }
}

/** Preprocesses `.S` source; the result has exactly as many lines as the input. */
export function preprocess(src: string, predefined: Record<string, string> = {}): { text: string; errors: CppError[] } {
  const defs = new Map(Object.entries(predefined));
  const errors: CppError[] = [];
  // Stack of conditionals: active = lines are kept; done = an earlier branch was taken.
  const stack: { active: boolean; done: boolean; parent: boolean; line: number }[] = [];
  const on = () => stack.length === 0 || stack[stack.length - 1].active;
  const lines = src.split(/\r?\n/);
  const out = lines.map((l, i) => {
    const line = i + 1;
    const m = DIRECTIVE.exec(l);
    if (!m) return on() ? substitute(l, defs) : '';
    const [, kw, rest0] = m;
    const rest = rest0.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
    switch (kw) {
      case 'ifdef': case 'ifndef': {
        const yes = defs.has(rest.split(/\s+/)[0]) === (kw === 'ifdef');
        stack.push({ active: on() && yes, done: yes, parent: on(), line }); break;
      }
      case 'if': {
        const c = condition(rest, defs);
        if (c === undefined && on()) errors.push({ line, message: `cannot evaluate #if ${rest}` });
        stack.push({ active: on() && !!c, done: !!c, parent: on(), line }); break;
      }
      case 'elif': case 'else': {
        const top = stack[stack.length - 1];
        if (!top) { errors.push({ line, message: `#${kw} without #if` }); break; }
        const c = kw === 'else' ? true : !top.done && !!condition(rest, defs);
        top.active = top.parent && !top.done && c;
        top.done ||= c; break;
      }
      case 'endif': if (!stack.pop()) errors.push({ line, message: '#endif without #if' }); break;
      default:
        if (!on()) break;
        if (kw === 'define') {
          const d = /^([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(rest);
          if (!d) errors.push({ line, message: `bad #define` });
          else if (d[2]) errors.push({ line, message: `function-like macro '${d[1]}' is not supported (use .macro)` });
          else defs.set(d[1], substitute(d[3], defs));
        } else if (kw === 'undef') defs.delete(rest);
        else if (kw === 'include') errors.push({ line, message: `#include is not supported by the built-in assembler (${rest})` });
        else if (kw === 'error') errors.push({ line, message: `#error ${rest}` });
    }
    return '';
  });
  for (const open of stack) errors.push({ line: open.line, message: 'unterminated #if/#ifdef (no #endif)' });
  return { text: out.join('\n'), errors };
}

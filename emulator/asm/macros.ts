// GNU as's text-level repetition and macros, expanded before lexing: `.rept n`, `.irp s, a, b`,
// `.irpc s, chars` (each closed by `.endr`) and `.macro name params` ... `.endm` with `\param`,
// `\()` (separator) and `\@` (expansion counter). Every produced line keeps the number of the
// source line it came from, so diagnostics and the line map still point into the user's file.
// Counts must be literal expressions (no symbols): expansion happens before symbols exist.

import { evaluate, parseExpr } from './expr';
import { lex } from './lexer';

export interface SourceLine { text: string; line: number }
export interface MacroError { line: number; message: string }

interface Macro { params: { name: string; def?: string }[]; body: SourceLine[] }

const BLOCK = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*\.(rept|irpc|irp|macro)\b\s*(.*)$/i;
const END = /^\s*\.(endr|endm)\b/i;

/** Splits `a, b, c` (or space-separated) arguments; quotes and parentheses group. */
function splitArgs(s: string): string[] {
  s = s.replace(/#.*$/, '').trim();
  if (!s) return [];
  const out: string[] = [];
  let cur = '', depth = 0, q = false;
  for (const c of s) {
    if (c === '"') q = !q;
    if (!q && c === '(') depth++;
    if (!q && c === ')') depth--;
    if (!q && depth === 0 && c === ',') { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  out.push(cur.trim());
  return out.length === 1 && !s.includes(',') ? s.split(/\s+/) : out;
}

function substitute(text: string, vars: Map<string, string>, counter: number): string {
  return text.replace(/\\(\(\)|@|[A-Za-z_][\w]*)/g, (m, name: string) => {
    if (name === '()') return '';
    if (name === '@') return String(counter);
    return vars.get(name) ?? m;
  });
}

function constant(text: string): number | undefined {
  const { statements, errors } = lex(text);
  if (errors.length || statements.length !== 1) return undefined;
  try {
    const pos = { i: 0 };
    const e = parseExpr(statements[0].tokens, pos);
    if (pos.i !== statements[0].tokens.length) return undefined;
    const v = evaluate(e, { sym: () => undefined, dot: () => undefined });
    return v.sec === undefined ? Number(v.v) : undefined;
  } catch { return undefined; }
}

/** Expands repetition blocks and macros; lines without them pass through unchanged. */
export function expandMacros(src: string): { lines: SourceLine[]; errors: MacroError[] } {
  const input = src.split(/\r?\n/).map((text, i) => ({ text, line: i + 1 }));
  if (!/\.(rept|irpc?|macro)\b/i.test(src)) return { lines: input, errors: [] };
  const errors: MacroError[] = [];
  const macros = new Map<string, Macro>();
  let counter = 0;
  const run = (lines: SourceLine[], depth: number): SourceLine[] => {
    const out: SourceLine[] = [];
    if (depth > 100) { errors.push({ line: lines[0]?.line ?? 1, message: 'macro expansion nested too deeply' }); return out; }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const m = BLOCK.exec(l.text);
      if (m) {
        // Collect the body up to the matching end (blocks nest).
        const kind = m[1].toLowerCase();
        const body: SourceLine[] = [];
        let nest = 1, j = i + 1;
        for (; j < lines.length; j++) {
          if (BLOCK.test(lines[j].text)) nest++;
          if (END.test(lines[j].text) && --nest === 0) break;
          body.push(lines[j]);
        }
        if (j >= lines.length) { errors.push({ line: l.line, message: `.${kind} without ${kind === 'macro' ? '.endm' : '.endr'}` }); return out; }
        i = j;
        const args = splitArgs(m[2]);
        if (kind === 'macro') {
          const nm = /^\s*([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/.exec(m[2].replace(/#.*$/, ''));
          if (!nm) { errors.push({ line: l.line, message: '.macro needs a name' }); continue; }
          const name = nm[1], params = splitArgs(nm[2]);
          macros.set(name.toLowerCase(), { params: params.map((p) => { const [n, d] = p.split('='); return { name: n.trim(), def: d?.trim() }; }), body });
        } else if (kind === 'rept') {
          const n = constant(m[2].replace(/#.*$/, ''));
          if (n === undefined || n < 0 || n > 100000) { errors.push({ line: l.line, message: '.rept needs a constant count (0..100000)' }); continue; }
          for (let k = 0; k < n; k++) out.push(...run(body, depth + 1));
        } else {
          const [name, ...values] = args;
          if (!name) { errors.push({ line: l.line, message: `.${kind} needs a symbol` }); continue; }
          const items = kind === 'irpc' ? [...(values.join(',') || '')] : values.length ? values : [''];
          for (const v of items) {
            const vars = new Map([[name, v]]);
            out.push(...run(body.map((b) => ({ text: substitute(b.text, vars, counter), line: b.line })), depth + 1));
          }
        }
        continue;
      }
      if (END.test(l.text)) { errors.push({ line: l.line, message: `${l.text.trim()} without a matching block` }); continue; }
      const call = /^(\s*(?:[A-Za-z_.$][\w.$]*:\s*)*)([A-Za-z_.$][\w.$]*)(?:\s+(.*))?$/.exec(l.text);
      const mac = call ? macros.get(call[2].toLowerCase()) : undefined;
      if (call && mac) {
        const vals = splitArgs(call[3] ?? '');
        const vars = new Map(mac.params.map((p, k) => [p.name, vals[k] !== undefined && vals[k] !== '' ? vals[k] : p.def ?? '']));
        // \@ is the number of macros executed before this one (GNU as), so it starts at 0.
        const n = counter++;
        if (call[1].trim()) out.push({ text: call[1], line: l.line });
        // Expanded lines report the invocation's line, as a user expects from a diagnostic.
        out.push(...run(mac.body.map((b) => ({ text: substitute(b.text, vars, n), line: l.line })), depth + 1));
        continue;
      }
      out.push(l);
    }
    return out;
  };
  return { lines: run(input, 0), errors };
}

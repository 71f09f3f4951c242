// GNU as's text-level repetition, macros and conditional assembly, expanded before lexing:
// `.rept n`, `.irp s, a, b`, `.irpc s, chars` (each closed by `.endr`), `.macro name params` ...
// `.endm` with `\param`, `\()` (separator) and `\@` (expansion counter), and `.if expr` /
// `.ifdef sym` / `.ifndef` / `.ifeq` / `.ifne` / `.ifb` / `.ifnb` ... `.elseif` / `.else` ...
// `.endif`. Every produced line keeps the number of the source line it came from, so
// diagnostics and the line map still point into the user's file. Counts and conditions are
// constant expressions over numbers and the `.equ` / `.set` / `=` constants defined above them
// (as GNU as sees them when it reads the line); `.ifdef` also knows the labels defined above.
// `.include "file"` inserts a file read through the caller's reader (the emulator has no file
// system); its lines report the `.include` line, as macro expansions report their invocation.

import { evaluate, parseExpr } from './expr';
import { lex } from './lexer';

export interface SourceLine { text: string; line: number }
export interface MacroError { line: number; message: string }

interface Macro { params: { name: string; def?: string }[]; body: SourceLine[] }

/**
 * Most lines `.rept`/`.irp`/macros/`.include` may produce: the budget that keeps a language
 * server and a debugger alive on `.rept 100000` nested twice (GNU as would try, for minutes).
 */
export const MAX_EXPANDED_LINES = 200_000;

/** Thrown to abandon an expansion over budget. */
class OverBudget extends Error {}

/** The directives this pass handles (the assembler never sees them): for completion and hover. */
export const EXPANSION_DIRECTIVES: readonly string[] = ['.include', '.macro', '.endm', '.rept', '.irp', '.irpc', '.endr',
  '.if', '.ifdef', '.ifndef', '.ifeq', '.ifne', '.ifb', '.ifnb', '.elseif', '.else', '.endif'];

const BLOCK = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*\.(rept|irpc|irp|macro)\b\s*(.*)$/i;
const END = /^\s*\.(endr|endm)\b/i;
const INCLUDE = /^\s*\.include\s+"([^"]*)"\s*(?:#.*)?$/i;
const IF = /^\s*\.(if|ifdef|ifndef|ifeq|ifne|ifb|ifnb)\b\s*(.*)$/i;
const ELSE = /^\s*\.(elseif|else)\b\s*(.*)$/i;
const ENDIF = /^\s*\.endif\b/i;
/** Definitions `.if` can see: `.equ/.set/.equiv NAME, expr`, `NAME = expr`, and labels. */
const EQU = /^\s*(?:\.(?:equ|set|equiv)\s+([A-Za-z_.$][\w.$]*)\s*,|([A-Za-z_.$][\w.$]*)\s*=(?!=))\s*(.*)$/i;
const LABELS = /^\s*((?:[A-Za-z_.$][\w.$]*:\s*)+)/;

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

/** A constant expression's value (symbols: the constants in `known`), or undefined. */
function constant(text: string, known: ReadonlyMap<string, bigint | undefined> = new Map()): number | undefined {
  const { statements, errors } = lex(text);
  if (errors.length || statements.length !== 1) return undefined;
  try {
    const pos = { i: 0 };
    const e = parseExpr(statements[0].tokens, pos);
    if (pos.i !== statements[0].tokens.length) return undefined;
    const v = evaluate(e, { sym: (n) => { const k = known.get(n); return k === undefined ? undefined : { v: k }; }, dot: () => undefined });
    return v.sec === undefined ? Number(v.v) : undefined;
  } catch { return undefined; }
}

/** The branches of an `.if` block from the line after `.if` to its `.endif`: conditions and bodies. */
function ifBlock(lines: SourceLine[], start: number): { branches: { kind: string; arg: string; line: number; body: SourceLine[] }[]; end: number } | undefined {
  const first = IF.exec(lines[start].text)!;
  const branches = [{ kind: first[1].toLowerCase(), arg: first[2], line: lines[start].line, body: [] as SourceLine[] }];
  let nest = 1;
  for (let j = start + 1; j < lines.length; j++) {
    const t = lines[j].text;
    if (IF.test(t)) nest++;
    else if (ENDIF.test(t) && --nest === 0) return { branches, end: j };
    else if (nest === 1) {
      const e = ELSE.exec(t);
      if (e) { branches.push({ kind: e[1].toLowerCase(), arg: e[2], line: lines[j].line, body: [] }); continue; }
    }
    branches[branches.length - 1].body.push(lines[j]);
  }
  return undefined;
}

/** Reads an included file by the name `.include` gives, or undefined when it cannot (or throws an Error saying why). */
export type IncludeReader = (name: string) => string | undefined;

/** Expands includes, repetition blocks, macros and conditionals; other lines pass through unchanged. */
export function expandMacros(src: string, include?: IncludeReader): { lines: SourceLine[]; errors: MacroError[] } {
  const input = src.split(/\r?\n/).map((text, i) => ({ text, line: i + 1 }));
  if (!/\.(rept|irpc?|macro|if\w*|include)\b/i.test(src)) return { lines: input, errors: [] };
  const errors: MacroError[] = [];
  const macros = new Map<string, Macro>();
  /** Symbols defined by the lines produced so far: constants (value) and labels (undefined). */
  const known = new Map<string, bigint | undefined>();
  const define = (l: SourceLine): void => {
    const text = l.text.replace(/#.*$/, '');
    const labels = LABELS.exec(text);
    if (labels) for (const n of labels[1].split(':')) if (n.trim()) known.set(n.trim(), undefined);
    const eq = EQU.exec(labels ? text.slice(labels[0].length) : text);
    if (eq) { const v = constant(eq[3], known); known.set(eq[1] ?? eq[2], v === undefined ? undefined : BigInt(v)); }
  };
  /** Whether an `.if`-family condition holds; undefined when it is not a constant. */
  const holds = (kind: string, arg: string): boolean | undefined => {
    const a = arg.replace(/#.*$/, '').trim();
    switch (kind) {
      case 'ifdef': return known.has(a);
      case 'ifndef': return !known.has(a);
      case 'ifb': return a === '';
      case 'ifnb': return a !== '';
      default: {
        const v = constant(a, known);
        if (v === undefined) return undefined;
        return kind === 'ifeq' ? v === 0 : v !== 0;
      }
    }
  };
  let counter = 0;
  // Every produced line goes into one array (no per-level copies; a spread of a million lines
  // would also overflow the stack), counted against MAX_EXPANDED_LINES.
  const output: SourceLine[] = [];
  const emit = (l: SourceLine, at: number): void => {
    if (output.length >= MAX_EXPANDED_LINES) {
      errors.push({ line: at, message: `expansion produces more than ${MAX_EXPANDED_LINES} lines (.rept, .irp, macros, .include); assembly stopped here` });
      throw new OverBudget();
    }
    output.push(l);
  };
  const run = (lines: SourceLine[], depth: number): void => {
    const out = { push: (l: SourceLine) => emit(l, l.line) };
    if (depth > 100) { errors.push({ line: lines[0]?.line ?? 1, message: 'macro expansion nested too deeply' }); return; }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const inc = INCLUDE.exec(l.text);
      if (inc) {
        let text: string | undefined;
        try { text = include?.(inc[1]); } catch (e) { errors.push({ line: l.line, message: `.include "${inc[1]}": ${(e as Error).message}` }); continue; }
        if (text === undefined) { errors.push({ line: l.line, message: include ? `cannot read "${inc[1]}"` : `.include "${inc[1]}": no file access here` }); continue; }
        run(text.split(/\r?\n/).map((t) => ({ text: t, line: l.line })), depth + 1);
        continue;
      }
      if (IF.test(l.text)) {
        const block = ifBlock(lines, i);
        if (!block) { errors.push({ line: l.line, message: `${l.text.trim().split(/\s/)[0]} without .endif` }); return; }
        i = block.end;
        for (const b of block.branches) {
          const ok = b.kind === 'else' ? true : holds(b.kind === 'elseif' ? 'if' : b.kind, b.arg);
          if (ok === undefined) { errors.push({ line: b.line, message: `.${b.kind} needs a constant expression (numbers and constants defined above)` }); break; }
          if (ok) { run(b.body, depth + 1); break; }
        }
        continue;
      }
      if (ELSE.test(l.text) || ENDIF.test(l.text)) { errors.push({ line: l.line, message: `${l.text.trim().split(/\s/)[0]} without .if` }); continue; }
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
        if (j >= lines.length) { errors.push({ line: l.line, message: `.${kind} without ${kind === 'macro' ? '.endm' : '.endr'}` }); return; }
        i = j;
        const args = splitArgs(m[2]);
        if (kind === 'macro') {
          const nm = /^\s*([A-Za-z_.$][\w.$]*)\s*,?\s*(.*)$/.exec(m[2].replace(/#.*$/, ''));
          if (!nm) { errors.push({ line: l.line, message: '.macro needs a name' }); continue; }
          const name = nm[1], params = splitArgs(nm[2]);
          macros.set(name.toLowerCase(), { params: params.map((p) => { const [n, d] = p.split('='); return { name: n.trim(), def: d?.trim() }; }), body });
        } else if (kind === 'rept') {
          const n = constant(m[2].replace(/#.*$/, ''), known);
          if (n === undefined || n < 0 || n > 100000) { errors.push({ line: l.line, message: '.rept needs a constant count (0..100000)' }); continue; }
          for (let k = 0; k < n; k++) run(body, depth + 1);
        } else {
          const [name, ...values] = args;
          if (!name) { errors.push({ line: l.line, message: `.${kind} needs a symbol` }); continue; }
          const items = kind === 'irpc' ? [...(values.join(',') || '')] : values.length ? values : [''];
          for (const v of items) {
            const vars = new Map([[name, v]]);
            run(body.map((b) => ({ text: substitute(b.text, vars, counter), line: b.line })), depth + 1);
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
        if (call[1].trim()) { define({ text: call[1], line: l.line }); out.push({ text: call[1], line: l.line }); }
        // Expanded lines report the invocation's line, as a user expects from a diagnostic.
        run(mac.body.map((b) => ({ text: substitute(b.text, vars, n), line: l.line })), depth + 1);
        continue;
      }
      define(l);
      out.push(l);
    }
  };
  try { run(input, 0); } catch (e) { if (!(e instanceof OverBudget)) throw e; }
  return { lines: output, errors };
}

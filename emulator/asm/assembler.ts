// The assembler's first pass: walks the statements, defines labels (numeric local labels
// included), switches sections, runs directives and instructions, and records every symbol
// definition/reference with its position. Errors are collected per statement and the statement
// is skipped, so one typo never hides the diagnostics of the rest of the file.

import { ISA, type Mnemonic } from '../isa/table';
import { compressedInstruction } from './compressed';
import { runDirective } from './directives';
import type { Emit } from './emit';
import { AsmError, evaluate, NotYet, type EvalEnv, type Expr, type Value } from './expr';
import { baseInstruction, splitOrdering, type InsnCtx } from './instructions';
import { lex, type Token } from './lexer';
import { expandMacros, type IncludeReader } from './macros';
import type { AsmSymbol, Diagnostic, Item, Position, Section, SectionKind } from './model';
import { CSR_NAME_LIST, REGISTER_NAMES, ROUNDING_MODES, splitOperands } from './operands';
import { PSEUDOS } from './pseudo';

/** Most bytes of section contents one assembly may produce (bss, which has none, excluded). */
export const MAX_OUTPUT_BYTES = 64 << 20;

/** .option state. `relax` is tracked but output is always as with -mno-relax (no linker relaxation). */
export interface Options { rvc: boolean; relax: boolean }

const KEYWORDS = new Set<string>([...REGISTER_NAMES, ...CSR_NAME_LIST, ...Object.keys(ROUNDING_MODES)]);

export function sectionKind(name: string): SectionKind {
  if (name === '.text' || name.startsWith('.text.')) return 'text';
  if (name === '.bss' || name.startsWith('.bss.') || name === '.sbss' || name.startsWith('.sbss.')) return 'bss';
  if (name === '.rodata' || name.startsWith('.rodata.') || name === '.srodata' || name.startsWith('.srodata.')) return 'rodata';
  return 'data';
}

export const posOf = (t: Token, end: Token = t): Position => ({ line: t.line, col: t.col, endCol: end.line === t.line ? end.endCol : t.endCol });

export class Assembler {
  readonly sections = new Map<string, Section>();
  readonly symbols = new Map<string, AsmSymbol>();
  readonly diagnostics: Diagnostic[] = [];
  sec!: Section;
  opts: Options = { rvc: true, relax: true };
  readonly optStack: Options[] = [];
  readonly secStack: Section[] = [];
  /** Previous section, for .previous. */
  prevSec: Section | undefined;
  private readonly localCount = new Map<string, number>();
  /** Bytes of section contents so far (bss excluded), against MAX_OUTPUT_BYTES. */
  outputBytes = 0;
  /** Bytes already emitted by the current data directive (`.` advances per element, as in GNU as). */
  dotBias = 0;

  constructor(rvc = true) {
    this.opts.rvc = rvc;
    this.switchTo('.text');
  }

  error(message: string, t?: Token, end?: Token): void {
    const p = t ? posOf(t, end) : { line: 1, col: 1, endCol: 1 };
    this.diagnostics.push({ ...p, severity: 'error', message });
  }

  warn(message: string, t: Token, end?: Token): void { this.diagnostics.push({ ...posOf(t, end), severity: 'warning', message }); }

  switchTo(name: string, flagsKind?: SectionKind): void {
    let s = this.sections.get(name);
    if (!s) {
      // Standard names decide their kind; other sections follow their flags (default: data).
      const std = sectionKind(name);
      const kind = std !== 'data' || /^\.s?data(\.|$)/.test(name) ? std : flagsKind ?? std;
      s = { name, kind, items: [], align: kind === 'text' ? (this.opts.rvc ? 1 : 2) : 0, knownSize: 0, addr: 0, size: 0 };
      this.sections.set(name, s);
    }
    if (this.sec !== s) this.prevSec = this.sec;
    this.sec = s;
  }

  addItem(item: Item, variable = false): void {
    const s = this.sec;
    if (s.kind !== 'bss') this.outputBytes += item.size;
    item.off = s.knownSize ?? 0;
    s.items.push(item);
    if (s.kind === 'text' && item.k === 'insn' && !this.opts.rvc && s.align < 2) s.align = 2;
    s.knownSize = variable || s.knownSize === undefined ? undefined : s.knownSize + item.size;
  }

  symbol(key: string, name = key): AsmSymbol {
    let s = this.symbols.get(key);
    if (!s) { s = { name, key, kind: 'label', global: false, refs: [] }; this.symbols.set(key, s); }
    return s;
  }

  defineLabel(key: string, name: string, t: Token): void {
    const s = this.symbol(key, name);
    if (s.def) { this.error(`symbol '${name}' is already defined (line ${s.def.line})`, t); return; }
    s.kind = key === name ? 'label' : 'local';
    s.def = posOf(t);
    s.sec = this.sec.name;
    s.item = this.sec.items.length;
    s.knownOff = this.sec.knownSize;
  }

  defineEqu(nameTok: Token, e: Expr, redefinable: boolean): void {
    const s = this.symbol(nameTok.text);
    if (s.def && (s.kind !== 'equ' || !redefinable)) { this.error(`symbol '${nameTok.text}' is already defined (line ${s.def.line})`, nameTok); return; }
    s.kind = 'equ';
    s.def = posOf(nameTok);
    s.expr = e;
    s.value = undefined;
    s.sec = undefined;
    try {
      const v = evaluate(e, this.parseEnv);
      if (v.sec === undefined) s.value = v.v;
      else { s.sec = v.sec; s.knownOff = Number(v.v); }
    } catch (err) {
      if (!(err instanceof NotYet)) throw err;
    }
  }

  /** Values known while assembling: constants and labels at fixed section offsets. */
  readonly parseEnv: EvalEnv = {
    sym: (name) => {
      const s = this.symbols.get(name);
      if (!s?.def) return undefined;
      if (s.kind === 'equ') return s.value !== undefined ? { v: s.value } : s.knownOff !== undefined ? { sec: s.sec, v: BigInt(s.knownOff) } : undefined;
      return s.knownOff !== undefined ? { sec: s.sec, v: BigInt(s.knownOff) } : undefined;
    },
    dot: () => this.sec.knownSize !== undefined ? { sec: this.sec.name, v: BigInt(this.sec.knownSize + this.dotBias) } : undefined,
  };

  /** Assembly-time constant value of an expression, or undefined. */
  constant(e: Expr): bigint | undefined {
    try {
      const v: Value = evaluate(e, this.parseEnv);
      return v.sec === undefined ? v.v : undefined;
    } catch (err) {
      if (err instanceof NotYet) return undefined;
      throw err;
    }
  }

  /** Replaces numeric local label references (1b/1f) by their internal names and records them. */
  private resolveLocalRefs(toks: Token[]): Token[] {
    return toks.map((t) => {
      if (t.kind !== 'localref') return t;
      const n = String(t.value);
      const c = this.localCount.get(n) ?? 0;
      if (t.dir === 'b' && c === 0) { this.error(`no earlier definition of local label '${n}' for '${t.text}'`, t); return { ...t, kind: 'ident', text: `.L${n}^B0` }; }
      const key = `.L${n}^B${t.dir === 'b' ? c : c + 1}`;
      this.symbol(key, n).refs.push(posOf(t));
      return { ...t, kind: 'ident', text: key };
    });
  }

  run(src: string, include?: IncludeReader): void {
    const expanded = expandMacros(src, include);
    for (const e of expanded.errors) this.diagnostics.push({ line: e.line, col: 1, endCol: 2, severity: 'error', message: e.message });
    const { statements, errors } = lex(expanded.lines);
    for (const e of errors) this.diagnostics.push({ line: e.line, col: e.col, endCol: e.endCol, severity: 'error', message: e.message });
    // A line with a lexical error is not parsed further: one precise error beats a cascade.
    const badLines = new Set(errors.map((e) => e.line));
    for (const st of statements) {
      if (badLines.has(st.line)) continue;
      if (this.outputBytes > MAX_OUTPUT_BYTES) {
        this.error(`the output is larger than ${MAX_OUTPUT_BYTES >> 20} MiB; assembly stopped here`, st.tokens[0]);
        break;
      }
      try { this.statement(st.tokens); } catch (err) {
        if (err instanceof AsmError) this.error(err.message, err.tok ?? st.tokens[0], err.endTok);
        else if (err instanceof NotYet) this.error(`'${err.tok.text}' is not defined yet here`, err.tok);
        else throw err;
      }
    }
    // GNU as pads code sections to their alignment with nops (observed with binutils 2.40).
    for (const s of this.sections.values()) {
      if (s.kind !== 'text' || !s.items.length) continue;
      const pos = s.items[s.items.length - 1].pos;
      s.items.push({ k: 'align', pow: s.align, code: true, pos, off: 0, size: 0 });
    }
  }

  private statement(toks: Token[]): void {
    let i = 0;
    // Labels: `name:` or `1:` (several may precede an instruction).
    while (i + 1 < toks.length && toks[i + 1].text === ':' && (toks[i].kind === 'ident' || toks[i].kind === 'num')) {
      const t = toks[i];
      if (t.kind === 'num') {
        const n = String(t.value);
        const c = (this.localCount.get(n) ?? 0) + 1;
        this.localCount.set(n, c);
        this.defineLabel(`.L${n}^B${c}`, n, t);
      } else this.defineLabel(t.text, t.text, t);
      i += 2;
    }
    if (i >= toks.length) return;
    const head = toks[i];
    const rest = this.resolveLocalRefs(toks.slice(i + 1));
    if (head.kind !== 'ident') throw new AsmError(`expected a label, directive or instruction, found '${head.text}'`, head);
    if (rest[0]?.text === '=') { runDirective(this, { ...head, text: '.set' }, [head, { ...rest[0], text: ',' }, ...rest.slice(1)]); return; }
    if (head.text.startsWith('.')) { runDirective(this, head, rest); return; }
    this.noteRefs(rest, head.text.startsWith('fence'));
    this.instruction(head, rest);
  }

  /** Records symbol references (identifiers that are not registers, CSRs or keywords). */
  noteRefs(toks: Token[], fence: boolean): void {
    toks.forEach((t, k) => {
      if (t.kind !== 'ident' || t.text === '.' || t.text.startsWith('.L') && t.text.includes('^B')) return;
      if (KEYWORDS.has(t.text) || fence || toks[k - 1]?.text === '%') return;
      this.symbol(t.text).refs.push(posOf(t));
    });
  }

  private instruction(head: Token, rest: Token[]): void {
    const name = head.text.toLowerCase();
    const ops = splitOperands(rest, head);
    const ctx: InsnCtx = { rvc: this.opts.rvc, constant: (e) => this.constant(e) };
    // Own-property lookups only: `constructor` or `toString` typed as a mnemonic is just unknown.
    let emits: Emit[] | undefined = (Object.hasOwn(PSEUDOS, name) ? PSEUDOS[name](ctx, ops, head) : undefined) ?? compressedInstruction(ctx, name, ops, head);
    if (!emits) {
      const ord = splitOrdering(name);
      if (ord) emits = baseInstruction(ctx, ISA[ord.base as Mnemonic], ops, head, { aq: ord.aq, rl: ord.rl });
      else if (Object.hasOwn(ISA, name)) emits = baseInstruction(ctx, ISA[name as Mnemonic], ops, head);
      else throw new AsmError(`unknown instruction '${head.text}'`, head);
    }
    if (this.sec.kind === 'bss') throw new AsmError(`instructions are not allowed in ${this.sec.name}`, head);
    const pos = posOf(head, rest[rest.length - 1] ?? head);
    for (const e of emits) {
      if (e.t === 'branch') this.addItem({ k: 'branch', e, pos, off: 0, size: e.rvc ? 2 : 4 }, true);
      else this.addItem({ k: 'insn', e, pos, off: 0, size: e.c !== undefined ? 2 : 4 });
    }
  }
}

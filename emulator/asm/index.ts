// Public API of the RISC-V assembler: assemble a GNU-as-style source file into placed sections
// with diagnostics, a symbol index (definitions + references, for the language server) and a
// line map (address → source line, for the debugger); and write it as a static ELF executable
// with DWARF 5 line information, as `as` + `ld -static -Ttext=0x10000` would.

import { Assembler } from './assembler';
import { preprocess } from './cpp';
import { buildDebugLine, type DebugInfoOptions } from './dwarf-line';
import { writeElf } from './elf-writer';
import { encodeAll, layoutSection, place, type Placement } from './layout';
import type { AsmSymbol, Diagnostic, LineEntry, Position, SectionKind } from './model';

import { DIRECTIVE_NAMES as STATEMENT_DIRECTIVES } from './directives';
import { EXPANSION_DIRECTIVES, type IncludeReader } from './macros';

export type { AsmSymbol, Diagnostic, LineEntry, Position, SymbolKind, SectionKind } from './model';
/** Every directive the assembler accepts: statements, and the macro / conditional ones expanded before them. */
export const DIRECTIVE_NAMES: readonly string[] = [...STATEMENT_DIRECTIVES, ...EXPANSION_DIRECTIVES];
export type { IncludeReader } from './macros';
export { PSEUDO_NAMES } from './pseudo';
export { REGISTER_NAMES, CSR_NAME_LIST } from './operands';
export { COMPRESSED_NAMES } from './compressed';
export { mnemonicDoc, allMnemonicDocs, type MnemonicDoc } from './docs';

export interface AssembleOptions {
  /** Address of .text (GNU ld -Ttext); default 0x10000. */
  textBase?: number;
  /** Start with `.option rvc` (the rv64gc default); default true. */
  rvc?: boolean;
  /** Run the C-preprocessor subset first (for `.S` files); an object adds predefined macros. */
  preprocess?: boolean | Record<string, string>;
  /** Reads the files `.include` names (without it, `.include` is an error). */
  include?: IncludeReader;
}

export interface AssembledSection {
  name: string;
  kind: SectionKind;
  addr: number;
  size: number;
  /** Contents (empty for bss). */
  bytes: Uint8Array;
}

export interface Assembly {
  /** All problems, sorted by position; the output is only usable when none is an error. */
  diagnostics: Diagnostic[];
  ok: boolean;
  sections: AssembledSection[];
  /** Every symbol seen: labels, numeric local labels (name "1"), .equ/.set, undefined references. */
  symbols: AsmSymbol[];
  /** Address → line map of instructions, ascending by address. */
  lines: LineEntry[];
  /** `_start`, or the start of .text when there is none (like ld). */
  entry: number;
  placement: Placement;
  /** @internal for the ELF writer */
  readonly bytes: Map<string, Uint8Array>;
}

export function assemble(source: string, opts: AssembleOptions = {}): Assembly {
  const a = new Assembler(opts.rvc ?? true);
  if (opts.preprocess) {
    const pp = preprocess(source, typeof opts.preprocess === 'object' ? opts.preprocess : {});
    for (const e of pp.errors) a.diagnostics.push({ line: e.line, col: 1, endCol: 2, severity: 'error', message: e.message });
    source = pp.text;
  }
  a.run(source, opts.include);
  for (const s of a.sections.values()) layoutSection(a, s);
  const placement = place(a, opts.textBase ?? 0x10000);
  const { bytes, lines } = encodeAll(a, placement);
  const start = a.symbols.get('_start');
  let entry = placement.textStart;
  if (start?.address !== undefined) entry = Number(start.address);
  else if (a.sections.get('.text')?.items.length) {
    a.diagnostics.push({ line: 1, col: 1, endCol: 1, severity: 'warning', message: `no _start label; the entry point defaults to 0x${entry.toString(16)}` });
  }
  const diagnostics = a.diagnostics.slice().sort((x, y) => x.line - y.line || x.col - y.col);
  lines.sort((x, y) => x.address - y.address);
  return {
    diagnostics, ok: !diagnostics.some((d) => d.severity === 'error'),
    sections: placement.sections.map((s) => ({ name: s.name, kind: s.kind, addr: s.addr, size: s.size, bytes: bytes.get(s.name)! })),
    symbols: [...a.symbols.values()], lines, entry, placement, bytes,
  };
}

/** The symbol whose definition or one of whose references covers (line, col), 1-based. */
export function symbolAt(asm: Assembly, line: number, col: number): AsmSymbol | undefined {
  const hit = (p?: Position) => p !== undefined && p.line === line && col >= p.col && col < p.endCol;
  return asm.symbols.find((s) => hit(s.def) || s.refs.some(hit));
}

export interface ExecutableOptions extends AssembleOptions, DebugInfoOptions {
  /** Emit DWARF 5 .debug_line/.debug_info (default true). */
  debugInfo?: boolean;
}

/** Assembles and links `source` into a static ELF executable (undefined when there are errors). */
export function assembleExecutable(source: string, opts: ExecutableOptions = {}): { asm: Assembly; elf?: Uint8Array } {
  const asm = assemble(source, opts);
  if (!asm.ok) return { asm };
  const extra = opts.debugInfo === false ? [] : buildDebugLine(asm, opts);
  return { asm, elf: writeElf(asm.placement, asm.bytes, asm.symbols, asm.entry, extra) };
}

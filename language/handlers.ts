// The language features as plain functions from an Analysis to LSP result types: diagnostics,
// hover, completion, definition, references and document symbols. server.ts wires them to the
// connection; tests call them through a real LSP connection too. LSP positions are 0-based.

import {
  CompletionItemKind, DiagnosticSeverity, SymbolKind, MarkupKind,
  type CompletionItem, type Diagnostic, type DocumentSymbol, type Hover, type Location, type Position as LspPosition, type Range,
} from 'vscode-languageserver';
import type { AsmSymbol, Position } from '../emulator/asm';
import { DIRECTIVE_NAMES, PSEUDO_NAMES, REGISTER_NAMES } from '../emulator/asm';
import { C_TABLE, MNEMONICS } from '../emulator/isa/table';
import { isOpcodePosition, symbolAt, tokenAt, type Analysis } from './analysis';
import { docFor, docMarkdown } from './docs';

export const toRange = (p: Position): Range => ({
  start: { line: p.line - 1, character: p.col - 1 },
  end: { line: p.line - 1, character: Math.max(p.endCol - 1, p.col) },
});

export function diagnostics(a: Analysis): Diagnostic[] {
  return a.diagnostics.map((d) => ({
    range: toRange(d),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'tbscope-as',
    message: d.message,
  }));
}

export function hover(a: Analysis, pos: LspPosition): Hover | null {
  const at = tokenAt(a, pos.line + 1, pos.character + 1);
  if (!at || at.tok.kind !== 'ident') return null;
  const range = toRange(at.tok);
  const opcode = isOpcodePosition(at.stmt, at.index);
  const doc = docFor(at.tok.text);
  if (doc && (opcode ? doc.kind !== 'register' : doc.kind === 'register')) {
    return { contents: { kind: MarkupKind.Markdown, value: docMarkdown(doc) }, range };
  }
  const sym = symbolAt(a, pos.line + 1, pos.character + 1);
  if (sym) {
    const value = sym.address !== undefined ? `0x${BigInt.asUintN(64, sym.address).toString(16)}` : sym.value !== undefined ? String(sym.value) : undefined;
    const where = sym.def ? `defined on line ${sym.def.line}` : 'not defined in this file';
    return { contents: { kind: MarkupKind.Markdown, value: `**${sym.name}** (${sym.kind}${sym.global ? ', global' : ''})${value ? ` = \`${value}\`` : ''}\n\n${where}` }, range };
  }
  return null;
}

let opcodeItems: CompletionItem[] | undefined;
function opcodeCompletions(): CompletionItem[] {
  if (opcodeItems) return opcodeItems;
  const names = [...new Set([...MNEMONICS, ...PSEUDO_NAMES, ...C_TABLE.map((c) => c.cop)])];
  opcodeItems = [
    ...names.map((n) => {
      const d = docFor(n);
      return { label: n, kind: CompletionItemKind.Keyword, detail: d?.syntax, documentation: d ? { kind: MarkupKind.Markdown, value: docMarkdown(d) } : undefined };
    }),
    ...DIRECTIVE_NAMES.map((n) => ({ label: n, kind: CompletionItemKind.Property, detail: docFor(n)?.syntax, insertText: n.slice(1), filterText: n })),
  ];
  return opcodeItems;
}

export function completion(a: Analysis, pos: LspPosition, lineText: string): CompletionItem[] {
  const before = lineText.slice(0, pos.character);
  // Opcode position: only whitespace, labels ("x:") or a statement separator before the word.
  const head = before.replace(/[A-Za-z0-9_.$]*$/, '');
  const opcode = /^\s*(?:[A-Za-z0-9_.$]+\s*:\s*)*$/.test(head) || /;\s*$/.test(head);
  if (opcode) {
    const dot = /\.[A-Za-z0-9_]*$/.test(before) && !/[A-Za-z0-9_$]\.[A-Za-z0-9_]*$/.test(before);
    // After a typed '.', VS Code replaces from the word start; directives then insert without the dot.
    return dot ? opcodeCompletions().filter((c) => c.kind === CompletionItemKind.Property) : opcodeCompletions().map((c) => (c.kind === CompletionItemKind.Property ? { ...c, insertText: c.label } : c));
  }
  const regs: CompletionItem[] = REGISTER_NAMES.map((r) => ({ label: r, kind: CompletionItemKind.Variable, detail: docFor(r)?.desc }));
  const syms: CompletionItem[] = a.symbols.filter((s) => s.def && s.kind !== 'local').map((s) => ({
    label: s.name, kind: s.kind === 'equ' ? CompletionItemKind.Constant : CompletionItemKind.Reference, detail: `${s.kind}, line ${s.def!.line}`,
  }));
  return [...syms, ...regs];
}

export function definition(a: Analysis, pos: LspPosition, uri: string): Location | null {
  const s = symbolAt(a, pos.line + 1, pos.character + 1);
  return s?.def ? { uri, range: toRange(s.def) } : null;
}

export function references(a: Analysis, pos: LspPosition, uri: string, includeDeclaration: boolean): Location[] {
  const s = symbolAt(a, pos.line + 1, pos.character + 1);
  if (!s) return [];
  const all = [...(includeDeclaration && s.def ? [s.def] : []), ...s.refs];
  return all.map((p) => ({ uri, range: toRange(p) }));
}

const symbolKind = (s: AsmSymbol): SymbolKind =>
  s.kind === 'equ' ? SymbolKind.Constant : s.type === 'object' ? SymbolKind.Variable : SymbolKind.Function;

export function documentSymbols(a: Analysis): DocumentSymbol[] {
  return a.symbols
    .filter((s): s is AsmSymbol & { def: Position } => !!s.def && s.kind !== 'local')
    .sort((x, y) => x.def.line - y.def.line)
    .map((s) => ({ name: s.name, detail: s.global ? 'global' : s.kind, kind: symbolKind(s), range: toRange(s.def), selectionRange: toRange(s.def) }));
}

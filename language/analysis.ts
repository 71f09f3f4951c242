// One analysed assembly document: the assembler's diagnostics and symbol index (definitions and
// references with positions) plus the lexer's tokens, so every LSP handler answers from the
// same parse. Positions here are the assembler's (1-based line and column, endCol exclusive).

import { assemble, type AsmSymbol, type Diagnostic, type IncludeReader, type Position } from '../emulator/asm';
import { lex, type Statement, type Token } from '../emulator/asm/lexer';

export interface Analysis {
  diagnostics: Diagnostic[];
  symbols: AsmSymbol[];
  statements: Statement[];
}

/** `include` reads the files `.include` names (the document's folder); without it they are errors. */
export function analyse(text: string, include?: IncludeReader): Analysis {
  const { statements } = lex(text);
  try {
    const a = assemble(text, { include });
    return { diagnostics: a.diagnostics, symbols: a.symbols, statements };
  } catch (e) {
    // An assembler bug must not take the language server down; show it where it can be seen.
    return { diagnostics: [{ line: 1, col: 1, endCol: 1, severity: 'error', message: `assembler failed: ${(e as Error).message}` }], symbols: [], statements };
  }
}

const inside = (p: Position, line: number, col: number): boolean => p.line === line && col >= p.col && col <= p.endCol;

/** The token under (line, col) (col may be just past its end, where the cursor sits after typing). */
export function tokenAt(a: Analysis, line: number, col: number): { tok: Token; index: number; stmt: Statement } | undefined {
  for (const stmt of a.statements) {
    if (stmt.line !== line) continue;
    const index = stmt.tokens.findIndex((t) => t.line === line && col >= t.col && col <= t.endCol);
    if (index >= 0) return { tok: stmt.tokens[index], index, stmt };
  }
  return undefined;
}

/** True when token `index` is in the mnemonic/directive position (first, or after `label:`s). */
export function isOpcodePosition(stmt: Statement, index: number): boolean {
  let i = 0;
  const t = stmt.tokens;
  while (i + 1 < t.length && (t[i].kind === 'ident' || t[i].kind === 'num') && t[i + 1].text === ':') i += 2;
  return index === i;
}

/** The symbol whose definition or a reference covers (line, col). */
export function symbolAt(a: Analysis, line: number, col: number): AsmSymbol | undefined {
  return a.symbols.find((s) => (s.def && inside(s.def, line, col)) || s.refs.some((r) => inside(r, line, col)));
}

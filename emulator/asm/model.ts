// The assembler's data model and public result types: sections made of items (fixed bytes,
// instructions, relaxable branches, alignment), symbols with their definition and references
// (for go-to-definition / find references / document symbols), and diagnostics with positions.

import type { BranchEmit, InsnEmit } from './emit';
import type { Expr } from './expr';

/** A source range on one line: 1-based line and column, endCol exclusive. */
export interface Position { line: number; col: number; endCol: number }

export interface Diagnostic extends Position {
  severity: 'error' | 'warning';
  message: string;
}

/** A data value to fill in once addresses are known. */
export interface DataFixup { at: number; size: 1 | 2 | 4 | 8; expr: Expr }

interface ItemBase {
  /** Source position of the statement that produced the item. */
  pos: Position;
  /** Offset in the section (set by the layout). */
  off: number;
  size: number;
}
export type Item =
  | (ItemBase & { k: 'bytes'; data: Uint8Array; fixups: DataFixup[] })
  | (ItemBase & { k: 'zero' })
  | (ItemBase & { k: 'insn'; e: InsnEmit })
  | (ItemBase & { k: 'branch'; e: BranchEmit })
  | (ItemBase & { k: 'align'; pow: number; fill?: number; max?: number; code: boolean });

export type SectionKind = 'text' | 'rodata' | 'data' | 'bss';

export interface Section {
  name: string;
  kind: SectionKind;
  items: Item[];
  /** log2 of the alignment (GNU: 1 for .text with RVC, 2 without; from .align directives). */
  align: number;
  /** Size so far when no variable-size item precedes (offsets are assembly-time constants). */
  knownSize: number | undefined;
  /** Address assigned by the link step. */
  addr: number;
  size: number;
}

export type SymbolKind = 'label' | 'equ' | 'local';

export interface AsmSymbol {
  /** Name as written (numeric local labels: "1"). */
  name: string;
  /** Internal unique name (numeric local labels: ".L1^B2"). */
  key: string;
  kind: SymbolKind;
  global: boolean;
  def?: Position;
  refs: Position[];
  /** Labels: section and item index the label precedes; knownOff when an assembly-time constant. */
  sec?: string;
  item?: number;
  knownOff?: number;
  /** .equ/.set: the expression and, when constant at definition, its value. */
  expr?: Expr;
  value?: bigint;
  /** Final address/value after linking (undefined if it could not be resolved). */
  address?: bigint;
  /** Type from .type (function/object), for document symbols. */
  type?: string;
}

/** One row of the line map: code or data at `address` came from source line `line`. */
export interface LineEntry { address: number; line: number; col: number; size: number; section: string }

// Address ↔ source-line queries over every line program of a file: which line a pc is on
// (stack frames, stepping), which addresses a source line has (breakpoints), and the nearest
// line with code at or after a line (breakpoint verification moves a breakpoint there, like
// gdb). Addresses are link addresses; a debugger subtracts the load bias of a PIE first.

import type { LineProgram } from './line';

export interface LineLocation {
  /** Source path from the line table (relative to the compilation directory when it was relative). */
  file: string;
  line: number;
  column: number;
  /** Start and end (exclusive) of the address range this row covers. */
  address: number;
  end: number;
  isStmt: boolean;
}

/** Whether a DWARF path and a path given by a user/editor name the same file (suffix by whole components). */
export function samePath(dwarfPath: string, query: string): boolean {
  const a = dwarfPath.replace(/\\/g, '/'), b = query.replace(/\\/g, '/');
  if (a === b) return true;
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  return long.endsWith(short) && (short.startsWith('/') || long[long.length - short.length - 1] === '/');
}

export class LineTable {
  /** Ranges sorted by address; an end_sequence row closes the range before it. */
  private readonly ranges: LineLocation[] = [];
  /** Every is_stmt row (several may share an address: rows for lines 35, 36, 37 at one pc). */
  private readonly stmts: { file: string; line: number; address: number }[] = [];
  /** Distinct source paths. */
  readonly files: string[];

  constructor(programs: readonly LineProgram[]) {
    const files = new Set<string>();
    for (const prog of programs) {
      const rows = prog.rows;
      for (let i = 0; i + 1 < rows.length; i++) {
        const r = rows[i];
        if (r.endSequence) continue;
        const file = prog.files[r.file]?.path ?? `<file ${r.file}>`;
        if (r.isStmt) this.stmts.push({ file, line: r.line, address: r.address });
        const next = rows[i + 1];
        // Several rows at one address (views): the last one describes the instruction.
        if (next.address === r.address && !next.endSequence) continue;
        files.add(file);
        this.ranges.push({ file, line: r.line, column: r.column, address: r.address, end: next.address, isStmt: r.isStmt });
      }
    }
    this.ranges.sort((a, b) => a.address - b.address);
    this.files = [...files];
  }

  /** All address ranges (sorted), e.g. for a "loaded sources" view or tests. */
  get all(): readonly LineLocation[] { return this.ranges; }

  /** The row covering pc, or undefined when pc has no line information. */
  addrToLine(pc: number): LineLocation | undefined {
    let lo = 0, hi = this.ranges.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid].address <= pc) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (ans < 0) return undefined;
    const r = this.ranges[ans];
    return pc < r.end ? r : undefined;
  }

  /** Addresses of the is_stmt rows of `line` in `file`, ascending (a `for` line has several). */
  lineToAddrs(file: string, line: number): number[] {
    const out = new Set<number>();
    for (const r of this.stmts) if (r.line === line && samePath(r.file, file)) out.add(r.address);
    return [...out].sort((a, b) => a - b);
  }

  /**
   * The first line ≥ `line` in `file` that has code (is_stmt rows), with its addresses — where a
   * breakpoint set on a blank or comment line ends up. undefined when no later line has code.
   */
  nearestLineWithCode(file: string, line: number): { line: number; addrs: number[] } | undefined {
    let best = Infinity;
    for (const r of this.stmts) if (r.line >= line && r.line < best && samePath(r.file, file)) best = r.line;
    return best === Infinity ? undefined : { line: best, addrs: this.lineToAddrs(file, best) };
  }
}

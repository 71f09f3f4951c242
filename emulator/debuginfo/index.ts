// DWARF debug information of one ELF file for the debugger: line table, call frame information,
// functions, scopes, variables and their values — everything the debug adapter needs from
// .debug_* / .eh_frame, with no DAP or VS Code knowledge. Addresses are link addresses: for a
// PIE or shared library, subtract the load bias before asking and add it to answers — except
// the unwinding methods (unwindStep, backtrace, cfaAt), which walk the guest's own registers and
// memory and so take load addresses plus the bias.

import type { ElfFile } from '../elf/elf';
import { FrameIndex, parseFrameSection } from './cfi';
import { DW_AT } from './consts';
import { TypeTable } from './dtypes';
import { evaluate, type ExprContext } from './expr';
import { cfaOf, frameContext, indexCallSites } from './frame';
import { debugSections, type DebugSections } from './forms';
import { type Die, indexDies, parseUnits, type Unit } from './info';
import { parseLineProgram, type LineProgram } from './line';
import { LineTable, type LineLocation } from './linetable';
import { type FunctionInfo, type Scope, ScopeIndex, type VariableInfo } from './scopes';
import { backtrace, type ReadMem, type ReadReg, type StackFrameInfo, unwindStep, type CallerFrame } from './unwind';
import { bigIntToBytes, bytesToBigInt } from './cformat';
import { objectAt, type ValueAccess, type ValueNode, valueNode } from './values';

export interface FrameValues { function: FunctionInfo; params: ValueNode[]; locals: ValueNode[] }

export class DebugInfo {
  readonly sections: DebugSections;
  readonly units: Unit[];
  readonly lines: LineTable;
  readonly lineTables: LineProgram[];
  readonly frames: FrameIndex;
  readonly scopes: ScopeIndex;
  readonly types: TypeTable;
  /** Call-site DIEs by return address (entry values of -Og parameters). */
  readonly callSites: Map<number, Die>;
  private rebasedFrames?: { bias: number; index: FrameIndex };
  /** Units that use location lists: optimised code (see afterPrologue). */
  private readonly optimizedUnits = new Set<Unit>();

  constructor(elf: ElfFile) {
    this.sections = debugSections(elf);
    this.units = parseUnits(this.sections);
    const dies = indexDies(this.units);
    this.types = new TypeTable(dies);
    this.scopes = new ScopeIndex(this.units, dies, this.types);
    // Line programs are found through their units (for the compilation directory).
    this.lineTables = [];
    const seen = new Set<number>();
    for (const u of this.units) {
      const off = u.die.attrs.get(DW_AT.stmt_list);
      if (typeof off !== 'number' || seen.has(off) || !this.sections.line) continue;
      seen.add(off);
      this.lineTables.push(parseLineProgram(this.sections, off, u.compDir));
    }
    this.lines = new LineTable(this.lineTables);
    this.callSites = indexCallSites(dies.values());
    for (const d of dies.values()) {
      if (typeof d.attrs.get(DW_AT.location) === 'number') this.optimizedUnits.add(d.unit);
    }
    const s = this.sections;
    this.frames = new FrameIndex(
      s.ehFrame ? parseFrameSection(s.ehFrame, true, s.ehFrameAddr ?? 0) : [],
      s.debugFrame ? parseFrameSection(s.debugFrame, false) : [],
    );
  }

  /** Whether the file has any DWARF line or variable information. */
  get hasDebugInfo(): boolean { return this.units.length > 0 || this.lineTables.length > 0; }

  addrToLine(pc: number): LineLocation | undefined { return this.lines.addrToLine(pc); }

  /** Addresses of the is_stmt rows of file:line (see LineTable.lineToAddrs). */
  lineToAddrs(file: string, line: number): number[] { return this.lines.lineToAddrs(file, line); }

  /** First line ≥ line in file with code, and its addresses (see LineTable.nearestLineWithCode). */
  nearestLineWithCode(file: string, line: number): { line: number; addrs: number[] } | undefined {
    return this.lines.nearestLineWithCode(file, line);
  }

  /** Every function with code, sorted by address. */
  functionRanges(): readonly FunctionInfo[] { return this.scopes.functions; }

  functionAt(pc: number): FunctionInfo | undefined { return this.scopes.functionAt(pc); }

  /**
   * Where a source breakpoint at `file:line` goes, as gdb places it: moved to the next line
   * with code, then one address per function (the lowest of that line's runs), past the
   * prologue when the line is the function's opening line. undefined when no line has code.
   */
  breakpointAddrs(file: string, line: number): { line: number; addrs: number[] } | undefined {
    const hit = this.lines.nearestLineWithCode(file, line);
    if (!hit) return undefined;
    const byFn = new Map<FunctionInfo | undefined, number>();
    for (const a of hit.addrs) {
      const fn = this.scopes.functionAt(a);
      const old = byFn.get(fn);
      if (old === undefined || a < old) byFn.set(fn, a);
    }
    let placed = hit.line;
    const addrs = [...byFn].map(([fn, a]) => {
      if (!fn || a !== fn.lo) return a;
      // Past a prologue the breakpoint sits on the function's first body line: report that line.
      const moved = this.afterPrologue(fn);
      if (moved !== a) placed = this.lines.addrToLine(moved)?.line ?? placed;
      return moved;
    });
    return { line: placed, addrs: addrs.sort((a, b) => a - b) };
  }

  /**
   * First address after a function's prologue: the start of its second is_stmt line-table row
   * (gdb's rule for -O0 code). Optimised units (gdb: any location list, gcc ≥ 4.5) describe variables
   * correctly from the first instruction, so gdb stops at the entry there and so do we.
   */
  afterPrologue(fn: FunctionInfo): number {
    if (this.optimizedUnits.has(fn.die.unit)) return fn.lo;
    const first = this.lines.addrToLine(fn.lo);
    if (!first) return fn.lo;
    for (let a = first.end; a < fn.hi;) {
      const r = this.lines.addrToLine(a);
      if (!r) break;
      if (r.isStmt) return a; // a one-line function's body is a second row of the same line
      a = r.end;
    }
    return fn.lo;
  }

  /** Breakpoint address of a function by name (after its prologue). */
  functionBreakpointAddr(name: string): number | undefined {
    const fn = this.scopes.functionByName(name);
    return fn && this.afterPrologue(fn);
  }

  scopeAt(pc: number): Scope | undefined { return this.scopes.scopeAt(pc); }

  /**
   * The call frame information at load addresses for a file loaded at `bias` (a PIE or shared
   * library). Unwinding works on the guest's registers and memory, which hold load addresses, so
   * the unwinding methods below take load addresses and this bias (0 for a fixed-address program).
   */
  framesAt(bias: number): FrameIndex {
    if (bias === 0) return this.frames;
    if (this.rebasedFrames?.bias !== bias) this.rebasedFrames = { bias, index: this.frames.rebased(bias) };
    return this.rebasedFrames.index;
  }

  /** One unwinding step from the frame at pc (a load address; `bias`: see framesAt). */
  unwindStep(pc: number, readReg: ReadReg, readMem: ReadMem, isTop = true, bias = 0): CallerFrame | undefined {
    return unwindStep(this.framesAt(bias), pc, readReg, readMem, isTop);
  }

  /**
   * Stack walk from the current registers (pc a load address; `bias`: see framesAt);
   * `functionStart` (ELF symbols, load addresses) enables prologue analysis where CFI is missing.
   */
  backtrace(pc: number, readReg: ReadReg, readMem: ReadMem, maxFrames = 64, functionStart?: (pc: number) => number | undefined, bias = 0): StackFrameInfo[] {
    return backtrace(this.framesAt(bias), pc, readReg, readMem, maxFrames, functionStart);
  }

  /** Canonical frame address of the frame at pc (a load address; undefined without CFI for pc). */
  cfaAt(pc: number, readReg: ReadReg, readMem: ReadMem, isTop = true, bias = 0): bigint | undefined {
    return cfaOf(this.framesAt(bias), pc, readReg, readMem, isTop);
  }

  /**
   * Parameters and locals of the frame at pc (a link address), with values read through
   * `access`. `isTop` is false for caller frames (pc is a return address). `bias` is the load
   * bias of a PIE, added to static addresses (DW_OP_addr).
   */
  frameValues(pc: number, access: ValueAccess, isTop = true, bias = 0): FrameValues | undefined {
    const scope = this.scopeAt(isTop ? pc : pc - 1);
    if (!scope) return undefined;
    const lookupPc = isTop ? pc : pc - 1;
    const readMem: ReadMem = (a, n) => { const b = access.readMem(a, n); return b && bytesToBigInt(b, false); };
    const ctx = frameContext(this, pc, (r) => access.readReg(r), readMem, isTop, bias);
    const node = (v: VariableInfo): ValueNode => this.variableNode(v, lookupPc, ctx, access);
    return { function: scope.function, params: scope.params.map(node), locals: scope.locals.map(node) };
  }

  /** File-scope variables and their values (`bias`: load bias of a PIE). */
  globalValues(access: ValueAccess, bias = 0): ValueNode[] {
    const readMem: ReadMem = (a, n) => { const b = access.readMem(a, n); return b && bytesToBigInt(b, false); };
    const ctx: ExprContext = { readReg: (r) => access.readReg(r), readMem, addrBias: bias };
    return this.scopes.globals().map((v) => this.variableNode(v, 0, ctx, access));
  }

  private variableNode(v: VariableInfo, pc: number, ctx: ExprContext, access: ValueAccess): ValueNode {
    try {
      if (v.constValue !== undefined) {
        const bytes = typeof v.constValue === 'number' ? bigIntToBytes(BigInt(v.constValue), Math.max(v.type.size, 1)) : v.constValue;
        return valueNode(v.name, v.type, { bytes }, access);
      }
      const expr = v.locationAt(pc);
      const obj = expr && objectAt(evaluate(expr, ctx), v.type.size, access);
      return valueNode(v.name, v.type, obj, access);
    } catch (e) {
      return { name: v.name, type: v.type.name, value: `<error: ${(e as Error).message}>`, childCount: 0, children: () => [] };
    }
  }
}

export { LineTable, samePath, type LineLocation } from './linetable';
export { FrameIndex, type Fde, type Cie } from './cfi';
export { unwindStepPrologue } from './prologue';
export { backtrace, unwindStepFp, rulesAt, type CallerFrame, type StackFrameInfo, type ReadReg, type ReadMem } from './unwind';
export type { FunctionInfo, Scope, VariableInfo } from './scopes';
export type { DType, Member } from './dtypes';
export type { ValueAccess, ValueNode, ObjectRef } from './values';
export { valueNode, valueText, objectAt } from './values';
export type { Location, ExprContext } from './expr';
export { evaluate } from './expr';
export { DwarfError } from './reader';
export type { LineProgram, LineRow, LineFile } from './line';

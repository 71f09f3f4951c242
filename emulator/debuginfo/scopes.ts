// Functions and variables from .debug_info: the function ranges of a program, and for a pc the
// function with its parameters and the locals of every lexical block that contains the pc
// (innermost first), plus file-scope globals. Concrete DIEs that only point at an abstract
// origin (inlined or out-of-line copies at -Og) borrow its name and type.

import { DW_AT, DW_TAG } from './consts';
import { type TypeTable, type DType } from './dtypes';
import { attrNumber, attrString, type Die, type Unit } from './info';
import { dieRanges, inRanges, locationAt, type PcRange } from './ranges';

export interface FunctionInfo {
  name: string;
  /** Lowest address and end of the highest range (for symbol-like display). */
  lo: number;
  hi: number;
  ranges: PcRange[];
  die: Die;
  declFile?: number;
  declLine?: number;
}

export interface VariableInfo {
  name: string;
  type: DType;
  isParam: boolean;
  die: Die;
  /** DWARF location expression valid at pc (undefined: optimised out at pc, or a constant). */
  locationAt(pc: number): Uint8Array | undefined;
  /** DW_AT_const_value, when the variable was folded to a constant. */
  constValue?: number | Uint8Array;
  declLine?: number;
}

export interface Scope {
  function: FunctionInfo;
  params: VariableInfo[];
  /** Innermost block first; a name may repeat when an inner block shadows an outer one. */
  locals: VariableInfo[];
}

/** The DIE a name/type comes from: the DIE itself or its abstract origin / specification. */
function origin(d: Die, dies: Map<number, Die>, at: number): Die {
  for (let cur: Die | undefined = d, n = 0; cur && n < 8; n++) {
    if (cur.attrs.has(at)) return cur;
    const ref: number | undefined = attrNumber(cur, DW_AT.abstract_origin) ?? attrNumber(cur, DW_AT.specification);
    cur = ref !== undefined ? dies.get(ref) : undefined;
  }
  return d;
}

export class ScopeIndex {
  /** Functions with code, sorted by lowest address. */
  readonly functions: FunctionInfo[] = [];

  constructor(private readonly units: readonly Unit[], private readonly dies: Map<number, Die>, private readonly types: TypeTable) {
    const walk = (d: Die): void => {
      if (d.tag === DW_TAG.subprogram) {
        const ranges = dieRanges(d);
        if (ranges.length) {
          const named = origin(d, dies, DW_AT.name);
          this.functions.push({
            name: attrString(named, DW_AT.name) ?? '<anonymous>', ranges, die: d,
            lo: Math.min(...ranges.map((r) => r.lo)), hi: Math.max(...ranges.map((r) => r.hi)),
            declFile: attrNumber(named, DW_AT.decl_file), declLine: attrNumber(named, DW_AT.decl_line),
          });
        }
      }
      for (const c of d.children) walk(c); // nested (GNU C) functions are subprograms inside subprograms
    };
    for (const u of units) walk(u.die);
    this.functions.sort((a, b) => a.lo - b.lo);
  }

  /** The function whose ranges contain pc. */
  functionAt(pc: number): FunctionInfo | undefined {
    let best: FunctionInfo | undefined;
    for (const f of this.functions) {
      if (f.lo > pc) break;
      // Nested functions (GNU C) are more specific than their container.
      if (inRanges(f.ranges, pc) && (!best || f.lo >= best.lo)) best = f;
    }
    return best;
  }

  functionByName(name: string): FunctionInfo | undefined {
    return this.functions.find((f) => f.name === name);
  }

  private variable(d: Die): VariableInfo {
    const named = origin(d, this.dies, DW_AT.name);
    const typed = origin(d, this.dies, DW_AT.type);
    const cv = d.attrs.get(DW_AT.const_value);
    return {
      name: attrString(named, DW_AT.name) ?? '', type: this.types.typeOf(typed),
      isParam: d.tag === DW_TAG.formal_parameter, die: d,
      locationAt: (pc) => locationAt(d, DW_AT.location, pc),
      constValue: typeof cv === 'number' || cv instanceof Uint8Array ? cv : undefined,
      declLine: attrNumber(named, DW_AT.decl_line),
    };
  }

  /** Function, parameters and visible locals at pc; undefined outside any function with debug info. */
  scopeAt(pc: number): Scope | undefined {
    const fn = this.functionAt(pc);
    if (!fn) return undefined;
    const params: VariableInfo[] = [];
    const blocks: VariableInfo[][] = [];
    const collect = (d: Die, depth: number): void => {
      const vars: VariableInfo[] = [];
      for (const c of d.children) {
        if (c.tag === DW_TAG.formal_parameter && depth === 0) params.push(this.variable(c));
        else if (c.tag === DW_TAG.variable) vars.push(this.variable(c));
        else if (c.tag === DW_TAG.lexical_block && inRanges(dieRanges(c), pc)) collect(c, depth + 1);
      }
      blocks.push(vars); // pushed after inner blocks: innermost first
    };
    collect(fn.die, 0);
    return { function: fn, params, locals: blocks.flat() };
  }

  /** Variables at file scope (and function-level statics, which live at fixed addresses too). */
  globals(): VariableInfo[] {
    const out: VariableInfo[] = [];
    for (const u of this.units) {
      for (const c of u.die.children) {
        if (c.tag !== DW_TAG.variable) continue;
        // A declaration without location (extern) may be completed by a later DIE with DW_AT_specification.
        if (!c.attrs.has(DW_AT.location) && !c.attrs.has(DW_AT.const_value)) continue;
        out.push(this.variable(c));
      }
    }
    return out;
  }

  /** The DW_AT_frame_base expression of a function at pc. */
  frameBaseAt(fn: FunctionInfo, pc: number): Uint8Array | undefined {
    return locationAt(fn.die, DW_AT.frame_base, pc);
  }
}

// .debug_info / .debug_abbrev: unit headers (DWARF 2–5, 32- and 64-bit), abbreviation tables and
// the tree of DIEs with their attributes decoded by form. The whole tree is read eagerly: a
// user program's own units are small, and static libc ships without debug info.

import { DW_AT, DW_FORM } from './consts';
import { type AttrValue, type DebugSections, type FormContext, readForm } from './forms';
import { ByteReader, DwarfError } from './reader';

export interface Die {
  /** Offset in .debug_info: what references (DW_AT_type …) point at. */
  offset: number;
  tag: number;
  attrs: Map<number, AttrValue>;
  /** Form each attribute was written with (high_pc as offset vs address, location list vs expression). */
  forms: Map<number, number>;
  children: Die[];
  parent?: Die;
  unit: Unit;
}

export interface Unit {
  offset: number;
  version: number;
  unitType: number;
  ctx: FormContext;
  /** The unit's root DIE (DW_TAG_compile_unit). */
  die: Die;
  /** DW_AT_low_pc of the unit: base address of its range and location lists. */
  baseAddress: number;
  compDir: string;
  name: string;
  rnglistsBase?: number;
  loclistsBase?: number;
}

interface AbbrevSpec { attr: number; form: number; implicitConst: number }
interface Abbrev { tag: number; hasChildren: boolean; specs: AbbrevSpec[] }

function parseAbbrevs(section: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new ByteReader(section, offset);
  const out = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) return out;
    const tag = r.uleb();
    const hasChildren = r.u8() !== 0;
    const specs: AbbrevSpec[] = [];
    for (;;) {
      const attr = r.uleb(), form = r.uleb();
      if (attr === 0 && form === 0) break;
      specs.push({ attr, form, implicitConst: form === DW_FORM.implicit_const ? r.sleb() : 0 });
    }
    out.set(code, { tag, hasChildren, specs });
  }
}

const DW_UT_compile = 1, DW_UT_type = 2, DW_UT_skeleton = 4, DW_UT_split_compile = 5, DW_UT_split_type = 6;

/** Parses every unit in .debug_info with its full DIE tree. */
export function parseUnits(sections: DebugSections): Unit[] {
  const info = sections.info;
  if (!info || !sections.abbrev) return [];
  const units: Unit[] = [];
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  const r = new ByteReader(info);
  while (!r.atEnd) {
    const offset = r.pos;
    const { end, is64 } = r.unitLength();
    const version = r.u16();
    if (version < 2 || version > 5) throw new DwarfError(`unsupported .debug_info version ${version} at 0x${offset.toString(16)}`);
    let unitType = DW_UT_compile, addrSize: number, abbrevOff: number;
    if (version >= 5) {
      unitType = r.u8(); addrSize = r.u8(); abbrevOff = r.offset(is64);
      if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8); // dwo_id
      else if (unitType === DW_UT_type || unitType === DW_UT_split_type) { r.skip(8); r.offset(is64); } // signature, type_offset
    } else {
      abbrevOff = r.offset(is64); addrSize = r.u8();
    }
    let abbrevs = abbrevCache.get(abbrevOff);
    if (!abbrevs) { abbrevs = parseAbbrevs(sections.abbrev, abbrevOff); abbrevCache.set(abbrevOff, abbrevs); }
    const ctx: FormContext = { sections, version, is64, addrSize, unitOffset: offset };
    const unit = { offset, version, unitType, ctx, baseAddress: 0, compDir: '', name: '' } as Unit;
    // The root DIE carries str_offsets_base/addr_base, which strx/addrx forms in the root itself
    // may need: read it once for the bases, then read the whole tree with them set.
    const rootPos = r.pos;
    const first = readDies(new ByteReader(info, rootPos, end), abbrevs, unit, true);
    if (first) {
      const b = first.attrs;
      ctx.strOffsetsBase = b.get(DW_AT.str_offsets_base) as number | undefined;
      ctx.addrBase = b.get(DW_AT.addr_base) as number | undefined;
    }
    const root = readDies(new ByteReader(info, rootPos, end), abbrevs, unit, false);
    if (root) {
      unit.die = root;
      unit.baseAddress = (root.attrs.get(DW_AT.low_pc) as number | undefined) ?? 0;
      unit.compDir = (root.attrs.get(DW_AT.comp_dir) as string | undefined) ?? '';
      unit.name = (root.attrs.get(DW_AT.name) as string | undefined) ?? '';
      unit.rnglistsBase = root.attrs.get(DW_AT.rnglists_base) as number | undefined;
      unit.loclistsBase = root.attrs.get(DW_AT.loclists_base) as number | undefined;
      units.push(unit);
    }
    r.pos = end;
  }
  return units;
}

/** Reads the DIE tree of one unit (or only its root DIE when `rootOnly`). */
function readDies(r: ByteReader, abbrevs: Map<number, Abbrev>, unit: Unit, rootOnly: boolean): Die | undefined {
  let root: Die | undefined;
  const stack: Die[] = [];
  while (!r.atEnd) {
    const offset = r.pos;
    const code = r.uleb();
    if (code === 0) { // end of a sibling chain
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const ab = abbrevs.get(code);
    if (!ab) throw new DwarfError(`unknown abbreviation ${code} at .debug_info+0x${offset.toString(16)}`);
    const die: Die = { offset, tag: ab.tag, attrs: new Map(), forms: new Map(), children: [], unit };
    for (const s of ab.specs) {
      die.attrs.set(s.attr, readForm(r, s.form, unit.ctx, s.implicitConst));
      die.forms.set(s.attr, s.form);
    }
    const parent = stack[stack.length - 1];
    if (parent) { die.parent = parent; parent.children.push(die); } else root = die;
    if (rootOnly) return root;
    if (ab.hasChildren) stack.push(die);
    else if (!parent) break; // a root without children
  }
  return root;
}

/** Every DIE by offset, across units (for resolving DW_AT_type and other references). */
export function indexDies(units: readonly Unit[]): Map<number, Die> {
  const out = new Map<number, Die>();
  const walk = (d: Die): void => { out.set(d.offset, d); for (const c of d.children) walk(c); };
  for (const u of units) walk(u.die);
  return out;
}

export function attrString(d: Die, at: number): string | undefined {
  const v = d.attrs.get(at);
  return typeof v === 'string' ? v : undefined;
}
export function attrNumber(d: Die, at: number): number | undefined {
  const v = d.attrs.get(at);
  return typeof v === 'number' ? v : undefined;
}

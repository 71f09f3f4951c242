// DWARF sections of an ELF file and attribute-value decoding by form (DWARF 5 section 7.5.6),
// shared by .debug_info DIEs and the DWARF 5 line-table entry formats. References are turned
// into absolute .debug_info offsets and string/address indexes (strx/addrx) are resolved, so
// callers only ever see numbers, strings and byte blocks.

import type { ElfFile } from '../elf/elf';
import { DW_FORM } from './consts';
import { ByteReader, DwarfError, stringAt } from './reader';

/** Raw bytes of the debug sections present in a file (absent ones are undefined). */
export interface DebugSections {
  info?: Uint8Array; abbrev?: Uint8Array; str?: Uint8Array; lineStr?: Uint8Array; line?: Uint8Array;
  rnglists?: Uint8Array; ranges?: Uint8Array; loclists?: Uint8Array; loc?: Uint8Array;
  addr?: Uint8Array; strOffsets?: Uint8Array; debugFrame?: Uint8Array;
  ehFrame?: Uint8Array; ehFrameAddr?: number;
}

const SHT_NOBITS = 8, SHF_COMPRESSED = 0x800;

export function debugSections(elf: ElfFile): DebugSections {
  const get = (name: string): Uint8Array | undefined => {
    const s = elf.sections.find((x) => x.name === name);
    if (!s || s.type === SHT_NOBITS || s.offset + s.size > elf.bytes.length) return undefined;
    // Compressed debug sections (-gz) would need zlib; the emulator core has no host zlib.
    if (s.flags & SHF_COMPRESSED) throw new DwarfError(`${name} is compressed (built with -gz); rebuild without it`);
    return elf.bytes.subarray(s.offset, s.offset + s.size);
  };
  const eh = elf.sections.find((x) => x.name === '.eh_frame');
  return {
    info: get('.debug_info'), abbrev: get('.debug_abbrev'), str: get('.debug_str'),
    lineStr: get('.debug_line_str'), line: get('.debug_line'), rnglists: get('.debug_rnglists'),
    ranges: get('.debug_ranges'), loclists: get('.debug_loclists'), loc: get('.debug_loc'),
    addr: get('.debug_addr'), strOffsets: get('.debug_str_offsets'), debugFrame: get('.debug_frame'),
    ehFrame: get('.eh_frame'), ehFrameAddr: eh?.addr,
  };
}

/** What a form needs to know about the unit it is read in. */
export interface FormContext {
  sections: DebugSections;
  version: number;
  is64: boolean;
  addrSize: number;
  /** .debug_info offset of the unit header (relative references are from here). */
  unitOffset: number;
  strOffsetsBase?: number;
  addrBase?: number;
}

export type AttrValue = number | string | Uint8Array | boolean;

/** DW_FORM_* values that are references to another DIE (their value is an absolute .debug_info offset). */
export function isRefForm(form: number): boolean {
  return form === DW_FORM.ref1 || form === DW_FORM.ref2 || form === DW_FORM.ref4 || form === DW_FORM.ref8
    || form === DW_FORM.ref_udata || form === DW_FORM.ref_addr;
}

/** Constant-class forms: DW_AT_high_pc in this class is an offset from low_pc (DWARF 4+). */
export function isConstantForm(form: number): boolean {
  return form === DW_FORM.data1 || form === DW_FORM.data2 || form === DW_FORM.data4 || form === DW_FORM.data8
    || form === DW_FORM.sdata || form === DW_FORM.udata || form === DW_FORM.implicit_const;
}

function strx(ctx: FormContext, idx: number): string {
  const off = ctx.is64 ? 8 : 4;
  const base = ctx.strOffsetsBase ?? 8;
  const r = new ByteReader(ctx.sections.strOffsets ?? new Uint8Array(0), base + idx * off);
  return stringAt(ctx.sections.str, r.offset(ctx.is64), '.debug_str');
}

export function addrx(ctx: FormContext, idx: number): number {
  const base = ctx.addrBase ?? 8;
  return new ByteReader(ctx.sections.addr ?? new Uint8Array(0), base + idx * ctx.addrSize).uN(ctx.addrSize);
}

export function readForm(r: ByteReader, form: number, ctx: FormContext, implicitConst = 0): AttrValue {
  const F = DW_FORM;
  switch (form) {
    case F.addr: return r.uN(ctx.addrSize);
    case F.data1: return r.u8();
    case F.data2: return r.u16();
    case F.data4: return r.u32();
    case F.data8: return r.u64();
    case F.data16: return r.block(16);
    case F.sdata: return r.sleb();
    case F.udata: return r.uleb();
    case F.implicit_const: return implicitConst;
    case F.flag: return r.u8() !== 0;
    case F.flag_present: return true;
    case F.string: return r.cstr();
    case F.strp: return stringAt(ctx.sections.str, r.offset(ctx.is64), '.debug_str');
    case F.line_strp: return stringAt(ctx.sections.lineStr, r.offset(ctx.is64), '.debug_line_str');
    case F.strx: case F.gnu_str_index: return strx(ctx, r.uleb());
    case F.strx1: return strx(ctx, r.u8());
    case F.strx2: return strx(ctx, r.u16());
    case F.strx3: return strx(ctx, r.u24());
    case F.strx4: return strx(ctx, r.u32());
    case F.addrx: case F.gnu_addr_index: return addrx(ctx, r.uleb());
    case F.addrx1: return addrx(ctx, r.u8());
    case F.addrx2: return addrx(ctx, r.u16());
    case F.addrx3: return addrx(ctx, r.u24());
    case F.addrx4: return addrx(ctx, r.u32());
    case F.ref1: return ctx.unitOffset + r.u8();
    case F.ref2: return ctx.unitOffset + r.u16();
    case F.ref4: return ctx.unitOffset + r.u32();
    case F.ref8: return ctx.unitOffset + r.u64();
    case F.ref_udata: return ctx.unitOffset + r.uleb();
    // DWARF 2 wrote ref_addr with the address size; later versions with the offset size.
    case F.ref_addr: return ctx.version <= 2 ? r.uN(ctx.addrSize) : r.offset(ctx.is64);
    case F.ref_sig8: return r.u64();
    case F.sec_offset: case F.strp_sup: case F.gnu_ref_alt: case F.gnu_strp_alt: return r.offset(ctx.is64);
    case F.ref_sup4: return r.u32();
    case F.ref_sup8: return r.u64();
    case F.loclistx: case F.rnglistx: return r.uleb();
    case F.exprloc: case F.block: return r.block(r.uleb());
    case F.block1: return r.block(r.u8());
    case F.block2: return r.block(r.u16());
    case F.block4: return r.block(r.u32());
    case F.indirect: return readForm(r, r.uleb(), ctx, implicitConst);
    default: throw new DwarfError(`unknown DW_FORM 0x${form.toString(16)}`);
  }
}

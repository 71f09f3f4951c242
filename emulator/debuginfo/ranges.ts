// Address ranges of DIEs (DW_AT_low_pc/high_pc or DW_AT_ranges via .debug_rnglists in DWARF 5 /
// .debug_ranges in DWARF 4) and location lists (.debug_loclists / .debug_loc): which expression
// describes a variable at a given pc. DWARF 5 sections 2.17 and 2.6.2.

import { DW_AT, DW_FORM, DW_LLE, DW_RLE } from './consts';
import { addrx, isConstantForm } from './forms';
import type { Die, Unit } from './info';
import { ALL_ONES_64, ByteReader } from './reader';

export interface PcRange { lo: number; hi: number }

/** The pc ranges a DIE covers (subprogram, lexical block, unit); [] when it has none. */
export function dieRanges(d: Die): PcRange[] {
  const low = d.attrs.get(DW_AT.low_pc);
  const high = d.attrs.get(DW_AT.high_pc);
  if (typeof low === 'number' && typeof high === 'number') {
    const hi = isConstantForm(d.forms.get(DW_AT.high_pc) ?? 0) ? low + high : high;
    return hi > low ? [{ lo: low, hi }] : [];
  }
  const ranges = d.attrs.get(DW_AT.ranges);
  if (typeof ranges !== 'number') return [];
  const u = d.unit;
  if (u.version >= 5) {
    // rnglistx is an index into the unit's offset table; sec_offset is a direct offset.
    const off = d.forms.get(DW_AT.ranges) === DW_FORM.rnglistx ? listIndex(u, u.ctx.sections.rnglists, u.rnglistsBase, ranges) : ranges;
    return rnglist(u, off);
  }
  return v4Ranges(u, ranges);
}

function listIndex(u: Unit, sec: Uint8Array | undefined, base: number | undefined, idx: number): number {
  const b = base ?? (u.ctx.is64 ? 20 : 12);
  const r = new ByteReader(sec ?? new Uint8Array(0), b + idx * (u.ctx.is64 ? 8 : 4));
  return b + r.offset(u.ctx.is64);
}

function rnglist(u: Unit, off: number): PcRange[] {
  const sec = u.ctx.sections.rnglists;
  if (!sec) return [];
  const r = new ByteReader(sec, off);
  const as = u.ctx.addrSize;
  let base = u.baseAddress;
  const out: PcRange[] = [];
  for (;;) {
    const kind = r.u8();
    switch (kind) {
      case DW_RLE.end_of_list: return out.filter((x) => x.hi > x.lo);
      case DW_RLE.base_addressx: base = addrx(u.ctx, r.uleb()); break;
      case DW_RLE.startx_endx: { const lo = addrx(u.ctx, r.uleb()); out.push({ lo, hi: addrx(u.ctx, r.uleb()) }); break; }
      case DW_RLE.startx_length: { const lo = addrx(u.ctx, r.uleb()); out.push({ lo, hi: lo + r.uleb() }); break; }
      case DW_RLE.offset_pair: { const a = r.uleb(); out.push({ lo: base + a, hi: base + r.uleb() }); break; }
      case DW_RLE.base_address: base = r.uN(as); break;
      case DW_RLE.start_end: { const lo = r.uN(as); out.push({ lo, hi: r.uN(as) }); break; }
      case DW_RLE.start_length: { const lo = r.uN(as); out.push({ lo, hi: lo + r.uleb() }); break; }
      default: return out;
    }
  }
}

function v4Ranges(u: Unit, off: number): PcRange[] {
  const sec = u.ctx.sections.ranges;
  if (!sec) return [];
  const r = new ByteReader(sec, off);
  const as = u.ctx.addrSize;
  const maxAddr = as === 8 ? ALL_ONES_64 : 0xffffffff;
  let base = u.baseAddress;
  const out: PcRange[] = [];
  while (!r.atEnd) {
    const a = r.uN(as), b = r.uN(as);
    if (a === 0 && b === 0) break;
    if (a >= maxAddr) { base = b; continue; } // base address selection entry
    if (b > a) out.push({ lo: base + a, hi: base + b });
  }
  return out;
}

export function inRanges(ranges: readonly PcRange[], pc: number): boolean {
  for (const x of ranges) if (pc >= x.lo && pc < x.hi) return true;
  return false;
}

/**
 * The location expression of an attribute (DW_AT_location, DW_AT_frame_base) valid at `pc`:
 * the expression itself, or the matching entry of its location list. undefined when the
 * variable has no location at pc (optimised out there).
 */
export function locationAt(d: Die, at: number, pc: number): Uint8Array | undefined {
  const v = d.attrs.get(at);
  if (v instanceof Uint8Array) return v;
  if (typeof v !== 'number') return undefined;
  const u = d.unit;
  const form = d.forms.get(at);
  if (u.version >= 5) {
    const off = form === DW_FORM.loclistx ? listIndex(u, u.ctx.sections.loclists, u.loclistsBase, v) : v;
    return loclist(u, off, pc);
  }
  return v4Loc(u, v, pc);
}

function loclist(u: Unit, off: number, pc: number): Uint8Array | undefined {
  const sec = u.ctx.sections.loclists;
  if (!sec) return undefined;
  const r = new ByteReader(sec, off);
  const as = u.ctx.addrSize;
  let base = u.baseAddress;
  let dflt: Uint8Array | undefined;
  const expr = (): Uint8Array => r.block(r.uleb());
  const hit = (lo: number, hi: number): Uint8Array | undefined => { const e = expr(); return pc >= lo && pc < hi ? e : undefined; };
  for (;;) {
    let found: Uint8Array | undefined;
    switch (r.u8()) {
      case DW_LLE.end_of_list: return dflt;
      case DW_LLE.base_addressx: base = addrx(u.ctx, r.uleb()); break;
      case DW_LLE.startx_endx: { const lo = addrx(u.ctx, r.uleb()); found = hit(lo, addrx(u.ctx, r.uleb())); break; }
      case DW_LLE.startx_length: { const lo = addrx(u.ctx, r.uleb()); found = hit(lo, lo + r.uleb()); break; }
      case DW_LLE.offset_pair: { const a = r.uleb(); found = hit(base + a, base + r.uleb()); break; }
      case DW_LLE.default_location: dflt = expr(); break;
      case DW_LLE.base_address: base = r.uN(as); break;
      case DW_LLE.start_end: { const lo = r.uN(as); found = hit(lo, r.uN(as)); break; }
      case DW_LLE.start_length: { const lo = r.uN(as); found = hit(lo, lo + r.uleb()); break; }
      default: return undefined;
    }
    if (found) return found;
  }
}

function v4Loc(u: Unit, off: number, pc: number): Uint8Array | undefined {
  const sec = u.ctx.sections.loc;
  if (!sec) return undefined;
  const r = new ByteReader(sec, off);
  const as = u.ctx.addrSize;
  const maxAddr = as === 8 ? ALL_ONES_64 : 0xffffffff;
  let base = u.baseAddress;
  while (!r.atEnd) {
    const a = r.uN(as), b = r.uN(as);
    if (a === 0 && b === 0) return undefined;
    if (a >= maxAddr) { base = b; continue; }
    const e = r.block(r.u16());
    if (pc >= base + a && pc < base + b) return e;
  }
  return undefined;
}

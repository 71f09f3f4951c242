// DWARF 5 debug information for assembled programs, so a debugger maps addresses to `.s` lines
// exactly as it does for GNU `as -g` output: a .debug_line program (DWARF 5 section 6.2; file
// and directory entries with inline DW_FORM_string paths) and a .debug_info compile unit that
// points at it (DW_AT_stmt_list) with the code range and DW_LANG_Mips_Assembler.

import type { ExtraSection } from './elf-writer';
import type { Assembly } from './index';

export interface DebugInfoOptions {
  /** Source file name recorded in the line table (default "input.s"). */
  file?: string;
  /** Directory of the source file (DW_AT_comp_dir; default ""). */
  compDir?: string;
}

const DW_LNS_copy = 1, DW_LNS_advance_pc = 2, DW_LNS_advance_line = 3;
const DW_LNE_end_sequence = 1, DW_LNE_set_address = 2;
const DW_FORM_addr = 0x01, DW_FORM_data2 = 0x05, DW_FORM_data8 = 0x07, DW_FORM_string = 0x08, DW_FORM_udata = 0x0f, DW_FORM_sec_offset = 0x17;
const DW_LNCT_path = 1, DW_LNCT_directory_index = 2;
const DW_TAG_compile_unit = 0x11;
const DW_AT_name = 0x03, DW_AT_stmt_list = 0x10, DW_AT_low_pc = 0x11, DW_AT_high_pc = 0x12, DW_AT_language = 0x13, DW_AT_comp_dir = 0x1b, DW_AT_producer = 0x25;
const DW_LANG_Mips_Assembler = 0x8001;

class Out {
  readonly b: number[] = [];
  u8(v: number) { this.b.push(v & 0xff); return this; }
  u16(v: number) { return this.u8(v).u8(v >> 8); }
  u32(v: number) { return this.u16(v & 0xffff).u16(v >>> 16); }
  u64(v: number) { return this.u32(v % 2 ** 32).u32(Math.floor(v / 2 ** 32)); }
  uleb(v: number) { do { let x = v % 128; v = Math.floor(v / 128); if (v) x |= 0x80; this.u8(x); } while (v); return this; }
  sleb(v: number) {
    for (;;) {
      const x = v & 0x7f; v >>= 7;
      if ((v === 0 && !(x & 0x40)) || (v === -1 && x & 0x40)) { this.u8(x); return this; }
      this.u8(x | 0x80);
    }
  }
  str(s: string) { for (const c of new TextEncoder().encode(s)) this.u8(c); return this.u8(0); }
  bytes(a: ArrayLike<number>) { for (let i = 0; i < a.length; i++) this.u8(a[i]); return this; }
  get length() { return this.b.length; }
  patch32(at: number, v: number) { for (let i = 0; i < 4; i++) this.b[at + i] = (v >>> (8 * i)) & 0xff; }
  done() { return Uint8Array.from(this.b); }
}

function lineProgram(asm: Assembly, file: string, compDir: string): Uint8Array {
  const o = new Out();
  o.u32(0); // unit_length, patched
  o.u16(5).u8(8).u8(0);
  const hdrLenAt = o.length;
  o.u32(0); // header_length, patched
  const hdrStart = o.length;
  o.u8(1).u8(1).u8(1).u8(-5 & 0xff).u8(14).u8(13);
  o.bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
  o.u8(1).uleb(DW_LNCT_path).uleb(DW_FORM_string);
  o.uleb(1).str(compDir);
  o.u8(2).uleb(DW_LNCT_path).uleb(DW_FORM_string).uleb(DW_LNCT_directory_index).uleb(DW_FORM_udata);
  // File 0 is the primary source file (DWARF 5); GNU as repeats it as file 1, which rows use.
  o.uleb(2).str(file).uleb(0).str(file).uleb(0);
  o.patch32(hdrLenAt, o.length - hdrStart);
  // One sequence per run of contiguous code; one row whenever the source line changes.
  let addr = -1, line = 1, end = -1;
  const endSeq = () => {
    if (end < 0) return;
    o.u8(DW_LNS_advance_pc).uleb(end - addr);
    o.u8(0).uleb(1).u8(DW_LNE_end_sequence);
    line = 1; end = -1;
  };
  let lastLine = -1;
  for (const r of asm.lines) {
    if (r.address !== end) {
      endSeq();
      o.u8(0).uleb(9).u8(DW_LNE_set_address).u64(r.address);
      addr = r.address; lastLine = -1;
    }
    if (r.line !== lastLine) {
      if (r.address !== addr) { o.u8(DW_LNS_advance_pc).uleb(r.address - addr); addr = r.address; }
      if (r.line !== line) { o.u8(DW_LNS_advance_line).sleb(r.line - line); line = r.line; }
      o.u8(DW_LNS_copy);
      lastLine = r.line;
    }
    end = r.address + r.size;
  }
  endSeq();
  o.patch32(0, o.length - 4);
  return o.done();
}

function compileUnit(asm: Assembly, file: string, compDir: string): { info: Uint8Array; abbrev: Uint8Array } {
  const lo = asm.lines.length ? asm.lines[0].address : 0;
  const last = asm.lines[asm.lines.length - 1];
  const hi = last ? last.address + last.size : 0;
  const ab = new Out();
  ab.uleb(1).uleb(DW_TAG_compile_unit).u8(0);
  for (const [at, form] of [[DW_AT_stmt_list, DW_FORM_sec_offset], [DW_AT_low_pc, DW_FORM_addr], [DW_AT_high_pc, DW_FORM_data8],
    [DW_AT_name, DW_FORM_string], [DW_AT_comp_dir, DW_FORM_string], [DW_AT_producer, DW_FORM_string], [DW_AT_language, DW_FORM_data2]]) ab.uleb(at).uleb(form);
  ab.uleb(0).uleb(0).uleb(0);
  const o = new Out();
  o.u32(0).u16(5).u8(1 /* DW_UT_compile */).u8(8).u32(0);
  o.uleb(1).u32(0).u64(lo).u64(hi - lo).str(file).str(compDir).str('tbscope assembler').u16(DW_LANG_Mips_Assembler);
  o.patch32(0, o.length - 4);
  return { info: o.done(), abbrev: ab.done() };
}

/** .debug_info/.debug_abbrev/.debug_line for the assembled program (none if it has no code). */
export function buildDebugLine(asm: Assembly, opts: DebugInfoOptions): ExtraSection[] {
  if (!asm.lines.length) return [];
  const file = opts.file ?? 'input.s', dir = opts.compDir ?? '';
  const { info, abbrev } = compileUnit(asm, file, dir);
  return [
    { name: '.debug_info', data: info },
    { name: '.debug_abbrev', data: abbrev },
    { name: '.debug_line', data: lineProgram(asm, file, dir) },
  ];
}

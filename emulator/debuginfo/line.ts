// .debug_line: line-number program headers (DWARF 2–5) and the line state machine (DWARF 5
// section 6.2), producing rows (address, file, line, column, is_stmt, end_sequence) and the
// file table with full paths. DWARF 5 file/directory entries are self-describing (entry
// formats + forms, strings in .debug_line_str or .debug_str); DWARF 4 uses fixed fields and
// numbers files from 1, with directory 0 meaning the unit's DW_AT_comp_dir.

import { DW_LNCT } from './consts';
import { type DebugSections, readForm } from './forms';
import { ByteReader, DwarfError } from './reader';

export interface LineFile {
  name: string;
  /** Directory as written in the table (may be relative to the compilation directory). */
  dir: string;
  /** dir + name joined, "./" removed: what a debugger maps to a local file. */
  path: string;
}

export interface LineRow {
  address: number;
  /** Index into LineProgram.files. */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
}

export interface LineProgram {
  /** Offset of the program in .debug_line (DW_AT_stmt_list of its unit). */
  offset: number;
  version: number;
  /** Indexed by the file numbers rows use (DWARF 4: entry 0 is unused). */
  files: (LineFile | undefined)[];
  rows: LineRow[];
}

/** POSIX join that drops "." components, so "./debuginfo/./x.c" reads "debuginfo/x.c". */
export function joinPath(...parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (!p) continue;
    out = p.startsWith('/') ? p : out && !out.endsWith('/') ? `${out}/${p}` : out + p;
  }
  const abs = out.startsWith('/');
  const segs = out.split('/').filter((s) => s && s !== '.');
  return (abs ? '/' : '') + segs.join('/');
}

interface Header {
  version: number; addrSize: number; is64: boolean; minInsnLen: number; maxOps: number;
  defaultIsStmt: boolean; lineBase: number; lineRange: number; opcodeBase: number;
  stdLengths: number[]; programStart: number; end: number; files: (LineFile | undefined)[];
}

function readV5Entries(r: ByteReader, sections: DebugSections, h: { version: number; is64: boolean; addrSize: number }): Map<number, unknown>[] {
  const fmtCount = r.u8();
  const fmt: [number, number][] = [];
  for (let i = 0; i < fmtCount; i++) fmt.push([r.uleb(), r.uleb()]);
  const count = r.uleb();
  const ctx = { sections, version: h.version, is64: h.is64, addrSize: h.addrSize, unitOffset: 0 };
  const out: Map<number, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const e = new Map<number, unknown>();
    for (const [type, form] of fmt) e.set(type, readForm(r, form, ctx));
    out.push(e);
  }
  return out;
}

function readHeader(sections: DebugSections, offset: number, compDir: string): Header {
  const r = new ByteReader(sections.line!, offset);
  const { end, is64 } = r.unitLength();
  const version = r.u16();
  if (version < 2 || version > 5) throw new DwarfError(`unsupported .debug_line version ${version}`);
  let addrSize = 8;
  if (version >= 5) { addrSize = r.u8(); r.u8(); /* segment selector size */ }
  const headerLength = r.offset(is64);
  const programStart = r.pos + headerLength;
  const minInsnLen = r.u8();
  const maxOps = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  const stdLengths = [0];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(r.u8());
  const files: (LineFile | undefined)[] = [];
  if (version >= 5) {
    const dirs = readV5Entries(r, sections, { version, is64, addrSize }).map((e) => String(e.get(DW_LNCT.path) ?? ''));
    // Directory 0 is the compilation directory itself; others may be relative to it.
    const dirPath = (i: number): string => (i === 0 ? dirs[0] ?? compDir : joinPath(dirs[0] ?? compDir, dirs[i] ?? ''));
    for (const e of readV5Entries(r, sections, { version, is64, addrSize })) {
      const name = String(e.get(DW_LNCT.path) ?? '');
      const di = Number(e.get(DW_LNCT.directory_index) ?? 0);
      files.push({ name, dir: dirs[di] ?? '', path: joinPath(dirPath(di), name) });
    }
  } else {
    const dirs = [compDir];
    for (let s = r.cstr(); s !== ''; s = r.cstr()) dirs.push(s);
    files.push(undefined); // DWARF 2–4 number files from 1
    for (let name = r.cstr(); name !== ''; name = r.cstr()) {
      const di = r.uleb(); r.uleb(); r.uleb(); // directory, mtime, length
      files.push({ name, dir: dirs[di] ?? '', path: joinPath(di === 0 ? compDir : joinPath(compDir, dirs[di] ?? ''), name) });
    }
  }
  if (lineRange === 0) throw new DwarfError('.debug_line header has line_range 0');
  return { version, addrSize, is64, minInsnLen, maxOps, defaultIsStmt, lineBase, lineRange, opcodeBase, stdLengths, programStart, end, files };
}

/** Decodes one line program. `compDir` is the unit's DW_AT_comp_dir (needed for DWARF 4 paths). */
export function parseLineProgram(sections: DebugSections, offset: number, compDir = ''): LineProgram {
  if (!sections.line) throw new DwarfError('no .debug_line section');
  const h = readHeader(sections, offset, compDir);
  const r = new ByteReader(sections.line, h.programStart, h.end);
  const rows: LineRow[] = [];
  const initFile = 1; // both DWARF 4 and 5 start the state machine at file 1
  let address = 0, opIndex = 0, file = initFile, line = 1, column = 0, isStmt = h.defaultIsStmt;
  const reset = (): void => { address = 0; opIndex = 0; file = initFile; line = 1; column = 0; isStmt = h.defaultIsStmt; };
  const emit = (endSequence: boolean): void => { rows.push({ address, file, line, column, isStmt, endSequence }); };
  // VLIW op_index is carried for completeness; RISC-V has max_ops_per_instruction = 1.
  const advance = (opAdvance: number): void => {
    if (h.maxOps <= 1) { address += h.minInsnLen * opAdvance; return; }
    address += h.minInsnLen * Math.floor((opIndex + opAdvance) / h.maxOps);
    opIndex = (opIndex + opAdvance) % h.maxOps;
  };
  while (!r.atEnd) {
    const op = r.u8();
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      advance(Math.floor(adj / h.lineRange));
      line += h.lineBase + (adj % h.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: { // extended opcode
        const len = r.uleb();
        const next = r.pos + len;
        const sub = len > 0 ? r.u8() : 0;
        if (sub === 1) { emit(true); reset(); } // DW_LNE_end_sequence
        else if (sub === 2) address = r.uN(len - 1); // DW_LNE_set_address
        else if (sub === 3) { // DW_LNE_define_file (DWARF ≤ 4)
          const name = r.cstr(); const di = r.uleb();
          h.files.push({ name, dir: '', path: joinPath(di === 0 ? compDir : '', name) });
        }
        r.pos = next; // also skips DW_LNE_set_discriminator and unknown extended opcodes
        break;
      }
      case 1: emit(false); break; // DW_LNS_copy
      case 2: advance(r.uleb()); break; // DW_LNS_advance_pc
      case 3: line += r.sleb(); break; // DW_LNS_advance_line
      case 4: file = r.uleb(); break; // DW_LNS_set_file
      case 5: column = r.uleb(); break; // DW_LNS_set_column
      case 6: isStmt = !isStmt; break; // DW_LNS_negate_stmt
      case 7: break; // DW_LNS_set_basic_block
      case 8: advance(Math.floor((255 - h.opcodeBase) / h.lineRange)); break; // DW_LNS_const_add_pc
      case 9: address += r.u16(); opIndex = 0; break; // DW_LNS_fixed_advance_pc
      case 10: case 11: break; // prologue_end, epilogue_begin
      case 12: r.uleb(); break; // DW_LNS_set_isa
      default: for (let i = 0; i < h.stdLengths[op]; i++) r.uleb(); // unknown standard opcode: skip its operands
    }
  }
  return { offset, version: h.version, files: h.files, rows };
}

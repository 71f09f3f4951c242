// ELF64 little-endian parser for RISC-V executables: file header, program headers, section
// headers and symbol tables. Shared by the Linux loader, the disassembler (`<sym+off>`), the
// `-d in_asm` "IN: sym" lines and the debugger. Bad input is rejected with one ElfError whose
// message is a single line a CLI can print as is.

import { SymbolTable, type ElfSymbol } from './symbols';

export class ElfError extends Error {
  constructor(message: string) { super(message); this.name = 'ElfError'; }
}

export const ET_EXEC = 2, ET_DYN = 3;
export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8, SHT_DYNSYM = 11;
export const EM_RISCV = 243;

export interface ElfHeader {
  type: number; machine: number; entry: number; phoff: number; shoff: number; flags: number;
  phentsize: number; phnum: number; shentsize: number; shnum: number; shstrndx: number;
}
export interface ProgramHeader {
  type: number; flags: number; offset: number; vaddr: number; paddr: number;
  filesz: number; memsz: number; align: number;
}
export interface SectionHeader {
  name: string; type: number; flags: number; addr: number; offset: number; size: number;
  link: number; info: number; addralign: number; entsize: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  header: ElfHeader;
  phdrs: ProgramHeader[];
  sections: SectionHeader[];
  /** PT_INTERP path (e.g. /lib/ld-linux-riscv64-lp64d.so.1), or undefined for static programs. */
  interp?: string;
  /** Functions and objects from .symtab (or .dynsym when stripped), at their link addresses. */
  symbols: SymbolTable;
}

/** Names of machines a user is likely to feed us by mistake, for the "is for X, not RISC-V" error. */
const MACHINE_NAMES: Record<number, string> = {
  3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 's390', 40: 'ARM', 42: 'SuperH',
  43: 'SPARC V9', 62: 'x86-64', 183: 'AArch64', 247: 'BPF', 258: 'LoongArch',
};

// 64-bit fields are read as two 32-bit halves: every offset and address we accept is < 2^53.
function u64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

/** Parses and validates an ELF image. `name` is only used in error messages. */
export function parseElf(bytes: Uint8Array, name = 'file'): ElfFile {
  const need = (len: number, what: string): void => {
    if (len > bytes.length) throw new ElfError(`${name}: truncated ELF file (${what} extends past end of file)`);
  };
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError(`${name}: not an ELF file`);
  }
  if (bytes.length < 16) throw new ElfError(`${name}: truncated ELF file (incomplete identification)`);
  if (bytes[4] === 1) {
    throw new ElfError(`${name}: is a 32-bit ELF file, not 64-bit RISC-V (RV64)`);
  }
  if (bytes[4] !== 2) throw new ElfError(`${name}: invalid ELF class ${bytes[4]}`);
  if (bytes[5] === 2) throw new ElfError(`${name}: is a big-endian ELF file, not little-endian RISC-V`);
  if (bytes[5] !== 1) throw new ElfError(`${name}: invalid ELF data encoding ${bytes[5]}`);
  need(64, 'ELF header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: ElfHeader = {
    type: dv.getUint16(16, true), machine: dv.getUint16(18, true), entry: u64(dv, 24),
    phoff: u64(dv, 32), shoff: u64(dv, 40), flags: dv.getUint32(48, true),
    phentsize: dv.getUint16(54, true), phnum: dv.getUint16(56, true),
    shentsize: dv.getUint16(58, true), shnum: dv.getUint16(60, true), shstrndx: dv.getUint16(62, true),
  };
  if (header.machine !== EM_RISCV) {
    const m = MACHINE_NAMES[header.machine] ?? `machine ${header.machine}`;
    throw new ElfError(`${name}: is for ${m}, not RISC-V`);
  }
  if (header.type !== ET_EXEC && header.type !== ET_DYN) {
    const t = header.type === 1 ? 'a relocatable object file' : header.type === 4 ? 'a core file' : `ELF type ${header.type}`;
    throw new ElfError(`${name}: not an executable (${t})`);
  }
  const phdrs = parsePhdrs(dv, header, name, need);
  const sections = parseSections(bytes, dv, header);
  const interpPh = phdrs.find((p) => p.type === PT_INTERP);
  let interp: string | undefined;
  if (interpPh) {
    need(interpPh.offset + interpPh.filesz, 'PT_INTERP');
    interp = cString(bytes, interpPh.offset, interpPh.filesz);
  }
  for (const p of phdrs) if (p.type === PT_LOAD) need(p.offset + p.filesz, 'a loadable segment');
  return { bytes, header, phdrs, sections, interp, symbols: new SymbolTable(readSymbols(bytes, dv, sections)) };
}

function parsePhdrs(dv: DataView, h: ElfHeader, name: string, need: (n: number, w: string) => void): ProgramHeader[] {
  if (h.phnum === 0) throw new ElfError(`${name}: not an executable (no program headers)`);
  if (h.phentsize < 56) throw new ElfError(`${name}: invalid program header size ${h.phentsize}`);
  need(h.phoff + h.phnum * h.phentsize, 'program headers');
  const out: ProgramHeader[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const o = h.phoff + i * h.phentsize;
    out.push({
      type: dv.getUint32(o, true), flags: dv.getUint32(o + 4, true), offset: u64(dv, o + 8),
      vaddr: u64(dv, o + 16), paddr: u64(dv, o + 24), filesz: u64(dv, o + 32), memsz: u64(dv, o + 40),
      align: u64(dv, o + 48),
    });
  }
  return out;
}

// Section headers are optional for running a program (stripped or sstripped files), so damaged
// section tables are ignored rather than fatal: the program still runs, just without symbols.
function parseSections(bytes: Uint8Array, dv: DataView, h: ElfHeader): SectionHeader[] {
  if (h.shnum === 0 || h.shentsize < 64 || h.shoff + h.shnum * h.shentsize > bytes.length) return [];
  const raw: (Omit<SectionHeader, 'name'> & { nameOff: number })[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const o = h.shoff + i * h.shentsize;
    raw.push({
      nameOff: dv.getUint32(o, true), type: dv.getUint32(o + 4, true), flags: u64(dv, o + 8),
      addr: u64(dv, o + 16), offset: u64(dv, o + 24), size: u64(dv, o + 32),
      link: dv.getUint32(o + 40, true), info: dv.getUint32(o + 44, true),
      addralign: u64(dv, o + 48), entsize: u64(dv, o + 56),
    });
  }
  const strtab = raw[h.shstrndx];
  return raw.map(({ nameOff, ...s }) => ({
    ...s,
    name: strtab && strtab.offset + nameOff < bytes.length ? cString(bytes, strtab.offset + nameOff, strtab.size - nameOff) : '',
  }));
}

const STT_OBJECT = 1, STT_FUNC = 2, STT_NOTYPE = 0;

function readSymbols(bytes: Uint8Array, dv: DataView, sections: SectionHeader[]): ElfSymbol[] {
  // Prefer the full .symtab; fall back to .dynsym for stripped dynamic objects.
  const tab = sections.find((s) => s.type === SHT_SYMTAB) ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (!tab || tab.entsize < 24 || tab.offset + tab.size > bytes.length) return [];
  const str = sections[tab.link];
  if (!str || str.offset + str.size > bytes.length) return [];
  const out: ElfSymbol[] = [];
  for (let o = tab.offset; o + 24 <= tab.offset + tab.size; o += tab.entsize) {
    const info = bytes[o + 4];
    const type = info & 0xf;
    const shndx = dv.getUint16(o + 6, true);
    const value = u64(dv, o + 8);
    // Undefined symbols and section/file symbols carry no address worth naming. NOTYPE
    // symbols are kept when they have a name in a real section (hand-written assembly labels).
    if (shndx === 0 || (type !== STT_FUNC && type !== STT_OBJECT && type !== STT_NOTYPE)) continue;
    const nameOff = dv.getUint32(o, true);
    const name = nameOff < str.size ? cString(bytes, str.offset + nameOff, str.size - nameOff) : '';
    if (!name || name.startsWith('$') || (type === STT_NOTYPE && name.startsWith('.L'))) continue;
    out.push({
      name, value, size: u64(dv, o + 16),
      type: type === STT_FUNC ? 'func' : type === STT_OBJECT ? 'object' : 'notype',
      bind: info >> 4 === 0 ? 'local' : info >> 4 === 2 ? 'weak' : 'global',
    });
  }
  return out;
}

function cString(bytes: Uint8Array, off: number, max: number): string {
  let end = off;
  const lim = Math.min(bytes.length, off + max);
  while (end < lim && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(off, end));
}

/** Lowest and highest (exclusive) addresses covered by PT_LOAD segments, at link addresses. */
export function loadExtent(elf: ElfFile, name = 'file'): { lo: number; hi: number } {
  let lo = Infinity, hi = 0;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD) continue;
    lo = Math.min(lo, p.vaddr);
    hi = Math.max(hi, p.vaddr + p.memsz);
  }
  if (lo === Infinity) throw new ElfError(`${name}: not an executable (no loadable segments)`);
  return { lo, hi };
}

// Writes the assembled program as a static RV64 ELF executable, the way `ld -static` lays it
// out: one R+X LOAD segment from the page holding the ELF header through .text/.rodata, one RW
// LOAD segment for .data/.bss (file offsets congruent to addresses modulo the 4 KiB page),
// section headers, a symbol table and any extra non-allocated sections (DWARF).

import type { OutputSection, Placement } from './layout';
import type { AsmSymbol } from './model';

const PAGE = 0x1000;
const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const SHN_ABS = 0xfff1;
const EF_RISCV_RVC = 1, EF_RISCV_FLOAT_ABI_DOUBLE = 4;

export interface ExtraSection { name: string; data: Uint8Array }

class StrTab {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    if (!s) return 0;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const b = new TextEncoder().encode(s + '\0');
    const at = this.size;
    this.parts.push(b); this.size += b.length; this.seen.set(s, at);
    return at;
  }
  bytes(): Uint8Array { const out = new Uint8Array(this.size); let o = 0; for (const p of this.parts) { out.set(p, o); o += p.length; } return out; }
}

export function writeElf(p: Placement, bytes: Map<string, Uint8Array>, symbols: AsmSymbol[], entry: number, extra: ExtraSection[] = []): Uint8Array {
  const secs = p.sections;
  const hasData = secs.some((s) => s.kind === 'data' || s.kind === 'bss');
  const phnum = hasData ? 2 : 1;
  const segBase = Math.floor(p.textStart / PAGE) * PAGE - PAGE;
  // File offsets: address - segBase for the R+X segment; the RW segment keeps addr ≡ offset (mod page).
  const textEndOff = p.textEnd - segBase;
  const dataOff = hasData ? textEndOff + ((p.dataStart - p.textEnd) % PAGE) : textEndOff;
  const offOf = (s: OutputSection) => (s.kind === 'text' || s.kind === 'rodata' ? s.addr - segBase : dataOff + (s.addr - p.dataStart));
  let fileEnd = hasData ? dataOff + (p.dataEnd - p.dataStart) : textEndOff;

  const shstr = new StrTab();
  const strtab = new StrTab();
  interface Sh { name: number; type: number; flags: number; addr: number; off: number; size: number; link: number; info: number; align: number; entsize: number; data?: Uint8Array }
  const shdrs: Sh[] = [{ name: 0, type: 0, flags: 0, addr: 0, off: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 }];
  const shIndex = new Map<string, number>();
  for (const s of secs) {
    for (const i of s.inputs) shIndex.set(i.name, shdrs.length);
    const flags = SHF_ALLOC | (s.kind === 'text' ? SHF_EXECINSTR : 0) | (s.kind === 'data' || s.kind === 'bss' ? SHF_WRITE : 0);
    shdrs.push({ name: shstr.add(s.name), type: s.kind === 'bss' ? SHT_NOBITS : SHT_PROGBITS, flags, addr: s.addr, off: offOf(s), size: s.size, link: 0, info: 0, align: 2 ** s.align, entsize: 0, data: s.kind === 'bss' ? undefined : bytes.get(s.name) });
  }
  for (const x of extra) {
    shdrs.push({ name: shstr.add(x.name), type: SHT_PROGBITS, flags: 0, addr: 0, off: fileEnd, size: x.data.length, link: 0, info: 0, align: 1, entsize: 0, data: x.data });
    fileEnd += x.data.length;
  }
  // Symbol table: null, locals, then globals (ELF requires locals first; info = first global).
  const syms = symbols.filter((s) => s.def && s.address !== undefined && s.kind !== 'local');
  const ordered = [...syms.filter((s) => !s.global), ...syms.filter((s) => s.global)];
  const symtab = new Uint8Array(24 * (ordered.length + 1));
  const sv = new DataView(symtab.buffer);
  ordered.forEach((s, k) => {
    const o = 24 * (k + 1);
    const type = s.type === 'function' ? 2 : s.type === 'object' ? 1 : 0;
    sv.setUint32(o, strtab.add(s.name), true);
    sv.setUint8(o + 4, ((s.global ? 1 : 0) << 4) | type);
    sv.setUint16(o + 6, s.kind === 'equ' && !s.sec ? SHN_ABS : shIndex.get(s.sec ?? '') ?? SHN_ABS, true);
    sv.setBigUint64(o + 8, BigInt.asUintN(64, s.address!), true);
  });
  fileEnd = (fileEnd + 7) & ~7;
  const symIdx = shdrs.length;
  shdrs.push({ name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, addr: 0, off: fileEnd, size: symtab.length, link: symIdx + 1, info: 1 + ordered.filter((s) => !s.global).length, align: 8, entsize: 24, data: symtab });
  fileEnd += symtab.length;
  const strBytes = strtab.bytes();
  shdrs.push({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, addr: 0, off: fileEnd, size: strBytes.length, link: 0, info: 0, align: 1, entsize: 0, data: strBytes });
  fileEnd += strBytes.length;
  const shstrIdx = shdrs.length;
  const shName = shstr.add('.shstrtab');
  const shstrBytes = shstr.bytes();
  shdrs.push({ name: shName, type: SHT_STRTAB, flags: 0, addr: 0, off: fileEnd, size: shstrBytes.length, link: 0, info: 0, align: 1, entsize: 0, data: shstrBytes });
  fileEnd += shstrBytes.length;
  const shoff = (fileEnd + 7) & ~7;
  const total = shoff + 64 * shdrs.length;

  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 243, true); // EM_RISCV
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, 64n, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint32(48, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE, true);
  v.setUint16(52, 64, true); v.setUint16(54, 56, true); v.setUint16(56, phnum, true);
  v.setUint16(58, 64, true); v.setUint16(60, shdrs.length, true); v.setUint16(62, shstrIdx, true);
  const phdr = (k: number, flags: number, off: number, addr: number, filesz: number, memsz: number) => {
    const o = 64 + 56 * k;
    v.setUint32(o, 1, true); v.setUint32(o + 4, flags, true);
    v.setBigUint64(o + 8, BigInt(off), true); v.setBigUint64(o + 16, BigInt(addr), true); v.setBigUint64(o + 24, BigInt(addr), true);
    v.setBigUint64(o + 32, BigInt(filesz), true); v.setBigUint64(o + 40, BigInt(memsz), true); v.setBigUint64(o + 48, BigInt(PAGE), true);
  };
  phdr(0, 5, 0, segBase, textEndOff, textEndOff);
  if (hasData) phdr(1, 6, dataOff, p.dataStart, p.dataEnd - p.dataStart, p.bssEnd - p.dataStart);
  shdrs.forEach((s, k) => {
    if (s.data && s.type !== SHT_NOBITS) out.set(s.data, s.off);
    const o = shoff + 64 * k;
    v.setUint32(o, s.name, true); v.setUint32(o + 4, s.type, true); v.setBigUint64(o + 8, BigInt(s.flags), true);
    v.setBigUint64(o + 16, BigInt(s.addr), true); v.setBigUint64(o + 24, BigInt(s.off), true); v.setBigUint64(o + 32, BigInt(s.size), true);
    v.setUint32(o + 40, s.link, true); v.setUint32(o + 44, s.info, true); v.setBigUint64(o + 48, BigInt(s.align), true); v.setBigUint64(o + 56, BigInt(s.entsize), true);
  });
  return out;
}

// QEMU's symbol lookup for its log lines ("IN: sym", "Trace …] sym"), reproduced exactly so a
// tbscope log names the same function a qemu-riscv64 log does, aliases included. QEMU 7.2
// (linux-user/elfload.c load_symbols / disas.c lookup_symbol) keeps only defined STT_FUNC
// entries of .symtab, compacting the array by moving the last entry into each removed slot,
// sorts them by address with glibc's (stable, merge) qsort, and finds an address with glibc's
// bsearch over [st_value, st_value + st_size). Among aliases of one function the winner is
// whatever that sequence lands on, so the sequence itself is what is reproduced here.

import type { ElfFile } from '../emulator/elf/elf';

interface RawSym { name: string; value: number; size: number }

const SHT_SYMTAB = 2, STT_FUNC = 2, SHN_UNDEF = 0, SHN_LORESERVE = 0xff00;

function cString(bytes: Uint8Array, off: number): string {
  let end = off;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder('latin1').decode(bytes.subarray(off, end));
}

/** QEMU's per-object symbol array for an ELF loaded at `bias`, in QEMU's order. */
function qemuSymbols(elf: ElfFile, bias: number): RawSym[] {
  const tab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  if (!tab || tab.entsize < 24) return [];
  const str = elf.sections[tab.link];
  const b = elf.bytes;
  if (!str || tab.offset + tab.size > b.length || str.offset + str.size > b.length) return [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const raw: { nameOff: number; info: number; shndx: number; value: number; size: number }[] = [];
  for (let o = tab.offset; o + 24 <= tab.offset + tab.size; o += tab.entsize) {
    raw.push({
      nameOff: dv.getUint32(o, true), info: b[o + 4], shndx: dv.getUint16(o + 6, true),
      value: dv.getUint32(o + 12, true) * 4294967296 + dv.getUint32(o + 8, true),
      size: dv.getUint32(o + 20, true) * 4294967296 + dv.getUint32(o + 16, true),
    });
  }
  // load_symbols' compaction: a dropped entry is replaced by the last one, which is then re-examined.
  let n = raw.length;
  for (let i = 0; i < n;) {
    const s = raw[i];
    if (s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE || (s.info & 0xf) !== STT_FUNC) {
      if (i < --n) raw[i] = raw[n];
    } else i++;
  }
  // Array.prototype.sort is stable, like glibc's merge-sort qsort for arrays this size.
  return raw.slice(0, n)
    .map((s) => ({ name: cString(b, str.offset + s.nameOff), value: s.value + bias, size: s.size }))
    .sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}

/** glibc bsearch with QEMU's symfind comparator. */
function bsearch(syms: RawSym[], addr: number): RawSym | undefined {
  let l = 0, u = syms.length;
  while (l < u) {
    const idx = (l + u) >> 1;
    const s = syms[idx];
    if (addr < s.value) u = idx;
    else if (addr >= s.value + s.size) l = idx + 1;
    else return s;
  }
  return undefined;
}

/**
 * A pc → name function over the loaded objects (program and, for dynamic programs, the
 * interpreter, which QEMU loads last and so searches first). '' when nothing matches, as QEMU.
 */
export function qemuSymbolLookup(objects: readonly { elf: ElfFile; bias: number }[]): (pc: number) => string {
  // Built at the first lookup: most runs never ask (this costs ~8 ms for a static glibc program).
  let lists: RawSym[][] | undefined;
  return (pc) => {
    lists ??= objects.map((o) => qemuSymbols(o.elf, o.bias)).reverse();
    for (const l of lists) {
      const s = bsearch(l, pc);
      if (s) return s.name;
    }
    return '';
  };
}

// The guest address space: sparse 4 KiB pages with r/w/x permissions. Besides the public
// GuestMemory API (loader, syscalls, debugger, plugins; throws GuestFault), it exposes the
// structures the generated code uses directly: two flat page tables `R` and `W` that hold the
// page's DataView (or null) for two 4 GiB windows: addresses below 4 GiB (a static program, its
// data and brk heap) at index `lo >>> 12`, and the 4 GiB from 2^38 (QEMU's TASK_UNMAPPED_BASE,
// where the stack, a PIE, the dynamic linker and mmaps go, see linux/layout.ts) at index
// `(lo >>> 12) | 2^20`: high word 64, so generated code indexes `(lo >>> 12) | (hi << 14)` once
// it has checked `(hi & ~64) === 0`. A page holding
// translated code is left out of `W` (QEMU's TLB_NOTDIRTY idea), so a store to it misses the
// fast path, lands in `st()` and invalidates the TBs on it (self-modifying code). Accesses
// the fast path cannot do (higher addresses, page-crossing, faults) go through `ld()`/`st()`,
// which report a fault as a value (`flt`, `faultAddr`) instead of throwing.

import { GuestFault, GuestMemory, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from './types';

/** Pages per fast-path window (4 GiB / 4 KiB). */
const WINDOW_PAGES = 1 << 20;
/** High address word of the second fast-path window (2^38 = TASK_UNMAPPED_BASE). */
export const HIGH_WINDOW_HI = 64;
/** First page number of the second window. */
const HIGH_WINDOW_PAGE = HIGH_WINDOW_HI * WINDOW_PAGES;
/** Highest usable user address + 1 (sv48-style user space); keeps every address exact in a double. */
export const ADDR_LIMIT = 2 ** 47;
const TWO32 = 4294967296;

interface Page {
  data: Uint8Array;
  view: DataView;
  prot: number;
  /** Translated code was made from this page (it is then kept out of the W table). */
  code: boolean;
}

/** A run of mapped pages with one protection, by page number: [start, end). */
interface Area { start: number; end: number; prot: number }

export class Memory implements GuestMemory {
  /** Readable pages of the two windows, by table index (tableIndex): the fast path of generated loads. */
  readonly R: (DataView | null)[] = new Array<DataView | null>(2 * WINDOW_PAGES).fill(null);
  /** Writable pages of the two windows that hold no translated code: the fast path of generated stores. */
  readonly W: (DataView | null)[] = new Array<DataView | null>(2 * WINDOW_PAGES).fill(null);
  /** Set by ld()/st() for the generated code: whether the access faulted, and where. */
  flt = false;
  faultAddr = 0;
  /** High 32 bits of the last 8-byte ld(). */
  rhi = 0;
  /**
   * Called when a page marked as holding code is written, unmapped, replaced or loses exec:
   * the translator invalidates that page's TBs and calls clearCode(). Set by the TB cache.
   */
  onCodeWrite?: (pageNo: number) => void;

  /**
   * What is mapped: sorted, non-overlapping runs, neighbours with equal protection merged (as
   * Linux merges VMAs). Mapping only reserves: a page gets its bytes (`pages`) when first
   * touched, so a 4 GiB mmap or a 16 GiB bss costs nothing until used, and n mmaps cost
   * O(n log n) rather than a scan of every page each.
   */
  private areas: Area[] = [];
  /** Pages that have been touched (committed): their bytes, protection and code mark. */
  private readonly pages = new Map<number, Page>();

  // ---- mapping --------------------------------------------------------------------------

  map(addr: number, len: number, prot: number): void {
    const [first, end] = pageSpan(addr, len);
    if (end <= first) return;
    this.dropPages(first, end);
    this.setAreas(first, end, prot);
  }

  unmap(addr: number, len: number): void {
    const [first, end] = pageSpan(addr, len);
    if (end <= first) return;
    this.dropPages(first, end);
    this.setAreas(first, end, -1);
  }

  protect(addr: number, len: number, prot: number): boolean {
    const [first, end] = pageSpan(addr, len);
    if (!this.covered(first, end)) return false;
    this.setAreas(first, end, prot);
    this.eachPage(first, end, (pn, p) => {
      if (p.code && !(prot & PROT_EXEC)) this.codeChanged(pn);
      p.prot = prot;
      this.syncTables(pn);
    });
    return true;
  }

  isMapped(addr: number, len: number): boolean {
    const [first, end] = pageSpan(addr, Math.max(len, 1));
    return this.covered(first, end);
  }

  /** Protection bits of the page holding addr, or -1 when unmapped. */
  protAt(addr: number): number {
    const i = this.areaIndex(Math.floor(addr / PAGE_SIZE));
    return i < 0 ? -1 : this.areas[i].prot;
  }

  findFree(len: number, hint: number): number {
    const need = Math.ceil(len / PAGE_SIZE);
    let start = Math.ceil(Math.max(hint, PAGE_SIZE) / PAGE_SIZE);
    for (let i = this.firstEndingAfter(start); i < this.areas.length; i++) {
      const a = this.areas[i];
      if (a.start - start >= need) break;
      start = Math.max(start, a.end);
    }
    return (start + need) * PAGE_SIZE <= ADDR_LIMIT ? start * PAGE_SIZE : -1;
  }

  regions(): { start: number; end: number; prot: number }[] {
    return this.areas.map((a) => ({ start: a.start * PAGE_SIZE, end: a.end * PAGE_SIZE, prot: a.prot }));
  }

  // ---- code-page marks (used by the TB cache) ------------------------------------------------

  /** Marks a page as holding translated code, so that writes to it leave the fast path. */
  markCode(pageNo: number): void {
    const p = this.page(pageNo);
    if (!p || p.code) return;
    p.code = true;
    const t = tableIndex(pageNo);
    if (t >= 0) this.W[t] = null;
  }

  /** The page's TBs are gone: stores may take the fast path again. */
  clearCode(pageNo: number): void {
    const p = this.pages.get(pageNo);
    if (!p || !p.code) return;
    p.code = false;
    this.syncTables(pageNo);
  }

  isCodePage(pageNo: number): boolean {
    return this.pages.get(pageNo)?.code ?? false;
  }

  // ---- instruction fetch (translator) ------------------------------------------------------

  /** 16-bit instruction parcel at addr, or -1 if the page is unmapped or not executable. */
  fetch16(addr: number): number {
    if (addr % 2 !== 0 || addr < 0 || addr >= ADDR_LIMIT) return -1;
    const p = this.page(Math.floor(addr / PAGE_SIZE));
    if (!p || !(p.prot & PROT_EXEC)) return -1;
    return p.view.getUint16(addr % PAGE_SIZE, true);
  }

  // ---- slow path for generated code: faults are values --------------------------------------

  /**
   * Loads `size` (1, 2, 4, 8) bytes at (hi:lo). Returns the value zero-extended for sizes 1 and 2,
   * the low word (int32) for 4 and 8 (high word in `rhi`). Sets `flt`/`faultAddr` on a fault.
   */
  ld(lo: number, hi: number, size: number): number {
    this.flt = false;
    const addr = toAddr(lo, hi);
    const off = addr % PAGE_SIZE;
    if (off + size <= PAGE_SIZE) {
      const p = addr < ADDR_LIMIT ? this.page(Math.floor(addr / PAGE_SIZE)) : undefined;
      if (p === undefined || !(p.prot & PROT_READ)) return this.fault(addr, size);
      const v = p.view;
      switch (size) {
        case 1: return v.getUint8(off);
        case 2: return v.getUint16(off, true);
        case 4: return v.getInt32(off, true);
        default: this.rhi = v.getInt32(off + 4, true); return v.getInt32(off, true);
      }
    }
    // Crosses a page boundary (misaligned): byte by byte, after checking both pages.
    if (!this.accessible(addr, size, PROT_READ)) return this.fault(addr, size);
    let lo32 = 0, hi32 = 0;
    for (let i = 0; i < size; i++) {
      const b = this.byteAt(addr + i);
      if (i < 4) lo32 |= b << (8 * i); else hi32 |= b << (8 * (i - 4));
    }
    this.rhi = hi32;
    return size === 4 || size === 8 ? lo32 | 0 : lo32;
  }

  /** Stores `size` bytes of (vhi:vlo) at (hi:lo). Returns 0 done, 1 fault (nothing written), 2 done but translated code was hit. */
  st(lo: number, hi: number, size: number, vlo: number, vhi: number): number {
    const addr = toAddr(lo, hi);
    if (!this.accessible(addr, size, PROT_WRITE)) { this.fault(addr, size); this.flt = true; return 1; }
    const hit = this.touchCode(addr, size);
    const off = addr % PAGE_SIZE;
    if (off + size <= PAGE_SIZE) {
      const v = this.page(Math.floor(addr / PAGE_SIZE))!.view;
      switch (size) {
        case 1: v.setUint8(off, vlo & 0xff); break;
        case 2: v.setUint16(off, vlo & 0xffff, true); break;
        case 4: v.setInt32(off, vlo, true); break;
        default: v.setInt32(off, vlo, true); v.setInt32(off + 4, vhi, true);
      }
    } else {
      for (let i = 0; i < size; i++) this.setByte(addr + i, i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4)));
    }
    return hit ? 2 : 0;
  }

  private fault(addr: number, size: number): number {
    this.flt = true;
    // Linux reports the first inaccessible byte; for a page-crossing access that can be the second page.
    let a = addr;
    for (let i = 0; i < size; i++) if (this.protAt(addr + i) < 0) { a = addr + i; break; }
    this.faultAddr = a;
    return 0;
  }

  // ---- public slow API (throws GuestFault) ---------------------------------------------------

  read(addr: number, len: number, force = false): Uint8Array {
    if (len > 0 && !force && !this.accessible(addr, len, PROT_READ)) throw new GuestFault(this.firstBad(addr, len, PROT_READ), false);
    if (len > 0 && force && !this.isMapped(addr, len)) throw new GuestFault(this.firstBad(addr, len, 0), false);
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const a = addr + done, off = a % PAGE_SIZE, n = Math.min(len - done, PAGE_SIZE - off);
      out.set(this.page(Math.floor(a / PAGE_SIZE))!.data.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(addr: number, data: Uint8Array, force = false): void {
    const len = data.length;
    if (len === 0) return;
    if (!force && !this.accessible(addr, len, PROT_WRITE)) throw new GuestFault(this.firstBad(addr, len, PROT_WRITE), true);
    if (force && !this.isMapped(addr, len)) throw new GuestFault(this.firstBad(addr, len, 0), true);
    this.touchCode(addr, len);
    let done = 0;
    while (done < len) {
      const a = addr + done, off = a % PAGE_SIZE, n = Math.min(len - done, PAGE_SIZE - off);
      this.page(Math.floor(a / PAGE_SIZE))!.data.set(data.subarray(done, done + n), off);
      done += n;
    }
  }

  readCString(addr: number, max = 1 << 20): string {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read(addr + i, 1)[0];
      if (b === 0) break;
      bytes.push(b);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }

  readU32(addr: number): number {
    const b = this.read(addr, 4);
    return new DataView(b.buffer).getUint32(0, true);
  }
  readU64(addr: number): bigint {
    const b = this.read(addr, 8);
    return new DataView(b.buffer).getBigUint64(0, true);
  }
  writeU32(addr: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.write(addr, b);
  }
  writeU64(addr: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.write(addr, b);
  }

  // ---- internals --------------------------------------------------------------------------

  private syncTables(pn: number): void {
    const t = tableIndex(pn);
    if (t < 0) return;
    const p = this.pages.get(pn);
    this.R[t] = p && p.prot & PROT_READ ? p.view : null;
    this.W[t] = p && p.prot & PROT_WRITE && !p.code ? p.view : null;
  }

  /** Forgets the committed pages of [first, end), telling the TB cache about code pages. */
  private dropPages(first: number, end: number): void {
    this.eachPage(first, end, (pn, p) => {
      if (p.code) this.codeChanged(pn);
      this.pages.delete(pn);
      this.syncTables(pn);
    });
  }

  /** Calls fn for each committed page in [first, end), by whichever is shorter to walk. */
  private eachPage(first: number, end: number, fn: (pn: number, p: Page) => void): void {
    if (end - first <= this.pages.size) {
      for (let pn = first; pn < end; pn++) { const p = this.pages.get(pn); if (p) fn(pn, p); }
    } else {
      for (const [pn, p] of [...this.pages]) if (pn >= first && pn < end) fn(pn, p);
    }
  }

  /** The page's bytes, committing (zero-filled) a mapped page at its first touch; undefined if unmapped. */
  private page(pn: number): Page | undefined {
    const p = this.pages.get(pn);
    if (p !== undefined) return p;
    const i = this.areaIndex(pn);
    if (i < 0) return undefined;
    const data = new Uint8Array(PAGE_SIZE);
    const fresh: Page = { data, view: new DataView(data.buffer), prot: this.areas[i].prot, code: false };
    this.pages.set(pn, fresh);
    this.syncTables(pn);
    return fresh;
  }

  // ---- the area list ------------------------------------------------------------------------

  /** Index of the first area whose end is above pn (binary search). */
  private firstEndingAfter(pn: number): number {
    let lo = 0, hi = this.areas.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.areas[mid].end <= pn) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Index of the area holding page pn, or -1. */
  private areaIndex(pn: number): number {
    const i = this.firstEndingAfter(pn);
    return i < this.areas.length && this.areas[i].start <= pn ? i : -1;
  }

  /** Whether every page of [first, end) is mapped with at least the `prot` bits. */
  private covered(first: number, end: number, prot = 0): boolean {
    let pn = first;
    for (let i = this.firstEndingAfter(first); pn < end; i++) {
      const a = this.areas[i];
      if (a === undefined || a.start > pn || (a.prot & prot) !== prot) return false;
      pn = a.end;
    }
    return true;
  }

  /** Makes [first, end) one area with `prot` (or unmapped when prot < 0), merging equal neighbours. */
  private setAreas(first: number, end: number, prot: number): void {
    const i = this.firstEndingAfter(first);
    let j = i;
    while (j < this.areas.length && this.areas[j].start < end) j++;
    const keep: Area[] = [];
    if (i < j && this.areas[i].start < first) keep.push({ start: this.areas[i].start, end: first, prot: this.areas[i].prot });
    if (prot >= 0) keep.push({ start: first, end, prot });
    if (i < j && this.areas[j - 1].end > end) keep.push({ start: end, end: this.areas[j - 1].end, prot: this.areas[j - 1].prot });
    let from = i, to = j;
    const before = this.areas[from - 1], after = this.areas[to];
    if (before && keep.length && before.end === keep[0].start && before.prot === keep[0].prot) { keep[0].start = before.start; from--; }
    const last = keep[keep.length - 1];
    if (after && last && after.start === last.end && after.prot === last.prot) { last.end = after.end; to++; }
    this.areas.splice(from, to - from, ...keep);
  }

  private codeChanged(pn: number): void {
    if (this.onCodeWrite) this.onCodeWrite(pn);
    else this.clearCode(pn);
  }

  /** Invalidates translated code on the pages of [addr, addr+len); true if there was any. */
  private touchCode(addr: number, len: number): boolean {
    let hit = false;
    const last = Math.floor((addr + len - 1) / PAGE_SIZE);
    for (let pn = Math.floor(addr / PAGE_SIZE); pn <= last; pn++) {
      if (this.pages.get(pn)?.code) { hit = true; this.codeChanged(pn); }
    }
    return hit;
  }

  private accessible(addr: number, len: number, prot: number): boolean {
    if (addr < 0 || addr + len > ADDR_LIMIT) return false;
    return this.covered(Math.floor(addr / PAGE_SIZE), Math.floor((addr + len - 1) / PAGE_SIZE) + 1, prot);
  }

  private firstBad(addr: number, len: number, prot: number): number {
    for (let pn = Math.floor(addr / PAGE_SIZE); pn * PAGE_SIZE < addr + len; pn++) {
      const have = this.protAt(pn * PAGE_SIZE);
      if (have < 0 || (have & prot) !== prot) return Math.max(addr, pn * PAGE_SIZE);
    }
    return addr;
  }

  private byteAt(addr: number): number {
    return this.page(Math.floor(addr / PAGE_SIZE))!.data[addr % PAGE_SIZE];
  }

  private setByte(addr: number, v: number): void {
    this.page(Math.floor(addr / PAGE_SIZE))!.data[addr % PAGE_SIZE] = v & 0xff;
  }
}

/** Index of page `pn` in the R/W tables, or -1 when it is in neither window. */
function tableIndex(pn: number): number {
  if (pn < WINDOW_PAGES) return pn;
  const w = pn - HIGH_WINDOW_PAGE;
  return w >= 0 && w < WINDOW_PAGES ? WINDOW_PAGES + w : -1;
}

/** (hi:lo) as an unsigned JS number; addresses at or above 2^53 become ADDR_LIMIT-or-more (never mapped). */
function toAddr(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

function pageSpan(addr: number, len: number): [number, number] {
  return [Math.floor(addr / PAGE_SIZE), Math.ceil((addr + len) / PAGE_SIZE)];
}

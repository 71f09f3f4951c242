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
/** Pages per buffer that map() allocates (64 MiB). */
const MAP_CHUNK_PAGES = 1 << 14;

interface Page {
  data: Uint8Array;
  view: DataView;
  prot: number;
  /** Translated code was made from this page (it is then kept out of the W table). */
  code: boolean;
}

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

  private readonly pages = new Map<number, Page>();

  // ---- mapping --------------------------------------------------------------------------

  map(addr: number, len: number, prot: number): void {
    const [first, end] = pageSpan(addr, len);
    // The pages of a mapping share zeroed buffers of up to MAP_CHUNK_PAGES pages: one allocation
    // (which the host's allocator leaves untouched until written) instead of one per page. A
    // buffer is freed once none of its pages is mapped any more.
    let buffer = new ArrayBuffer(0), at = 0;
    for (let pn = first; pn < end; pn++) {
      this.dropPage(pn);
      if (at === buffer.byteLength) { buffer = new ArrayBuffer(Math.min(end - pn, MAP_CHUNK_PAGES) * PAGE_SIZE); at = 0; }
      this.pages.set(pn, { data: new Uint8Array(buffer, at, PAGE_SIZE), view: new DataView(buffer, at, PAGE_SIZE), prot, code: false });
      at += PAGE_SIZE;
      this.syncTables(pn);
    }
  }

  unmap(addr: number, len: number): void {
    const [first, end] = pageSpan(addr, len);
    for (let pn = first; pn < end; pn++) this.dropPage(pn);
  }

  protect(addr: number, len: number, prot: number): boolean {
    const [first, end] = pageSpan(addr, len);
    for (let pn = first; pn < end; pn++) if (!this.pages.has(pn)) return false;
    for (let pn = first; pn < end; pn++) {
      const p = this.pages.get(pn)!;
      if (p.code && !(prot & PROT_EXEC)) this.codeChanged(pn);
      p.prot = prot;
      this.syncTables(pn);
    }
    return true;
  }

  isMapped(addr: number, len: number): boolean {
    const [first, end] = pageSpan(addr, Math.max(len, 1));
    for (let pn = first; pn < end; pn++) if (!this.pages.has(pn)) return false;
    return true;
  }

  /** Protection bits of the page holding addr, or -1 when unmapped. */
  protAt(addr: number): number {
    const p = this.pages.get(Math.floor(addr / PAGE_SIZE));
    return p ? p.prot : -1;
  }

  findFree(len: number, hint: number): number {
    const need = Math.ceil(len / PAGE_SIZE);
    let start = Math.ceil(Math.max(hint, PAGE_SIZE) / PAGE_SIZE);
    const used = [...this.pages.keys()].filter((pn) => pn >= start).sort((a, b) => a - b);
    for (const pn of used) {
      if (pn - start >= need) break;
      if (pn >= start) start = pn + 1;
    }
    return (start + need) * PAGE_SIZE <= ADDR_LIMIT ? start * PAGE_SIZE : -1;
  }

  regions(): { start: number; end: number; prot: number }[] {
    const out: { start: number; end: number; prot: number }[] = [];
    for (const pn of [...this.pages.keys()].sort((a, b) => a - b)) {
      const prot = this.pages.get(pn)!.prot;
      const last = out[out.length - 1];
      if (last && last.end === pn * PAGE_SIZE && last.prot === prot) last.end += PAGE_SIZE;
      else out.push({ start: pn * PAGE_SIZE, end: (pn + 1) * PAGE_SIZE, prot });
    }
    return out;
  }

  // ---- code-page marks (used by the TB cache) ------------------------------------------------

  /** Marks a page as holding translated code, so that writes to it leave the fast path. */
  markCode(pageNo: number): void {
    const p = this.pages.get(pageNo);
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
    const p = this.pages.get(Math.floor(addr / PAGE_SIZE));
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
      const p = this.pages.get(Math.floor(addr / PAGE_SIZE));
      if (p === undefined || !(p.prot & PROT_READ) || addr >= ADDR_LIMIT) return this.fault(addr, size);
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
      const v = this.pages.get(Math.floor(addr / PAGE_SIZE))!.view;
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
    for (let i = 0; i < size; i++) if (!this.pages.has(Math.floor((addr + i) / PAGE_SIZE))) { a = addr + i; break; }
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
      out.set(this.pages.get(Math.floor(a / PAGE_SIZE))!.data.subarray(off, off + n), done);
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
      this.pages.get(Math.floor(a / PAGE_SIZE))!.data.set(data.subarray(done, done + n), off);
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

  private dropPage(pn: number): void {
    const p = this.pages.get(pn);
    if (!p) return;
    if (p.code) this.codeChanged(pn);
    this.pages.delete(pn);
    this.syncTables(pn);
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
    const last = Math.floor((addr + len - 1) / PAGE_SIZE);
    for (let pn = Math.floor(addr / PAGE_SIZE); pn <= last; pn++) {
      const p = this.pages.get(pn);
      if (!p || (p.prot & prot) !== prot) return false;
    }
    return true;
  }

  private firstBad(addr: number, len: number, prot: number): number {
    for (let i = 0; i < len; i++) {
      const p = this.pages.get(Math.floor((addr + i) / PAGE_SIZE));
      if (!p || (p.prot & prot) !== prot) return addr + i;
    }
    return addr;
  }

  private byteAt(addr: number): number {
    return this.pages.get(Math.floor(addr / PAGE_SIZE))!.data[addr % PAGE_SIZE];
  }

  private setByte(addr: number, v: number): void {
    this.pages.get(Math.floor(addr / PAGE_SIZE))!.data[addr % PAGE_SIZE] = v & 0xff;
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

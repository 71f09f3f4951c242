// The TB cache: TBs by (pc, flags), a direct-mapped jump cache for the run loop's lookup (QEMU's
// tb_jmp_cache), and the per-page lists that drive invalidation — a write to a code page,
// munmap/mprotect, breakpoints inserted inside a TB, and flush() when plugins change.
// Invalidated TBs are marked invalid and dropped from every index; the memory's code-page mark
// is cleared once a page has no TBs, so stores to it take the fast path again.

import type { Memory } from '../memory/memory';
import type { Region } from './region';
import { TB_FLAG_BITS, type TranslationBlock } from './tb';

const JC_BITS = 14;
const JC_MASK = (1 << JC_BITS) - 1;
const KEY_MUL = 1 << TB_FLAG_BITS;

export class TbCache {
  /** Direct-mapped by (pc >> 1): the run loop checks pc, flags and validity of the entry. */
  readonly jc: (TranslationBlock | null)[] = new Array<TranslationBlock | null>(JC_MASK + 1).fill(null);
  private readonly byKey = new Map<number, TranslationBlock>();
  private readonly byPage = new Map<number, Set<TranslationBlock>>();
  invalidated = 0;

  constructor(private readonly mem: Memory) {
    mem.onCodeWrite = (pn) => this.invalidatePage(pn);
  }

  static slot(pc: number): number { return (pc >>> 1) & JC_MASK; }

  get(pc: number, flags: number): TranslationBlock | undefined {
    return this.byKey.get(pc * KEY_MUL + flags);
  }

  add(tb: TranslationBlock): void {
    const key = tb.pc * KEY_MUL + tb.flags;
    const old = this.byKey.get(key);
    if (old) this.drop(old);
    this.byKey.set(key, tb);
    for (const pn of tb.pages()) {
      let set = this.byPage.get(pn);
      if (!set) this.byPage.set(pn, (set = new Set()));
      set.add(tb);
      this.mem.markCode(pn);
    }
    this.jc[TbCache.slot(tb.pc)] = tb;
  }

  all(): IterableIterator<TranslationBlock> { return this.byKey.values(); }

  /** Every TB whose code covers addr (any flavour). */
  covering(addr: number): TranslationBlock[] {
    const set = this.byPage.get(Math.floor(addr / 4096));
    return set ? [...set].filter((tb) => tb.covers(addr)) : [];
  }

  invalidatePage(pn: number): void {
    const set = this.byPage.get(pn);
    if (set) for (const tb of [...set]) this.drop(tb);
    this.mem.clearCode(pn);
  }

  /** Drops the TBs with code in [addr, addr+len). */
  invalidateRange(addr: number, len: number): void {
    if (len <= 0) return;
    const first = Math.floor(addr / 4096), last = Math.floor((addr + len - 1) / 4096);
    for (let pn = first; pn <= last; pn++) {
      const set = this.byPage.get(pn);
      if (!set) continue;
      for (const tb of [...set]) if (tb.pc < addr + len && tb.pc + Math.max(tb.size, 1) > addr) this.drop(tb);
      if (set.size === 0) this.mem.clearCode(pn);
    }
  }

  /** Makes a region the way to run its members (those not already entered through another region). */
  addRegion(r: Region): void {
    for (const tb of r.members) {
      tb.inRegions.push(r);
      if (tb.region === null) tb.region = r;
    }
  }

  /** A region is dropped when any member goes; its members run on their own until re-grouped. */
  dropRegion(r: Region): void {
    if (!r.valid) return;
    r.valid = false;
    for (const tb of r.members) {
      if (tb.region === r) tb.region = null;
      tb.inRegions = tb.inRegions.filter((x) => x !== r);
    }
  }

  drop(tb: TranslationBlock): void {
    if (!tb.valid) return;
    for (const r of [...tb.inRegions]) this.dropRegion(r);
    tb.valid = false;
    this.invalidated++;
    const key = tb.pc * KEY_MUL + tb.flags;
    if (this.byKey.get(key) === tb) this.byKey.delete(key);
    for (const pn of tb.pages()) {
      const set = this.byPage.get(pn);
      if (!set) continue;
      set.delete(tb);
      if (set.size === 0) { this.byPage.delete(pn); this.mem.clearCode(pn); }
    }
    const s = TbCache.slot(tb.pc);
    if (this.jc[s] === tb) this.jc[s] = null;
  }

  flush(): void {
    for (const tb of [...this.byKey.values()]) this.drop(tb);
    this.jc.fill(null);
  }
}

// Port of QEMU's contrib/plugins/hotpages.c: counts reads and writes per guest page from a
// memory callback on every instruction, and reports the busiest pages at exit.
// Arguments: sortby=reads|writes|address, io=on|off, pagesize=N. Report text as QEMU's,
// including its quirks (nothing listed for a single page; the last sorted page is never listed;
// "address" sorts descending).

import { CbFlags, MemRW } from '../../tcg/instrument';
import { managerOf, type PluginManager } from '../core';
import { meminfoIsStore } from '../meminfo';
import type { PluginModule } from '../types';
import { hex, optionFailed, parseBool, split, strtoull } from './util';

export interface PageCounters { pageAddress: number; cpuRead: number; cpuWrite: number; reads: number; writes: number }

/**
 * Per-page counters in typed arrays, entries in first-touch order (the report's order among
 * equal keys, as with the Map this replaced), found through an open-addressing hash on the page
 * address. Called on every guest memory access, so the lookup is a few typed-array reads that
 * V8 inlines into the translated block instead of a Map lookup on a heap-number key.
 */
class PageTable {
  n = 0;
  addr = new Float64Array(64);
  reads = new Float64Array(64);
  writes = new Float64Array(64);
  cpuRead = new Int32Array(64);
  cpuWrite = new Int32Array(64);
  /** Entry index + 1 per hash slot, 0 = free; kept at most half full. */
  private slots = new Int32Array(128);
  private shift = 25;

  /** Counts one access at page address pa (a whole number; lo = its low 32 bits, pa >>> 0) by vCPU cpu. */
  count(pa: number, lo: number, isStore: boolean, cpu: number): void {
    // Accesses cluster on one page (the stack, the array being walked): remember the last entry.
    let e = this.lastE;
    if (this.addr[e] !== pa) e = this.lookup(pa, lo);
    if (isStore) { this.writes[e]++; this.cpuWrite[e] |= 1 << cpu; } else { this.reads[e]++; this.cpuRead[e] |= 1 << cpu; }
  }

  /** Entry of the last page counted; addr[0] starts as NaN so nothing matches before the first add. */
  private lastE = 0;
  constructor() { this.addr[0] = NaN; }

  /** Entry index of page pa (added when new), remembered as the last one used. */
  private lookup(pa: number, lo: number): number {
    const slots = this.slots;
    // Hashing the low word only keeps doubles out of the hot path; the key compared is all of pa.
    let h = Math.imul(lo, 0x9e3779b1) >>> this.shift;
    let e = slots[h] - 1;
    while (e >= 0 && this.addr[e] !== pa) { h = (h + 1) & (slots.length - 1); e = slots[h] - 1; }
    if (e < 0) e = this.add(pa, h);
    this.lastE = e;
    return e;
  }

  private add(pa: number, h: number): number {
    const e = this.n++;
    if (e === this.addr.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => { const b = new (a.constructor as new (n: number) => T)(2 * a.length); b.set(a); return b; };
      this.addr = grow(this.addr); this.reads = grow(this.reads); this.writes = grow(this.writes);
      this.cpuRead = grow(this.cpuRead); this.cpuWrite = grow(this.cpuWrite);
    }
    this.addr[e] = pa;
    this.slots[h] = e + 1;
    if (2 * this.n > this.slots.length) this.rehash();
    return e;
  }

  private rehash(): void {
    this.slots = new Int32Array(2 * this.slots.length);
    this.shift--;
    const n = this.n;
    this.n = 0;
    for (let e = 0; e < n; e++) {
      const pa = this.addr[e];
      let h = Math.imul(pa >>> 0, 0x9e3779b1) >>> this.shift;
      while (this.slots[h] !== 0) h = (h + 1) & (this.slots.length - 1);
      this.slots[h] = e + 1;
      this.n++;
    }
  }

  /** Snapshot in first-touch order. */
  entries(): PageCounters[] {
    const out: PageCounters[] = [];
    for (let e = 0; e < this.n; e++) {
      out.push({ pageAddress: this.addr[e], cpuRead: this.cpuRead[e], cpuWrite: this.cpuWrite[e], reads: this.reads[e], writes: this.writes[e] });
    }
    return out;
  }
}

const live = new WeakMap<PluginManager, { table: PageTable; pageSize: number; sortBy: string }>();

/** The counters of the hotpages plugin loaded into `mgr`, if any, as of now (the debugger's hot-pages view). */
export function hotPagesOf(mgr: PluginManager): { pages: ReadonlyMap<number, PageCounters>; pageSize: number; sortBy: string } | undefined {
  const l = live.get(mgr);
  return l && { pages: new Map(l.table.entries().map(p => [p.pageAddress, p])), pageSize: l.pageSize, sortBy: l.sortBy };
}

export const hotpages: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let pageSize = 4096;
    const limit = 50;
    let sortBy: 'rw' | 'r' | 'w' | 'a' = 'rw';
    let trackIo = false;
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'sortby') {
        if (v === 'reads') sortBy = 'r';
        else if (v === 'writes') sortBy = 'w';
        else if (v === 'address') sortBy = 'a';
        else throw new Error(`invalid value to sortby: ${v}`);
      } else if (k === 'io') trackIo = parseBool(api, opt);
      else if (k === 'pagesize') pageSize = strtoull(v, 10);
      else throw optionFailed(opt);
    }
    const table = new PageTable();
    // Plugins installed through a manager publish their counters; a bare API object (tests) has none.
    let mgr: PluginManager | undefined;
    try { mgr = managerOf(api); } catch { mgr = undefined; }
    if (mgr) live.set(mgr, { table, pageSize, sortBy: { rw: 'rw', r: 'reads', w: 'writes', a: 'address' }[sortBy] });

    // QEMU: page = vaddr & ~(pagesize - 1). For a power of two up to 2^31 that is a mask of the
    // low word (no double arithmetic); other sizes keep the remainder form; pagesize=0 masks
    // everything to page 0.
    const mask = pageSize > 0 && pageSize <= 2 ** 31 && Number.isInteger(Math.log2(pageSize)) ? pageSize - 1 : -1;
    const onMem = (cpu: number, info: number, vaddr: number): void => {
      // User mode has no hwaddr: with io=on nothing is counted, otherwise the vaddr's page is.
      if (trackIo) return;
      if (mask >= 0) {
        const lo = vaddr >>> 0, off = lo & mask;
        table.count(vaddr - off, lo - off, meminfoIsStore(info), cpu);
      } else {
        const page = pageSize > 0 ? vaddr - (vaddr % pageSize) : 0;
        table.count(page, page >>> 0, meminfoIsStore(info), cpu);
      }
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) api.registerVcpuMemCb(api.tbGetInsn(tb, i), onMem, CbFlags.NO_REGS, MemRW.RW);
    });

    api.registerAtexitCb(api.id, () => {
      let report = 'Addr, RCPUs, Reads, WCPUs, Writes\n';
      const all = table.entries();
      if (all.length > 1) {
        const key = (p: PageCounters) => sortBy === 'rw' ? p.reads + p.writes : sortBy === 'r' ? p.reads
          : sortBy === 'w' ? p.writes : p.pageAddress;
        const sorted = all.sort((a, b) => key(b) - key(a));
        for (let i = 0; i < limit && i < sorted.length - 1; i++) {
          const r = sorted[i];
          report += `0x${hex(r.pageAddress, 16)}, 0x${hex(r.cpuRead, 4)}, ${r.reads}, 0x${hex(r.cpuWrite, 4)}, ${r.writes}\n`;
        }
      }
      api.outs(report);
    });
  },
};

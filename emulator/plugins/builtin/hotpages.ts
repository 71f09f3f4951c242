// Port of QEMU's contrib/plugins/hotpages.c: counts reads and writes per guest page from a
// memory callback on every instruction, and reports the busiest pages at exit.
// Arguments: sortby=reads|writes|address, io=on|off, pagesize=N. Report text as QEMU's,
// including its quirks (nothing listed for a single page; the last sorted page is never listed;
// "address" sorts descending).

import { CbFlags, MemRW } from '../../tcg/instrument';
import { managerOf, type PluginManager } from '../core';
import { MEMINFO_STORE_SHIFT } from '../meminfo';
import type { PluginModule } from '../types';
import { hex, optionFailed, parseBool, split, strtoull } from './util';

/** Counters of one page, as the report and the debugger's hot-pages view read them. */
export interface PageCounters { pageAddress: number; cpuRead: number; cpuWrite: number; reads: number; writes: number }

interface PageTable {
  /** The memory callback: counts one access (QEMU's vcpu_haddr with io=off in user mode). */
  count(cpu: number, info: number, vaddr: number): void;
  /** Snapshot in first-touch order (the report's order among equal keys). */
  entries(): PageCounters[];
}

const CACHE_SLOTS = 256;
/** Pages below 4 GiB of at least this size are counted in a table indexed by page number. */
const DIRECT_MIN_SHIFT = 12;
/**
 * The 4 GiB from 2^38 (qemu-riscv64's TASK_UNMAPPED_BASE: the stack, a PIE, ld.so, mmaps; the
 * memory's second fast-path window) are counted in the table's second half. The generated code's
 * fast path passes their address as (A >>> 0) + 2^38.
 */
const HIGH_WINDOW = 2 ** 38;

/**
 * Per-page counters for QEMU's page = vaddr & ~(pageSize - 1) (or vaddr - vaddr % pageSize for
 * sizes that are not a power of two up to 2^31; pageSize 0 puts everything on page 0).
 * count() runs on every guest memory access, and V8 inlines it into the translated code, so its
 * common case is one typed-array increment: vCPU 0's accesses below 4 GiB and in the 4 GiB from
 * 2^38 (all of a user-mode guest's unless it maps memory higher) with power-of-two pages of 4 KiB
 * or more go to `direct`, indexed by page number and direction (a lazily committed zero-filled
 * buffer: 32 MiB of address space for 4 KiB pages, of which only touched pages cost memory). Everything else goes through
 * an open-addressing hash on the page address behind a direct-mapped cache of recent pages
 * (`counted`). Entries list pages in first-touch order (the report's order among equal keys).
 */
function pageTable(pageSize: number): PageTable {
  let n = 0;
  let addr = new Float64Array(64);
  /** Per entry e: [2e] reads, [2e + 1] writes; the vCPU masks alike (accesses not counted in `direct`). */
  let counts = new Float64Array(128);
  let cpus = new Int32Array(128);
  /** Hash slot -> entry + 1, 0 = free; kept at most half full. */
  let slots = new Int32Array(128);
  let shift = 25;
  // Cache slot s holds page cacheKey[s] (NaN = empty) at counter index cacheIndex[s] (2e).
  const cacheKey = new Float64Array(CACHE_SLOTS).fill(NaN);
  const cacheIndex = new Int32Array(CACHE_SLOTS);

  const rehash = (): void => {
    slots = new Int32Array(2 * slots.length);
    shift--;
    for (let e = 0; e < n; e++) {
      let h = Math.imul(addr[e] >>> 0, 0x9e3779b1) >>> shift;
      while (slots[h] !== 0) h = (h + 1) & (slots.length - 1);
      slots[h] = e + 1;
    }
  };
  const add = (page: number, h: number): number => {
    const e = n++;
    if (e === addr.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => { const b = new (a.constructor as new (len: number) => T)(2 * a.length); b.set(a); return b; };
      addr = grow(addr); counts = grow(counts); cpus = grow(cpus);
    }
    addr[e] = page;
    slots[h] = e + 1;
    if (2 * n > slots.length) rehash();
    return e;
  };
  /** Counter index of `page` (lo = its low 32 bits), added when new and cached in slot s. */
  const miss = (page: number, lo: number, s: number): number => {
    // Hashing the low word only keeps doubles out of the hash; the key compared is all of page.
    let h = Math.imul(lo, 0x9e3779b1) >>> shift;
    let e = slots[h] - 1;
    while (e >= 0 && addr[e] !== page) { h = (h + 1) & (slots.length - 1); e = slots[h] - 1; }
    if (e < 0) e = add(page, h);
    cacheKey[s] = page;
    cacheIndex[s] = 2 * e;
    return 2 * e;
  };

  const mask = pageSize > 0 && pageSize <= 2 ** 31 && Number.isInteger(Math.log2(pageSize)) ? pageSize - 1 : -1;
  // Slot of a page in the cache: low bits of its page number (any function of the page would
  // do: the cache compares the whole key).
  const slotShift = mask > 0 ? Math.log2(pageSize) : 12;
  const counted = mask >= 0
    ? (cpu: number, info: number, vaddr: number): void => {
      if (firstTouches.length !== 0) enterFirstTouches();
      // A power of two: masking the low word keeps the arithmetic in int32.
      const lo = vaddr >>> 0, off = lo & mask, s = (lo >>> slotShift) & (CACHE_SLOTS - 1);
      const i = (cacheKey[s] === vaddr - off ? cacheIndex[s] : miss(vaddr - off, lo - off, s)) + ((info >>> MEMINFO_STORE_SHIFT) & 1);
      counts[i]++;
      cpus[i] |= 1 << cpu;
    }
    : (cpu: number, info: number, vaddr: number): void => {
      if (firstTouches.length !== 0) enterFirstTouches();
      const page = pageSize > 0 ? vaddr - (vaddr % pageSize) : 0, s = (page >>> 12) & (CACHE_SLOTS - 1);
      const i = (cacheKey[s] === page ? cacheIndex[s] : miss(page, page >>> 0, s)) + ((info >>> MEMINFO_STORE_SHIFT) & 1);
      counts[i]++;
      cpus[i] |= 1 << cpu;
    };

  const directShift = mask + 1 >= 2 ** DIRECT_MIN_SHIFT ? slotShift : -1;
  const highHalf = 2 ** (33 - directShift);
  const direct = directShift > 0 ? new Float64Array(2 * highHalf) : null;
  /**
   * vCPU 0's first accesses of one direction to a page, in order, not yet given their entry. The
   * hot path only appends to this list (V8 inlines that as a few instructions; a call into the
   * hash here would be inlined too, at every access site, and use up the inlining budget of the
   * translated code). Entries are made before anything else makes one, so the order holds.
   */
  let firstTouches: number[] = [];
  const enterFirstTouches = (): void => {
    const list = firstTouches;
    firstTouches = [];
    for (const vaddr of list) {
      const page = vaddr - (vaddr % pageSize);
      miss(page, page, (page >>> slotShift) & (CACHE_SLOTS - 1));
    }
  };
  const count = direct !== null
    ? (cpu: number, info: number, vaddr: number): void => {
      // vaddr < 2^32, tested as (vaddr >>> 0) === vaddr: an integer test where generated code
      // passes A >>> 0, where `vaddr < 4294967296` was a float compare in the machine code.
      if ((vaddr >>> 0) === vaddr && cpu === 0) {
        const i = ((vaddr >>> directShift) << 1) | ((info >>> MEMINFO_STORE_SHIFT) & 1);
        if (direct[i]++ === 0) firstTouches.push(vaddr);
        return;
      }
      const high = vaddr - HIGH_WINDOW;
      if ((high >>> 0) === high && cpu === 0) {
        const i = (((high >>> directShift) << 1) | ((info >>> MEMINFO_STORE_SHIFT) & 1)) + highHalf;
        if (direct[i]++ === 0) firstTouches.push(vaddr);
      } else counted(cpu, info, vaddr);
    }
    : counted;

  const entries = (): PageCounters[] => {
    if (firstTouches.length !== 0) enterFirstTouches();
    const out: PageCounters[] = [];
    for (let e = 0; e < n; e++) {
      const page = addr[e];
      let reads = counts[2 * e], writes = counts[2 * e + 1], cpuRead = cpus[2 * e], cpuWrite = cpus[2 * e + 1];
      const high = page - HIGH_WINDOW;
      if (direct !== null && (page < 4294967296 || (high >= 0 && high < 4294967296))) {
        const d = page < 4294967296 ? 2 * (page / 2 ** directShift) : 2 * (high / 2 ** directShift) + highHalf;
        if (direct[d] > 0) { reads += direct[d]; cpuRead |= 1; }
        if (direct[d + 1] > 0) { writes += direct[d + 1]; cpuWrite |= 1; }
      }
      out.push({ pageAddress: page, reads, writes, cpuRead, cpuWrite });
    }
    return out;
  };
  return { count, entries };
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
    const table = pageTable(pageSize);
    // Plugins installed through a manager publish their counters; a bare API object (tests) has none.
    let mgr: PluginManager | undefined;
    try { mgr = managerOf(api); } catch { mgr = undefined; }
    if (mgr) live.set(mgr, { table, pageSize, sortBy: { rw: 'rw', r: 'reads', w: 'writes', a: 'address' }[sortBy] });

    // User mode has no hwaddr: with io=on nothing is counted (QEMU's callback returns at once).
    const callback = trackIo ? () => {} : table.count;

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) api.registerVcpuMemCb(api.tbGetInsn(tb, i), callback, CbFlags.NO_REGS, MemRW.RW);
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

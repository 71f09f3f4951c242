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

const live = new WeakMap<PluginManager, { pages: Map<number, PageCounters>; pageSize: number; sortBy: string }>();

/** The live counters of the hotpages plugin loaded into `mgr`, if any (the debugger's hot-pages view). */
export function hotPagesOf(mgr: PluginManager): { pages: ReadonlyMap<number, PageCounters>; pageSize: number; sortBy: string } | undefined {
  return live.get(mgr);
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
    const pages = new Map<number, PageCounters>();
    // Plugins installed through a manager publish their counters; a bare API object (tests) has none.
    let mgr: PluginManager | undefined;
    try { mgr = managerOf(api); } catch { mgr = undefined; }
    if (mgr) live.set(mgr, { pages, pageSize, sortBy: { rw: 'rw', r: 'reads', w: 'writes', a: 'address' }[sortBy] });

    const onMem = (cpu: number, info: number, vaddr: number): void => {
      // User mode has no hwaddr: with io=on nothing is counted, otherwise the vaddr's page is.
      if (trackIo) return;
      const page = vaddr - (vaddr % pageSize);
      let c = pages.get(page);
      if (c === undefined) pages.set(page, c = { pageAddress: page, cpuRead: 0, cpuWrite: 0, reads: 0, writes: 0 });
      if (meminfoIsStore(info)) { c.writes++; c.cpuWrite |= 1 << cpu; } else { c.reads++; c.cpuRead |= 1 << cpu; }
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) api.registerVcpuMemCb(api.tbGetInsn(tb, i), onMem, CbFlags.NO_REGS, MemRW.RW);
    });

    api.registerAtexitCb(api.id, () => {
      let report = 'Addr, RCPUs, Reads, WCPUs, Writes\n';
      const all = [...pages.values()];
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

// Layout of the Memory Heat Map: the sparse guest address space is drawn as groups of page
// cells, one group per mapping the pages fall in (program text/data, heap, stack, each library,
// anonymous mmap), named as /proc/self/maps names them; pages outside every named mapping are
// grouped by nearness (a gap of more than GAP_PAGES untouched pages starts a new group).
// Untouched pages inside a group are drawn as empty cells, up to MAX_FILL of them. Each cell has
// a heat level for reads + writes, reads and writes (the page's toggle). No `vscode` import.

import type { HotPage, MemoryRegion } from '../protocol';
import { heatLevel, maxTotal, regionOf } from './hotPages';

export const PAGE = 4096;
export const GAP_PAGES = 16;
/** Untouched pages drawn between two touched ones of a group, at most. */
export const MAX_FILL = 64;

export interface HeatCell { address: number; reads: number; writes: number; level: number; readLevel: number; writeLevel: number }
export interface HeatRegion { start: number; label: string; kind: MemoryRegion['kind'] | 'mmap'; cells: HeatCell[]; reads: number; writes: number }

export function heatRegions(pages: readonly HotPage[], regions: readonly MemoryRegion[] = [], pageSize = PAGE): HeatRegion[] {
  const max = maxTotal(pages);
  const maxR = Math.max(0, ...pages.map((p) => p.reads)), maxW = Math.max(0, ...pages.map((p) => p.writes));
  const sorted = [...pages].sort((a, b) => a.address - b.address);
  const out: HeatRegion[] = [];
  let cur: HeatRegion | undefined;
  let curMapping: MemoryRegion | undefined;
  let last = -Infinity;
  const cell = (address: number, reads: number, writes: number): HeatCell => ({
    address, reads, writes, level: heatLevel(reads + writes, max), readLevel: heatLevel(reads, maxR), writeLevel: heatLevel(writes, maxW),
  });
  for (const p of sorted) {
    const mapping = regionOf(p.address, regions);
    const gap = (p.address - last) / pageSize;
    if (!cur || mapping !== curMapping || (!mapping && gap > GAP_PAGES)) {
      cur = { start: p.address, label: mapping?.label ?? 'mmap', kind: mapping?.kind ?? 'mmap', cells: [], reads: 0, writes: 0 };
      curMapping = mapping;
      out.push(cur);
    } else {
      let filled = 0;
      for (let a = last + pageSize; a < p.address && filled < MAX_FILL; a += pageSize, filled++) cur.cells.push(cell(a, 0, 0));
    }
    cur.cells.push(cell(p.address, p.reads, p.writes));
    cur.reads += p.reads;
    cur.writes += p.writes;
    last = p.address;
  }
  return out;
}

/** Cell edge in px so that `cells` cells fill about `width` × `height` (between 6 and 28 px). */
export function cellSize(cells: number, width: number, height: number): number {
  if (cells <= 0 || width <= 0) return 14;
  const fit = Math.floor(Math.sqrt((width * Math.max(height, 120)) / cells)) - 2;
  return Math.max(6, Math.min(28, fit));
}

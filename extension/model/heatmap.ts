// Layout of the Memory Heat Map: the sparse guest address space is drawn as rows of page
// cells, one row group per region of nearby pages (a gap of more than GAP_PAGES untouched pages
// starts a new region, so the stack near 0x3fff_f000_0000 and the program near 0x10000 both fit
// on screen). Untouched pages inside a region are drawn as empty cells. No `vscode` import.

import type { HotPage } from '../protocol';
import { heatLevel, maxTotal } from './hotPages';

export const PAGE = 4096;
export const GAP_PAGES = 16;

export interface HeatCell { address: number; reads: number; writes: number; level: number }
export interface HeatRegion { start: number; cells: HeatCell[] }

export function heatRegions(pages: readonly HotPage[], pageSize = PAGE): HeatRegion[] {
  const max = maxTotal(pages);
  const sorted = [...pages].sort((a, b) => a.address - b.address);
  const regions: HeatRegion[] = [];
  let cur: HeatRegion | undefined;
  let last = -Infinity;
  for (const p of sorted) {
    const gap = (p.address - last) / pageSize;
    if (!cur || gap > GAP_PAGES) {
      cur = { start: p.address, cells: [] };
      regions.push(cur);
    } else {
      for (let a = last + pageSize; a < p.address; a += pageSize) cur.cells.push({ address: a, reads: 0, writes: 0, level: 0 });
    }
    cur.cells.push({ address: p.address, reads: p.reads, writes: p.writes, level: heatLevel(p.reads + p.writes, max) });
    last = p.address;
  }
  return regions;
}

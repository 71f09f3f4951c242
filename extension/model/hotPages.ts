// View model of the Hot Pages tree and the Memory Heat Map: sorting by the view's toolbar
// choice, the heat level of a page, its label, and the QEMU hotpages report line
// (contrib/plugins/hotpages.c prints "0x%016x, 0x%04x, %d, 0x%04x, %d"), so a copied report can
// be diffed against QEMU's. No `vscode` import.

import type { HotPage, MemoryRegion } from '../protocol';

/** The mapping an address falls in. */
export function regionOf(address: number, regions: readonly MemoryRegion[]): MemoryRegion | undefined {
  return regions.find((r) => address >= r.start && address < r.end);
}

export type HotPageSort = 'total' | 'reads' | 'writes' | 'address';
export const HOT_PAGE_SORTS: readonly HotPageSort[] = ['total', 'reads', 'writes', 'address'];

const total = (p: HotPage): number => p.reads + p.writes;

/** Busiest first (address: ascending, the order people scan memory in); ties by address. */
export function sortPages(pages: readonly HotPage[], by: HotPageSort): HotPage[] {
  const key = by === 'reads' ? (p: HotPage) => p.reads : by === 'writes' ? (p: HotPage) => p.writes : total;
  return [...pages].sort((a, b) => (by === 'address' ? a.address - b.address : key(b) - key(a) || a.address - b.address));
}

/** 0..HEAT_LEVELS-1 on a log scale, so one very hot stack page does not flatten all the others. */
export const HEAT_LEVELS = 8;
export function heatLevel(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  const l = Math.ceil((Math.log2(count + 1) / Math.log2(max + 1)) * (HEAT_LEVELS - 1));
  return Math.min(HEAT_LEVELS - 1, Math.max(1, l));
}

export function maxTotal(pages: readonly HotPage[]): number {
  let m = 0;
  for (const p of pages) m = Math.max(m, total(p));
  return m;
}

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

/** The page's line of QEMU's hotpages report. */
export function qemuReportLine(p: HotPage): string {
  return `0x${hex(p.address, 16)}, 0x${hex(p.cpuRead, 4)}, ${p.reads}, 0x${hex(p.cpuWrite, 4)}, ${p.writes}`;
}

export const QEMU_REPORT_HEADER = 'Addr, RCPUs, Reads, WCPUs, Writes';

/** A report for the given pages in QEMU's format (header, then one line per page). */
export function qemuReport(pages: readonly HotPage[]): string {
  return [QEMU_REPORT_HEADER, ...pages.map(qemuReportLine)].join('\n') + '\n';
}

/** "▮▮▮▯▯▯▯" style bar for a tree item description (text, so it reads in any theme). */
export function heatBar(level: number): string {
  return '▮'.repeat(level) + '▯'.repeat(HEAT_LEVELS - 1 - level);
}

/** CPU mask as the vCPU numbers it contains ("0,2"). */
export function cpuList(mask: number): string {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if (mask & (1 << i)) out.push(i);
  return out.join(',') || '-';
}

export interface HotPageRow { address: number; label: string; description: string; tooltip: string; level: number }

export function hotPageRows(pages: readonly HotPage[], by: HotPageSort, regions: readonly MemoryRegion[] = []): HotPageRow[] {
  const max = maxTotal(pages);
  return sortPages(pages, by).map((p) => {
    const level = heatLevel(total(p), max);
    const where = regionOf(p.address, regions)?.label ?? 'anonymous mapping';
    return {
      address: p.address,
      label: '0x' + p.address.toString(16),
      description: `R ${p.reads}  W ${p.writes}  ${heatBar(level)}`,
      tooltip: `page 0x${hex(p.address, 16)} (${where})\nreads ${p.reads} (vCPUs ${cpuList(p.cpuRead)})\nwrites ${p.writes} (vCPUs ${cpuList(p.cpuWrite)})`,
      level,
    };
  });
}

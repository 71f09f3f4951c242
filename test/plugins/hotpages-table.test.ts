// The hotpages plugin's page table against a plain reference model: every path of its counting
// (vCPU 0 below 4 GiB in the page-number table, other vCPUs and high addresses through the hash
// and its cache, page sizes that do and do not use the table) must give the report a Map of
// pages would give. The accesses are pseudo-random but seeded, so a failure reproduces.

import { strict as assert } from 'node:assert';
import { hotpages } from '../../emulator/plugins/builtin/hotpages';
import { makeMeminfo } from '../../emulator/plugins/meminfo';
import type { PluginApi } from '../../emulator/plugins/types';

type MemCb = (vcpu: number, info: number, vaddr: number) => void;

/** Installs hotpages on a stub API; returns its memory callback and a function giving its report. */
function install(args: string[]): { count: MemCb; report: () => string } {
  let count: MemCb | undefined, atexit: (() => void) | undefined, out = '';
  const api = {
    id: 1,
    registerVcpuTbTransCb: (_id: number, cb: (id: number, tb: unknown) => void) => cb(1, {}),
    tbNInsns: () => 1,
    tbGetInsn: () => ({}),
    registerVcpuMemCb: (_insn: unknown, cb: MemCb) => { count = cb; },
    registerAtexitCb: (_id: number, cb: () => void) => { atexit = cb; },
    outs: (s: string) => { out += s; },
  } as unknown as PluginApi;
  hotpages.install(api, args, { targetName: 'riscv64', version: { min: 7, cur: 7 }, systemEmulation: false } as never);
  assert.ok(count && atexit);
  return { count, report: () => { out = ''; atexit!(); return out; } };
}

/** QEMU's hotpages report from plain per-page records in first-touch order (stable sort). */
function reference(pageSize: number, sortBy: string, accesses: [number, boolean, number][]): string {
  const pages = new Map<number, { reads: number; writes: number; r: number; w: number }>();
  for (const [cpu, store, vaddr] of accesses) {
    const page = pageSize > 0 ? vaddr - (vaddr % pageSize) : 0;
    let p = pages.get(page);
    if (!p) pages.set(page, (p = { reads: 0, writes: 0, r: 0, w: 0 }));
    if (store) { p.writes++; p.w |= 1 << cpu; } else { p.reads++; p.r |= 1 << cpu; }
  }
  const key = (a: [number, { reads: number; writes: number }]): number =>
    sortBy === 'reads' ? a[1].reads : sortBy === 'writes' ? a[1].writes : sortBy === 'address' ? a[0] : a[1].reads + a[1].writes;
  const sorted = [...pages].sort((a, b) => key(b) - key(a));
  const hex = (v: number, w: number): string => v.toString(16).padStart(w, '0');
  let text = 'Addr, RCPUs, Reads, WCPUs, Writes\n';
  if (sorted.length > 1) {
    for (const [page, p] of sorted.slice(0, Math.min(50, sorted.length - 1))) {
      text += `0x${hex(page, 16)}, 0x${hex(p.r, 4)}, ${p.reads}, 0x${hex(p.w, 4)}, ${p.writes}\n`;
    }
  }
  return text;
}

/** Seeded accesses: mostly vCPU 0 in a few low pages, some other vCPUs, some above 4 GiB. */
function accesses(seed: number, n: number): [number, boolean, number][] {
  let x = seed >>> 0;
  const rnd = (m: number): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % m; };
  const bases = [0x10000, 0x7fffe000, 0xfffff000, 0x4000000000, 0x3ffffffff000, 0x12345000];
  const out: [number, boolean, number][] = [];
  for (let i = 0; i < n; i++) {
    const cpu = rnd(10) < 8 ? 0 : 1 + rnd(3);
    out.push([cpu, rnd(3) === 0, bases[rnd(bases.length)] + rnd(3 * 4096)]);
  }
  return out;
}

describe('plugins: hotpages page table', () => {
  for (const pageSize of [4096, 8192, 65536, 1024, 3000, 1, 0]) {
    for (const sortBy of ['rw', 'reads', 'writes', 'address']) {
      it(`pagesize=${pageSize} sortby=${sortBy}: same report as a map of pages`, () => {
        const args = [`pagesize=${pageSize}`, ...(sortBy === 'rw' ? [] : [`sortby=${sortBy}`])];
        const { count, report } = install(args);
        const acc = accesses(pageSize * 7 + sortBy.length, 5000);
        for (const [cpu, store, vaddr] of acc) count(cpu, makeMeminfo(2, false, store), vaddr);
        assert.equal(report(), reference(pageSize, sortBy, acc));
      });
    }
  }

  it('a page reached by vCPU 0 and by another vCPU reports both in its masks and the sum of the counts', () => {
    const { count, report } = install([]);
    const acc: [number, boolean, number][] = [[1, false, 0x20010], [0, false, 0x20020], [0, true, 0x20030], [2, true, 0x21000], [0, false, 0x21008]];
    for (const [cpu, store, vaddr] of acc) count(cpu, makeMeminfo(3, false, store), vaddr);
    const text = report();
    assert.equal(text, reference(4096, 'rw', acc));
    assert.match(text, /0x0000000000020000, 0x0003, 2, 0x0001, 1/);
  });
});

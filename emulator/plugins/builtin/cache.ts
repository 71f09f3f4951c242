// Port of QEMU's contrib/plugins/cache.c: simulates per-core L1 data and instruction caches
// (and an optional unified L2) fed by memory and instruction-exec callbacks, then reports
// accesses/misses per core and the instructions with the most misses. Same arguments as QEMU:
// iblksize iassoc icachesize dblksize dassoc dcachesize l2cachesize l2blksize l2assoc l2
// limit cores evict=lru|fifo|rand. evict=rand uses a fixed-seed generator so runs repeat.

import { CbFlags, MemRW } from '../../tcg/instrument';
import type { PluginModule } from '../types';
import { hex, left, optionFailed, parseBool, right, split } from './util';

type Policy = 'lru' | 'fifo' | 'rand';

class Cache {
  readonly numSets: number;
  readonly blkShift: number;
  readonly tags: Float64Array;       // per block; NaN = invalid
  readonly prio: Float64Array;       // LRU priorities
  readonly gen: Float64Array;        // LRU generation per set
  readonly fifo: number[][];
  accesses = 0;
  misses = 0;

  constructor(readonly blksize: number, readonly assoc: number, cachesize: number, readonly policy: Policy, readonly rand: () => number) {
    this.numSets = cachesize / (blksize * assoc);
    this.blkShift = Math.log2(blksize);
    this.tags = new Float64Array(this.numSets * assoc).fill(NaN);
    this.prio = new Float64Array(this.numSets * assoc);
    this.gen = new Float64Array(this.numSets);
    this.fifo = Array.from({ length: policy === 'fifo' ? this.numSets : 0 }, () => []);
  }

  /** Returns true on a hit; on a miss the block is brought in (QEMU's access_cache). */
  access(addr: number): boolean {
    const blk = Math.floor(addr / this.blksize);
    const set = blk % this.numSets, tag = blk - set, base = set * this.assoc;
    for (let i = 0; i < this.assoc; i++) {
      if (this.tags[base + i] === tag) {
        if (this.policy === 'lru') this.prio[base + i] = this.gen[set]++;
        return true;
      }
    }
    let victim = -1;
    for (let i = 0; i < this.assoc; i++) if (Number.isNaN(this.tags[base + i])) { victim = i; break; }
    if (victim < 0) {
      if (this.policy === 'rand') victim = Math.floor(this.rand() * this.assoc);
      else if (this.policy === 'lru') {
        victim = 0;
        for (let i = 1; i < this.assoc; i++) if (this.prio[base + i] < this.prio[base + victim]) victim = i;
      } else victim = this.fifo[set].pop()!;
    }
    if (this.policy === 'lru') this.prio[base + victim] = this.gen[set]++;
    else if (this.policy === 'fifo') this.fifo[set].unshift(victim);
    this.tags[base + victim] = tag;
    return false;
  }
}

function configError(blksize: number, assoc: number, size: number): string | null {
  if (!(blksize > 0) || (blksize & (blksize - 1)) !== 0) return 'block size must be a power of two';
  if (size % blksize !== 0) return 'cache size must be divisible by block size';
  if (!(assoc > 0) || size % (blksize * assoc) !== 0) return 'cache size must be divisible by set size (assoc * block size)';
  return null;
}

interface InsnData { disas: string; symbol: string | null; addr: number; l1d: number; l1i: number; l2: number }

const pct = (m: number, a: number, w: number) => right((a ? m / a * 100 : 0).toFixed(4), w) + '%';

export const cache: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let limit = 32, cores = 1, useL2 = false, policy: Policy = 'lru';
    let dassoc = 8, dblk = 64, dsize = 64 * 8 * 32, iassoc = 8, iblk = 64, isize = 64 * 8 * 32;
    let l2assoc = 16, l2blk = 64, l2size = 16 * 64 * 2048;
    const num = (v: string | undefined) => parseInt(v ?? '', 10) || 0;
    for (const opt of args) {
      const [k, v] = split(opt);
      switch (k) {
        case 'iblksize': iblk = num(v); break;
        case 'iassoc': iassoc = num(v); break;
        case 'icachesize': isize = num(v); break;
        case 'dblksize': dblk = num(v); break;
        case 'dassoc': dassoc = num(v); break;
        case 'dcachesize': dsize = num(v); break;
        case 'limit': limit = num(v); break;
        // QEMU divides by cores (vcpu % cores): 0 or less could only fail later, so refuse it here.
        case 'cores': cores = num(v); if (cores < 1) throw optionFailed(opt); break;
        case 'l2cachesize': useL2 = true; l2size = num(v); break;
        case 'l2blksize': useL2 = true; l2blk = num(v); break;
        case 'l2assoc': useL2 = true; l2assoc = num(v); break;
        case 'l2': useL2 = parseBool(api, opt); break;
        case 'evict':
          if (v === 'rand' || v === 'lru' || v === 'fifo') policy = v;
          else throw new Error(`invalid eviction policy: ${opt}`);
          break;
        default: throw optionFailed(opt);
      }
    }
    let seed = 0x2545f491;
    const rand = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 4294967296; };
    const make = (what: string, b: number, a: number, s: number) => {
      const err = configError(b, a, s);
      if (err) throw new Error(`${what} cannot be constructed from given parameters: ${err}`);
      return Array.from({ length: cores }, () => new Cache(b, a, s, policy, rand));
    };
    const l1d = make('dcache', dblk, dassoc, dsize);
    const l1i = make('icache', iblk, iassoc, isize);
    const l2 = useL2 ? make('L2 cache', l2blk, l2assoc, l2size) : null;
    const insns = new Map<number, InsnData>();

    const toL2 = (core: number, addr: number, d: InsnData) => {
      const c = l2![core];
      if (!c.access(addr)) { d.l2++; c.misses++; }
      c.accesses++;
    };
    const onMem = (vcpu: number, _info: number, vaddr: number, ud: unknown) => {
      const core = vcpu % cores, c = l1d[core], d = ud as InsnData;
      const hit = c.access(vaddr);
      if (!hit) { d.l1d++; c.misses++; }
      c.accesses++;
      if (!hit && l2) toL2(core, vaddr, d);
    };
    const onExec = (vcpu: number, ud: unknown) => {
      const core = vcpu % cores, c = l1i[core], d = ud as InsnData;
      const hit = c.access(d.addr);
      if (!hit) { d.l1i++; c.misses++; }
      c.accesses++;
      if (!hit && l2) toL2(core, d.addr, d);
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i), addr = api.insnVaddr(h);
        let d = insns.get(addr);
        if (!d) insns.set(addr, d = { disas: api.insnDisas(h), symbol: api.insnSymbol(h), addr, l1d: 0, l1i: 0, l2: 0 });
        api.registerVcpuMemCb(h, onMem, CbFlags.NO_REGS, MemRW.RW, d);
        api.registerVcpuInsnExecCb(h, onExec, CbFlags.NO_REGS, d);
      }
    });

    const statsLine = (da: number, dm: number, ia: number, im: number, l2a: number, l2m: number): string => {
      let s = `${left(da, 14)} ${left(dm, 12)} ${pct(dm, da, 9)}  ${left(ia, 14)} ${left(im, 12)} ${pct(im, ia, 9)}`;
      if (l2a && l2m) s += `  ${left(l2a, 12)} ${left(l2m, 11)} ${pct(l2m, l2a, 10)}`;
      return s + '\n';
    };

    api.registerAtexitCb(api.id, () => {
      let rep = 'core #, data accesses, data misses, dmiss rate, insn accesses, insn misses, imiss rate';
      if (useL2) rep += ', l2 accesses, l2 misses, l2 miss rate';
      rep += '\n';
      for (let i = 0; i < cores; i++) {
        rep += left(i, 8) + statsLine(l1d[i].accesses, l1d[i].misses, l1i[i].accesses, l1i[i].misses,
          l2 ? l2[i].accesses : 0, l2 ? l2[i].misses : 0);
      }
      if (cores > 1) {
        const sum = (cs: Cache[] | null, f: (c: Cache) => number) => (cs ?? []).reduce((a, c) => a + f(c), 0);
        rep += left('sum', 8) + statsLine(sum(l1d, c => c.accesses), sum(l1d, c => c.misses), sum(l1i, c => c.accesses),
          sum(l1i, c => c.misses), sum(l2, c => c.accesses), sum(l2, c => c.misses));
      }
      api.outs(rep + '\n');

      let top = '';
      const list = (title: string, f: (d: InsnData) => number) => {
        top += title;
        const sorted = [...insns.values()].sort((a, b) => f(b) - f(a));
        for (const d of sorted.slice(0, limit)) top += `0x${hex(d.addr)}${d.symbol ? ` (${d.symbol})` : ''}, ${f(d)}, ${d.disas}\n`;
      };
      list('address, data misses, instruction\n', d => d.l1d);
      list('\naddress, fetch misses, instruction\n', d => d.l1i);
      if (useL2) list('\naddress, L2 misses, instruction\n', d => d.l2);
      api.outs(top);
    });
  },
};

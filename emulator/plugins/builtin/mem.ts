// Port of QEMU's tests/tcg/plugins/mem.c: counts memory accesses (inline=on or callback=on —
// with neither, as in QEMU, nothing is counted or printed), optionally filtered by track=r|w|rw;
// print-accesses=on logs every access with its value; region-summary=on mirrors stores per
// 16 KiB region and checks that loads read back what was stored; haddr=on counts I/O accesses.

import { CbFlags, MemRW } from '../../tcg/instrument';
import { InlineOpKind, type MemValue, type PluginModule } from '../types';
import { hex, optionFailed, parseBool, split } from './util';

const REGION_SIZE = 4096 * 4;

interface RegionInfo { regionAddress: number; reads: number; writes: number; data: Uint8Array; seenAll: boolean }

function valueHex(v: MemValue): string {
  const width = [2, 4, 8, 16][v.type as number] ?? 32;
  return '0x' + hex(v.value, width);
}

export const mem: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let doInline = false, doCallback = false, doPrint = false, doRegions = false, doHaddr = false;
    let rw = MemRW.RW;
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'haddr') doHaddr = parseBool(api, opt);
      else if (k === 'track') {
        if (v === 'r') rw = MemRW.R;
        else if (v === 'w') rw = MemRW.W;
        else if (v === 'rw') rw = MemRW.RW;
        else throw new Error(`invalid value for argument track: ${opt}`);
      } else if (k === 'inline') doInline = parseBool(api, opt);
      else if (k === 'callback') doCallback = parseBool(api, opt);
      else if (k === 'print-accesses') doPrint = parseBool(api, opt);
      else if (k === 'region-summary') doRegions = parseBool(api, opt);
      else throw optionFailed(opt);
    }
    if (doInline && doCallback) throw new Error("can't enable inline and callback counting at the same time");
    if (doPrint) api.outs('insn_vaddr,insn_symbol,mem_vaddr,mem_hwaddr,access_size,access_type,mem_value\n');

    const counts = api.scoreboardNew(16);  // CPUCount {mem_count, io_count}
    const memCount = api.scoreboardU64InStruct(counts, 0);
    const ioCount = api.scoreboardU64InStruct(counts, 8);
    const regions = new Map<number, RegionInfo>();

    const updateRegion = (region: number, offset: number, isStore: boolean, value: MemValue, size: number): void => {
      let ri = regions.get(region);
      if (!ri) regions.set(region, ri = { regionAddress: region, reads: 0, writes: 0, data: new Uint8Array(REGION_SIZE + 8), seenAll: true });
      if (isStore) ri.writes++; else ri.reads++;
      const view = new DataView(ri.data.buffer);
      let unseen = false;
      const v = BigInt(value.value);
      if (isStore) {
        for (let b = 0; b < size; b++) ri.data[offset + b] = Number((v >> BigInt(8 * b)) & 0xffn);
      } else {
        let got = 0n;
        for (let b = size - 1; b >= 0; b--) got = (got << 8n) | BigInt(view.getUint8(offset + b));
        unseen = got !== v;
      }
      if (unseen && ri.seenAll) {
        api.outs(`Warning: 0x${hex(region, 16)}:${offset} read an un-instrumented value\n`);
        ri.seenAll = false;
      }
    };

    const vcpuMem = (cpu: number, info: number, vaddr: number): void => {
      // user mode: get_hwaddr is NULL, so haddr=on never sees I/O
      api.u64Add(memCount, cpu, 1);
      if (doRegions) {
        const offset = vaddr % REGION_SIZE;
        updateRegion(vaddr - offset, offset, api.memIsStore(info), api.memGetValue(info), 1 << api.memSizeShift(info));
      }
    };

    const printAccess = (_cpu: number, info: number, vaddr: number, ud: unknown): void => {
      const ii = ud as { vaddr: number; sym: string };
      const size = 8 << api.memSizeShift(info);
      const type = api.memIsStore(info) ? 'store' : 'load';
      const hw = api.hwaddrPhysAddr(api.getHwaddr(info, vaddr));
      api.outs(`0x${hex(ii.vaddr)},${ii.sym},0x${hex(vaddr)},0x${hex(hw)},${size},${type},${valueHex(api.memGetValue(info))}\n`);
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i);
        if (doInline) api.registerVcpuMemInlinePerVcpu(h, rw, InlineOpKind.ADD_U64, memCount, 1);
        if (doCallback || doRegions) api.registerVcpuMemCb(h, vcpuMem, CbFlags.NO_REGS, rw);
        if (doPrint) {
          api.registerVcpuMemCb(h, printAccess, CbFlags.NO_REGS, rw, { vaddr: api.insnVaddr(h), sym: api.insnSymbol(h) ?? '' });
        }
      }
    });

    api.registerAtexitCb(api.id, () => {
      let out = '';
      if (doInline || doCallback) out = `mem accesses: ${api.u64Sum(memCount)}\n`;
      if (doHaddr) out += `io accesses: ${api.u64Sum(ioCount)}\n`;
      api.outs(out);
      if (doRegions) {
        out = 'Region Base, Reads, Writes, Seen all\n';
        const list = [...regions.values()].sort((a, b) => a.regionAddress - b.regionAddress);
        if (list.length > 1) {
          for (const ri of list) out += `0x${hex(ri.regionAddress, 16)}, ${ri.reads}, ${ri.writes}, ${ri.seenAll}\n`;
        }
        api.outs(out);
      }
      api.scoreboardFree(counts);
    });
  },
};

// Port of QEMU's contrib/plugins/drcov.c: writes a DynamoRIO drcov v2 coverage file (what
// Lighthouse reads) listing every translated block that executed: a text header with one module
// (the main binary's code range), then "BB Table: N bbs" and N binary records
// {u32 start, u16 size, u16 module id}, little-endian. Argument: filename=PATH.

import { CbFlags } from '../../tcg/instrument';
import { managerOf } from '../core';
import type { PluginModule } from '../types';
import { hex, split } from './util';

const HEADER = 'DRCOV VERSION: 2\nDRCOV FLAVOR: drcov-64\nModule Table: version 2, count 1\nColumns: id, base, end, entry, path\n';

interface BbEntry { start: number; size: number; modId: number; exec: boolean }

export const drcov: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let fileName = 'file.drcov.trace';
    for (const a of args) { const [k, v] = split(a); if (k === 'filename' && v !== undefined) fileName = v; }
    const mgr = managerOf(api);
    if (!mgr.options.writeFile) throw new Error('drcov needs a host that can write files');
    const blocks: BbEntry[] = [];

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      const bb: BbEntry = { start: api.tbVaddr(tb) >>> 0, size: 0, modId: 0, exec: false };
      for (let i = 0; i < n; i++) bb.size += api.insnSize(api.tbGetInsn(tb, i));
      blocks.push(bb);
      api.registerVcpuTbExecCb(tb, (_c, ud) => { (ud as BbEntry).exec = true; }, CbFlags.NO_REGS, bb);
    });

    api.registerAtexitCb(api.id, () => {
      const executed = blocks.filter(b => b.exec);
      const text = HEADER +
        `0, 0x${hex(api.startCode())}, 0x${hex(api.endCode())}, 0x${hex(api.entryCode())}, ${api.pathToBinary() ?? '(null)'}\n` +
        `BB Table: ${executed.length} bbs\n`;
      const head = new TextEncoder().encode(text);
      const out = new Uint8Array(head.length + 8 * executed.length);
      out.set(head);
      const view = new DataView(out.buffer);
      executed.forEach((b, i) => {
        const at = head.length + 8 * i;
        view.setUint32(at, b.start, true);
        view.setUint16(at + 4, b.size & 0xffff, true);
        view.setUint16(at + 6, b.modId, true);
      });
      mgr.options.writeFile!(fileName, out);
    });
  },
};

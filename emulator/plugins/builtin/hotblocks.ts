// Port of QEMU's contrib/plugins/hotblocks.c: counts executions per translation block (keyed by
// start pc and instruction count, as QEMU cannot see TB identity), by callback or, with
// inline=on, by an inline ADD on a scoreboard. Report text as QEMU's (the last sorted entry is
// never listed, as in QEMU's loop).

import { CbFlags } from '../../tcg/instrument';
import type { Scoreboard } from '../scoreboard';
import { InlineOpKind, type PluginModule } from '../types';
import { hex, optionFailed, parseBool, sortDesc, split } from './util';

interface ExecCount { startAddr: number; insns: number; transCount: number; execCount: Scoreboard }

export const hotblocks: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let doInline = false;
    const limit = 20;
    for (const opt of args) {
      if (split(opt)[0] === 'inline') doInline = parseBool(api, opt);
      else throw optionFailed(opt);
    }
    const blocks = new Map<string, ExecCount>();
    const sum = (c: ExecCount) => api.u64Sum(api.scoreboardU64(c.execCount));

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const pc = api.tbVaddr(tb), insns = api.tbNInsns(tb), key = `${pc}:${insns}`;
      let cnt = blocks.get(key);
      if (cnt) cnt.transCount++;
      else blocks.set(key, cnt = { startAddr: pc, insns, transCount: 1, execCount: api.scoreboardNew(8) });
      const entry = api.scoreboardU64(cnt.execCount);
      if (doInline) api.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.ADD_U64, entry, 1);
      else api.registerVcpuTbExecCb(tb, vcpu => api.u64Add(entry, vcpu, 1), CbFlags.NO_REGS);
    });

    api.registerAtexitCb(api.id, () => {
      let report = `collected ${blocks.size} entries in the hash table\n`;
      const sorted = sortDesc(blocks.values(), sum);
      if (sorted.length) {
        report += 'pc, tcount, icount, ecount\n';
        for (let i = 0; i < limit && i < sorted.length - 1; i++) {
          const r = sorted[i];
          report += `0x${hex(r.startAddr, 16)}, ${r.transCount}, ${r.insns}, ${sum(r)}\n`;
        }
      }
      api.outs(report);
      for (const c of blocks.values()) api.scoreboardFree(c.execCount);
    });
  },
};

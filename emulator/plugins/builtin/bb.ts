// Port of QEMU's tests/tcg/plugins/bb.c: counts executed blocks and the instructions in them
// per vCPU, by a TB exec callback or (inline=on) two inline ADDs; idle=on reports on vCPU idle.

import { CbFlags } from '../../tcg/instrument';
import { InlineOpKind, type PluginModule } from '../types';
import { optionFailed, parseBool, split } from './util';

export const bb: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let doInline = false, idleReport = false;
    for (const opt of args) {
      const k = split(opt)[0];
      if (k === 'inline') doInline = parseBool(api, opt);
      else if (k === 'idle') idleReport = parseBool(api, opt);
      else throw optionFailed(opt);
    }
    const counts = api.scoreboardNew(16);  // CPUCount {bb_count, insn_count}
    const bbCount = api.scoreboardU64InStruct(counts, 0);
    const insnCount = api.scoreboardU64InStruct(counts, 8);

    const oneCpu = (i: number): string => {
      const c = api.scoreboardFind(counts, i);
      return c[0] ? `CPU${i}: bb's: ${c[0]}, insns: ${c[1]}\n` : '';
    };

    if (idleReport) {
      api.registerVcpuIdleCb(api.id, cpu => {
        const r = oneCpu(cpu);
        if (r.length) api.outs('Idling ' + r);
      });
    }

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      if (doInline) {
        api.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.ADD_U64, bbCount, 1);
        api.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.ADD_U64, insnCount, n);
      } else {
        api.registerVcpuTbExecCb(tb, (cpu, ud) => {
          const c = api.scoreboardFind(counts, cpu);
          c[1] += BigInt(ud as number);
          c[0]++;
        }, CbFlags.NO_REGS, n);
      }
    });

    api.registerAtexitCb(api.id, () => {
      let report = '';
      for (let i = 0; i < api.numVcpus(); i++) report += oneCpu(i);
      report += `Total: bb's: ${api.u64Sum(bbCount)}, insns: ${api.u64Sum(insnCount)}\n`;
      api.outs(report);
      api.scoreboardFree(counts);
    });
  },
};

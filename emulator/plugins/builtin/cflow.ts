// Port of QEMU's contrib/plugins/cflow.c: finds where control flow leaves straight-line
// execution. Inline STOREs keep the last pc and the expected fall-through pc in a scoreboard;
// a conditional callback (pc_after_block != this TB's pc) fires only on a taken branch or early
// exit, and counts the destinations of the branch insn. sort=hottest|early|exceptions.

import { CbFlags, CondOp } from '../../tcg/instrument';
import { InlineOpKind, type PluginModule } from '../types';
import { cstr, hex, optionFailed, split } from './util';

interface NodeData {
  addr: number; dests: { daddr: bigint; dcount: number }[]; earlyExit: number; destCount: number;
  insnDisas: string | null; symbol: string | null; lastCount: number; midCount: number;
}

export const cflow: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let report: 'hottest' | 'early' | 'popdest' = 'hottest';
    const topn = 10;
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'sort') {
        if (v === 'hottest') report = 'hottest';
        else if (v === 'early') report = 'early';
        else if (v === 'exceptions') report = 'popdest';
        else throw new Error(`failed to parse: ${v}`);
      } else throw optionFailed(opt);
    }
    const nodes = new Map<number, NodeData>();
    const state = api.scoreboardNew(32);  // VCPUScoreBoard {tb_pc, end_block, pc_after_block, last_pc}
    const [tbPc, endBlock, pcAfterBlock, lastPc] = [0, 8, 16, 24].map(o => api.scoreboardU64InStruct(state, o));
    const fetch = (addr: number): NodeData => {
      let n = nodes.get(addr);
      if (!n) nodes.set(addr, n = { addr, dests: [], earlyExit: 0, destCount: 0, insnDisas: null, symbol: null, lastCount: 0, midCount: 0 });
      return n;
    };

    const branched = (cpu: number): void => {
      const lpc = api.u64Get(lastPc, cpu), ebpc = api.u64Get(endBlock, cpu), pc = api.u64Get(tbPc, cpu);
      if (!lpc) return;
      const node = fetch(Number(lpc));
      if (lpc !== ebpc) { node.earlyExit++; if (!node.midCount) node.midCount++; }
      let d = node.dests.find(x => x.daddr === pc);
      if (!d) node.dests.push(d = { daddr: pc, dcount: 0 });
      d.dcount++;
      node.destCount++;
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const pc = api.tbVaddr(tb), n = api.tbNInsns(tb);
      const first = api.tbGetInsn(tb, 0), last = api.tbGetInsn(tb, n - 1);
      api.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.STORE_U64, tbPc, pc);
      api.registerVcpuTbExecCondCb(tb, branched, CbFlags.NO_REGS, CondOp.NE, pcAfterBlock, pc);
      api.registerVcpuInsnExecInlinePerVcpu(first, InlineOpKind.STORE_U64, endBlock, api.insnVaddr(last));
      api.registerVcpuInsnExecInlinePerVcpu(first, InlineOpKind.STORE_U64, pcAfterBlock, api.insnVaddr(last) + api.insnSize(last));
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i), ipc = api.insnVaddr(h);
        const node = fetch(ipc);
        node.insnDisas ??= api.insnDisas(h);
        node.symbol ??= api.insnSymbol(h);
        if (h === last) node.lastCount++; else node.midCount++;
        api.registerVcpuInsnExecInlinePerVcpu(h, InlineOpKind.STORE_U64, lastPc, ipc);
      }
    });

    api.registerAtexitCb(api.id, () => {
      let result = `collected ${nodes.size} control flow nodes in the hash table\n`;
      const key = (n: NodeData) => report === 'hottest' ? n.destCount : report === 'early' ? n.earlyExit : n.dests.length;
      const data = [...nodes.values()].filter(n => n.destCount !== 0).sort((a, b) => key(b) - key(a));
      for (const n of data.slice(0, topn)) {
        result += `  addr: 0x${hex(n.addr)} ${cstr(n.symbol)}: ${cstr(n.insnDisas)} (${n.midCount ? 'sync fault' : 'branch'})\n`;
        if (n.earlyExit) result += `    early exits ${n.earlyExit}\n`;
        result += `    branches ${n.destCount}\n`;
        for (const d of n.dests) result += `      to 0x${hex(d.daddr)} (${d.dcount})\n`;
      }
      api.outs(result);
    });
  },
};

// Port of QEMU's tests/tcg/plugins/insn.c: counts executed instructions per vCPU (callback or
// inline=on), or with sizes=on the instruction sizes seen at translation; match=PREFIX counts
// executions of instructions whose disassembly starts with PREFIX (trace=on logs each hit).

import { CbFlags } from '../../tcg/instrument';
import type { Scoreboard } from '../scoreboard';
import { InlineOpKind, type PluginModule } from '../types';
import { hex, optionFailed, parseBool, split } from './util';

interface Match { matchString: string; counts: Scoreboard }  // MatchCount {hits, last_hit, total_delta}
interface Instruction { match: Match; vaddr: number; hits: number; disas: string }

export const insn: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let doInline = false, doSize = false, doTrace = false;
    const matches: Match[] = [];
    const sizes: number[] = [];
    const records = new Map<string, Instruction>();
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'inline') doInline = parseBool(api, opt);
      else if (k === 'sizes') doSize = parseBool(api, opt);
      else if (k === 'match') matches.push({ matchString: v ?? '', counts: api.scoreboardNew(24) });
      else if (k === 'trace') doTrace = parseBool(api, opt);
      else throw optionFailed(opt);
    }
    const insnCount = api.scoreboardU64(api.scoreboardNew(8));

    const record = (disas: string, vaddr: number, m: Match): Instruction => {
      const key = `${hex(vaddr)} ${disas}`;
      let r = records.get(key);
      if (!r) {
        records.set(key, r = { disas, vaddr, match: m, hits: 0 });
        api.outs(`Created record for: ${key}\n`);
      }
      return r;
    };

    // As QEMU's test: every register must be readable in vCPU init.
    api.registerVcpuInitCb(api.id, () => {
      for (const rd of api.getRegisters()) {
        if (!api.readRegister(rd.handle)?.length) throw new Error(`could not read register ${rd.name}`);
      }
    });

    const matchedExec = (cpu: number, ud: unknown): void => {
      const ins = ud as Instruction;
      const mc = api.scoreboardFind(ins.match.counts, cpu);  // [hits, last_hit, total_delta]
      ins.hits++;
      const icount = api.u64Get(insnCount, cpu);
      const delta = BigInt.asUintN(64, icount - mc[1]);
      mc[0]++; mc[2] += delta; mc[1] = icount;
      if (doTrace) {
        api.outs(`0x${hex(ins.vaddr)}, '${ins.disas}', ${ins.hits} hits , cpu ${cpu}, ${mc[0]} match hits,` +
          ` Δ+${delta} since last match, ${mc[2] / mc[0]} avg insns/match\n`);
      }
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i);
        if (doInline) api.registerVcpuInsnExecInlinePerVcpu(h, InlineOpKind.ADD_U64, insnCount, 1);
        else api.registerVcpuInsnExecCb(h, cpu => api.u64Add(insnCount, cpu, 1), CbFlags.NO_REGS);
        if (doSize) { const sz = api.insnSize(h); sizes[sz] = (sizes[sz] ?? 0) + 1; }
        if (matches.length) {
          const disas = api.insnDisas(h);
          for (const m of matches) {
            if (disas.startsWith(m.matchString)) {
              api.registerVcpuInsnExecCb(h, matchedExec, CbFlags.NO_REGS, record(disas, api.insnVaddr(h), m));
            }
          }
        }
      }
    });

    api.registerAtexitCb(api.id, () => {
      let out = '';
      if (doSize) {
        sizes.forEach((cnt, i) => { if (cnt) out += `len ${i} bytes: ${cnt} insns\n`; });
      } else {
        for (let i = 0; i < api.numVcpus(); i++) out += `cpu ${i} insns: ${api.u64Get(insnCount, i)}\n`;
        out += `total insns: ${api.u64Sum(insnCount)}\n`;
      }
      api.outs(out);
      api.scoreboardFree(insnCount.score);
      for (const m of matches) {
        const hits = api.u64Sum(api.scoreboardU64InStruct(m.counts, 0));
        api.outs(`Match: ${m.matchString}, hits ${hits}\n`);
        for (const r of records.values()) {
          if (r.match === m) api.outs(`  ${hex(r.vaddr)}: ${r.disas} (hits ${r.hits})\n`);
        }
        api.scoreboardFree(m.counts);
      }
    });
  },
};

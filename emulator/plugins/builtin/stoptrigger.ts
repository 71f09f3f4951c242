// Port of QEMU's contrib/plugins/stoptrigger.c: ends the guest after icount=N[:CODE]
// instructions (an inline counter and a conditional callback, so counting costs no call) or
// when addr=A[:CODE] is about to execute, printing QEMU's message; CODE is the exit status.

import { CbFlags, CondOp } from '../../tcg/instrument';
import { PluginExit } from '../core';
import { InlineOpKind, type PluginModule } from '../types';
import { hex, optionFailed, split, strtoull } from './util';

export const stoptrigger: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    const sb = api.scoreboardNew(16);  // InstructionsCount {insn_count, current_pc}
    const insnCount = api.scoreboardU64InStruct(sb, 0);
    const currentPc = api.scoreboardU64InStruct(sb, 8);
    let icount = 0, icountExitCode = 0, exitOnIcount = false;
    const addrs = new Map<number, { exitAddr: number; exitCode: number }>();
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'icount') {
        const [n, code] = (v ?? '').split(':');
        icount = strtoull(n);
        if (icount < 1 || n.includes('-')) throw new Error(`icount parsing failed: '${n}' must be a positive integer`);
        if (code !== undefined) icountExitCode = strtoull(code);
        exitOnIcount = true;
      } else if (k === 'addr') {
        const [a, code] = (v ?? '').split(':');
        const ei = { exitAddr: strtoull(a), exitCode: code !== undefined ? strtoull(code) : 0 };
        addrs.set(ei.exitAddr, ei);
      } else throw optionFailed(opt);
    }
    if (!exitOnIcount && !addrs.size) throw new Error("'icount' or 'addr' argument missing");

    const exitEmulation = (code: number, message: string): never => {
      api.outs(message);
      throw new PluginExit(code);
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i), vaddr = api.insnVaddr(h);
        if (exitOnIcount) {
          api.registerVcpuInsnExecInlinePerVcpu(h, InlineOpKind.ADD_U64, insnCount, 1);
          api.registerVcpuInsnExecInlinePerVcpu(h, InlineOpKind.STORE_U64, currentPc, vaddr);
          api.registerVcpuInsnExecCondCb(h, cpu => exitEmulation(icountExitCode,
            `icount reached at 0x${hex(api.u64Get(currentPc, cpu))}, exiting\n`), CbFlags.NO_REGS, CondOp.EQ, insnCount, icount + 1);
        }
        const ei = addrs.get(vaddr);
        if (ei) {
          api.registerVcpuInsnExecCb(h, () => exitEmulation(ei.exitCode, `0x${hex(ei.exitAddr)} reached, exiting\n`), CbFlags.NO_REGS);
        }
      }
    });
    api.registerAtexitCb(api.id, () => api.scoreboardFree(sb));
  },
};

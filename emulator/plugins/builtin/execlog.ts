// Port of QEMU's contrib/plugins/execlog.c: logs every executed instruction as
// "CPU, 0xPC, 0xOPCODE, \"DISAS\"" followed by its memory accesses (", load, 0xADDR"), printed
// when the next instruction starts (so accesses are included). Arguments: ifilter=PREFIX,
// afilter=0xADDR (log only matching instructions), reg=PATTERN (also log changes of matching
// registers, glob syntax), rdisas=on (only check registers named in the disassembly).

import { CbFlags, MemRW } from '../../tcg/instrument';
import type { RegHandle, PluginModule } from '../types';
import { hex, optionFailed, parseBool, split, strtoull } from './util';

interface Register { handle: RegHandle; last: Uint8Array; name: string }
interface Cpu { lastExec: string; registers: Register[] | null }

/** GLib g_pattern_spec: '*' any run, '?' one character. */
const glob = (pat: string): RegExp =>
  new RegExp('^' + pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');

export const execlog: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let imatches: string[] | null = null, amatches: number[] | null = null, rmatches: RegExp[] | null = null;
    let disasAssist = false;
    const allRegNames: string[] = [];
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'ifilter') (imatches ??= []).push(v ?? '');
      else if (k === 'afilter') (amatches ??= []).push(strtoull(v, 16));
      else if (k === 'reg') (rmatches ??= []).push(glob(v ?? ''));
      else if (k === 'rdisas') disasAssist = parseBool(api, opt);
      else throw optionFailed(opt);
    }
    const cpus: Cpu[] = [];

    api.registerVcpuInitCb(api.id, vcpu => {
      let regs: Register[] | null = null;
      if (rmatches) {
        for (const rd of api.getRegisters()) {
          if (rmatches.some(p => p.test(rd.name) || p.test(rd.name.toLowerCase()))) {
            (regs ??= []).push({ handle: rd.handle, name: rd.name.toLowerCase(), last: api.readRegister(rd.handle)! });
            if (disasAssist && !allRegNames.includes(rd.name.toLowerCase())) allRegNames.push(rd.name.toLowerCase());
          }
        }
      }
      cpus[vcpu] = { lastExec: '', registers: regs };
    });

    const checkRegs = (cpu: Cpu): void => {
      for (const reg of cpu.registers ?? []) {
        const now = api.readRegister(reg.handle)!;
        if (now.some((b, i) => b !== reg.last[i])) {
          let s = `, ${reg.name} -> 0x`;
          for (let i = now.length - 1; i >= 0; i--) s += hex(now[i], 2);
          cpu.lastExec += s;
          reg.last = now;
        }
      }
    };
    const flush = (cpu: Cpu, regs: boolean): void => {
      if (cpu.lastExec.length) {
        if (regs && cpu.registers) checkRegs(cpu);
        api.outs(cpu.lastExec);
        api.outs('\n');
      }
    };
    const execWith = (regs: boolean) => (vcpu: number, ud: unknown): void => {
      const cpu = cpus[vcpu];
      flush(cpu, regs);
      cpu.lastExec = `${vcpu}, ${ud as string}`;
    };
    const onlyRegs = (vcpu: number): void => { const cpu = cpus[vcpu]; flush(cpu, true); cpu.lastExec = ''; };
    const onMem = (vcpu: number, info: number, vaddr: number): void => {
      const cpu = cpus[vcpu];
      cpu.lastExec += api.memIsStore(info) ? ', store' : ', load';
      cpu.lastExec += `, 0x${hex(vaddr, 8)}`;
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      let skip = !!(imatches || amatches);
      let checkRegsThis = !!rmatches, checkRegsNext = false;
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i), disas = api.insnDisas(h), vaddr = api.insnVaddr(h);
        if (skip && imatches && imatches.some(m => disas.startsWith(m))) { skip = false; checkRegsNext = !!rmatches; }
        if (skip && amatches && amatches.includes(vaddr)) skip = false;
        if (disasAssist && rmatches) {
          checkRegsNext = false;
          const sp = disas.search(/[ \t]/);
          if (sp >= 0 && allRegNames.some(r => disas.slice(sp).includes(r))) { checkRegsNext = true; skip = false; }
        }
        if (skip) {
          if (checkRegsThis) api.registerVcpuInsnExecCb(h, onlyRegs, CbFlags.R_REGS);
        } else {
          const data = api.insnData(h, 4);
          let opcode = 0;
          for (let b = data.length - 1; b >= 0; b--) opcode = opcode * 256 + data[b];
          const output = `0x${hex(vaddr)}, 0x${hex(opcode)}, "${disas}"`;
          api.registerVcpuMemCb(h, onMem, CbFlags.NO_REGS, MemRW.RW);
          api.registerVcpuInsnExecCb(h, execWith(checkRegsThis), checkRegsThis ? CbFlags.R_REGS : CbFlags.NO_REGS, output);
          skip = !!(imatches || amatches);
        }
        if (disasAssist && rmatches) checkRegsThis = checkRegsNext;
      }
    });

    api.registerAtexitCb(api.id, () => {
      for (const c of cpus) if (c) { api.outs(c.lastExec); api.outs('\n'); }
    });
  },
};

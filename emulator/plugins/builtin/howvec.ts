// Port of QEMU's contrib/plugins/howvec.c: counts executed instructions by class. QEMU has
// tables for aarch64 and sparc only (riscv falls back to "Unclassified", counted individually),
// so tbscope adds a RISC-V table keyed on the major opcode (bits 6..0, RISC-V unpriv. spec
// ch. 34 "RV32/64G Instruction Set Listings") and, for compressed instructions, the quadrant
// (bits 1..0) and funct3 (bits 15..13, ch. 16.8). Arguments as QEMU: inline=on, verbose=on,
// count=OPT (count that class per instruction), count=!OPT (do not count it).

import { CbFlags } from '../../tcg/instrument';
import type { Scoreboard } from '../scoreboard';
import { InlineOpKind, type PluginApi, type PluginModule, type PluginU64 } from '../types';
import { hex, left, optionFailed, parseBool, split } from './util';

type CountType = 'class' | 'individual' | 'none';
interface InsnClass { cls: string; opt: string; mask: number; pattern: number; what: CountType; count?: PluginU64 }

/** Order matters: the first match wins, so precise entries come before looser ones. */
export const RISCV_CLASSES: readonly Omit<InsnClass, 'count'>[] = [
  // Compressed (16-bit parcels; the upper half of the 32-bit opcode is zero)
  { cls: '  C ALU (addi4spn)', opt: 'caddi4spn', mask: 0xffffe003, pattern: 0x0000, what: 'class' },
  { cls: '  C Load/Store', opt: 'cldst', mask: 0xffff0003, pattern: 0x0000, what: 'class' },
  { cls: '  C Jump', opt: 'cj', mask: 0xffffe003, pattern: 0xa001, what: 'class' },
  { cls: '  C Cond Branch', opt: 'cbr', mask: 0xffffc003, pattern: 0xc001, what: 'class' },
  { cls: '  C ALU', opt: 'calu', mask: 0xffff0003, pattern: 0x0001, what: 'class' },
  { cls: '  C Shift (slli)', opt: 'cslli', mask: 0xffffe003, pattern: 0x0002, what: 'class' },
  { cls: '  C Jump/Move/Add', opt: 'cjr', mask: 0xffffe003, pattern: 0x8002, what: 'class' },
  { cls: '  C Load/Store (sp)', opt: 'cldstsp', mask: 0xffff0003, pattern: 0x0002, what: 'class' },
  // Integer
  { cls: '  Mul/Div', opt: 'muldiv', mask: 0xfe00007f, pattern: 0x02000033, what: 'class' },
  { cls: '  Mul/Div (word)', opt: 'muldivw', mask: 0xfe00007f, pattern: 0x0200003b, what: 'class' },
  { cls: '  ALU (reg)', opt: 'alu', mask: 0x00000077, pattern: 0x00000033, what: 'class' },
  { cls: '  ALU (imm)', opt: 'alui', mask: 0x00000077, pattern: 0x00000013, what: 'class' },
  { cls: '  LUI/AUIPC', opt: 'luiauipc', mask: 0x0000005f, pattern: 0x00000017, what: 'class' },
  // Control transfer
  { cls: '  Cond Branch', opt: 'cndb', mask: 0x0000007f, pattern: 0x00000063, what: 'class' },
  { cls: '  Jump (jal)', opt: 'jal', mask: 0x0000007f, pattern: 0x0000006f, what: 'class' },
  { cls: '  Jump (jalr)', opt: 'jalr', mask: 0x0000007f, pattern: 0x00000067, what: 'class' },
  // Memory
  { cls: '  Load', opt: 'ld', mask: 0x0000007f, pattern: 0x00000003, what: 'class' },
  { cls: '  Store', opt: 'st', mask: 0x0000007f, pattern: 0x00000023, what: 'class' },
  { cls: '  FP Load', opt: 'fld', mask: 0x0000007f, pattern: 0x00000007, what: 'class' },
  { cls: '  FP Store', opt: 'fst', mask: 0x0000007f, pattern: 0x00000027, what: 'class' },
  { cls: '  Atomic', opt: 'amo', mask: 0x0000007f, pattern: 0x0000002f, what: 'class' },
  { cls: '  Fence', opt: 'fence', mask: 0x0000007f, pattern: 0x0000000f, what: 'class' },
  // Floating point
  { cls: '  FP Fused Mul-Add', opt: 'fma', mask: 0x00000073, pattern: 0x00000043, what: 'class' },
  { cls: '  FP Arith', opt: 'fp', mask: 0x0000007f, pattern: 0x00000053, what: 'class' },
  // System
  { cls: '  ECALL/EBREAK', opt: 'ecall', mask: 0xffefffff, pattern: 0x00000073, what: 'class' },
  { cls: '  CSR', opt: 'csr', mask: 0x0000007f, pattern: 0x00000073, what: 'class' },
  { cls: 'Unclassified', opt: 'unclas', mask: 0x00000000, pattern: 0x00000000, what: 'individual' },
];

/** QEMU's fallback for targets without a table. */
const DEFAULT_CLASSES: readonly Omit<InsnClass, 'count'>[] = [
  { cls: 'Unclassified', opt: 'unclas', mask: 0, pattern: 0, what: 'individual' },
];

interface InsnExecCount { insn: string; opcode: number; count: PluginU64; cls: InsnClass }

function opcodeOf(data: Uint8Array): number {
  let op = 0;
  for (let b = Math.min(4, data.length) - 1; b >= 0; b--) op = op * 256 + data[b];
  return op >>> 0;
}

export const howvec: PluginModule = {
  apiVersion: 7,
  install(api, args, info) {
    const limit = 50;
    let doInline = false, verbose = false;
    const table: InsnClass[] = (info.targetName.startsWith('riscv') ? RISCV_CLASSES : DEFAULT_CLASSES)
      .map(c => ({ ...c, count: api.scoreboardU64(api.scoreboardNew(8)) }));
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'inline') doInline = parseBool(api, opt);
      else if (k === 'verbose') verbose = parseBool(api, opt);
      else if (k === 'count') {
        let value = v ?? '', type: CountType = 'individual';
        if (value.startsWith('!')) { type = 'none'; value = value.slice(1); }
        const c = table.find(t => t.opt === value);
        if (c) c.what = type;
      } else throw optionFailed(opt);
    }
    const insns = new Map<number, InsnExecCount>();
    const scores: Scoreboard[] = table.map(c => c.count!.score);

    const findCounter = (h: ReturnType<PluginApi['tbGetInsn']>): PluginU64 | null => {
      const opcode = opcodeOf(api.insnData(h, 4));
      const cls = table.find(c => ((opcode & c.mask) >>> 0) === c.pattern)!;
      if (cls.what === 'none') return null;
      if (cls.what === 'class') return cls.count!;
      let ic = insns.get(opcode);
      if (!ic) {
        const s = api.scoreboardNew(8);
        scores.push(s);
        insns.set(opcode, ic = { insn: api.insnDisas(h), opcode, count: api.scoreboardU64(s), cls });
      }
      return ic.count;
    };

    api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const n = api.tbNInsns(tb);
      for (let i = 0; i < n; i++) {
        const h = api.tbGetInsn(tb, i), cnt = findCounter(h);
        if (!cnt) continue;
        if (doInline) api.registerVcpuInsnExecInlinePerVcpu(h, InlineOpKind.ADD_U64, cnt, 1);
        else api.registerVcpuInsnExecCb(h, cpu => api.u64Add(cnt, cpu, 1), CbFlags.NO_REGS);
      }
    });

    api.registerAtexitCb(api.id, () => {
      let report = 'Instruction Classes:\n';
      for (const c of table) {
        if (c.what === 'class') {
          const total = api.u64Sum(c.count!);
          if (total || verbose) report += `Class: ${left(c.cls, 24)}\t(${total} hits)\n`;
        } else if (c.what === 'individual') report += `Class: ${left(c.cls, 24)}\tcounted individually\n`;
        else report += `Class: ${left(c.cls, 24)}\tnot counted\n`;
      }
      const counts = [...insns.values()];
      if (counts.length > 1) {
        report += 'Individual Instructions:\n';
        counts.sort((a, b) => Number(api.u64Sum(b.count) - api.u64Sum(a.count)));
        for (let i = 0; i < limit && i < counts.length - 1; i++) {
          const r = counts[i];
          report += `Instr: ${left(r.insn, 24)}\t(${api.u64Sum(r.count)} hits)\t(op=0x${hex(r.opcode, 8)}/${r.cls.cls})\n`;
        }
      }
      for (const s of scores) api.scoreboardFree(s);
      api.outs(report);
    });
  },
};

// TB formation by QEMU's rules (accel/tcg/translator.c, target/riscv/translate.c): decode guest
// instructions from pc until one ends the block (control transfer, ecall, ebreak, fence.i, and —
// as qemu-riscv64 7.2 does — every Zicsr instruction, which exits to the main loop), the next
// instruction would leave the first page (only the first instruction may cross a page; QEMU 7.2's
// exact test is below), the size
// limit is reached, or the next address holds a breakpoint (so a breakpoint is always at a TB start).
// An undecodable or unfetchable *first* instruction becomes a trap TB, so SIGILL/SIGSEGV is
// raised only when execution really gets there.

import { decode } from '../isa/decode';
import type { Insn } from '../isa/insn';
import { ISA } from '../isa/table';
import type { Memory } from '../memory/memory';
import type { TbTrap } from './tb';

/** QEMU's TCG_MAX_INSNS. */
export const MAX_TB_INSNS = 512;
const PAGE = 4096;

export interface FormedBlock { insns: Insn[]; size: number; trap?: TbTrap }

/** Whether the translator must end the TB after this instruction. */
export function endsBlock(insn: Insn): boolean {
  const f = ISA[insn.op].flags;
  return !!(f.endsBlock || f.csr);
}

export function formBlock(mem: Memory, pc: number, maxInsns: number, isBreakpoint: (pc: number) => boolean): FormedBlock {
  const insns: Insn[] = [];
  const firstPage = Math.floor(pc / PAGE);
  let at = pc;
  for (;;) {
    const first = insns.length === 0;
    if (!first && isBreakpoint(at)) break;
    const lo = mem.fetch16(at);
    if (lo < 0) {
      if (first) return { insns, size: 0, trap: { kind: 'fetch', addr: at } };
      break;
    }
    const len = (lo & 3) === 3 ? 4 : 2;
    // qemu-riscv64 7.2 (riscv_tr_translate_insn): past page offset PAGE-4 the next instruction is
    // kept only if pc + len (not pc + len - 1) is on the same page, so a 2-byte instruction in
    // the last halfword of the page starts a new TB too. Our oracle is that QEMU, so we match it.
    if (!first && at % PAGE > PAGE - 4 && Math.floor((at + len) / PAGE) !== firstPage) break;
    let hi = 0;
    if (len === 4) {
      hi = mem.fetch16(at + 2);
      if (hi < 0) {
        if (first) return { insns, size: 0, trap: { kind: 'fetch', addr: at + 2 } };
        break;
      }
    }
    const insn = decode(at, lo, hi);
    if (insn === undefined) {
      if (first) return { insns, size: 0, trap: { kind: 'illegal', raw: len === 4 ? ((hi << 16) | lo) >>> 0 : lo } };
      break;
    }
    insns.push(insn);
    at += len;
    if (endsBlock(insn) || insns.length >= maxInsns || Math.floor(at / PAGE) !== firstPage) break;
  }
  return { insns, size: at - pc };
}

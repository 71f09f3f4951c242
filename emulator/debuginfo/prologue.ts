// Unwinding without CFI by reading the function's prologue, as gdb's riscv_scan_prologue does:
// from the function's start (an ELF symbol) up to pc, sum the stack adjustments
// (addi/c.addi/c.addi16sp on sp) and note where registers were stored (sd/c.sdsp relative to
// sp). The caller's sp is the entry sp, its pc the saved ra. Used for code with neither DWARF
// CFI nor a frame pointer (glibc's noreturn helpers such as __run_exit_handlers).

import type { CallerFrame, ReadMem, ReadReg } from './unwind';

/** Longest prologue scanned: prologues are short, and a bound keeps a wrong start cheap. */
const MAX_SCAN_BYTES = 256;
const M64 = (1n << 64n) - 1n;

interface PrologueEffect { spDelta: number; saved: Map<number, number> }

/** Sign-extends the low `bits` bits of v. */
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

function scan(start: number, pc: number, readMem: ReadMem): PrologueEffect | undefined {
  let spDelta = 0;
  const saved = new Map<number, number>();
  for (let a = start; a < pc && a < start + MAX_SCAN_BYTES;) {
    const lo = readMem(a, 2);
    if (lo === undefined) return undefined;
    const h = Number(lo);
    if ((h & 3) !== 3) { // 16-bit (RVC)
      const op = h & 3, f3 = h >> 13, rd = (h >> 7) & 31;
      if (op === 1 && f3 === 3 && rd === 2) { // c.addi16sp
        spDelta += sext(((h >> 12) & 1) << 9 | ((h >> 6) & 1) << 4 | ((h >> 5) & 1) << 6 | ((h >> 3) & 3) << 7 | ((h >> 2) & 1) << 5, 10);
      } else if (op === 1 && f3 === 0 && rd === 2) { // c.addi sp
        spDelta += sext(((h >> 12) & 1) << 5 | ((h >> 2) & 31), 6);
      } else if (op === 2 && f3 === 7) { // c.sdsp
        const rs2 = (h >> 2) & 31, off = ((h >> 10) & 7) << 3 | ((h >> 7) & 7) << 6;
        if (!saved.has(rs2)) saved.set(rs2, spDelta + off);
      } else if ((op === 1 && (f3 === 1 || f3 >= 5)) || (op === 2 && f3 === 4 && ((h >> 2) & 31) === 0 && rd !== 0)) {
        break; // c.jal / c.j / c.beqz / c.bnez, c.jr / c.jalr: the prologue is over
      }
      a += 2;
      continue;
    }
    const w = readMem(a, 4);
    if (w === undefined) return undefined;
    const insn = Number(w) | 0;
    const opc = insn & 0x7f, f3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
    if (opc === 0x13 && f3 === 0 && rd === 2 && rs1 === 2) spDelta += insn >> 20; // addi sp, sp, imm
    else if (opc === 0x23 && f3 === 3 && rs1 === 2) { // sd rs2, imm(sp)
      const rs2 = (insn >> 20) & 31, off = ((insn >> 25) << 5) | ((insn >> 7) & 31);
      if (!saved.has(rs2)) saved.set(rs2, spDelta + off);
    } else if (opc === 0x6f || opc === 0x67 || opc === 0x63) break; // jal, jalr, branches
    a += 4;
  }
  return { spDelta, saved };
}

/**
 * One unwinding step by prologue analysis. `start` is the function's entry address. For a
 * caller frame (isTop false) ra must have been saved, since its own call overwrote it.
 */
export function unwindStepPrologue(pc: number, start: number, readReg: ReadReg, readMem: ReadMem, isTop: boolean): CallerFrame | undefined {
  const eff = scan(start, pc, readMem);
  if (!eff) return undefined;
  const cfa = (readReg(2) - BigInt(eff.spDelta)) & M64;
  const regs = new Map<number, bigint>();
  for (let reg = 1; reg < 64; reg++) regs.set(reg, readReg(reg));
  for (const [reg, off] of eff.saved) {
    const v = readMem(Number((cfa + BigInt(off)) & M64), 8);
    if (v === undefined) return undefined;
    regs.set(reg, v);
  }
  if (!eff.saved.has(1) && !isTop) return undefined;
  const ra = regs.get(1)!;
  if (ra === 0n) return undefined;
  regs.set(2, cfa);
  return { pc: Number(ra), cfa: Number(cfa), regs, method: 'prologue' };
}

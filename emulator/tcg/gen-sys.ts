// Code generators for system instructions (ecall, ebreak, fence, fence.i), Zicsr on the user-mode
// CSRs (RISC-V Unprivileged ISA ch. 9 and 10.1: fflags, frm, fcsr, cycle, time, instret) and the
// F/D computational instructions, which call the FPU helpers (emulator/fpu/) with the FP
// registers in cpu.f and an integer operand or result through locals.

import { ISA, type Mnemonic } from '../isa/table';
import { Ctx, num } from './ctx';
import type { Gen } from './gen-int';
import { fpInline, fpUsesRm } from './fp-link';
import { TbStatus } from './tb';

const CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
const CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02;

/** Expression for a CSR's current value as a JS number, or undefined for CSRs user mode lacks. */
function csrRead(c: Ctx, csr: number): string | undefined {
  switch (csr) {
    case CSR_FFLAGS: return 'S.fflags';
    case CSR_FRM: return 'S.frm';
    case CSR_FCSR: return '((S.frm << 5) | S.fflags)';
    // cycle = instret: deterministic, and exact at this instruction (k of this TB retired before it).
    case CSR_CYCLE: case CSR_INSTRET: return `(S.instret + ${c.k})`;
    case CSR_TIME: return 'TIME()';
    default: return undefined;
  }
}

function csrWrite(csr: number, v: string): string | undefined {
  switch (csr) {
    case CSR_FFLAGS: return `S.fflags = ${v} & 31;`;
    case CSR_FRM: return `S.frm = ${v} & 7;`;
    case CSR_FCSR: return `S.fflags = ${v} & 31; S.frm = (${v} >> 5) & 7;`;
    default: return undefined;   // cycle/time/instret are read-only: writing them is illegal
  }
}

/**
 * csrrw/csrrs/csrrc and their immediate forms. `mode`: how the new value is formed from the
 * old one and the source; the source is rs1's low word or the 5-bit zimm (already in imm).
 */
function csrOp(mode: 'w' | 's' | 'c', imm: boolean): Gen {
  return (c, i) => {
    const read = csrRead(c, i.csr);
    if (read === undefined) { c.emit(c.exitHere(TbStatus.ILLEGAL)); return; }
    const src = imm ? String(i.imm & 31) : c.r(i.rs1)[0];
    // csrrs/csrrc with x0 / zimm 0 do not write (no illegal-instruction on read-only CSRs).
    const writes = mode === 'w' || (imm ? (i.imm & 31) !== 0 : i.rs1 !== 0);
    const isCounter = i.csr === CSR_CYCLE || i.csr === CSR_INSTRET || i.csr === CSR_TIME;
    if (writes && csrWrite(i.csr, 'T3') === undefined) { c.emit(c.exitHere(TbStatus.ILLEGAL)); return; }
    c.emit(`T2 = ${read}; T4 = ${src};`);
    if (writes) {
      const nv = mode === 'w' ? 'T4' : mode === 's' ? '(T2 | T4)' : '(T2 & ~T4)';
      c.emit(`T3 = ${nv}; ${csrWrite(i.csr, 'T3')}`);
    }
    if (isCounter) c.set(i.rd, 'T2 | 0', 'Math.floor(T2 / 4294967296) | 0');
    else c.set(i.rd, 'T2', '0');
  };
}

/** Signature of the FPU helpers (emulator/fpu): integer results are returned (low word) with the high word in s.retHi. */
export type FpHelperFn = (s: unknown, rd: number, rs1: number, rs2: number, rs3: number, rm: number, xlo: number, xhi: number) => number;

/**
 * One F/D computational instruction through its helper. Integer source (fcvt.s.l, fmv.w.x …)
 * goes in as (xlo, xhi); an integer destination (feq, fclass, fcvt.w.s …) comes back as the
 * return value with the high word in cpu.retHi. A dynamic rounding mode (rm = 7) while frm
 * holds a reserved value (5..7) is an illegal instruction (ch. 11.2): SIGILL here, nothing done.
 * Reserved static rm values never get here: the decoder rejects them. Which instructions carry
 * an rm field is the FPU's FP_USES_RM.
 */
export function fpGen(name: string): Gen {
  const spec = ISA[name as Mnemonic];
  return (c, i) => {
    const helper = c.fp[name];
    if (helper === undefined) { c.emit(c.exitHere(TbStatus.ILLEGAL)); return; }
    const fn = c.konst(helper);
    const [xl, xh] = spec.rs1File === 'x' ? c.r(i.rs1) : ['0', '0'];
    // fpRmValid (emulator/fpu) inlined: static rm 5/6 never decode, so only rm = 7 needs a run-time check.
    if (fpUsesRm[name] && i.rm === 7) c.emit(`if (S.frm > 4) ${c.exitHere(TbStatus.ILLEGAL)}`);
    const call = `T2 = ${fn}(S, ${i.rd}, ${i.rs1}, ${i.rs2}, ${i.rs3}, ${i.rm}, ${xl}, ${xh});`;
    // In hot code, the FPU's inline fast path where it has one; the helper decides the rest.
    const fast = c.hot ? fpInline(name, i.rd, i.rs1, i.rs2, i.rs3, i.rm) : undefined;
    if (fast) {
      c.emit(`${fast.compute} if (${fast.ok}) { ${fast.write} } else { ${call} }`);
      // Integer results with a fast path are compares: 0 or 1, high word 0 (as the helper's).
      if (spec.rdFile === 'x') c.set(i.rd, 'T2', '0');
      return;
    }
    c.emit(call);
    if (spec.rdFile === 'x') c.set(i.rd, 'T2', 'S.retHi');
  };
}

export const SYS_GEN = {
  // The run loop performs the system call; the ecall counts as retired when it is made.
  ecall: (c) => c.emit(c.exit(TbStatus.ECALL, num(c.insn.pc), c.k + 1)),
  ebreak: (c) => c.emit(c.exitHere(TbStatus.EBREAK)),
  // One hart: memory ordering needs nothing.
  fence: () => undefined,
  // Stores into translated code invalidate it at once (memory.ts code pages), so fence.i
  // only has to end the TB, as in QEMU.
  'fence.i': () => undefined,
  csrrw: csrOp('w', false), csrrs: csrOp('s', false), csrrc: csrOp('c', false),
  csrrwi: csrOp('w', true), csrrsi: csrOp('s', true), csrrci: csrOp('c', true),
} satisfies Partial<Record<Mnemonic, Gen>>;

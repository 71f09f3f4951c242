// A translation block: a run of guest instructions translated together, with everything callers
// inspect about it (the debugger's TB view, `-d in_asm`, tests): guest instructions, byte size,
// generated JavaScript, translation order, execution count and the instrumentation compiled in.
// Also the TB flavour flags (part of the cache key, as in QEMU's tb->flags/cflags) and the status
// codes a TB's function returns to the run loop.

import type { Insn } from '../isa/insn';
import type { TbInstrumentation } from './instrument';
import type { Region } from './region';

/** TB flavour flags: the cache key is pc + flags, so switching modes never flushes everything. */
export const enum TbFlags {
  /** One instruction per TB (QEMU -one-insn-per-tb), also used for single-stepping. */
  ONE_INSN = 1,
  /** Translated while a translate hook (plugins) was installed. */
  INSTRUMENTED = 2,
  /** Calls the exec trace hook at entry (-d exec). */
  EXEC_TRACE = 4,
}
export const TB_FLAG_BITS = 3;

/** What a TB function returns to the run loop (cpu.pc and instret are already written back). */
export const enum TbStatus {
  /** Continue at cpu.pc. */
  NEXT = 0,
  /** ecall at cpu.pc (already counted in instret). */
  ECALL = 1,
  /** ebreak at cpu.pc (not executed). */
  EBREAK = 2,
  /** Load/store fault by the instruction at cpu.pc: address in mem.faultAddr. */
  MEM_FAULT = 3,
  /** Illegal instruction at cpu.pc (raw bits in the TB's trap or the insn). */
  ILLEGAL = 4,
  /** Instruction fetch fault at cpu.pc. */
  FETCH_FAULT = 5,
  /** Misaligned LR/AMO at cpu.pc (SIGBUS BUS_ADRALN, as qemu-riscv64): address in mem.faultAddr. */
  MISALIGNED = 6,
}

/** Why a TB consists of a trap instead of code (first instruction undecodable or not fetchable). */
export type TbTrap = { kind: 'illegal'; raw: number } | { kind: 'fetch'; addr: number };

/** A compiled TB: (machine environment, the TB itself) => TbStatus. */
export type TbFunction = (env: unknown, tb: TranslationBlock) => number;

export class TranslationBlock {
  /** Times the TB's code was entered (incremented by the generated code). */
  execCount = 0;
  /** False once invalidated (self-modifying code, munmap, flush): never entered again. */
  valid = true;
  /** Compiled code; set right after construction. */
  fn: TbFunction = () => 0;
  /** Values the generated code uses by index (callbacks, userdata, scoreboard arrays). */
  consts: unknown[] = [];
  /** The region the run loop enters instead of fn when dispatching at this TB (see region.ts). */
  region: Region | null = null;
  /** Every region holding this TB's code (dropped with it). */
  inRegions: Region[] = [];
  /** Targets the run loop saw this TB's final jalr go to (a few; profiles indirect jumps for regions). */
  readonly jalrTargets: number[] = [];
  /** Set when a region built around this TB did not pay off: it is not tried again. */
  noRegion = false;
  /** Whether fn is hot code (Ctx.hot), generated when the TB was promoted (Machine.promote). */
  hot = false;
  /** Whether the TB ends with jalr (then the run loop records its targets). */
  readonly indirect: boolean;
  /** Generated JavaScript source of fn (for the TB view and debugging the translator). */
  source = '';

  constructor(
    readonly pc: number,
    readonly flags: number,
    /** Guest bytes covered (sum of instruction sizes; 0 for a trap TB). */
    readonly size: number,
    readonly insns: readonly Insn[],
    /** Translation order: 1 for the first TB ever translated by the machine. */
    readonly seq: number,
    readonly instrumentation: TbInstrumentation | undefined,
    readonly trap?: TbTrap,
  ) {
    this.indirect = insns.length > 0 && insns[insns.length - 1].op === 'jalr';
  }

  /** Records a jalr target (bounded: a handful of hot targets is what regions can use). */
  noteTarget(pc: number): void {
    const t = this.jalrTargets;
    if (t.length < 8 && !t.includes(pc)) t.push(pc);
  }

  /** Guest pages (page numbers) holding the TB's bytes: one, or two when its first instruction crosses a page. */
  pages(): number[] {
    const first = Math.floor(this.pc / 4096);
    const last = Math.floor((this.pc + Math.max(this.size, 1) - 1) / 4096);
    return first === last ? [first] : [first, last];
  }

  /** Whether the TB's code covers guest address addr. */
  covers(addr: number): boolean {
    return addr >= this.pc && addr < this.pc + this.size;
  }
}

// Code-generation context for one TB: register locals, temporaries, constants handed to the
// generated function, exits, and the register flush/reload that plugin callbacks need. The
// per-instruction generators (gen-int.ts, gen-mem.ts, gen-sys.ts) only talk to this class.
//
// Conventions of the generated code: guest register r lives in locals `lR`/`hR` (int32 low/high
// words), loaded from `X` (cpu.x) at entry; every exit records status, pc and retired count and
// leaves the `out:` block, after which one shared sequence writes back the registers the code
// wrote, stores cpu.pc, adds to cpu.instret and returns the TbStatus.

import type { Insn } from '../isa/insn';
import type { InsnInstrumentation, U64Entry } from './instrument';
import type { FpHelperFn } from './gen-sys';
import { TbStatus } from './tb';

const TWO32 = 4294967296;
/** `lR` as a whole word, per register (made once: translation time is measurable). */
const LOW_WORD = Array.from({ length: 32 }, (_, r) => new RegExp(`\\bl${r}\\b`));

export class Ctx {
  readonly lines: string[] = [];
  /** Registers read or written (loaded at entry). */
  readonly used = new Set<number>();
  /** Registers written (stored back at exits). */
  readonly dirty = new Set<number>();
  /** Values handed to the factory (callbacks, userdata, scoreboards): referenced as K0, K1 … */
  readonly consts: unknown[] = [];
  /** The instruction being generated and how many of the TB's instructions precede it. */
  insn!: Insn;
  k = 0;
  instr?: InsnInstrumentation;
  /** pc expression the TB continues at when it falls off its end (set by control transfers). */
  nextPc?: string;
  /** When the TB ends with a conditional branch: its test and both pcs (regions chain each side). */
  nextBranch?: { test: string; taken: number; fallThrough: number };
  /** Helper names the TB uses (destructured from the helper table in the factory). */
  readonly helpers = new Set<string>();
  /** FPU helpers by mnemonic (emulator/fpu), called by F/D computational instructions. */
  fp: Readonly<Record<string, FpHelperFn>> = {};

  emit(line: string): void { this.lines.push(line); }

  /** Source operand: [lo, hi] expressions; x0 reads as constant 0. */
  r(reg: number): [string, string] {
    if (reg === 0) return ['0', '0'];
    this.used.add(reg);
    return [`l${reg}`, `h${reg}`];
  }

  /** rd = (lo, hi); both expressions are evaluated before either half is assigned. Writes to x0 vanish. */
  set(rd: number, lo: string, hi: string): void {
    if (rd === 0) return;
    this.used.add(rd); this.dirty.add(rd);
    // Assign directly unless the high half still needs the old low half of rd.
    if (LOW_WORD[rd].test(hi)) this.emit(`T0 = ${lo}; T1 = ${hi}; l${rd} = T0; h${rd} = T1;`);
    else this.emit(`l${rd} = ${lo}; h${rd} = ${hi};`);
  }

  /** rd = sign-extension of an int32 expression (the *W instructions, lw, slt …). */
  set32(rd: number, lo: string): void {
    if (rd === 0) return;
    this.used.add(rd); this.dirty.add(rd);
    this.emit(`l${rd} = ${lo}; h${rd} = l${rd} >> 31;`);
  }

  konst(v: unknown): string {
    let i = this.consts.indexOf(v);
    if (i < 0) { i = this.consts.length; this.consts.push(v); }
    return `K${i}`;
  }

  /**
   * Element of a scoreboard entry for the running vCPU, as `Kn[i + VCPU * stride]`: TBs are
   * shared by every vCPU, so the index is read at run time (QEMU's TBs read cpu_index too).
   */
  entry(e: U64Entry): string {
    const at = e.stride === 1 ? 'VCPU' : `VCPU * ${e.stride}`;
    return `${this.konst(e.array)}[${e.index === 0 ? at : `${e.index} + ${at}`}]`;
  }

  /**
   * Inline ADD_U64 ops accumulate in a JS number local per scoreboard element and reach the
   * BigUint64Array only at flush points: every exit, and before anything that can look at the
   * scoreboard (plugin callbacks, conditions, STORE_U64). The values plugins observe are the same
   * as with one BigInt add per op, without a BigInt operation per guest instruction.
   */
  readonly accumulators = new Map<string, string>();
  inlineOp(op: 'add' | 'store', e: U64Entry, imm: bigint): void {
    const target = this.entry(e);
    if (op === 'add' && imm >= 0n && imm < 0x100000000n) {
      let acc = this.accumulators.get(target);
      if (!acc) this.accumulators.set(target, (acc = `IA${this.accumulators.size}`));
      this.emit(`${acc} += ${imm};`);
      return;
    }
    this.flushInline();
    this.emit(`${target} ${op === 'add' ? '+=' : '='} ${imm}n;`);
  }
  /**
   * In a region, member i counts its runs in local Ci (a register increment; `TB.execCount++` on
   * every run cost 7-15% of integer benchmarks), added to the TB's execCount at every exit and
   * before wrapped callbacks (which may leave by exception: set_pc). Direct memory callbacks
   * skip that flush, which would cost more than their call: if one ends the guest (PluginExit),
   * the counts of that region run are lost. Entry i is that TB's constant (`Kn`).
   */
  readonly runCounters: string[] = [];
  /** Code counting one run of a region member TB. */
  countRun(tb: unknown): string {
    const i = this.runCounters.length;
    this.runCounters.push(this.konst(tb));
    return `C${i} = C${i} + 1 | 0;`;
  }

  /** Placeholder for writing every accumulator to its scoreboard (filled in by codegen.assemble). */
  flushInline(): void { if (this.accumulators.size) this.emit('@IFLUSH@'); }

  helper(name: string): string { this.helpers.add(name); return name; }

  /**
   * Generating a region (several TBs in one function, see region.ts): exits then add the
   * instructions retired by earlier TBs of this region run (local N), and stores that hit
   * translated code set SMC so the region stops chaining into possibly stale code.
   */
  region = false;
  /**
   * Code that runs often (regions, and TBs the run loop promotes): worth the inline fast paths
   * that make its source several times longer. Most TBs run a few times, and V8's compile time
   * grows with the source (see fpu/inline.ts, gen-mem.ts).
   */
  hot = false;
  /** Set when the code generated since it was last cleared can set SMC (a region store's slow path). */
  setsSmc = false;

  /** Set when the code calls direct memory callbacks: assemble() then resets their marker at the exit. */
  directCalls = false;

  /** Code that leaves the TB: pc (an expression), `retired` instructions of this TB done. */
  exit(status: TbStatus, pc: string, retired: number): string {
    // One shared exit after the `out:` block (codegen.assemble) writes the registers back:
    // each exit point only records status, pc and count, which keeps big TBs and regions small.
    return `{ XS = ${status}; XPC = ${pc}; XK = ${retired}; break out; }`;
  }

  /** Exit *at* the current instruction (not executed). */
  exitHere(status: TbStatus): string { return this.exit(status, num(this.insn.pc), this.k); }

  /** Writes every register local back to cpu.x and cpu.pc (before callbacks that may read registers). */
  flush(pc: number): void { this.emit(`@WBALL@ S.pc = ${num(pc)};`); }

  /** Before any plugin callback: scoreboards up to date (and registers, if the flags say so). */
  beforeCallback(regs: boolean, pc: number, direct = false): void {
    this.flushInline();
    if (!direct && this.runCounters.length) this.emit('@RFLUSH@');
    if (regs) this.flush(pc);
  }
  /** Reloads register locals after a callback that may have written registers. */
  reload(): void { this.emit('@RELOAD@'); }
}

/** A JS number literal for a non-negative integer (pc, addresses). */
export function num(v: number): string { return String(v); }

/** int32 literal for the low / high word of a non-negative integer < 2^53. */
export function lo32(v: number): string { return String(v | 0); }
export function hi32(v: number): string { return String(Math.floor(v / TWO32) | 0); }

/** Expression turning a (lo, hi) pair into an unsigned JS number (exact below 2^53). */
export function toNum(lo: string, hi: string): string {
  return `((${hi}) >>> 0) * 4294967296 + ((${lo}) >>> 0)`;
}

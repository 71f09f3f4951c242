// The Machine: what QEMU's linux-user shares between guest threads (guest memory, the TB cache,
// regions, the translate hook) plus one vCPU per thread (CpuState: registers, pc, fflags/frm,
// LR/SC reservation, instret), and the run loop that runs the current vCPU: looks TBs up
// (translating on a miss), runs them and turns what they return into StopReasons. The Linux
// layer drives it (syscallHandler, and its scheduler switches vCPUs with switchTo between runs);
// the debugger uses breakpoints/singleStep/run budgets/requestPause and ecallHooks; plugins
// install translateHook, vcpuHooks and flush(); the CLI uses onTranslate (-d in_asm) and onExec
// (-d exec). Breakpoints and stepping select TB flavours (cache key pc + flags), never a full flush.

import { CpuState } from './cpu/state';
import type { Insn } from './isa/insn';
import { Memory } from './memory/memory';
import { GuestExit, type StopReason } from './stop';
import { TbCache } from './tcg/cache';
import { compileTb, generateTb, linkEnv, type CodegenEnv } from './tcg/codegen';
import type { FpHelperFn } from './tcg/gen-sys';
import type { MemValueSlot, TranslateHook } from './tcg/instrument';
import { TbFlags, TbStatus, TranslationBlock } from './tcg/tb';
import { formBlock, MAX_TB_INSNS, type FormedBlock } from './tcg/translate';
import { generateRegion, Region, regionMembers } from './tcg/region';
import { hasCallbacks } from './tcg/codegen';
import { clearAttention, raiseAttention } from './tcg/attention';
import { fpHelpers } from './tcg/fp-link';

export interface MachineOptions {
  /** QEMU's -one-insn-per-tb. */
  oneInsnPerTb?: boolean;
  /** Size limit of a TB (default 512, QEMU's TCG_MAX_INSNS). */
  maxTbInsns?: number;
  /**
   * Generate every TB as hot code (Ctx.hot: inline fast paths) from its first translation.
   * Normally a TB gets it only once it has run regionThreshold times outside a region.
   */
  hotCode?: boolean;
}

/** Told when a vCPU is created or removed (plugins' vcpu_init / vcpu_exit, the debugger's thread events). */
export interface VcpuHook {
  init?(cpu: CpuState): void;
  exit?(cpu: CpuState): void;
}

/**
 * Consulted at every ecall before the syscall handler, in order: the first stop returned ends the
 * run with the ecall not executed (the debugger's break on syscall).
 */
export type EcallHook = (cpu: CpuState) => StopReason | undefined;

export interface MachineStats {
  tbsTranslated: number;
  tbsInvalidated: number;
  flushes: number;
}

/** A Set of breakpoint addresses that drops translated code covering an address when it is added. */
class BreakpointSet extends Set<number> {
  onAdd?: (pc: number) => void;
  override add(pc: number): this {
    if (!this.has(pc)) { super.add(pc); this.onAdd?.(pc); }
    return this;
  }
}

/**
 * Instructions a region may run per call before it returns to the run loop (at a TB boundary,
 * so nothing the guest or a plugin sees changes). V8 optimizes a function whose first call is
 * still looping with on-stack replacement, and that code keeps every local as a tagged value
 * (a check and an untag at each use). A region entered once that loops for the rest of the run
 * would stay in it: interp, a bytecode interpreter whose region is entered 3 times, ran 27%
 * faster (31% with hotpages) when regions return every 2^20 instructions and the next call
 * enters the regularly optimized code. The extra exit and entry cost ~0.1 µs per slice.
 */
const REGION_SLICE = 1 << 20;
export class Machine {
  /**
   * The live vCPUs by index (holes where a thread ended). A new one takes the index after the
   * highest live one, as QEMU's cpu_get_free_index.
   */
  readonly vcpus: (CpuState | undefined)[] = [new CpuState(0)];
  readonly mem = new Memory();
  /**
   * Called at ecall with cpu.pc at the ecall; return undefined to continue after it. A 'yield'
   * stop (the thread blocked, yielded or ended) also continues after the ecall when resumed.
   */
  syscallHandler?: (m: Machine) => StopReason | undefined;
  /** Checked at every ecall before syscallHandler (see EcallHook). */
  readonly ecallHooks: EcallHook[] = [];
  /** Told about every vCPU created or removed after they are added (vCPU 0 exists from the start). */
  readonly vcpuHooks: VcpuHook[] = [];
  /** Plugins' tb_trans: consulted at every translation. Changing it requires flush(). */
  translateHook?: TranslateHook;
  /** Called after each translation (-d in_asm, the TB view). */
  onTranslate?: (tb: TranslationBlock) => void;
  /** Filled by generated code before memory callbacks run (qemu_plugin_mem_get_value); plugins may supply their own slot. */
  memValue: MemValueSlot = { lo: 0, hi: 0, info: -1, vcpu: 0 };
  /** The time CSR (rdtime); default: the instruction count, so runs stay deterministic. */
  readTime: () => number = () => this.instret;
  /** Breakpoint addresses: execution stops before the instruction at such a pc. */
  readonly breakpoints: Set<number>;
  /** Stop after every instruction ({kind:'step'}). */
  singleStep = false;
  /** Group hot TBs into regions (one function, registers in locals across TBs). Off: one call per TB. */
  regions = true;
  /** Executions after which a TB that is in no region gets one built around it, or else hot code (promote). */
  regionThreshold = 500;
  readonly stats: MachineStats & { regionsBuilt: number; tbsPromoted: number };

  private current: CpuState;
  /** Instructions retired by vCPUs that were removed (their threads ended). */
  private retiredByRemoved = 0;
  private readonly cache: TbCache;
  private readonly env: CodegenEnv;
  private readonly oneInsn: boolean;
  private readonly maxTbInsns: number;
  private readonly hotCode: boolean;
  private traceHook?: (tb: TranslationBlock) => void;
  private seq = 0;
  private pauseRequested = false;
  private exitRequested = false;
  /** Work to run at the next TB boundary (plugin uninstall/reset), see requestExit(). */
  private pendingWork: (() => void)[] = [];

  constructor(opts: MachineOptions = {}) {
    this.oneInsn = !!opts.oneInsnPerTb;
    this.hotCode = !!opts.hotCode;
    this.maxTbInsns = Math.max(1, Math.min(opts.maxTbInsns ?? MAX_TB_INSNS, MAX_TB_INSNS));
    this.current = this.vcpus[0]!;
    this.cache = new TbCache(this.mem);
    const cache = this.cache;
    this.stats = { tbsTranslated: 0, flushes: 0, regionsBuilt: 0, tbsPromoted: 0, get tbsInvalidated() { return cache.invalidated; } };
    const bps = new BreakpointSet();
    // A breakpoint inside an existing TB: drop those TBs so the address becomes a TB start.
    // A TB starting there may be chained into inside a region: drop those regions.
    bps.onAdd = (pc) => {
      for (const tb of this.cache.covering(pc)) {
        if (tb.pc !== pc) this.cache.drop(tb);
        else for (const r of [...tb.inRegions]) this.cache.dropRegion(r);
      }
    };
    this.breakpoints = bps;
    const cpu = this.current;
    this.env = linkEnv({
      S: cpu, X: cpu.x, FR: cpu.f, FD: cpu.fd, FS: cpu.fs, M: this.mem, R: this.mem.R, W: this.mem.W,
      MV: this.memValue, TIME: () => this.readTime(), TRACE: (tb) => this.traceHook?.(tb as TranslationBlock),
      VCPU: cpu.index, budget: 0, softBudget: 0, attn: 0, fp: fpHelpers as Readonly<Record<string, FpHelperFn>>,
    });
  }

  /** The running vCPU (the one run() runs; the scheduler picks it with switchTo). */
  get cpu(): CpuState { return this.current; }

  /** Instructions retired by every vCPU, the removed ones included. */
  get instret(): number {
    let n = this.retiredByRemoved;
    for (const c of this.vcpus) if (c) n += c.instret;
    return n;
  }

  /** A new vCPU (a new guest thread), told to the vcpuHooks; it runs once switched to. */
  addVcpu(): CpuState {
    let index = 0;
    for (const c of this.vcpus) if (c) index = Math.max(index, c.index + 1);
    const cpu = new CpuState(index);
    this.vcpus[index] = cpu;
    for (const h of this.vcpuHooks) h.init?.(cpu);
    return cpu;
  }

  /** Removes a vCPU whose thread ended (not the running one: switch first). */
  removeVcpu(cpu: CpuState): void {
    if (this.vcpus[cpu.index] !== cpu) return;
    for (const h of this.vcpuHooks) h.exit?.(cpu);
    this.retiredByRemoved += cpu.instret;
    this.vcpus[cpu.index] = undefined;
    while (this.vcpus.length > 1 && this.vcpus[this.vcpus.length - 1] === undefined) this.vcpus.length--;
  }

  /**
   * Makes `cpu` the running vCPU: the generated code's environment and the memory-callback slot
   * point at its state from the next TB on. Its LR reservation is dropped, as Linux does on every
   * context switch (an SC after a switch fails and the guest's loop retries), so another vCPU's
   * store between its LR and SC can never go unnoticed. `inspect`: only to read or write its
   * state (the debugger), keeping the reservation.
   */
  switchTo(cpu: CpuState, opts: { inspect?: boolean } = {}): void {
    if (cpu === this.current) return;
    this.current = cpu;
    // A debugger looking at another thread's registers is no context switch of the guest.
    if (!opts.inspect) cpu.reservation = -1;
    const env = this.env;
    env.S = cpu; env.X = cpu.x; env.FR = cpu.f; env.FD = cpu.fd; env.FS = cpu.fs; env.VCPU = cpu.index;
    this.memValue.vcpu = cpu.index;
  }

  /** -d exec: called with each TB as it starts executing (only TBs translated while set carry the call). */
  get onExec(): ((tb: TranslationBlock) => void) | undefined { return this.traceHook; }
  set onExec(fn: ((tb: TranslationBlock) => void) | undefined) { this.traceHook = fn; }

  addBreakpoint(pc: number): void { this.breakpoints.add(pc); }
  removeBreakpoint(pc: number): void { this.breakpoints.delete(pc); }

  /** Makes run() return {kind:'pause'} at the next TB boundary. */
  requestPause(): void { this.pauseRequested = true; this.env.attn = 1; raiseAttention(); }

  /** Leaves generated code at the next TB boundary and runs `work` there (plugins' requestExit). */
  requestExit(work?: () => void): void {
    if (work) this.pendingWork.push(work);
    this.exitRequested = true;
    this.env.attn = 1;
    raiseAttention();
  }

  invalidateRange(addr: number, len: number): void {
    this.cache.invalidateRange(addr, len);
  }

  flush(): void {
    this.cache.flush();
    this.stats.flushes++;
  }

  tbs(): Iterable<TranslationBlock> { return this.cache.all(); }

  /** The TB that starts at pc in the current flavour (or any flavour), if translated. */
  tbAt(pc: number): TranslationBlock | undefined {
    const tb = this.cache.get(pc, this.baseFlags());
    if (tb) return tb;
    for (const t of this.cache.all()) if (t.pc === pc) return t;
    return undefined;
  }

  /** The instruction being executed at pc according to translated code, if any (for fault reports). */
  insnAt(pc: number): Insn | undefined {
    for (const tb of this.cache.covering(pc)) for (const i of tb.insns) if (i.pc === pc) return i;
    return undefined;
  }

  private baseFlags(): number {
    return (this.singleStep || this.oneInsn ? TbFlags.ONE_INSN : 0)
      | (this.translateHook ? TbFlags.INSTRUMENTED : 0)
      | (this.traceHook ? TbFlags.EXEC_TRACE : 0);
  }

  /** Finds or translates the TB for (pc, flags). */
  private lookup(pc: number, flags: number): TranslationBlock {
    const tb = this.cache.get(pc, flags);
    if (tb) { this.cache.jc[TbCache.slot(pc)] = tb; return tb; }
    return this.translate(pc, flags);
  }

  /**
   * Near the end of a budget: a cached TB that fits, else a one-instruction TB, so the budget
   * stops exactly without translating full TBs at every pc of the last stretch.
   */
  private budgetTb(pc: number, flags: number, remaining: number): TranslationBlock {
    const tb = this.cache.get(pc, flags);
    if (tb) return tb.insns.length <= remaining ? tb : this.lookup(pc, flags | TbFlags.ONE_INSN);
    // Forming is cheap next to compiling: translate the normal TB only if it fits.
    const max = flags & TbFlags.ONE_INSN ? 1 : this.maxTbInsns;
    if (this.form(pc, Math.min(max, remaining + 1)).insns.length <= remaining) return this.translate(pc, flags);
    return this.lookup(pc, flags | TbFlags.ONE_INSN);
  }

  private form(pc: number, max: number): FormedBlock {
    const bps = this.breakpoints;
    return formBlock(this.mem, pc, max, (a) => bps.size !== 0 && bps.has(a));
  }

  private translate(pc: number, flags: number): TranslationBlock {
    const formed = this.form(pc, flags & TbFlags.ONE_INSN ? 1 : this.maxTbInsns);
    // An illegal first instruction is still a one-instruction TB to plugins (QEMU translates it,
    // runs its exec callbacks, then raises SIGILL); a fetch fault has no instruction to show.
    const trap = formed.trap;
    const shown = trap?.kind === 'illegal' ? [illegalInsn(pc, trap.raw)] : trap ? undefined : formed.insns;
    const instr = this.translateHook && shown ? this.translateHook({ pc, insns: shown, flags }) : undefined;
    const tb = new TranslationBlock(pc, flags, formed.size, formed.insns, ++this.seq, instr, trap);
    const gen = generateTb({ pc, flags, insns: formed.insns, instrumentation: instr, trap }, this.env.fp, this.hotCode);
    tb.hot = this.hotCode;
    tb.source = gen.source;
    tb.consts = gen.consts;
    tb.fn = compileTb(gen);
    this.cache.add(tb);
    this.stats.tbsTranslated++;
    this.onTranslate?.(tb);
    return tb;
  }

  /**
   * Runs guest code until something stops it. `maxInsns` bounds the instructions retired in this
   * call (stopping exactly there, {kind:'budget'}). With `atBlockBoundary` the budget is soft: the
   * run stops at the first TB boundary once it is used up and never cuts a TB short, so a run in
   * slices executes the same TBs as one unsliced run (the debugger's slices, seen by plugins).
   * Resuming at a breakpoint executes that instruction; every other breakpoint stops before its
   * instruction.
   */
  run(opts: { maxInsns?: number; atBlockBoundary?: boolean } = {}): StopReason {
    try {
      return this.runLoop(opts);
    } catch (e) {
      // A plugin (or other code run from a TB) ended the guest.
      if (e instanceof GuestExit) return { kind: 'exit', code: e.code };
      throw e;
    }
  }

  private runLoop(opts: { maxInsns?: number; atBlockBoundary?: boolean }): StopReason {
    const cpu = this.cpu, jc = this.cache.jc, bps = this.breakpoints, env = this.env;
    const limit = opts.maxInsns !== undefined ? cpu.instret + opts.maxInsns : Infinity;
    // The bound TB choice must respect: the budget itself when exact, none when soft.
    const cut = opts.atBlockBoundary ? Infinity : limit;
    const flags = this.baseFlags();
    const step = this.singleStep;
    // Regions only for plain TBs: one-insn/step and exec-trace flavours go through the loop each time.
    const regionFlags = flags & (TbFlags.ONE_INSN | TbFlags.EXEC_TRACE) ? -1 : flags;
    let resuming = true;
    let prev: TranslationBlock | null = null;
    for (;;) {
      if (env.attn !== 0) {
        env.attn = 0;
        clearAttention();
        const r = this.serviceRequests();
        if (r) return r;
      } else if (globalThis.__tbscopeAttention !== 0) clearAttention();   // raised for another Machine
      const pc = cpu.pc;
      if (bps.size !== 0 && !resuming && bps.has(pc)) return { kind: 'breakpoint', pc };
      resuming = false;
      if (cpu.instret >= limit) return { kind: 'budget', pc };
      let tb = jc[(pc >>> 1) & 16383];
      if (tb === null || tb.pc !== pc || tb.flags !== flags || !tb.valid) {
        tb = cut - cpu.instret < this.maxTbInsns ? this.budgetTb(pc, flags, cut - cpu.instret) : this.lookup(pc, flags);
      } else if (cut !== Infinity && tb.insns.length > cut - cpu.instret) {
        tb = this.lookup(pc, flags | TbFlags.ONE_INSN);
      }
      if (prev !== null && prev.indirect) prev.noteTarget(pc);
      let st: number;
      const rg = tb.region;
      if (rg !== null) {
        // A region enters a TB only if it fits budget and starts before softBudget.
        env.softBudget = limit === Infinity ? REGION_SLICE : Math.min(REGION_SLICE, limit - cpu.instret);
        env.budget = cut === Infinity ? 0x40000000 : env.softBudget;
        const before = cpu.instret;
        st = this.runRegion(rg);
        rg.insns += cpu.instret - before;
        if ((++rg.entries & 4095) === 0) this.checkRegion(rg);
      } else {
        st = this.exec(tb);
        if (tb.execCount >= this.regionThreshold && !(tb.hot && tb.noRegion) && tb.valid) this.promote(tb, regionFlags);
      }
      prev = rg === null ? tb : null;
      if (st !== TbStatus.NEXT) {
        prev = null;
        const r = this.status(st, tb);
        if (r) return r;
      }
      if (step) return { kind: 'step', pc: cpu.pc };
    }
  }

  /**
   * A TB run regionThreshold times outside a region: it heads a region if it can, else its code
   * is generated again as hot code (Ctx.hot: inline fast paths), from the same instructions and
   * instrumentation (plugins' tb_trans is not called again). A region head whose region is
   * dropped later comes back here and gets its hot code then. Either way this happens once:
   * noRegion is set from then on.
   */
  private promote(tb: TranslationBlock, regionFlags: number): void {
    if (tb.flags === regionFlags && this.regions && !tb.noRegion) this.buildRegion(tb);
    if (tb.region !== null) return;
    tb.noRegion = true;
    if (tb.hot) return;   // -hot-code: hot from the start
    const gen = generateTb({ pc: tb.pc, flags: tb.flags, insns: tb.insns, instrumentation: tb.instrumentation, trap: tb.trap }, this.env.fp, true);
    tb.source = gen.source;
    tb.consts = gen.consts;
    tb.fn = compileTb(gen);
    tb.hot = true;
    this.stats.tbsPromoted++;
  }

  /**
   * Groups `hot` and the warm TBs reachable from it through static successors (that share its
   * flavour, call no plugin callbacks through wrappers and start at no breakpoint) into a region.
   */
  private buildRegion(hot: TranslationBlock): void {
    // One attempt per TB: a TB that cannot head a region (callbacks, breakpoint …) is not retried.
    hot.noRegion = true;
    const members = regionMembers(hot, (pc) => this.cache.get(pc, hot.flags), (tb) =>
      tb.valid && !tb.trap && tb.flags === hot.flags && !hasCallbacks(tb.instrumentation) && !this.breakpoints.has(tb.pc));
    if (!members) return;
    hot.noRegion = false;
    const r = new Region(members);
    const gen = generateRegion(members, this.env.fp);
    r.source = gen.source;
    r.consts = gen.consts;
    r.fn = compileTb({ source: gen.source, consts: gen.consts, helpers: [] });
    this.cache.addRegion(r);
    this.stats.regionsBuilt++;
  }

  /**
   * A region entered often but left after about one TB costs more than it saves (every entry
   * loads and stores all its registers): drop it and let its first TB run on its own.
   */
  private checkRegion(rg: Region): void {
    const avgTb = rg.members.reduce((s, m) => s + m.insns.length, 0) / rg.members.length;
    if (rg.insns / rg.entries < 2 * avgTb) {
      rg.members[0].noRegion = true;
      this.cache.dropRegion(rg);
    }
  }

  /** Runs one TB; a plugin's set_pc (thrown from a callback) resumes at its pc. */
  private exec(tb: TranslationBlock): number {
    try {
      return tb.fn(this.env, tb);
    } catch (e) {
      return this.resumeAfterSetPc(e);
    }
  }

  /** Runs a region; its conditional callbacks may set_pc too. */
  private runRegion(rg: Region): number {
    try {
      return rg.fn(this.env, rg as unknown as TranslationBlock);
    } catch (e) {
      return this.resumeAfterSetPc(e);
    }
  }

  /**
   * A plugin's set_pc left generated code (registers and instret were written back before the
   * call): resume at its pc. Anything else is not ours to handle.
   */
  private resumeAfterSetPc(e: unknown): number {
    const setPc = e as { constructor?: { name?: string }; pc?: unknown };
    if (setPc && setPc.constructor?.name === 'PluginSetPc' && typeof setPc.pc === 'number') {
      this.cpu.pc = setPc.pc;
      // The exit sequence that resets the direct memory callbacks' marker did not run.
      this.memValue.info = -1;
      return TbStatus.NEXT;
    }
    throw e;
  }

  private serviceRequests(): StopReason | undefined {
    if (this.exitRequested) {
      this.exitRequested = false;
      const work = this.pendingWork.splice(0);
      for (const w of work) w();
    }
    if (this.pauseRequested) {
      this.pauseRequested = false;
      return { kind: 'pause', pc: this.cpu.pc };
    }
    return undefined;
  }

  /** Turns a TB's non-NEXT status into a stop, or handles it and returns undefined to go on. */
  private status(st: number, tb: TranslationBlock): StopReason | undefined {
    const cpu = this.cpu, pc = cpu.pc;
    switch (st) {
      case TbStatus.ECALL: {
        for (const h of this.ecallHooks) {
          const r = h(cpu);
          if (r) return r;
        }
        if (!this.syscallHandler) return { kind: 'syscall', pc, nr: cpu.getXSigned(17) };
        const r = this.syscallHandler(this);
        if (r && r.kind !== 'yield') return r;
        if (cpu.pc === pc) cpu.pc = pc + 4;
        return r ? { kind: 'yield', pc: cpu.pc } : undefined;
      }
      case TbStatus.EBREAK:
        return { kind: 'ebreak', pc };
      case TbStatus.MEM_FAULT: {
        const addr = this.mem.faultAddr;
        return { kind: 'signal', signo: 11, pc, addr, message: `Segmentation fault: access to 0x${addr.toString(16)} at pc 0x${pc.toString(16)}` };
      }
      case TbStatus.MISALIGNED: {
        const addr = this.mem.faultAddr;
        return { kind: 'signal', signo: 7, pc, addr, message: `Bus error: misaligned atomic access to 0x${addr.toString(16)} at pc 0x${pc.toString(16)}` };
      }
      case TbStatus.FETCH_FAULT: {
        const addr = tb.trap?.kind === 'fetch' ? tb.trap.addr : pc;
        return { kind: 'signal', signo: 11, pc, addr, message: `Segmentation fault: instruction fetch at 0x${addr.toString(16)}` };
      }
      case TbStatus.ILLEGAL: {
        const raw = tb.trap?.kind === 'illegal' ? tb.trap.raw : (tb.insns.find((i) => i.pc === pc)?.raw ?? 0);
        return { kind: 'signal', signo: 4, pc, insn: raw, message: `Illegal instruction 0x${raw.toString(16)} at pc 0x${pc.toString(16)}` };
      }
      default:
        throw new Error(`tbscope: TB at 0x${tb.pc.toString(16)} returned unknown status ${st}`);
    }
  }
}

export { TranslationBlock };

/** The Insn plugins see for an undecodable instruction (Insn.illegal). */
function illegalInsn(pc: number, raw: number): Insn {
  return {
    pc, raw, size: (raw & 3) === 3 ? 4 : 2, op: 'ebreak', rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, csr: 0,
    aq: false, rl: false, pred: 0, succ: 0, illegal: true,
  };
}

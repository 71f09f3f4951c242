// Plugin dispatch (QEMU's plugins/core.c): the loaded plugin contexts, their static callbacks,
// the translate hook that collects dynamic instrumentation for the translator, and the entry
// points the Machine / Linux layer call (vCPU init/exit/idle/resume, syscalls, flush, atexit).
// Every plugin callback runs through a wrapper that records the callback context (vCPU, register
// flags, memory info) that the API checks, and unloads the plugin if the callback throws.

import type { CpuState } from '../cpu/state';
import type { Insn } from '../isa/insn';
import type { GuestMemory } from '../memory/types';
import { CbFlags } from '../tcg/instrument';
import { errorText } from './error-text';
import type {
  DirectMemCallback, ExecCallback, MemCallback, MemValueSlot, TbDescription, TbInstrumentation, TranslateHook,
} from '../tcg/instrument';
import type { PluginApi, PluginModule } from './types';
import { Scoreboard } from './scoreboard';
import { TbHandle, type DynamicTarget } from './handles';

/** What the Machine tells the plugin layer about the guest (installed with `attach`). */
export interface PluginBinding {
  /** The vCPU state for a vCPU index. */
  cpu(index: number): CpuState;
  memory: GuestMemory;
  /** Discard every translated block before the next TB runs (plugin loaded/reset, scoreboard grew). */
  flushTbs(): void;
  /** Asks the run loop to leave generated code at the next TB boundary and call `runPendingWork()`. */
  requestExit?(): void;
  pathToBinary?: string;
  startCode?: number;
  endCode?: number;
  entryCode?: number;
  /** Best-effort symbol for a guest address (qemu_plugin_insn_symbol). */
  symbolize?(pc: number): string | null;
  /** objdump-style disassembly of one instruction (qemu_plugin_insn_disas). */
  disassemble?(insn: Insn): string;
}

export interface PluginManagerOptions {
  /** qemu_plugin_outs sink: the plugin log (-d plugin, -D file, the Debug Console). */
  out?(text: string): void;
  /** One-line errors (plugin threw, refused to load …); default: nowhere. */
  error?(line: string): void;
  /** Writes a host file for plugins that produce one (drcov). */
  writeFile?(path: string, data: Uint8Array): void;
  targetName?: string;
}

/** Thrown by setPc (QEMU's qemu_plugin_set_pc never returns): the Machine resumes at `pc`. */
export class PluginSetPc {
  constructor(readonly pc: number) {}
}

/** Thrown by a plugin that ends the guest (QEMU plugins call exit(), e.g. stoptrigger): exit status `code`. */
export class PluginExit {
  constructor(readonly code: number) {}
}

/** Control-flow signals that pass through plugin wrappers to the Machine instead of unloading the plugin. */
export const isPluginSignal = (e: unknown): e is PluginSetPc | PluginExit => e instanceof PluginSetPc || e instanceof PluginExit;

const managers = new WeakMap<PluginApi, PluginManager>();
/** The manager behind an API object (built-ins use it for host services such as writeFile). */
export function managerOf(api: PluginApi): PluginManager {
  const m = managers.get(api);
  if (!m) throw new Error('not a tbscope plugin API object');
  return m;
}

export type StaticKind = 'vcpu_init' | 'vcpu_exit' | 'vcpu_idle' | 'vcpu_resume' | 'vcpu_discon' | 'tb_trans'
  | 'syscall' | 'syscall_ret' | 'syscall_filter' | 'flush' | 'atexit';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface StaticCb { fn: (...args: any[]) => any; userdata: unknown; discon?: number }

export interface PluginContext {
  readonly id: number;
  readonly name: string;
  readonly args: string[];
  module: PluginModule;
  api: PluginApi;
  cbs: Map<StaticKind, StaticCb[]>;
  /** Bumped by reset/uninstall/failure: callbacks compiled into TBs under an older generation are skipped. */
  generation: number;
  /** Turn this generation's direct memory callbacks into no-ops (for the rest of a running TB). */
  stopDirect: (() => void)[];
  dead: boolean;
  busy: boolean;
}

/** One recorded callback event (the `trace` plugin and the debugger's views read these). */
export interface TraceEvent { kind: string; vcpu: number; pc: number; vaddr: number; plugin: string }

export class PluginManager {
  readonly contexts: PluginContext[] = [];
  readonly scoreboards = new Set<Scoreboard>();
  /** Filled by generated code before memory callbacks run (qemu_plugin_mem_get_value). */
  memValue: MemValueSlot = { lo: 0, hi: 0 };
  binding: PluginBinding | null = null;
  vcpusStarted = 0;
  /** True when reset/uninstall work waits for a safe point; the run loop then calls runPendingWork(). */
  hasPendingWork = false;
  /** Observer of every dynamic callback (set by the `trace` plugin); null costs one compare. */
  tracer: ((e: TraceEvent) => void) | null = null;
  /** Plugin id that installed the tracer: unloading it removes the tracer. */
  tracerOwner = -1;
  timeControlOwner: number | null = null;

  // The callback being run right now (QEMU keeps this in current_cpu and the cb flags).
  curVcpu = -1;
  curFlags: CbFlags = CbFlags.NO_REGS;
  curMemInfo = -1;
  curCtx: PluginContext | null = null;

  private nextId = 1;
  private pending: (() => void)[] = [];
  private atexitDone = false;

  constructor(readonly options: PluginManagerOptions = {}) {}

  get targetName(): string { return this.options.targetName ?? 'riscv64'; }

  out(text: string): void { this.options.out?.(text); }
  error(line: string): void { this.options.error?.(line); }

  /** Connects the plugin layer to a Machine. */
  attach(binding: PluginBinding): void { this.binding = binding; }

  newContext(name: string, args: string[], module: PluginModule, makeApi: (ctx: PluginContext) => PluginApi): PluginContext {
    const ctx: PluginContext = {
      id: this.nextId++, name, args, module, api: undefined as unknown as PluginApi,
      cbs: new Map(), generation: 0, stopDirect: [], dead: false, busy: false,
    };
    ctx.api = makeApi(ctx);
    managers.set(ctx.api, this);
    return ctx;
  }

  byId(id: number): PluginContext {
    const ctx = this.contexts.find(c => c.id === id && !c.dead);
    if (!ctx) throw new Error(`no loaded plugin has id ${id}`);
    return ctx;
  }

  requestFlush(): void { this.binding?.flushTbs(); }

  // ---- static callbacks -------------------------------------------------------------------

  addStatic(ctx: PluginContext, kind: StaticKind, cb: StaticCb): void {
    let list = ctx.cbs.get(kind);
    if (!list) ctx.cbs.set(kind, list = []);
    list.push(cb);
    // A translate callback added after TBs exist only sees new translations: flush, as QEMU does.
    if (kind === 'tb_trans' && this.binding) this.requestFlush();
  }

  private has(kind: StaticKind): boolean {
    for (const c of this.contexts) if (!c.dead && c.cbs.get(kind)?.length) return true;
    return false;
  }

  /** Runs fn as plugin code in a vCPU (or global, vcpu = -1) context; a throw unloads the plugin. */
  invoke<T>(ctx: PluginContext, what: string, vcpu: number, flags: CbFlags, fn: () => T): T | undefined {
    const pv = this.curVcpu, pf = this.curFlags, pc = this.curCtx, pm = this.curMemInfo;
    this.curVcpu = vcpu; this.curFlags = flags; this.curCtx = ctx; this.curMemInfo = -1;
    try {
      return fn();
    } catch (e) {
      if (isPluginSignal(e)) throw e;
      this.fail(ctx, what, e);
      return undefined;
    } finally {
      this.curVcpu = pv; this.curFlags = pf; this.curCtx = pc; this.curMemInfo = pm;
    }
  }

  private each(kind: StaticKind, vcpu: number, flags: CbFlags, call: (cb: StaticCb, ctx: PluginContext) => void): void {
    for (const ctx of this.contexts.slice()) {
      const list = ctx.cbs.get(kind);
      if (ctx.dead || !list) continue;
      for (const cb of list.slice()) {
        if (ctx.dead) break;
        this.invoke(ctx, kind, vcpu, flags, () => call(cb, ctx));
      }
    }
  }

  /** A vCPU was created (QEMU's qemu_plugin_vcpu_init_hook). */
  vcpuInit(index: number): void {
    this.vcpusStarted = Math.max(this.vcpusStarted, index + 1);
    let grew = false;
    for (const s of this.scoreboards) grew = s.grow(this.vcpusStarted) || grew;
    if (grew) this.requestFlush();
    this.each('vcpu_init', index, CbFlags.RW_REGS_PC, cb => cb.fn(index, cb.userdata));
  }
  vcpuExit(index: number): void { this.each('vcpu_exit', index, CbFlags.RW_REGS_PC, cb => cb.fn(index, cb.userdata)); }
  vcpuIdle(index: number): void { this.each('vcpu_idle', index, CbFlags.RW_REGS_PC, cb => cb.fn(index, cb.userdata)); }
  vcpuResume(index: number): void { this.each('vcpu_resume', index, CbFlags.RW_REGS_PC, cb => cb.fn(index, cb.userdata)); }
  /** A trap/interrupt/host call changed the pc (qemu_plugin_vcpu_discon_cb_t). */
  vcpuDiscon(index: number, type: number, fromPc: number, toPc: number): void {
    this.each('vcpu_discon', index, CbFlags.RW_REGS_PC, (cb, ctx) => {
      if ((cb.discon ?? 0) & type) cb.fn(ctx.id, index, type, fromPc, toPc);
    });
  }

  get wantsSyscalls(): boolean { return this.has('syscall') || this.has('syscall_ret') || this.has('syscall_filter'); }

  /** Before a syscall runs. args: a0..a7 as raw unsigned 64-bit values. */
  syscall(vcpu: number, num: number, args: readonly bigint[]): void {
    const a = (i: number) => args[i] ?? 0n;
    this.each('syscall', vcpu, CbFlags.RW_REGS_PC, (cb, ctx) =>
      cb.fn(ctx.id, vcpu, num, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7)));
  }

  /** Syscall filter: returns the value the guest should see when a plugin skipped the syscall. */
  syscallFilter(vcpu: number, num: number, args: readonly bigint[]): { filtered: boolean; ret: bigint } {
    const a = (i: number) => args[i] ?? 0n;
    for (const ctx of this.contexts.slice()) {
      for (const cb of (ctx.cbs.get('syscall_filter') ?? []).slice()) {
        if (ctx.dead) break;
        const sysret = { value: 0n };
        const hit = this.invoke(ctx, 'syscall_filter', vcpu, CbFlags.RW_REGS_PC, () =>
          cb.fn(ctx.id, vcpu, num, a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), sysret));
        if (hit === true) return { filtered: true, ret: BigInt.asUintN(64, sysret.value) };
      }
    }
    return { filtered: false, ret: 0n };
  }

  /** After a syscall returned `ret` (signed). */
  syscallRet(vcpu: number, num: number, ret: number): void {
    this.each('syscall_ret', vcpu, CbFlags.RW_REGS_PC, (cb, ctx) => cb.fn(ctx.id, vcpu, num, ret));
  }

  /** The code cache was flushed. */
  flush(): void { this.each('flush', -1, CbFlags.NO_REGS, cb => cb.fn(cb.userdata)); }

  /** Guest exit: runs pending reset/uninstall work, then every atexit callback once. */
  atexit(): void {
    if (this.atexitDone) return;
    this.atexitDone = true;
    this.runPendingWork();
    this.each('atexit', -1, CbFlags.NO_REGS, cb => cb.fn(cb.userdata));
  }

  // ---- translation ------------------------------------------------------------------------

  /** The TranslateHook handed to the translator (QEMU's plugin_gen_tb_start … tb_end). */
  readonly translate: TranslateHook = (desc: TbDescription): TbInstrumentation | undefined => {
    let any = false;
    for (const ctx of this.contexts) if (!ctx.dead && ctx.cbs.get('tb_trans')?.length) { any = true; break; }
    if (!any) return undefined;
    const instr: TbInstrumentation = {
      exec: [], inline: [],
      insns: desc.insns.map(() => ({ exec: [], inline: [], mem: [], memInline: [] })),
    };
    for (const ctx of this.contexts.slice()) {
      for (const cb of (ctx.cbs.get('tb_trans') ?? []).slice()) {
        if (ctx.dead) break;
        const tb = new TbHandle(desc, instr, ctx);
        this.invoke(ctx, 'tb_trans', 0, CbFlags.NO_REGS, () => cb.fn(ctx.id, tb, cb.userdata));
        tb.invalidate();
      }
    }
    const empty = instr.exec.length === 0 && instr.inline.length === 0 &&
      instr.insns.every(i => !i.exec.length && !i.inline.length && !i.mem.length && !i.memInline.length);
    return empty ? undefined : instr;
  };

  /** Wraps a plugin's exec callback for the translator (context, tracing, generation, errors). */
  wrapExec(ctx: PluginContext, target: DynamicTarget, kind: 'tb_exec' | 'insn_exec',
    fn: (vcpu: number, ud: unknown) => void, flags: CbFlags): ExecCallback['fn'] {
    const gen = ctx.generation, pc = target.pc;
    return (vcpu: number, ud: unknown) => {
      if (ctx.generation !== gen) return;
      if (this.tracer !== null) this.tracer({ kind, vcpu, pc, vaddr: 0, plugin: ctx.name });
      const pv = this.curVcpu, pf = this.curFlags, pcx = this.curCtx;
      this.curVcpu = vcpu; this.curFlags = flags; this.curCtx = ctx;
      try {
        fn(vcpu, ud);
      } catch (e) {
        if (isPluginSignal(e)) throw e;
        this.fail(ctx, kind, e);
      } finally {
        this.curVcpu = pv; this.curFlags = pf; this.curCtx = pcx;
      }
    };
  }

  wrapMem(ctx: PluginContext, target: DynamicTarget, fn: MemCallback['fn'], flags: CbFlags): MemCallback['fn'] {
    const gen = ctx.generation, pc = target.pc;
    return (vcpu: number, info: number, vaddr: number, ud: unknown) => {
      if (ctx.generation !== gen) return;
      if (this.tracer !== null) this.tracer({ kind: 'mem', vcpu, pc, vaddr, plugin: ctx.name });
      const pv = this.curVcpu, pf = this.curFlags, pcx = this.curCtx, pm = this.curMemInfo;
      this.curVcpu = vcpu; this.curFlags = flags; this.curCtx = ctx; this.curMemInfo = info;
      try {
        fn(vcpu, info, vaddr, ud);
      } catch (e) {
        if (isPluginSignal(e)) throw e;
        this.fail(ctx, 'mem', e);
      } finally {
        this.curVcpu = pv; this.curFlags = pf; this.curCtx = pcx; this.curMemInfo = pm;
      }
    };
  }

  /**
   * The fast path for a NO_REGS memory callback (DirectMemCallback): generated code calls the
   * plugin's function itself, marking it as running in memValue.info. Not offered while a tracer
   * observes callbacks (the wrapper reports each one to it).
   */
  directMem(ctx: PluginContext, fn: MemCallback['fn'], flags: CbFlags): DirectMemCallback | undefined {
    if (flags !== CbFlags.NO_REGS || this.tracer !== null) return undefined;
    // One per plugin function and generation (plugins register the same function on every
    // instruction): every call site then calls the same closure, which V8 inlines more readily.
    const cached = this.directCache.get(fn);
    if (cached && cached.owner === ctx && cached.generation === ctx.generation) return cached;
    // Small, so V8 inlines it together with fn into the translated code; the catch costs nothing
    // until a callback throws. When the plugin's generation ends (it threw or another callback
    // unloaded it), the TBs are flushed but the one running goes on: `target` then skips the
    // rest of its calls to this plugin. (V8's check that `target` is still fn, which it makes
    // anyway to inline it, is cheaper than a generation test in the TB.)
    const failed = (e: unknown): void => this.directFailed(ctx, e);
    let target = fn;
    ctx.stopDirect.push(() => { target = () => {}; });
    const call = (vcpu: number, info: number, vaddr: number, ud: unknown): void => {
      try { target(vcpu, info, vaddr, ud); } catch (e) { failed(e); }
    };
    const direct = { call, owner: ctx, generation: ctx.generation };
    this.directCache.set(fn, direct);
    return direct;
  }
  private readonly directCache = new WeakMap<MemCallback['fn'], DirectMemCallback & { owner: PluginContext }>();

  private directFailed(ctx: PluginContext, e: unknown): void {
    this.memValue.info = -1;
    if (isPluginSignal(e)) throw e;
    this.fail(ctx, 'mem', e);
  }

  /**
   * vCPU of the callback running now (-1: none). Wrapped callbacks set curCtx; outside them, a
   * direct memory callback's marker (see DirectMemCallback) says one runs.
   */
  currentVcpu(): number {
    if (this.curCtx !== null) return this.curVcpu;
    return (this.memValue.info ?? -1) >= 0 ? this.memValue.vcpu ?? 0 : -1;
  }

  /** meminfo of the memory callback running now, -1 when none. */
  currentMemInfo(): number {
    return this.curCtx !== null ? this.curMemInfo : this.memValue.info ?? -1;
  }

  // ---- unloading --------------------------------------------------------------------------

  /** A plugin callback threw: one line naming plugin and callback, then the plugin is unloaded. */
  fail(ctx: PluginContext, what: string, e: unknown): void {
    if (ctx.dead) return;
    this.error(`tbscope: plugin ${ctx.name}: ${what} callback threw: ${errorText(e)} (plugin unloaded)`);
    this.remove(ctx);
    this.requestFlush();
  }

  /** Ends the plugin's current generation: TBs compiled under it must no longer call it. */
  private nextGeneration(ctx: PluginContext): void {
    ctx.generation++;
    ctx.cbs.clear();
    for (const stop of ctx.stopDirect) stop();
    ctx.stopDirect = [];
  }

  private remove(ctx: PluginContext): void {
    ctx.dead = true;
    this.nextGeneration(ctx);
    const i = this.contexts.indexOf(ctx);
    if (i >= 0) this.contexts.splice(i, 1);
    if (this.timeControlOwner === ctx.id) this.timeControlOwner = null;
    if (this.tracerOwner === ctx.id) { this.tracer = null; this.tracerOwner = -1; }
  }

  /** qemu_plugin_reset / qemu_plugin_uninstall: done at the next safe point, then `done` runs. */
  schedule(ctx: PluginContext, uninstall: boolean, done?: () => void): void {
    if (ctx.busy) return;
    ctx.busy = true;
    this.pending.push(() => {
      ctx.busy = false;
      if (uninstall) this.remove(ctx);
      else this.nextGeneration(ctx);
      this.requestFlush();
      if (done) this.invoke(ctx, uninstall ? 'uninstall' : 'reset', -1, CbFlags.NO_REGS, done);
    });
    this.hasPendingWork = true;
    this.binding?.requestExit?.();
  }

  /** Called by the run loop at a TB boundary when hasPendingWork is set (and at exit). */
  runPendingWork(): void {
    while (this.pending.length) this.pending.shift()!();
    this.hasPendingWork = false;
  }
}

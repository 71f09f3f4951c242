// The debugger runtime: one guest process (Machine + Linux process + PluginManager) driven in
// slices from the event loop, so pause and view updates are served while the guest runs. It knows
// nothing of DAP: it emits 'stopped', 'output', 'exited' and 'update' events, and the session
// translates them. Stops the emulator returns as values (breakpoint, step, signal, ebreak,
// syscall, exit) are interpreted here in one place.

import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DebugInfo } from '../emulator/debuginfo/index';
import type { SymbolTable } from '../emulator/elf/symbols';
import { createProcess, type GuestProcess, type ProcessEnd } from '../emulator/linux/process';
import { Machine } from '../emulator/machine';
import { createNodeHost, hostFileWriter } from '../emulator/node/host';
import { recordHost } from '../emulator/record';
import type { HostServices } from '../emulator/host';
import { attachToMachine, imageExtras, loadPlugins, PluginManager } from '../emulator/plugins/index';
import type { StopReason } from '../emulator/stop';
import { resolveAsmProgram } from './asm-program';
import { guestEnv, type LaunchConfig } from './config';
import { describeStop, type ExceptionDetails } from './exceptions';
import { History, type GuestParts } from './reverse';

// A real dynamic import() even from the CommonJS bundle, so .mjs plugins load too.
const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

export type OutputCategory = 'stdout' | 'stderr' | 'console' | 'important';

/** How the guest should run until the next stop. */
export type RunMode =
  | { kind: 'continue' }
  | { kind: 'stepInsn' }
  /** Run until pc === target with sp >= minSp (step over a call, step out of a function). */
  | { kind: 'until'; target: number; minSp: number; then?: RunMode }
  /** Single-step until `done(pc)` says so (source-line stepping). */
  | { kind: 'stepWhile'; next: (pc: number) => 'step' | 'stop' | RunMode };

export interface RuntimeStop {
  /** DAP stopped reason. */
  reason: 'entry' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'exception';
  description?: string;
  text?: string;
  hitBreakpointIds?: number[];
  exception?: ExceptionDetails;
}

/** What a breakpoint at pc decides (conditions, hit counts, logpoints are the caller's business). */
export interface BreakpointDecision { stop: boolean; ids: number[]; reason: RuntimeStop['reason'] }

export interface ExceptionFilters { signals: boolean; syscall: boolean; syscallNumbers?: Set<number>; exit: boolean }

/** Things the runtime must do when the guest resumes from an exceptional stop. */
type PendingResume = { kind: 'ebreak'; size: number } | { kind: 'signal'; stop: StopReason } | { kind: 'syscall' } | { kind: 'exit'; stop: StopReason };

const SLICE_TARGET_MS = 25;
const DETERMINISTIC_SLICE = 1 << 20;
const UPDATE_INTERVAL_MS = 250;

export class Runtime extends EventEmitter {
  /** The guest shown: the live one, or a replay of its past while time travelling (adapter/reverse.ts). */
  machine: Machine;
  proc: GuestProcess;
  /** The recorded run, for going back in it (step back, reverse continue, goto). */
  history?: History;
  readonly plugins: PluginManager;
  readonly debugInfo?: DebugInfo;
  state: 'stopped' | 'running' | 'exited' = 'stopped';
  /** Decides whether a user breakpoint at pc stops (set by the breakpoint manager). */
  breakpointHit?: (pc: number) => BreakpointDecision | undefined;
  /** Hits found by memory callbacks since the last stop (set by the data-breakpoint module). */
  watchHit?: () => RuntimeStop | undefined;
  filters: ExceptionFilters = { signals: true, syscall: false, exit: false };
  lastStop?: RuntimeStop;
  exitStatus?: number;

  private early: { category: OutputCategory; text: string }[] = [];
  private slice = 1 << 18;
  private pauseRequested = false;
  private pending?: PendingResume;
  /** Each guest's own syscall handler, under the break-on-syscall wrapper. */
  private readonly innerSyscall = new WeakMap<Machine, ((m: Machine) => StopReason | undefined) | undefined>();
  private lastUpdate = 0;
  private readonly tempBps = new Set<number>();

  private constructor(readonly config: LaunchConfig, machine: Machine, proc: GuestProcess, plugins: PluginManager) {
    super();
    this.machine = machine; this.proc = proc; this.plugins = plugins;
    try {
      const di = new DebugInfo(proc.image.program.elf);
      if (di.hasDebugInfo || di.frames) this.debugInfo = di;
    } catch { /* no usable DWARF: addresses and ELF symbols only */ }
    this.wrapSyscalls(machine);
  }

  /** Break-on-syscall: stop before the kernel sees the call; resuming runs it (see resume()). */
  private wrapSyscalls(machine: Machine): void {
    if (this.innerSyscall.has(machine)) return;
    const inner = machine.syscallHandler;
    this.innerSyscall.set(machine, inner);
    machine.syscallHandler = (m) => {
      const f = this.filters;
      if (f.syscall) {
        const nr = m.cpu.getXSigned(17);
        if (!f.syscallNumbers || f.syscallNumbers.has(nr)) return { kind: 'syscall', pc: m.cpu.pc, nr };
      }
      return inner?.(m);
    };
  }

  /** Shows another guest (time travel swaps the live guest and a replay of its past). */
  swapGuest(parts: GuestParts): void {
    this.wrapSyscalls(parts.machine);
    this.machine = parts.machine;
    this.proc = parts.proc;
  }

  /** The last stop left something to do on resume (a syscall, signal, ebreak or exit to carry out). */
  get hasPendingAction(): boolean { return this.pending !== undefined; }

  /** Builds the guest process; throws LoadError/ElfError/PluginLoadError/HostError for bad configurations. */
  static async create(cfg: LaunchConfig, baseEnv: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
    cfg = resolveAsmProgram(cfg); // a .s/.S program is assembled here, so every client can launch one
    const self: { rt?: Runtime } = {};
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    // Output before the session listens (plugin install messages) is kept for drainOutput().
    const early: { category: OutputCategory; text: string }[] = [];
    const emit = (category: OutputCategory, text: string) => {
      if (!text) return;
      const rt = self.rt;
      if (rt && rt.listenerCount('output')) rt.emit('output', { category, text }); else early.push({ category, text });
    };
    const confine = cfg.confineFiles === true ? cfg.cwd : typeof cfg.confineFiles === 'string' ? path.resolve(cfg.cwd ?? '.', cfg.confineFiles) : undefined;
    const realHost = createNodeHost({
      deterministic: cfg.deterministic, cwd: cfg.cwd,
      confineRoot: confine, readRoots: [cfg.sysroot ?? '/usr/riscv64-linux-gnu', path.dirname(cfg.program)],
      stdout: (d) => emit('stdout', decoders.stdout.decode(d, { stream: true })),
      stderr: (d) => emit('stderr', decoders.stderr.decode(d, { stream: true })),
      stdin: () => 0,
      log: (line) => emit('console', line.endsWith('\n') ? line : line + '\n'),
    });
    // Every host call is recorded, so any point of the run can be reached again (adapter/reverse.ts).
    const { host, log } = recordHost(realHost);
    const env = guestEnv(cfg, baseEnv);
    const build = (h: HostServices): GuestParts => {
      const m = new Machine();
      return { machine: m, proc: createProcess({
        program: cfg.program, argv: [cfg.program, ...(cfg.args ?? [])], env, host: h, machine: m,
        sysroot: cfg.sysroot, deterministic: cfg.deterministic, progName: 'tbscope',
      }) };
    };
    const { machine, proc } = build(host);
    const plugins = new PluginManager({
      out: (text) => emit('console', text),
      error: (line) => emit('important', line.endsWith('\n') ? line : line + '\n'),
      writeFile: hostFileWriter(cfg.cwd ?? path.dirname(cfg.program)),
    });
    // Hot pages are shown by default: with no plugins configured, hotpages is loaded.
    const specs = cfg.plugins ?? ['hotpages'];
    await loadPlugins(plugins, specs, { importModule: (p) => importUrl(pathToFileURL(path.resolve(cfg.cwd ?? '.', p)).href) });
    attachToMachine(plugins, machine, imageExtras(proc.image, proc.exePath));
    plugins.vcpuInit(0);
    const rt = self.rt = new Runtime(cfg, machine, proc, plugins);
    rt.early = early;
    rt.history = new History(log, build);
    if (cfg.deterministic) rt.slice = DETERMINISTIC_SLICE;
    return rt;
  }

  /** Emits the output produced before anyone listened. */
  drainOutput(): void {
    for (const o of this.early.splice(0)) this.emit('output', o);
  }

  get symbols(): SymbolTable { return this.proc.image.symbols; }
  get pc(): number { return this.machine.cpu.pc; }

  // ---- temporary breakpoints (stepping) ----------------------------------------------------

  /** Whether pc is a breakpoint somebody else (the user) set, so a temporary one must not remove it. */
  userBreakpoints = new Set<number>();

  private addTemp(pc: number): void {
    if (!this.machine.breakpoints.has(pc)) { this.tempBps.add(pc); this.machine.addBreakpoint(pc); }
  }
  private clearTemps(): void {
    for (const pc of this.tempBps) if (!this.userBreakpoints.has(pc)) this.machine.removeBreakpoint(pc);
    this.tempBps.clear();
  }

  // ---- running -----------------------------------------------------------------------------

  /** Starts the guest running in `mode`; the result arrives as a 'stopped' or 'exited' event. */
  resume(mode: RunMode = { kind: 'continue' }): void {
    if (this.state !== 'stopped') return;
    this.state = 'running';
    this.pauseRequested = false;
    if (mode.kind === 'until') this.addTemp(mode.target);
    setImmediate(() => this.tick(mode, true));
  }

  /** Pause is served between slices, so within one slice (≈25 ms) even in a tight loop. */
  pause(): void { if (this.state === 'running') this.pauseRequested = true; }

  /** Ends the guest without running it further (terminate/disconnect). */
  terminate(): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.clearTemps();
    this.history?.backToPresent(this);
    // As when a process is killed: its stores into shared file mappings still reach the files.
    this.proc.kernel.sharedMaps.removeAll(this.machine.mem);
  }

  private tick(mode: RunMode, first: boolean): void {
    if (this.state !== 'running') return;
    try {
      if (first && this.pending) {
        const done = this.runPending();
        if (done) return;
        if (mode.kind === 'stepInsn') { this.stopWith({ reason: 'step' }); return; }
      }
      if (this.pauseRequested) { this.stopWith({ reason: 'pause' }); return; }
      const stepping = mode.kind === 'stepInsn' || mode.kind === 'stepWhile';
      const t0 = performance.now(), i0 = this.machine.cpu.instret;
      let stop: StopReason;
      const untilPresent = this.history?.untilPresent(this);
      if (stepping) {
        this.machine.singleStep = true;
        try { stop = this.machine.run(); } finally { this.machine.singleStep = false; }
      } else if (untilPresent !== undefined) {
        // In the past: run exactly up to the present, where the live guest takes over (or softly
        // to the next timer's deadline, where the live run fired it).
        const toTimer = this.proc.insnsUntilTimer() ?? Infinity, cap = Math.min(this.slice, untilPresent);
        stop = toTimer < cap ? this.machine.run({ maxInsns: toTimer, atBlockBoundary: true }) : this.machine.run({ maxInsns: cap });
      } else {
        // Soft budget: a slice never splits a TB, so plugins count the blocks a CLI run does; it
        // ends by the next timer's deadline, as the CLI's runs do, so timers fire at the same point.
        stop = this.machine.run({ maxInsns: Math.min(this.slice, this.proc.insnsUntilTimer() ?? Infinity), atBlockBoundary: true });
        this.adaptSlice(performance.now() - t0, this.machine.cpu.instret - i0);
      }
      if (this.history?.untilPresent(this) === 0) this.history.backToPresent(this);
      // Timers (setitimer, timer_create) fire between slices.
      const killed = stop.kind === 'budget' ? this.proc.fireTimers() : undefined;
      if (killed) { this.finish(killed); return; }
      const next = this.interpret(stop, mode);
      if (next === undefined) return;
      if (next !== mode) { mode = next; if (mode.kind === 'until') this.addTemp(mode.target); }
      this.maybeUpdate();
      // Single steps of a line-step loop run many per tick; continue in the next tick at a slice end.
      setImmediate(() => this.tick(mode, false));
    } catch (e) {
      this.internalError(e);
    }
  }

  private adaptSlice(ms: number, insns: number): void {
    if (this.config.deterministic || insns < 1000) return;
    const want = Math.round(insns * SLICE_TARGET_MS / Math.max(ms, 0.5));
    this.slice = Math.max(1 << 14, Math.min(1 << 24, Math.round((this.slice + want) / 2)));
  }

  private maybeUpdate(): void {
    const now = performance.now();
    if (now - this.lastUpdate >= UPDATE_INTERVAL_MS) { this.lastUpdate = now; this.emit('update', { running: true }); }
  }

  /** Turns a Machine stop into: keep running (a mode), or a reported stop/exit (undefined). */
  private interpret(stop: StopReason, mode: RunMode): RunMode | undefined {
    const cpu = this.machine.cpu;
    switch (stop.kind) {
      case 'budget': return mode;
      case 'pause': {
        const hit = this.watchHit?.();
        if (hit) { this.stopWith(hit); return undefined; }
        return mode;
      }
      case 'step': {
        if (mode.kind === 'stepWhile') {
          const d = mode.next(cpu.pc);
          if (d === 'step') return this.checkBreakpointAfterStep(mode);
          if (d === 'stop') { this.stopWith({ reason: 'step' }); return undefined; }
          return d;
        }
        const hit = this.watchHit?.();
        this.stopWith(hit ?? { reason: 'step' });
        return undefined;
      }
      case 'breakpoint': {
        const sp = cpu.getXNum(2);
        if (mode.kind === 'until' && stop.pc === mode.target && sp >= mode.minSp) {
          this.clearTemps();
          if (mode.then) return mode.then.kind === 'stepWhile' ? this.continueLineStep(mode.then) : mode.then;
          this.stopWith({ reason: 'step' });
          return undefined;
        }
        const d = this.breakpointHit?.(stop.pc);
        if (d?.stop) { this.stopWith({ reason: d.reason, hitBreakpointIds: d.ids }); return undefined; }
        return mode;
      }
      case 'syscall':
        this.pending = { kind: 'syscall' };
        this.stopWith(describeStop(stop, this));
        return undefined;
      case 'ebreak':
        this.pending = { kind: 'ebreak', size: this.insnSize(stop.pc) };
        this.stopWith(describeStop(stop, this));
        return undefined;
      case 'signal':
        if (this.filters.signals) { this.pending = { kind: 'signal', stop }; this.stopWith(describeStop(stop, this)); return undefined; }
        return this.deliver(stop) ? mode : undefined;
      case 'exit':
        if (this.filters.exit) { this.pending = { kind: 'exit', stop }; this.stopWith(describeStop(stop, this)); return undefined; }
        this.finish(this.proc.handleStop(stop)!);
        return undefined;
      case 'watchpoint':
        this.stopWith({ reason: 'data breakpoint' });
        return undefined;
    }
  }

  /** Back in a line step after running a call: the return address may already end the step. */
  private continueLineStep(mode: RunMode & { kind: 'stepWhile' }): RunMode | undefined {
    const d = mode.next(this.machine.cpu.pc);
    if (d === 'stop') { this.stopWith({ reason: 'step' }); return undefined; }
    return d === 'step' ? mode : d;
  }

  /** Within single-stepped line stepping, user breakpoints still stop (the machine does not report them in step mode). */
  private checkBreakpointAfterStep(mode: RunMode): RunMode | undefined {
    const pc = this.machine.cpu.pc;
    if (this.machine.breakpoints.has(pc) && this.userBreakpoints.has(pc)) {
      const d = this.breakpointHit?.(pc);
      if (d?.stop) { this.stopWith({ reason: d.reason, hitBreakpointIds: d.ids }); return undefined; }
    }
    const hit = this.watchHit?.();
    if (hit) { this.stopWith(hit); return undefined; }
    return mode;
  }

  /** Does what an exceptional stop left to do on resume; true when that ended the process or stopped again. */
  private runPending(): boolean {
    const p = this.pending!;
    this.pending = undefined;
    const cpu = this.machine.cpu;
    switch (p.kind) {
      case 'ebreak': cpu.pc += p.size; return false;
      case 'signal': return !this.deliver(p.stop);
      case 'exit': this.finish(this.proc.handleStop(p.stop)!); return true;
      case 'syscall': {
        const pc = cpu.pc;
        const r = this.innerSyscall.get(this.machine)?.(this.machine);
        if (r) {
          if (r.kind === 'exit') { this.finish(this.proc.handleStop(r)!); return true; }
          return this.interpret(r, { kind: 'continue' }) === undefined;
        }
        if (cpu.pc === pc) cpu.pc = pc + 4;
        return false;
      }
    }
  }

  /** Hands a signal to the Linux layer: true when a guest handler was entered (run on). */
  private deliver(stop: StopReason): boolean {
    const end = this.proc.handleStop(stop);
    if (end) { this.finish(end); return false; }
    return true;
  }

  private insnSize(pc: number): number {
    try { return (this.machine.mem.read(pc, 2, true)[0] & 3) === 3 ? 4 : 2; } catch { return 4; }
  }

  private stopWith(s: RuntimeStop): void {
    this.clearTemps();
    this.state = 'stopped';
    this.lastStop = s;
    this.emit('stopped', s);
    this.emit('update', { running: false });
  }

  /** A stop reached outside a run (time travel: the guest was replaced by its past). */
  reportStop(s: RuntimeStop): void { this.stopWith(s); }

  /** Stop on entry / after launch (the session reports it). */
  stopOnEntry(): void { this.stopWith({ reason: 'entry' }); }

  private finish(end: ProcessEnd): void {
    this.clearTemps();
    this.plugins.atexit();
    this.state = 'exited';
    this.exitStatus = end.status;
    this.emit('update', { running: false });
    this.emit('exited', end.status, end.signo);
  }

  private internalError(e: unknown): void {
    const msg = e instanceof Error ? e.stack ?? e.message : String(e);
    this.emit('output', { category: 'important', text: `tbscope: internal error: ${msg}\n` });
    this.state = 'exited';
    this.exitStatus = 1;
    this.emit('exited', 1);
  }
}

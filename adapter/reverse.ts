// Reverse execution for the debugger (docs/time-travel.md): step back (instruction and line),
// reverse continue to the previous breakpoint hit, and going to an instruction count
// (`tbscope/goto`). Everything is one operation, re-execution: the live guest's host calls are
// recorded (emulator/record.ts), and a point in the past is reached by building a new guest on a
// replay of them and running it forward with the Machine's exact instruction budget. While the
// user looks at the past, that replayed guest is the runtime's guest and the live one waits at
// "the present"; running forward in the past swaps the live guest back in at the present, whose
// state is the same by determinism. Rules: the replayed guest's output goes nowhere (it was shown
// once) and no plugin is attached to it, so plugin callbacks fire once per instruction of the
// live run and counts are never doubled; history reaches back to the start of the run.

import type { HostLog } from '../emulator/record';
import { replayHost } from '../emulator/record';
import type { HostServices } from '../emulator/host';
import type { GuestProcess } from '../emulator/linux/process';
import type { Machine } from '../emulator/machine';
import type { Runtime, RuntimeStop } from './runtime';
import { AdapterError, hex } from './target';
import { accessWatchModule, type Hit } from './watch';
import { attachToMachine, installModule, PluginManager } from '../emulator/plugins/index';

export interface GuestParts { machine: Machine; proc: GuestProcess }

/** One stop of a probing re-execution: where and when. */
interface ProbeHit { insns: number; pc: number; sp: number }

export class History {
  /** The live guest while the runtime shows the past, and its instruction count. */
  private present?: { parts: GuestParts; insns: number };

  constructor(private readonly log: HostLog, private readonly build: (host: HostServices) => GuestParts) {}

  get inPast(): boolean { return this.present !== undefined; }

  /** Instructions the live guest has retired: how far forward history reaches. */
  presentInsns(rt: Runtime): number { return this.present?.insns ?? insnsOf(rt.machine); }

  /** When showing the past: instructions left before the present (the runtime's run cap). */
  untilPresent(rt: Runtime): number | undefined {
    return this.present ? this.present.insns - insnsOf(rt.machine) : undefined;
  }

  /** Puts the live guest back (with the user's breakpoints as they are now). */
  backToPresent(rt: Runtime): void {
    const p = this.present;
    if (!p) return;
    const bps = p.parts.machine.breakpoints;
    bps.clear();
    for (const pc of rt.machine.breakpoints) bps.add(pc);
    rt.swapGuest(p.parts);
    this.present = undefined;
  }

  /**
   * Makes the runtime show the guest as it was after `target` instructions. The runtime must be
   * stopped without an action pending (a stop at a syscall, signal or ebreak resumes into it).
   */
  goTo(rt: Runtime, target: number): void {
    const present = this.presentInsns(rt);
    if (!Number.isInteger(target) || target < 0) throw new AdapterError(`instruction count ${target} is not a count`);
    if (target > present) throw new AdapterError(`instruction ${target} is in the future: the run has reached ${present}; continue to go further`);
    if (target === present) { this.backToPresent(rt); return; }
    const parts = this.replayTo(target);
    for (const pc of rt.machine.breakpoints) parts.machine.addBreakpoint(pc);
    if (!this.present) this.present = { parts: { machine: rt.machine, proc: rt.proc }, insns: present };
    rt.swapGuest(parts);
  }

  /** Step back one instruction, or (granularity line) to the start of the previous line run in this frame or an outer one. */
  stepBackTarget(rt: Runtime, byLine: boolean): number {
    const now = insnsOf(rt.machine);
    if (now === 0) throw new AdapterError('at the start of the run: there is no earlier instruction');
    const di = rt.debugInfo;
    const bias = rt.proc.image.program.bias;
    const lineOf = (pc: number) => di?.addrToLine(pc - bias);
    const here = lineOf(rt.pc);
    if (!byLine || !di || !here) return now - 1;
    const starts = new Set(di.lines.all.filter((r) => r.isStmt).map((r) => r.address + bias));
    const hits = this.probe(now, starts).filter((h) => h.insns < now);
    const sp0 = rt.machine.cpu.getXNum(2);
    const fnOf = (pc: number) => di.functionAt(pc - bias)?.lo;
    const fn0 = fnOf(rt.pc);
    // Rows of this frame or its callers, newest first: a callee's rows have a lower sp, except
    // its entry row, before its prologue moves sp (same sp, another function).
    const mine = hits.filter((h) => h.sp > sp0 || (h.sp === sp0 && fnOf(h.pc) === fn0)).reverse();
    const same = (a: number, b: number) => { const x = lineOf(a), y = lineOf(b); return !!x && !!y && x.line === y.line && x.file === y.file; };
    let i = mine.findIndex((h) => !same(h.pc, rt.pc));
    if (i < 0) return 0;
    // Back to where that line's run began: earlier rows of the same line with nothing between.
    while (i + 1 < mine.length && same(mine[i + 1].pc, mine[i].pc) && mine[i + 1].sp === mine[i].sp && mine[i + 1].pc !== mine[i].pc) i++;
    return mine[i].insns;
  }

  /** The last user breakpoint hit before now (0 = the start when there is none). */
  reverseContinueTarget(rt: Runtime): { insns: number; stop: RuntimeStop } {
    const now = insnsOf(rt.machine);
    const userBps = new Set([...rt.machine.breakpoints].filter((pc) => rt.userBreakpoints.has(pc)));
    const hits = this.probe(now, userBps);
    const last = hits.filter((h) => h.insns < now).pop();
    return last ? { insns: last.insns, stop: { reason: 'breakpoint' } } : { insns: 0, stop: { reason: 'entry', description: 'start of the run' } };
  }

  /**
   * The last write before now to one of `ranges` ("who wrote this"): a probing re-execution with
   * the data-breakpoint plugin (adapter/watch.ts) on the replayed guest, which stops right after
   * each write; the target is the count after the last one.
   */
  reverseWriteTarget(rt: Runtime, ranges: { addr: number; len: number }[]): { insns: number; stop: RuntimeStop } | undefined {
    const now = insnsOf(rt.machine);
    const watches = ranges.map((r) => ({ ...r, access: 'write' as const }));
    const writes: (Hit & { insns: number })[] = [];
    let pending: Hit[] = [];
    this.replayTo(now, undefined, (h) => { for (const w of pending) writes.push({ ...w, insns: h.insns }); pending = []; }, (parts) => {
      const mgr = new PluginManager({ out: () => undefined, error: () => undefined });
      installModule(mgr, 'tbscope-reverse-watch', accessWatchModule({
        watches: () => watches, hit: (h) => pending.push(h), pause: () => parts.machine.requestPause(), setClear: () => undefined,
      }), []);
      attachToMachine(mgr, parts.machine);
      mgr.vcpuInit(0);
    });
    const last = writes.filter((w) => w.insns < now).pop();
    if (!last) return undefined;
    const what = `write of ${last.size} bytes at ${hex(last.vaddr)} by the instruction at ${hex(last.pc)}`;
    return { insns: last.insns, stop: { reason: 'data breakpoint', description: what, text: what } };
  }

  /** A new guest on the recording, run to exactly `target` instructions; probes report each arrival at one of `at` (and each pause a plugin asked for). */
  private replayTo(target: number, at?: Set<number>, hit?: (h: ProbeHit) => void, setup?: (parts: GuestParts) => void): GuestParts {
    const parts = this.build(replayHost(this.log));
    const m = parts.machine;
    setup?.(parts);
    for (const pc of at ?? []) m.addBreakpoint(pc);
    while (insnsOf(m) < target) {
      // Timers fire where the live run fired them: at the first TB boundary after their deadline.
      const toTimer = parts.proc.insnsUntilTimer();
      const stop = toTimer !== undefined && toTimer < target - insnsOf(m)
        ? m.run({ maxInsns: toTimer, atBlockBoundary: true })
        : m.run({ maxInsns: target - insnsOf(m) });
      switch (stop.kind) {
        case 'budget':
          if (parts.proc.fireTimers()) throw new AdapterError('re-execution ended early: the run cannot be reproduced');
          break;
        case 'breakpoint': case 'pause': hit?.({ insns: insnsOf(m), pc: m.cpu.pc, sp: m.cpu.getXNum(2) }); break;
        case 'ebreak': m.cpu.pc += (m.mem.read(stop.pc, 2, true)[0] & 3) === 3 ? 4 : 2; break;
        case 'signal': if (parts.proc.handleStop(stop)) throw new AdapterError('re-execution ended early: the run cannot be reproduced'); break;
        default: throw new AdapterError(`re-execution stopped unexpectedly (${stop.kind}): the run cannot be reproduced`);
      }
    }
    for (const pc of at ?? []) m.removeBreakpoint(pc);
    return parts;
  }

  /** Re-executes to `until` and lists every arrival at an address of `at` before it. */
  private probe(until: number, at: Set<number>): ProbeHit[] {
    const hits: ProbeHit[] = [];
    if (at.size) this.replayTo(until, at, (h) => hits.push(h));
    return hits;
  }
}

/** Guest instructions retired so far (the timeline's coordinate). */
export function insnsOf(m: Machine): number { return m.cpu.instret; }

/** The history of a stopped runtime that can be travelled from this stop. */
function ready(rt: Runtime): History {
  if (!rt.history) throw new AdapterError('this session keeps no history');
  if (rt.state !== 'stopped') throw new AdapterError('the guest is running: pause it first');
  if (rt.hasPendingAction) throw new AdapterError('this stop (a system call, signal, ebreak or exit) still has to be carried out: step once, then go back');
  return rt.history;
}

/** Goes to `target` and reports the stop after the request's response. */
function arrive(rt: Runtime, h: History, target: number, stop: RuntimeStop): void {
  h.goTo(rt, target);
  const where = `instruction ${insnsOf(rt.machine)} of ${h.presentInsns(rt)} recorded`;
  setImmediate(() => rt.reportStop({ ...stop, description: stop.description ? `${stop.description}, ${where}` : where }));
}

/** DAP stepBack: one instruction, or to the start of the previous line (reverse `next`). */
export function stepBack(rt: Runtime, granularity: string | undefined): void {
  const h = ready(rt);
  arrive(rt, h, h.stepBackTarget(rt, granularity !== 'instruction'), { reason: 'step' });
}

/**
 * DAP reverseContinue: to the previous user breakpoint hit or the previous write to a range
 * watched by a data breakpoint, whichever is later, or the start of the run.
 */
export function reverseContinue(rt: Runtime, writeRanges: { addr: number; len: number }[] = []): void {
  const h = ready(rt);
  const bp = h.reverseContinueTarget(rt);
  const write = writeRanges.length ? h.reverseWriteTarget(rt, writeRanges) : undefined;
  const t = write && write.insns > bp.insns ? write : bp;
  arrive(rt, h, t.insns, t.stop);
}

/** tbscope/goto: to an instruction count between the start and the present. */
export function goToInsns(rt: Runtime, insns: number): { instructions: number; present: number } {
  const h = ready(rt);
  arrive(rt, h, insns, { reason: 'step' });
  return { instructions: insnsOf(rt.machine), present: h.presentInsns(rt) };
}

// Runs a process's guest threads in one JS thread, as QEMU's linux-user runs one host thread per
// vCPU but deterministically: the current thread runs for a time slice counted in guest
// instructions (ended at a TB boundary, so plugins see the same blocks as an unsliced run), then
// the next runnable thread in tid order. A thread parked in a blocking syscall (task.ts Blocker)
// is skipped until something wakes it or its deadline passes; when every thread is parked and
// some wait on time, the virtual clock jumps to the earliest deadline (sleeps never block the
// host, which may be serving a debugger); when none can ever wake, that is a deadlock, reported
// as a stop instead of a hang. With one thread nothing is sliced: the run is exactly the
// single-threaded one.

import type { StopReason } from '../stop';
import type { LinuxKernel, LinuxMachine } from './kernel';
import { deliverToHandler } from './sigframe';
import { clockNs } from './syscalls/time';
import type { Task } from './task';

/** Guest instructions a thread runs before the next one gets its turn. */
export const THREAD_SLICE = 1 << 16;

export interface RunOptions {
  /** Instructions (over all threads) after which run() returns {kind:'budget'}. */
  maxInsns?: number;
  /** The budget is soft: it ends at a TB boundary (see Machine.run). */
  atBlockBoundary?: boolean;
}

export class Scheduler {
  /** Context switches made (for --stats and tests). */
  switches = 0;

  constructor(private readonly machine: LinuxMachine, private readonly kernel: LinuxKernel) {}

  /** Runs the threads until a stop that concerns the process (or the debugger), or the budget is used. */
  run(opts: RunOptions = {}): StopReason {
    const m = this.machine, k = this.kernel;
    const limit = opts.maxInsns !== undefined ? m.instret + opts.maxInsns : Infinity;
    for (;;) {
      let t = k.current;
      if (t.exited || t.blocker || t.sliceLeft <= 0 && k.tasks.size > 1) {
        const next = this.nextRunnable();
        if ('kind' in next) return next;
        t = next;
      }
      this.enter(t);
      const left = limit - m.instret;
      let stop: StopReason;
      if (k.tasks.size === 1) {
        stop = m.run(limit === Infinity ? {} : { maxInsns: left, atBlockBoundary: opts.atBlockBoundary });
      } else {
        const before = t.cpu.instret;
        const bySlice = t.sliceLeft < left;
        stop = m.run({ maxInsns: bySlice ? t.sliceLeft : left, atBlockBoundary: bySlice || opts.atBlockBoundary });
        t.sliceLeft -= t.cpu.instret - before;
        if (stop.kind === 'budget' && m.instret < limit) { t.sliceLeft = 0; continue; }
      }
      if (stop.kind === 'yield') {
        if (!t.blocker && !t.exited) t.sliceLeft = 0;   // sched_yield, clone: the next thread's turn
        continue;
      }
      return stop;
    }
  }

  /** Makes t the running thread; a signal queued for it (tgkill, an interrupted wait) is entered now. */
  private enter(t: Task): void {
    const k = this.kernel;
    if (k.current !== t) { k.current = t; this.switches++; }
    this.machine.switchTo(t.cpu);
    if (t.sliceLeft <= 0) t.sliceLeft = THREAD_SLICE;
    if (t.queued) {
      const { signo, info } = t.queued;
      t.queued = undefined;
      deliverToHandler(k, signo, info, t.cpu.pc);
    }
  }

  /**
   * The next runnable thread after the current one in tid order, waking parked threads whose
   * wait is over; when all are parked on time the clock advances to the earliest deadline.
   */
  nextRunnable(): Task | StopReason {
    const k = this.kernel;
    this.reap();
    for (;;) {
      const now = clockNs(k, 1)!;
      let earliest: bigint | undefined;
      for (const t of k.tasks.values()) {
        const b = t.blocker;
        if (!b) continue;
        if (b.ready()) k.unblock(t, 'ready');
        else if (b.deadline !== undefined && b.deadline <= now) k.unblock(t, 'timeout');
        else if (b.deadline !== undefined && (earliest === undefined || b.deadline < earliest)) earliest = b.deadline;
      }
      const order = [...k.tasks.values()];
      const from = order.findIndex((t) => t.tid > k.current.tid);
      for (let i = 0; i < order.length; i++) {
        const t = order[((from < 0 ? 0 : from) + i) % order.length];
        if (!t.blocker && !t.exited) return t;
      }
      if (earliest === undefined) return this.deadlock();
      k.sleptNs += earliest - now;
    }
  }

  /** Threads that ended leave the process: their vCPUs go (vcpu_exit for the plugins). */
  private reap(): void {
    const k = this.kernel;
    for (const t of [...k.tasks.values()]) {
      if (!t.exited) continue;
      k.tasks.delete(t.tid);
      this.machine.removeVcpu(t.cpu);
    }
  }

  private deadlock(): StopReason {
    const k = this.kernel;
    const waits = [...k.tasks.values()].map((t) => `thread ${t.tid} in ${t.blocker?.what ?? '?'}`);
    return { kind: 'deadlock', pc: k.cpu.pc, message: `deadlock: every thread is blocked and nothing can wake them (${waits.join(', ')})` };
  }
}

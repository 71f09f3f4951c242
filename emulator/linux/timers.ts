// A process's timers: the three interval timers of setitimer/alarm (ITIMER_REAL on the monotonic
// clock, ITIMER_VIRTUAL and ITIMER_PROF on the process's CPU time) and POSIX timers
// (timer_create on a clock id, SIGEV_SIGNAL / SIGEV_THREAD_ID / SIGEV_NONE). Deadlines are on the
// kernel's clocks (syscalls/time.ts clockNs), so in deterministic mode they are guest instruction
// time and a timer fires after the same instruction on every run. The kernel asks for the time
// to the next deadline (how long the guest may run, or sleep, before one fires) and for the
// timers that are due; what a firing does (a signal) is the kernel's business.

import { NS } from './abi';

/** Clock ids (Linux uapi/linux/time.h) and the interval timers' numbers. */
export const CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2;
export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
/** si_code of a signal from a POSIX timer, and of one the kernel itself sends (itimers). */
export const SI_TIMER = -2, SI_KERNEL = 0x80;
/** qemu-riscv64 hands out POSIX timer ids as TIMER_MAGIC | index (linux-user/syscall.c). */
export const TIMER_MAGIC = 0x0caf0000;
/** QEMU's table of POSIX timers has 32 slots (g_posix_timers). */
export const MAX_POSIX_TIMERS = 32;

export interface Timer {
  /** The clock it counts on (CLOCK_* id). */
  clock: number;
  /** Absolute expiry on that clock in ns; 0n when disarmed. */
  deadline: bigint;
  /** Re-arm period in ns; 0n for a one-shot timer. */
  interval: bigint;
  /** What a firing sends: signal, si_code and (POSIX timers) sigval, target thread, overrun count. */
  signo: number;
  code: number;
  notify: number;
  value: bigint;
  tid: number;
  /** Timer id reported in siginfo (POSIX timers). */
  id: number;
  overrun: number;
}

/** Time left of an armed timer (0n when disarmed), never negative. */
export function remaining(t: Timer, now: bigint): bigint {
  if (t.deadline === 0n) return 0n;
  return t.deadline > now ? t.deadline - now : 1n;
}

export class ProcessTimers {
  /** ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF (SIGALRM, SIGVTALRM, SIGPROF). */
  readonly itimers: Timer[] = [
    itimer(CLOCK_MONOTONIC, 14), itimer(CLOCK_PROCESS_CPUTIME_ID, 26), itimer(CLOCK_PROCESS_CPUTIME_ID, 27),
  ];
  /** POSIX timers by slot (id = TIMER_MAGIC | slot). */
  readonly posix: (Timer | undefined)[] = [];
  /** Set when a timer is armed: the run loop must recompute how far the guest may run. */
  armedSince = false;

  /** Arms (value > 0) or disarms t at `now` on its clock. */
  arm(t: Timer, value: bigint, interval: bigint, now: bigint): void {
    t.deadline = value > 0n ? now + value : 0n;
    if (value > 0n) this.armedSince = true;
    t.interval = value > 0n ? interval : 0n;
    t.overrun = 0;
  }

  /** Every armed timer. */
  armed(): Timer[] {
    return [...this.itimers, ...this.posix].filter((t): t is Timer => t !== undefined && t.deadline !== 0n);
  }

  /** Nanoseconds until the first armed timer expires (clocks read by `now`), or undefined if none is armed. */
  nextIn(now: (clock: number) => bigint): bigint | undefined {
    let best: bigint | undefined;
    for (const t of this.armed()) {
      const left = t.deadline - now(t.clock);
      const l = left > 0n ? left : 0n;
      if (best === undefined || l < best) best = l;
    }
    return best;
  }

  /**
   * The timers that have expired, in expiry order; each is re-armed by its interval (the periods
   * it missed counted as overruns) or disarmed.
   */
  takeDue(now: (clock: number) => bigint): Timer[] {
    const due = this.armed().filter((t) => t.deadline <= now(t.clock)).sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0));
    for (const t of due) {
      const at = now(t.clock);
      if (t.interval > 0n) {
        const missed = (at - t.deadline) / t.interval;
        t.overrun = Number(missed > 0x7fffffffn ? 0x7fffffffn : missed);
        t.deadline += (missed + 1n) * t.interval;
      } else {
        t.deadline = 0n;
      }
    }
    return due;
  }

  /** A new POSIX timer in the first free slot, or -1 when all are taken (EAGAIN). */
  create(clock: number, notify: number, signo: number, value: bigint, tid: number): number {
    let slot = this.posix.findIndex((t) => t === undefined);
    if (slot < 0) slot = this.posix.length;
    if (slot >= MAX_POSIX_TIMERS) return -1;
    this.posix[slot] = { clock, deadline: 0n, interval: 0n, signo, code: SI_TIMER, notify, value, tid, id: TIMER_MAGIC | slot, overrun: 0 };
    return TIMER_MAGIC | slot;
  }

  /** The POSIX timer with this id, if it exists. */
  get(id: number): Timer | undefined {
    if ((id & 0xffff0000) !== TIMER_MAGIC) return undefined;
    return this.posix[id & 0xffff];
  }

  delete(id: number): boolean {
    if (!this.get(id)) return false;
    this.posix[id & 0xffff] = undefined;
    return true;
  }
}

function itimer(clock: number, signo: number): Timer {
  return { clock, deadline: 0n, interval: 0n, signo, code: SI_KERNEL, notify: SIGEV_SIGNAL, value: 0n, tid: 0, id: 0, overrun: 0 };
}

/** ns → struct timeval / timespec parts (sec, usec|nsec), for itimerval and itimerspec. */
export const splitNs = (ns: bigint): { sec: bigint; nsec: bigint } => ({ sec: ns / NS, nsec: ns % NS });

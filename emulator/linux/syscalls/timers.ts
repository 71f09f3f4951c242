// Timers and waiting for signals: setitimer/getitimer (alarm is setitimer in glibc),
// timer_create/settime/gettime/getoverrun/delete, rt_sigsuspend (pause is sigsuspend in glibc)
// and rt_sigtimedwait. Timers live in k.timers (timers.ts); a due timer raises its signal
// (fireDueTimers), which the run loop calls between slices (process.ts, cut at the next deadline)
// and the waits below call as virtual time passes. A wait never blocks the host: like sleeps
// (time.ts), it moves the virtual clock to the next deadline of a timer that runs while the
// process sleeps (not the CPU-time ones). What the kernel's clocks read: syscalls/time.ts.

import type { StopReason } from '../../stop';
import { NS, decodeTimespec, encodeTimespec } from '../abi';
import { EAGAIN, EINTR, EINVAL } from '../errno';
import type { LinuxKernel } from '../kernel';
import { NSIG } from '../signals';
import { encodeSiginfo } from '../sigframe';
import {
  CLOCK_PROCESS_CPUTIME_ID, SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID, remaining, type Timer,
} from '../timers';
import { raiseSignal, raiseUnblocked, UNBLOCKABLE } from './signals';
import { clockNs } from './time';
import type { SyscallDef } from './types';

const US = 1000n;
const clocks = (k: LinuxKernel) => (clock: number): bigint => clockNs(k, clock) ?? 0n;
/** CPU-time clocks stand still while the process waits. */
const runsAsleep = (t: Timer): boolean => t.clock !== CLOCK_PROCESS_CPUTIME_ID && t.clock !== 3;

/** Raises the signal of every timer that is due; the process's death if one kills it. */
export function fireDueTimers(k: LinuxKernel): StopReason | undefined {
  for (const t of k.timers.takeDue(clocks(k))) {
    if (t.notify === SIGEV_NONE) continue;
    const info = t.code === -2 ? { code: t.code, timer: { id: t.id, overrun: t.overrun, value: t.value } } : { code: t.code };
    const stop = raiseSignal(k, t.signo, info);
    if (stop) return stop;
  }
  return undefined;
}

/**
 * Guest instructions the run loop may run before the next timer is due (undefined: no timer).
 * Deterministic clocks advance 1 ns per instruction, so that is exact; on real time a timer is
 * checked at least every 2^20 instructions.
 */
export function insnsUntilNextTimer(k: LinuxKernel): number | undefined {
  const ns = k.timers.nextIn(clocks(k));
  if (ns === undefined) return undefined;
  return k.deterministic ? Math.max(1, Number(ns)) : Math.max(1, Math.min(1 << 20, Number(ns)));
}

/**
 * Lets virtual time pass until `ready()` (checked after each timer that fires) or `timeoutNs`
 * has passed. 'stuck': nothing can end the wait (no timer runs, no timeout; with one thread and
 * no scheduler to run another, QEMU would wait forever).
 */
export function waitForSignal(k: LinuxKernel, ready: () => boolean, timeoutNs?: bigint): 'ready' | 'timeout' | 'stuck' | StopReason {
  const start = clockNs(k, 1)!;
  for (;;) {
    const stop = fireDueTimers(k);
    if (stop) return stop;
    if (ready()) return 'ready';
    const elapsed = clockNs(k, 1)! - start;
    if (timeoutNs !== undefined && elapsed >= timeoutNs) return 'timeout';
    const now = clocks(k);
    let step = timeoutNs !== undefined ? timeoutNs - elapsed : undefined;
    for (const t of k.timers.armed()) {
      if (!runsAsleep(t)) continue;
      const left = t.deadline - now(t.clock);
      if (step === undefined || left < step) step = left;
    }
    if (step === undefined) return 'stuck';
    if (step > 0n) k.sleptNs += step;
  }
}

// ---- setitimer / getitimer ------------------------------------------------------------------

/** struct itimerval {timeval it_interval; timeval it_value} of a timer now. */
function encodeItimerval(t: Timer, now: bigint): Uint8Array {
  const b = new Uint8Array(32), dv = new DataView(b.buffer);
  const left = remaining(t, now);
  // Linux rounds the time left up to the next microsecond, so an armed timer never reads 0.
  const leftUs = (left + US - 1n) / US;
  dv.setBigInt64(0, t.interval / NS, true);
  dv.setBigInt64(8, (t.interval % NS) / US, true);
  dv.setBigInt64(16, leftUs / 1000000n, true);
  dv.setBigInt64(24, leftUs % 1000000n, true);
  return b;
}

/** A timeval from guest memory in ns, or undefined when its microseconds are out of range. */
function decodeTimeval(b: Uint8Array, at: number): bigint | undefined {
  const dv = new DataView(b.buffer, b.byteOffset);
  const sec = dv.getBigInt64(at, true), usec = dv.getBigInt64(at + 8, true);
  if (sec < 0n || usec < 0n || usec >= 1000000n) return undefined;
  return sec * NS + usec * US;
}

function setitimer(k: LinuxKernel): number {
  const which = k.i(0), value = k.u(1), old = k.u(2);
  const t = k.timers.itimers[which];
  if (!t || which < 0) return -EINVAL;
  const now = clocks(k)(t.clock);
  let next: [bigint, bigint] | undefined;
  if (value) {
    const b = k.readBytes(value, 32);
    const interval = decodeTimeval(b, 0), val = decodeTimeval(b, 16);
    if (interval === undefined || val === undefined) return -EINVAL;
    next = [val, interval];
  }
  if (old) k.writeBytes(old, encodeItimerval(t, now));
  if (next) k.timers.arm(t, next[0], next[1], now);
  else if (value === 0) k.timers.arm(t, 0n, 0n, now);   // Linux: a NULL new value disarms
  return 0;
}

function getitimer(k: LinuxKernel): number {
  const t = k.timers.itimers[k.i(0)];
  if (!t || k.i(0) < 0) return -EINVAL;
  k.writeBytes(k.u(1), encodeItimerval(t, clocks(k)(t.clock)));
  return 0;
}

// ---- POSIX timers -----------------------------------------------------------------------------

function timerCreate(k: LinuxKernel): number {
  const clock = k.i(0), sevp = k.u(1), out = k.u(2);
  if (clockNs(k, clock) === undefined) return -EINVAL;
  // struct sigevent: sigval (8), signo (4), notify (4), then the thread id for SIGEV_THREAD_ID.
  let notify = SIGEV_SIGNAL, signo = 14, value = 0n, tid = k.pid;
  if (sevp) {
    const dv = new DataView(k.readBytes(sevp, 20).slice().buffer);
    value = dv.getBigUint64(0, true);
    signo = dv.getInt32(8, true);
    notify = dv.getInt32(12, true);
    tid = dv.getInt32(16, true);
    if (notify === SIGEV_THREAD) return -EINVAL;   // glibc does SIGEV_THREAD itself with SIGEV_THREAD_ID
    if (notify !== SIGEV_NONE && notify !== SIGEV_SIGNAL && notify !== SIGEV_THREAD_ID) return -EINVAL;
    if (notify !== SIGEV_NONE && (signo < 1 || signo > NSIG)) return -EINVAL;
    if (notify === SIGEV_THREAD_ID && tid !== k.pid) return -EINVAL;   // the one thread there is
  }
  const id = k.timers.create(clock, notify, signo, value, tid);
  if (id < 0) return -EAGAIN;
  if (!sevp) k.timers.get(id)!.value = BigInt(id);   // Linux: sigev_value = the timer id
  k.mem.writeU32(out, id);
  return 0;
}

/** struct itimerspec {timespec it_interval; timespec it_value} of a timer now. */
function encodeItimerspec(t: Timer, now: bigint): Uint8Array {
  const b = new Uint8Array(32);
  b.set(encodeTimespec(t.interval), 0);
  b.set(encodeTimespec(t.deadline === 0n ? 0n : remaining(t, now)), 16);
  return b;
}

function timerSettime(k: LinuxKernel): number {
  const t = k.timers.get(k.i(0)), flags = k.i(1), value = k.u(2), old = k.u(3);
  if (!t) return -EINVAL;
  const b = k.readBytes(value, 32);
  const interval = decodeTimespec(b.subarray(0, 16)), val = decodeTimespec(b.subarray(16, 32));
  for (const ts of [interval, val]) if (ts.sec < 0n || ts.nsec < 0n || ts.nsec >= NS) return -EINVAL;
  const now = clocks(k)(t.clock);
  if (old) k.writeBytes(old, encodeItimerspec(t, now));
  let v = val.sec * NS + val.nsec;
  // TIMER_ABSTIME: the value is a time on the timer's clock (already past: fires at once).
  if (flags & 1 && v > 0n) v = v > now ? v - now : 1n;
  k.timers.arm(t, v, interval.sec * NS + interval.nsec, now);
  return 0;
}

function timerGettime(k: LinuxKernel): number {
  const t = k.timers.get(k.i(0));
  if (!t) return -EINVAL;
  k.writeBytes(k.u(1), encodeItimerspec(t, clocks(k)(t.clock)));
  return 0;
}

// ---- waiting for signals ----------------------------------------------------------------------

/** rt_sigsuspend: the mask is replaced until a signal's handler has been entered (or it killed). */
function sigsuspend(k: LinuxKernel): number | StopReason {
  if (k.u(1) !== 8) return -EINVAL;
  const old = k.sigmask;
  k.sigmask = k.mem.readU64(k.u(0)) & ~UNBLOCKABLE;
  let death: StopReason | undefined;
  // Woken by a signal the temporary mask lets through: raised now, to its handler or fatal.
  const r = waitForSignal(k, () => {
    if (!k.queued) death = raiseUnblocked(k);
    return death !== undefined || k.queued !== undefined;
  });
  // The handler (entered when this returns) saves the old mask in its frame, so the mask from
  // before the call comes back when it returns, as Linux's saved_sigmask does.
  k.sigmask = old;
  if (death) return death;
  if (typeof r === 'object') return r;
  if (r === 'stuck') stuckWait(k, 'rt_sigsuspend');
  return -EINTR;
}

function stuckWait(k: LinuxKernel, what: string): void {
  if (k.unimp) k.log(`${what}: no timer is armed and no other thread can send a signal: returning EINTR instead of waiting forever`);
}

/** rt_sigtimedwait: takes a pending signal of the set (blocked meanwhile), waiting up to the timeout. */
function sigtimedwait(k: LinuxKernel): number | StopReason {
  const setAddr = k.u(0), infoAddr = k.u(1), timeoutAddr = k.u(2);
  if (k.u(3) !== 8) return -EINVAL;
  const set = k.mem.readU64(setAddr) & ~UNBLOCKABLE;
  let timeout: bigint | undefined;
  if (timeoutAddr) {
    const ts = decodeTimespec(k.readBytes(timeoutAddr, 16));
    if (ts.sec < 0n || ts.nsec < 0n || ts.nsec >= NS) return -EINVAL;
    timeout = ts.sec * NS + ts.nsec;
  }
  const take = (): number => {
    const ready = k.pendingMask & set;
    if (!ready) return 0;
    let signo = 1;
    while (!(ready & (1n << BigInt(signo - 1)))) signo++;
    return signo;
  };
  // While it waits, the set's signals stay pending for it instead of going to handlers.
  const old = k.sigmask;
  k.sigmask |= set;
  const r = take() ? 'ready' : waitForSignal(k, () => take() !== 0 || k.queued !== undefined, timeout);
  k.sigmask = old;
  if (typeof r === 'object') return r;
  const signo = take();
  if (!signo) {
    if (r === 'stuck') stuckWait(k, 'rt_sigtimedwait');
    return r === 'timeout' ? -EAGAIN : -EINTR;
  }
  const info = k.pendingInfo.get(signo) ?? { code: 0 };
  k.pendingMask &= ~(1n << BigInt(signo - 1));
  k.pendingInfo.delete(signo);
  if (infoAddr) k.writeBytes(infoAddr, encodeSiginfo(signo, info));
  return signo;
}

export const timerSyscalls: SyscallDef[] = [
  { nr: 102, name: 'getitimer', fn: getitimer },
  { nr: 103, name: 'setitimer', fn: setitimer },
  { nr: 107, name: 'timer_create', fn: timerCreate },
  { nr: 108, name: 'timer_gettime', fn: timerGettime },
  { nr: 109, name: 'timer_getoverrun', fn: (k) => k.timers.get(k.i(0))?.overrun ?? -EINVAL },
  { nr: 110, name: 'timer_settime', fn: timerSettime },
  { nr: 111, name: 'timer_delete', fn: (k) => (k.timers.delete(k.i(0)) ? 0 : -EINVAL) },
  { nr: 133, name: 'rt_sigsuspend', fn: sigsuspend },
  { nr: 137, name: 'rt_sigtimedwait', fn: sigtimedwait },
];

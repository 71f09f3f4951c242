// Clocks, sleeping and randomness. Sleeps never block the host (the emulator may be serving a
// debugger between slices): they advance a virtual offset added to every clock instead, so the
// guest still sees the time it asked to wait pass. In deterministic mode the clocks derive
// from the retired-instruction count (kernel.ts) and random bytes from a fixed seed.

import { NS, decodeTimespec, encodeTimespec, encodeTimeval } from '../abi';
import type { StopReason } from '../../stop';
import { EINTR, EINVAL } from '../errno';
import type { LinuxKernel } from '../kernel';
import { waitForSignal } from './timers';
import type { SyscallDef } from './types';

/** Current value of a Linux clock id, or undefined for an unknown clock. */
export function clockNs(k: LinuxKernel, id: number): bigint | undefined {
  switch (id) {
    case 0: case 5: return k.realtimeNs() + k.sleptNs;                 // REALTIME, REALTIME_COARSE
    case 1: case 4: case 6: case 7: return k.monotonicNs() + k.sleptNs; // MONOTONIC(_RAW/_COARSE), BOOTTIME
    case 2: case 3: return k.cpuTimeNs();                               // PROCESS/THREAD_CPUTIME_ID
    default: return undefined;
  }
}

/**
 * Sleeps ns of virtual time; a timer that fires meanwhile with a handler interrupts the sleep
 * (EINTR, the time left in `remAddr` for a relative sleep), as on Linux.
 */
function sleepFor(k: LinuxKernel, reqAddr: number, absoluteClock?: number, remAddr = 0): number | StopReason {
  const { sec, nsec } = decodeTimespec(k.readBytes(reqAddr, 16));
  if (sec < 0n || nsec < 0n || nsec >= NS) return -EINVAL;
  let ns = sec * NS + nsec;
  if (absoluteClock !== undefined) ns -= clockNs(k, absoluteClock) ?? 0n;
  if (ns <= 0n) return 0;
  if (k.timers.armed().length === 0) { k.sleptNs += ns; return 0; }
  const start = clockNs(k, 1)!;
  const r = waitForSignal(k, () => k.queued !== undefined, ns);
  if (typeof r === 'object') return r;
  if (r !== 'ready') return 0;
  if (remAddr && absoluteClock === undefined) k.writeBytes(remAddr, encodeTimespec(ns - (clockNs(k, 1)! - start)));
  return -EINTR;
}

export const timeSyscalls: SyscallDef[] = [
  {
    nr: 113, name: 'clock_gettime', args: 'CP', ret: 'ts1', fn: (k) => {
      const t = clockNs(k, k.i(0));
      if (t === undefined) return -EINVAL;
      k.writeBytes(k.u(1), encodeTimespec(t));
      return 0;
    },
  },
  {
    nr: 114, name: 'clock_getres', args: 'CP', ret: 'ts1', fn: (k) => {
      if (clockNs(k, k.i(0)) === undefined) return -EINVAL;
      if (k.u(1)) k.writeBytes(k.u(1), encodeTimespec(1n));
      return 0;
    },
  },
  {
    nr: 169, name: 'gettimeofday', args: 'PP', fn: (k) => {
      if (k.u(0)) k.writeBytes(k.u(0), encodeTimeval(clockNs(k, 0)!));
      if (k.u(1)) k.writeBytes(k.u(1), new Uint8Array(8)); // struct timezone: UTC
      return 0;
    },
  },
  { nr: 101, name: 'nanosleep', fn: (k) => sleepFor(k, k.u(0), undefined, k.u(1)) },
  {
    nr: 115, name: 'clock_nanosleep', args: 'CdTP', fn: (k) => {
      const id = k.i(0);
      if (clockNs(k, id) === undefined) return -EINVAL;
      return sleepFor(k, k.u(2), k.i(1) & 1 ? id : undefined, k.u(3)); // TIMER_ABSTIME
    },
  },
  {
    nr: 278, name: 'getrandom', args: 'puu', fn: (k) => {
      if (k.i(2) & ~7) return -EINVAL;
      const buf = new Uint8Array(Math.min(k.u(1), 33554431));
      k.randomBytes(buf);
      k.writeBytes(k.u(0), buf);
      return buf.length;
    },
  },
];

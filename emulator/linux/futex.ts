// Futex wait queues of one process (Linux's futex_hash for private and shared futexes alike:
// there is one address space). A waiter is a parked thread (task.ts Blocker) with its address
// and bitset; wake, requeue and wake_op take waiters in the order they started waiting, so a run
// is deterministic.

import type { LinuxKernel } from './kernel';
import type { Task } from './task';

export interface FutexWaiter {
  task: Task;
  addr: number;
  bitset: number;
  woken: boolean;
}

export class FutexQueues {
  private readonly waiters: FutexWaiter[] = [];

  add(w: FutexWaiter): void { this.waiters.push(w); }
  remove(w: FutexWaiter): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Wakes up to n waiters on addr whose bitset meets `bitset`; returns how many. */
  wake(addr: number, n: number, bitset = -1): number {
    let woken = 0;
    for (let i = 0; i < this.waiters.length && woken < n;) {
      const w = this.waiters[i];
      if (w.addr === addr && (w.bitset & bitset) !== 0) {
        w.woken = true;
        this.waiters.splice(i, 1);
        woken++;
      } else i++;
    }
    return woken;
  }

  /** Wakes up to n waiters on addr and moves up to m more to addr2; returns woken + moved. */
  requeue(addr: number, n: number, addr2: number, m: number): number {
    let done = this.wake(addr, n);
    for (const w of this.waiters) {
      if (done >= n + m) break;
      if (w.addr === addr) { w.addr = addr2; done++; }
    }
    return done;
  }

  /** Waiters on addr (for tests and the deadlock report). */
  count(addr: number): number { return this.waiters.filter((w) => w.addr === addr).length; }
}

/** FUTEX_WAKE_OP's operation on the old value at uaddr2, and its comparison (linux/futex.h). */
export function wakeOpApply(k: LinuxKernel, addr2: number, encoded: number): boolean {
  const op = (encoded >>> 28) & 15, cmp = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20;           // bits 12..23, sign-extended
  const cmparg = (encoded << 20) >> 20;       // bits 0..11, sign-extended
  if (op & 8) oparg = 1 << (oparg & 31);     // FUTEX_OP_OPARG_SHIFT
  const old = k.mem.readU32(addr2) | 0;
  let next: number;
  switch (op & 7) {
    case 0: next = oparg; break;              // SET
    case 1: next = old + oparg; break;        // ADD
    case 2: next = old | oparg; break;        // OR
    case 3: next = old & ~oparg; break;       // ANDN
    case 4: next = old ^ oparg; break;        // XOR
    default: next = old;
  }
  k.mem.writeU32(addr2, next >>> 0);
  switch (cmp) {
    case 0: return old === cmparg;
    case 1: return old !== cmparg;
    case 2: return old < cmparg;
    case 3: return old <= cmparg;
    case 4: return old > cmparg;
    case 5: return old >= cmparg;
    default: return false;
  }
}

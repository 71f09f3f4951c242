// Thread syscalls: clone / clone3 for threads (the flags glibc, musl, Go and Rust use), exit of
// one thread vs the process, gettid, set_tid_address, futex (wait/wake with bitsets, requeue,
// wake_op, timeouts on CLOCK_MONOTONIC or CLOCK_REALTIME), sched_yield, prctl names and
// membarrier. A blocking call parks its thread (kernel.block) and the scheduler runs another.
// fork-style clones (no CLONE_VM) are not threads: they answer ENOSYS with a -d unimp line.

import { decodeTimespec, NS } from '../abi';
import { EAGAIN, EFAULT, EINTR, EINVAL, ENOSYS, ETIMEDOUT } from '../errno';
import { wakeOpApply, type FutexWaiter } from '../futex';
import type { LinuxKernel } from '../kernel';
import type { StopReason } from '../../stop';
import { clockNs } from './time';
import type { SyscallDef } from './types';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
  CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
  CLONE_CHILD_SETTID = 0x1000000;
/** What QEMU's linux-user (CLONE_THREAD_FLAGS) requires of a clone that shares the address space. */
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
/** Flags a thread clone may add (the rest, namespaces, pidfd, vfork …, are refused). */
const THREAD_OPTIONAL = CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED;

interface CloneArgs { flags: number; stack: number; parentTid: number; tls: number; childTid: number }

/** Linux's own checks of copy_process, then QEMU's for thread clones; undefined when acceptable. */
function cloneError(k: LinuxKernel, flags: number): number | undefined {
  const unsupported = (why: string, errno: number): number => {
    if (k.unimp) k.log(`Unsupported clone flags 0x${flags.toString(16)}: ${why}`);
    return -errno;
  };
  if ((flags & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return unsupported('CLONE_NEWNS with CLONE_FS', EINVAL);
  if (flags & CLONE_THREAD && !(flags & CLONE_SIGHAND)) return unsupported('CLONE_THREAD without CLONE_SIGHAND', EINVAL);
  if (flags & CLONE_SIGHAND && !(flags & CLONE_VM)) return unsupported('CLONE_SIGHAND without CLONE_VM', EINVAL);
  if (!(flags & CLONE_VM)) return unsupported('new processes (fork) are not supported yet', ENOSYS);
  if ((flags & THREAD_FLAGS) !== THREAD_FLAGS) return unsupported('a shared address space needs CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM', EINVAL);
  const extra = flags & ~0xff & ~THREAD_FLAGS & ~THREAD_OPTIONAL;
  if (extra) return unsupported(`flags 0x${extra.toString(16)} are not supported for threads`, EINVAL);
  return undefined;
}

/** Starts a thread: the child resumes after the ecall with a0 = 0 on its own stack and TLS. */
function cloneThread(k: LinuxKernel, a: CloneArgs): number {
  const err = cloneError(k, a.flags);
  if (err !== undefined) return err;
  const parentPc = k.cpu.pc;
  const t = k.newThread();
  const cpu = t.cpu;
  cpu.pc = parentPc + 4;
  cpu.setXNum(10, 0);
  if (a.stack) cpu.setXNum(2, a.stack);
  if (a.flags & CLONE_SETTLS) cpu.setXNum(4, a.tls);
  if (a.flags & CLONE_PARENT_SETTID) k.mem.writeU32(a.parentTid, t.tid);
  if (a.flags & CLONE_CHILD_SETTID) k.mem.writeU32(a.childTid, t.tid);
  if (a.flags & CLONE_CHILD_CLEARTID) t.clearChildTid = a.childTid;
  k.requestYield();
  return t.tid;
}

function clone3(k: LinuxKernel): number {
  const size = k.u(1);
  if (size < 64 || size > 4096) return -EINVAL;
  const b = new DataView(k.readBytes(k.u(0), 64).slice().buffer);
  const u = (off: number): number => Number(b.getBigUint64(off, true));
  const flags = u(0);
  if (flags > 0xffffffff || u(32) !== 0 && flags & CLONE_THREAD) return -EINVAL;   // exit_signal is for processes
  if (flags & CLONE_PIDFD || flags & CLONE_VFORK) return cloneError(k, flags | CLONE_NEWNS | CLONE_FS) ?? -EINVAL;
  const stack = u(40), stackSize = u(48);
  return cloneThread(k, { flags, stack: stack ? stack + stackSize : 0, parentTid: u(24), tls: u(56), childTid: u(16) });
}

/** exit: this thread ends; the last one ends the process with its status. */
function exitThread(k: LinuxKernel): StopReason {
  const code = k.i(0) & 0xff;
  let live = 0;
  for (const t of k.tasks.values()) if (!t.exited) live++;
  if (live <= 1) return { kind: 'exit', code };
  k.endThread();
  return { kind: 'yield', pc: k.cpu.pc };
}

const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = -1;

/** A deadline on the monotonic clock from a futex timeout (relative, or absolute on the flag's clock). */
function futexDeadline(k: LinuxKernel, addr: number, absolute: boolean, realtime: boolean): bigint | undefined | number {
  if (!addr) return undefined;
  const { sec, nsec } = decodeTimespec(k.readBytes(addr, 16));
  if (sec < 0n || nsec < 0n || nsec >= NS) return -EINVAL;
  const now = clockNs(k, 1)!;
  const t = sec * NS + nsec;
  if (!absolute) return now + t;
  return realtime ? t - clockNs(k, 0)! + now : t;
}

function futexWait(k: LinuxKernel, uaddr: number, val: number, timeout: number, bitset: number, absolute: boolean, realtime: boolean): number | StopReason {
  if (uaddr & 3) return -EINVAL;
  if (bitset === 0) return -EINVAL;
  const deadline = futexDeadline(k, timeout, absolute, realtime);
  if (typeof deadline === 'number') return deadline;
  if ((k.mem.readU32(uaddr) | 0) !== val) return -EAGAIN;
  const w: FutexWaiter = { task: k.current, addr: uaddr, bitset, woken: false };
  k.futexes.add(w);
  return k.block({
    what: `futex_wait 0x${uaddr.toString(16)}`, nr: 98, deadline,
    ready: () => w.woken,
    finish: (how) => (how === 'ready' ? 0 : how === 'timeout' ? -ETIMEDOUT : -EINTR),
    cancel: () => k.futexes.remove(w),
  });
}

function futex(k: LinuxKernel): number | StopReason {
  const uaddr = k.u(0), op = k.i(1), val = k.i(2), arg3 = k.u(3), uaddr2 = k.u(4), val3 = k.i(5);
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if (realtime && cmd !== 0 && cmd !== 9) return -ENOSYS;   // Linux: CLOCK_REALTIME only for the waits
  switch (cmd) {
    case 0: return futexWait(k, uaddr, val, arg3, FUTEX_BITSET_MATCH_ANY, false, false);   // WAIT
    case 9: return futexWait(k, uaddr, val, arg3, val3, true, realtime);                    // WAIT_BITSET
    case 1: return k.futexes.wake(uaddr, val);                                             // WAKE
    case 10: return val3 === 0 ? -EINVAL : k.futexes.wake(uaddr, val, val3);               // WAKE_BITSET
    case 3: return k.futexes.requeue(uaddr, val, uaddr2, arg3 >>> 0);                      // REQUEUE
    case 4:                                                                               // CMP_REQUEUE
      if ((k.mem.readU32(uaddr) | 0) !== val3) return -EAGAIN;
      return k.futexes.requeue(uaddr, val, uaddr2, arg3 >>> 0);
    case 5: {                                                                             // WAKE_OP
      const cond = wakeOpApply(k, uaddr2, val3);
      let n = k.futexes.wake(uaddr, val);
      if (cond) n += k.futexes.wake(uaddr2, arg3 >>> 0);
      return n;
    }
    default: return -ENOSYS;   // PI futexes, FUTEX_WAITV …
  }
}

/** nanosleep / clock_nanosleep: the thread parks until the monotonic clock reaches the deadline. */
export function sleepUntil(k: LinuxKernel, nr: number, deadline: bigint): StopReason {
  return k.block({ what: 'nanosleep', nr, deadline, ready: () => false, finish: (how) => (how === 'signal' ? -EINTR : 0) });
}

function prctl(k: LinuxKernel): number {
  const opt = k.i(0);
  if (opt === 15) {   // PR_SET_NAME
    const bytes = k.readBytes(k.u(1), 16);
    const end = bytes.indexOf(0);
    k.current.name = new TextDecoder().decode(bytes.subarray(0, end < 0 ? 15 : Math.min(end, 15)));
    return 0;
  }
  if (opt === 16) {   // PR_GET_NAME
    const out = new Uint8Array(16);
    out.set(new TextEncoder().encode(k.current.name).subarray(0, 15));
    k.writeBytes(k.u(1), out);
    return 0;
  }
  return -EINVAL;
}

/** membarrier: with every thread on one host thread, each barrier is already done. */
function membarrier(k: LinuxKernel): number {
  const cmd = k.i(0);
  // QUERY: GLOBAL, GLOBAL_EXPEDITED (+REGISTER), PRIVATE_EXPEDITED (+REGISTER).
  if (cmd === 0) return 0x1 | 0x2 | 0x4 | 0x8 | 0x10;
  return [1, 2, 4, 8, 16].includes(cmd) ? 0 : -EINVAL;
}

export const threadSyscalls: SyscallDef[] = [
  {
    nr: 220, name: 'clone', fn: (k) => cloneThread(k, { flags: k.u(0), stack: k.u(1), parentTid: k.u(2), tls: k.u(3), childTid: k.u(4) }),
  },
  { nr: 435, name: 'clone3', fn: (k) => { try { return clone3(k); } catch { return -EFAULT; } } },
  { nr: 93, name: 'exit', args: 'd', fn: exitThread },
  { nr: 94, name: 'exit_group', args: 'd', fn: (k) => ({ kind: 'exit', code: k.i(0) & 0xff }) },
  { nr: 178, name: 'gettid', args: '', fn: (k) => k.current.tid },
  { nr: 96, name: 'set_tid_address', fn: (k) => { k.current.clearChildTid = k.u(0); return k.current.tid; } },
  { nr: 98, name: 'futex', fn: futex },
  { nr: 124, name: 'sched_yield', fn: (k) => { k.requestYield(); return 0; } },
  { nr: 167, name: 'prctl', fn: prctl },
  { nr: 283, name: 'membarrier', fn: membarrier },
];

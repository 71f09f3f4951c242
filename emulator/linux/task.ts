// Per-thread kernel state (QEMU's TaskState, Linux's task_struct less what the thread group
// shares): the thread id, its vCPU, signal mask, pending signals, alternate stack,
// set/clear_child_tid, robust list, name (PR_SET_NAME), and — while it is parked in a blocking
// syscall — what it waits for. Everything a process shares (memory map, fds, signal actions,
// cwd, brk) stays in LinuxKernel, so a later fork copies that part and starts one Task.

import type { CpuState } from '../cpu/state';
import type { SigInfo } from './sigframe';

/**
 * Why a thread is parked, and how its syscall ends. The scheduler asks ready() (woken by another
 * thread: futex wake, data in a pipe, a signal) and compares the deadline with the clock;
 * finish() then computes the syscall's result, which goes into a0.
 */
export interface Blocker {
  /** For the deadlock report and the debugger: "futex_wait 0x…", "nanosleep" … */
  readonly what: string;
  /** Syscall number (the plugins' syscall_ret and -d strace are told when it returns). */
  readonly nr: number;
  /** When the wait ends by itself, on the kernel's monotonic clock (ns); none: only a wake ends it. */
  deadline?: bigint;
  /** Whether something ended the wait (checked before every scheduling decision). */
  ready(): boolean;
  /** The syscall's return value: woken, timed out (deadline reached) or interrupted by a signal. */
  finish(how: 'ready' | 'timeout' | 'signal'): number;
  /** The -d strace line for a result, printed when the syscall returns (set by the kernel). */
  strace?: (ret: number) => string;
  /** Called when the wait is abandoned (a signal interrupted it): unlink from wait queues. */
  cancel?(): void;
}

export class Task {
  /** Blocked signals (bit signo-1). */
  sigmask = 0n;
  /** Raw stack_t (24 bytes) of sigaltstack. */
  altstack: Uint8Array = new Uint8Array(24);
  /** Signals sent to this thread while blocked (bit signo-1), delivered when unblocked, with their siginfo. */
  pendingMask = 0n;
  readonly pendingInfo = new Map<number, SigInfo>();
  /** A signal to enter a guest handler for once the current syscall has returned. */
  queued?: { signo: number; info: SigInfo };
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread ends. */
  clearChildTid = 0;
  /** set_robust_list head and length (kept for get_robust_list). */
  robustList = 0;
  robustLen = 0;
  /** comm (PR_SET_NAME / pthread_setname_np): at most 15 bytes. */
  name: string;
  /** Set while parked in a blocking syscall. */
  blocker?: Blocker;
  /** Set once the thread has ended (exit, or the process ended). */
  exited = false;
  /** Instructions left of its time slice (the scheduler's). */
  sliceLeft = 0;

  constructor(readonly tid: number, readonly cpu: CpuState, name: string) {
    this.name = name.slice(0, 15);
  }
}

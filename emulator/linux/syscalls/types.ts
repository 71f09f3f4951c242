// The shape every syscall implementation shares. Each area file (files.ts, fs.ts, memory.ts,
// process.ts, time.ts, signals.ts) exports a list of these; index.ts gathers them by number.

import type { StopReason } from '../../stop';
import type { LinuxKernel } from '../kernel';

export interface SyscallDef {
  /** RISC-V (asm-generic) syscall number. */
  nr: number;
  name: string;
  /** Returns the value for a0 (negative errno on failure) or a StopReason when the process ends. */
  fn: (k: LinuxKernel) => number | StopReason;
  /**
   * How `-d strace` prints the arguments, one code per argument, as QEMU's strace does for this
   * syscall (codes in strace.ts). Absent: QEMU's default of six signed decimals.
   */
  args?: string;
  /** How strace prints the result: 'addr' = 0x%016x (brk, mmap); 'ts1' = also the timespec at arg 1. */
  ret?: 'addr' | 'ts1';
  /** The handler sets every register itself (rt_sigreturn): a0 is not overwritten with the result. */
  setsRegs?: boolean;
}

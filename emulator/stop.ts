// Why the emulator stopped running guest code. Returned from Machine.run() as a value (never
// thrown through generated code), so the CLI and the debug adapter turn it into an exit status
// or a DAP event in one place each.

export type StopReason =
  /** Guest called exit/exit_group. */
  | { kind: 'exit'; code: number }
  /** A guest signal that was not handled (SIGSEGV/SIGBUS: addr is the fault address; SIGILL: the instruction's raw bits in `insn`). */
  | { kind: 'signal'; signo: number; pc: number; addr?: number; insn?: number; message: string }
  /** pc reached an address in the breakpoint set. */
  | { kind: 'breakpoint'; pc: number }
  /** Guest executed ebreak. */
  | { kind: 'ebreak'; pc: number }
  /** Single-step finished one instruction. */
  | { kind: 'step'; pc: number }
  /** The instruction budget given to run() was used up (slicing, so pause can be served). */
  | { kind: 'budget'; pc: number }
  /** Someone asked the machine to pause (Machine.requestPause()). */
  | { kind: 'pause'; pc: number }
  /** A watched memory range was accessed (data breakpoint). */
  | { kind: 'watchpoint'; pc: number; addr: number; size: number; isStore: boolean }
  /** Stop-on-syscall was requested for this syscall number (before it runs). */
  | { kind: 'syscall'; pc: number; nr: number }
  /**
   * The running vCPU cannot go on now (its thread blocked in a syscall, yielded, started another
   * thread or ended): the scheduler (emulator/linux/scheduler.ts) runs another. pc is after the ecall.
   */
  | { kind: 'yield'; pc: number }
  /** Every guest thread is blocked and nothing can wake any of them (reported instead of hanging). */
  | { kind: 'deadlock'; pc: number; message: string };

export const SIGNAL_NAMES: Record<number, string> = {
  4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM',
};

/**
 * Thrown by code the Machine calls (a plugin callback that ends the guest, as QEMU plugins call
 * exit()): Machine.run turns it into an {kind:'exit'} stop, so nobody has to wrap run().
 */
export class GuestExit {
  constructor(readonly code: number) {}
}

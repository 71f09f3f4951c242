// Guest signal numbers and how an unhandled one ends the process, as qemu-riscv64 reports it:
// a one-line "uncaught target signal" message on stderr and exit status 128 + signal (what a
// shell shows for a process killed by that signal).

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
  SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
  SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGWINCH = 28, SIGSYS = 31;
export const NSIG = 64;

/** glibc strsignal() texts (the wording QEMU prints). */
const DESCRIPTIONS: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap',
  6: 'Aborted', 7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1',
  11: 'Segmentation fault', 12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock',
  15: 'Terminated', 16: 'Stack fault', 17: 'Child exited', 18: 'Continued', 19: 'Stopped (signal)',
  20: 'Stopped', 21: 'Stopped (tty input)', 22: 'Stopped (tty output)', 23: 'Urgent I/O condition',
  24: 'CPU time limit exceeded', 25: 'File size limit exceeded', 26: 'Virtual timer expired',
  27: 'Profiling timer expired', 28: 'Window changed', 29: 'I/O possible', 30: 'Power failure',
  31: 'Bad system call',
};

/** Kernel names (SIGSEGV …), for strace and the debugger. */
const NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export function signalDescription(signo: number): string {
  return DESCRIPTIONS[signo] ?? (signo >= 32 && signo <= 64 ? `Real-time signal ${signo - 32}` : `Unknown signal ${signo}`);
}

export function signalName(signo: number): string {
  return NAMES[signo] ?? `${signo}`;
}

/** Signals whose default action is to terminate (with or without core); others are ignored or stop. */
export function defaultIsFatal(signo: number): boolean {
  return ![SIGCHLD, SIGCONT, SIGWINCH, 23, SIGSTOP, SIGTSTP, 21, 22].includes(signo);
}

/** Signals whose default action dumps core (QEMU's core_dump_signal()). */
export function dumpsCore(signo: number): boolean {
  return [SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS].includes(signo);
}

/**
 * The line QEMU writes to stderr when the guest dies of `signo` (linux-user/signal.c,
 * dump_core_and_abort), with our own program name in place of "qemu". QEMU prints it only for
 * core-dumping signals; a SIGTERM or SIGPIPE death is silent (the exit status tells), so
 * those return undefined.
 */
export function uncaughtSignalMessage(signo: number, progName = 'tbscope'): string | undefined {
  if (!dumpsCore(signo)) return undefined;
  return `${progName}: uncaught target signal ${signo} (${signalDescription(signo)}) - core dumped`;
}

/** Exit status a shell reports for a process killed by `signo`. */
export function signalExitStatus(signo: number): number {
  return 128 + signo;
}

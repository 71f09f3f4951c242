// A guest Linux process on a Machine: loads the program (and its dynamic linker), builds the
// initial stack, installs the syscall handler, and turns Machine stops into the process's end
// the way qemu-riscv64 reports it (exit status; for a fatal signal a one-line message on stderr
// and status 128+signal). Used by the CLI (runToExit) and the debug adapter (handleStop in its
// own run loop).

import { HostError, type HostServices } from '../host';
import type { StopReason } from '../stop';
import { LinuxKernel, type LinuxMachine } from './kernel';
import { loadProgram, type LoadedImage } from './loader';
import { MmapCursor } from './layout';
import { joinPath, normalizePath } from './paths';
import { SIGTRAP, signalDescription, signalExitStatus, uncaughtSignalMessage } from './signals';
import { buildInitialStack, type BuiltStack } from './stack';
import { deliverToHandler } from './sigframe';
import { handlerOf } from './syscalls/signals';
import { fireDueTimers, insnsUntilNextTimer } from './syscalls/timers';

/** Where dynamically linked programs find their interpreter when no -L is given (Debian's cross sysroot). */
export const DEFAULT_SYSROOT = '/usr/riscv64-linux-gnu';

export interface ProcessOptions {
  /** Program path on the host (relative paths are taken from the host cwd). */
  program: string;
  /** Full argv, argv[0] included. */
  argv: string[];
  /** Environment as "NAME=value" strings. */
  env: string[];
  host: HostServices;
  machine: LinuxMachine;
  /** -L: sysroot for PT_INTERP and absolute guest paths; default DEFAULT_SYSROOT when it exists. */
  sysroot?: string;
  /** Fixed clock, pid and random bytes (tests, reproducible instruction counts). */
  deterministic?: boolean;
  /** -d strace / -d unimp: log through host.log. */
  strace?: boolean;
  unimp?: boolean;
  /** Name printed in front of fatal-signal reports (default "tbscope"). */
  progName?: string;
}

/** How the process ended: exit status as a shell sees it, and the stop that ended it. */
export interface ProcessEnd {
  status: number;
  stop: StopReason;
  /** Set when a signal killed the process. */
  signo?: number;
}

export interface GuestProcess {
  readonly machine: LinuxMachine;
  readonly kernel: LinuxKernel;
  readonly image: LoadedImage;
  readonly stack: BuiltStack;
  /** Absolute guest path of the program (/proc/self/exe). */
  readonly exePath: string;
  /** Set once the process has ended. */
  readonly ended?: ProcessEnd;
  /**
   * Interprets a stop returned by machine.run(): the process's end for exit, fatal signals and
   * ebreak without a debugger (SIGTRAP), otherwise undefined (the process can go on — for a
   * fault or ebreak with a guest handler, the handler has been entered).
   */
  handleStop(stop: StopReason): ProcessEnd | undefined;
  /**
   * Raises the signals of the timers that are due (between slices of a run): a guest handler is
   * entered at the current pc, or the process's end when one kills it.
   */
  fireTimers(): ProcessEnd | undefined;
  /** Instructions until the next timer is due (undefined: none armed): how far a run may go before fireTimers. */
  insnsUntilTimer(): number | undefined;
  /** Runs the guest to its end (CLI). Debugger-only stops (breakpoint, step, watchpoint, syscall) return with status -1. */
  runToExit(opts?: { sliceInsns?: number }): ProcessEnd;
}

function exists(host: HostServices, path: string): boolean {
  try { host.fs.stat(path, true); return true; } catch { return false; }
}

export function createProcess(opts: ProcessOptions): GuestProcess {
  const { host, machine } = opts;
  const cwd = host.cwd ? normalizePath(host.cwd()) : '/';
  const exePath = opts.program.startsWith('/') ? normalizePath(opts.program) : normalizePath(joinPath(cwd, opts.program));
  const sysroot = opts.sysroot ?? (exists(host, DEFAULT_SYSROOT) ? DEFAULT_SYSROOT : undefined);
  const mmapCursor = new MmapCursor();
  const image = loadProgram(machine.mem, host.fs, { path: exePath, displayName: opts.program, sysroot }, mmapCursor);

  const kernel = new LinuxKernel({
    machine, host, exePath, sysroot, deterministic: opts.deterministic, strace: opts.strace, unimp: opts.unimp,
    brkStart: image.brkStart, mmapCursor, sigtramp: image.sigtramp,
  });

  const random = new Uint8Array(16);
  kernel.randomBytes(random);
  const stack = buildInitialStack(machine.mem, image.stackTop, {
    argv: opts.argv, envp: opts.env, execfn: opts.program, random,
    phdr: image.phdr, phent: image.phent, phnum: image.phnum, base: image.interpBase, entry: image.programEntry,
  });

  kernel.procArgv = opts.argv;
  kernel.procEnv = opts.env;
  kernel.procAuxv = stack.auxv;
  kernel.mapNames = [
    { start: image.program.start, end: image.program.end, name: exePath },
    ...(image.interp ? [{ start: image.interp.start, end: image.interp.end, name: image.interp.path }] : []),
    { start: image.stackStart, end: image.stackTop, name: '[stack]' },
  ];

  const cpu = machine.cpu;
  cpu.x.fill(0);
  cpu.setXNum(2, stack.sp);
  cpu.pc = image.entry;
  machine.syscallHandler = () => kernel.syscall();

  const progName = opts.progName ?? 'tbscope';
  let ended: ProcessEnd | undefined;

  /** A synchronous fault goes to the guest's handler if it has one and has not blocked it. */
  const enterHandler = (signo: number, pc: number, addr?: number): boolean => {
    if (handlerOf(kernel, signo) <= 1n || kernel.sigmask & (1n << BigInt(signo - 1))) return false;
    // si_code: SEGV_MAPERR / SEGV_ACCERR, ILL_ILLOPC, TRAP_BRKPT, BUS_ADRALN.
    const code = signo === 11 && addr !== undefined && machine.mem.isMapped(addr, 1) ? 2 : 1;
    deliverToHandler(kernel, signo, { code, addr: addr ?? pc }, pc);
    return true;
  };

  const handleStop = (stop: StopReason): ProcessEnd | undefined => {
    if (ended) return ended;
    let s = stop;
    // No debugger is attached when this runs, so ebreak is what Linux makes of it: SIGTRAP.
    if (s.kind === 'ebreak') s = { kind: 'signal', signo: SIGTRAP, pc: s.pc, message: signalDescription(SIGTRAP) };
    if (s.kind === 'signal' && enterHandler(s.signo, s.pc, s.addr)) return undefined;
    if (s.kind === 'exit') ended = { status: s.code & 0xff, stop: s };
    else if (s.kind === 'signal') {
      const line = uncaughtSignalMessage(s.signo, progName);
      // A closed stderr (EPIPE) must not hide the death itself.
      if (line) { try { host.stderr(new TextEncoder().encode(line + '\n')); } catch (e) { if (!(e instanceof HostError)) throw e; } }
      ended = { status: signalExitStatus(s.signo), stop: s, signo: s.signo };
    }
    // However the process ends, what it stored into shared file mappings reaches the files.
    if (ended) kernel.sharedMaps.removeAll(machine.mem);
    return ended;
  };

  const fireTimers = (): ProcessEnd | undefined => {
    if (ended) return ended;
    const death = fireDueTimers(kernel);
    if (death) return handleStop(death);
    if (kernel.queued) {
      const { signo, info } = kernel.queued;
      kernel.queued = undefined;
      deliverToHandler(kernel, signo, info, machine.cpu.pc);
    }
    return undefined;
  };

  return {
    machine, kernel, image, stack, exePath,
    get ended() { return ended; },
    handleStop,
    fireTimers,
    insnsUntilTimer: () => insnsUntilNextTimer(kernel),
    runToExit(o = {}) {
      // No budget unless asked: a budget makes the Machine cut TBs short near the limit, which
      // would change the block counts plugins see. An armed timer ends the run at the first TB
      // boundary after its deadline (a soft budget: no TB is cut short).
      for (;;) {
        const toTimer = insnsUntilNextTimer(kernel);
        const stop = toTimer !== undefined && !(o.sliceInsns && o.sliceInsns < toTimer)
          ? machine.run({ maxInsns: toTimer, atBlockBoundary: true })
          : machine.run(o.sliceInsns ? { maxInsns: o.sliceInsns } : {});
        const end = stop.kind === 'budget' ? fireTimers() ?? handleStop(stop) : handleStop(stop);
        if (end) return end;
        const handled = stop.kind === 'signal' || stop.kind === 'ebreak'; // entered a guest handler
        if (!handled && stop.kind !== 'budget' && stop.kind !== 'pause') return { status: -1, stop };
      }
    },
  };
}

// The Linux personality of one guest process: the state a kernel keeps for it (file
// descriptors, cwd, brk, signal dispositions, ids, clocks) and the ecall entry point that
// decodes a syscall, runs its handler (syscalls/*.ts), writes a0 and logs `-d strace` /
// `-d unimp` lines in QEMU's wording. Knows nothing of node: everything external goes through
// HostServices.

import type { CpuState } from '../cpu/state';
import { HostError, type HostServices } from '../host';
import { GuestFault, type GuestMemory } from '../memory/types';
import type { StopReason } from '../stop';
import { NS } from './abi';
import { EFAULT, ENOSYS } from './errno';
import { FdTable } from './fds';
import { formatSyscall, formatUnknownSyscall } from './strace';
import { lookupSyscall } from './syscalls/index';
import { joinPath, normalizePath } from './paths';
import { deliverToHandler, type SigInfo } from './sigframe';
import type { MapName } from './procfs';
import { FileMappings } from './filemaps';
import { SharedFileMappings } from './sharedmaps';
import type { MmapCursor } from './layout';
import { Task, type Blocker } from './task';
import { FutexQueues } from './futex';

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
import { ProcessTimers } from './timers';

/** What the Linux layer needs of the Machine (emulator/machine.ts satisfies it structurally). */
export interface LinuxMachine {
  /** The running vCPU. */
  readonly cpu: CpuState;
  /** Instructions retired by every vCPU. */
  readonly instret: number;
  mem: GuestMemory;
  /** Called at each ecall with cpu.pc at the ecall; undefined = continue after it. */
  syscallHandler?(m: never): StopReason | undefined;
  run(opts?: { maxInsns?: number; atBlockBoundary?: boolean }): StopReason;
  /** vCPUs for new threads (see Machine). */
  addVcpu(): CpuState;
  removeVcpu(cpu: CpuState): void;
  switchTo(cpu: CpuState, opts?: { inspect?: boolean }): void;
  /** Drops translations overlapping [addr, addr+len) (munmap, mprotect, file remaps, flush_icache). */
  invalidateRange(addr: number, len: number): void;
  flush(): void;
}

/**
 * Told about every syscall, as QEMU's linux-user calls the plugins (qemu_plugin_vcpu_syscall,
 * _syscall_filter, _syscall_ret): plugins register here instead of wrapping the handler.
 */
export interface SyscallHook {
  /** Before the syscall runs (nr in a7, arguments in a0..a5): a value returned replaces it as its result. */
  enter?(cpu: CpuState, nr: number): bigint | undefined;
  /** After it returned `ret` (not for exit, exit_group or a syscall that ended the process). */
  exit?(cpu: CpuState, nr: number, ret: number): void;
}

export interface KernelOptions {
  machine: LinuxMachine;
  host: HostServices;
  /** Absolute guest path of the program (/proc/self/exe, AT_EXECFN). */
  exePath: string;
  /** -L prefix: absolute guest paths that exist under it are opened there (QEMU's path()). */
  sysroot?: string;
  deterministic?: boolean;
  strace?: boolean;
  unimp?: boolean;
  /** First address above the program image (page aligned): brk starts here. */
  brkStart: number;
  /** Where mappings without MAP_FIXED go (the one the loader used). */
  mmapCursor: MmapCursor;
  /** The signal return trampoline (handlers return to it). */
  sigtramp: number;
}

/** Deterministic mode: a fixed epoch (2024-01-01T00:00:00Z) advancing 1 ns per guest instruction. */
export const DETERMINISTIC_EPOCH_NS = 1704067200n * NS;
export const DETERMINISTIC_PID = 1000;

export class LinuxKernel {
  readonly machine: LinuxMachine;
  readonly mem: GuestMemory;
  readonly host: HostServices;
  readonly fds: FdTable;
  readonly exePath: string;
  readonly sysroot?: string;
  readonly deterministic: boolean;
  strace: boolean;
  unimp: boolean;
  cwd: string;
  umask = 0o022;
  readonly pid: number;
  readonly ppid: number;
  brkStart: number;
  brkCur: number;
  /** Where mappings without MAP_FIXED go (QEMU's mmap_next_start). */
  readonly mmapCursor: MmapCursor;
  /** The signal return trampoline (handlers return to it). */
  readonly sigtramp: number;
  /** Raw struct sigaction (24 bytes: handler, flags, mask) per signal; absent = SIG_DFL. */
  readonly sigactions = new Map<number, Uint8Array>();
  /** The process's live threads by tid, in creation order (the scheduler's round robin). */
  readonly tasks = new Map<number, Task>();
  /** The thread whose vCPU is running (whose syscall is being served). */
  current: Task;
  /** The last thread id handed out (the main thread's is the pid). */
  lastTid: number;
  /** Futex wait queues (futex.ts). */
  readonly futexes = new FutexQueues();
  /** Set by a syscall that wants the scheduler to run another thread once it has returned (clone, sched_yield). */
  private yieldAfterSyscall = false;
  /** setitimer/alarm and POSIX timers (syscalls/timers.ts). */
  readonly timers = new ProcessTimers();
  /** Time the guest has slept (nanosleep never blocks the host; clocks add this instead). */
  sleptNs = 0n;
  private readonly startNs: bigint;
  /** What /proc/self/{maps,cmdline,environ,auxv} show (filled in by process.ts). */
  mapNames: MapName[] = [];
  /** File-backed mmaps (shared libraries ld.so maps at run time): /proc/self/maps, the debugger's module list. */
  readonly fileMaps = new FileMappings();
  /** MAP_SHARED file mappings, kept coherent with the file (written back, updated by write()). */
  readonly sharedMaps = new SharedFileMappings();
  procArgv: string[] = [];
  procEnv: string[] = [];
  procAuxv: [number, number][] = [];
  /** Set by exit/exit_group or a fatal signal: the process is gone. */
  exitStop?: StopReason;
  private rngState: bigint;

  constructor(o: KernelOptions) {
    this.machine = o.machine;
    this.mem = o.machine.mem;
    this.host = o.host;
    this.exePath = o.exePath;
    this.sysroot = o.sysroot;
    this.deterministic = !!o.deterministic;
    this.strace = !!o.strace;
    this.unimp = !!o.unimp;
    // The cwd is an input like argv, not a source of nondeterminism: it is kept in both modes.
    this.cwd = o.host.cwd ? normalizePath(o.host.cwd()) : '/';
    this.pid = this.deterministic || !o.host.pid ? DETERMINISTIC_PID : o.host.pid();
    this.ppid = this.pid - 1;
    this.lastTid = this.pid;
    this.current = new Task(this.pid, o.machine.cpu, basename(o.exePath));
    this.tasks.set(this.pid, this.current);
    this.brkStart = this.brkCur = o.brkStart;
    this.mmapCursor = o.mmapCursor;
    this.sigtramp = o.sigtramp;
    this.fds = new FdTable(o.host);
    this.fds.observer = {
      beforeRead: (of) => this.sharedMaps.syncFile(this.mem, of),
      afterWrite: (of, position, data) => this.sharedMaps.wrote(this.mem, of, position, data, (a, n) => this.machine.invalidateRange(a, n)),
    };
    this.rngState = 0x7462736370653031n; // "tbscpe01": any fixed seed will do
    this.startNs = this.deterministic ? 0n : o.host.monotonicNs();
  }

  // ---- the running thread's state (QEMU's TaskState) --------------------------------------

  /** The running vCPU (the current thread's). */
  get cpu(): CpuState { return this.machine.cpu; }
  get sigmask(): bigint { return this.current.sigmask; }
  set sigmask(v: bigint) { this.current.sigmask = v; }
  get altstack(): Uint8Array { return this.current.altstack; }
  set altstack(v: Uint8Array) { this.current.altstack = v; }
  get pendingMask(): bigint { return this.current.pendingMask; }
  set pendingMask(v: bigint) { this.current.pendingMask = v; }
  get pendingInfo(): Map<number, SigInfo> { return this.current.pendingInfo; }
  get queued(): { signo: number; info: SigInfo } | undefined { return this.current.queued; }
  set queued(v: { signo: number; info: SigInfo } | undefined) { this.current.queued = v; }
  get clearChildTid(): number { return this.current.clearChildTid; }
  set clearChildTid(v: number) { this.current.clearChildTid = v; }

  // ---- syscall arguments (a0..a5) -------------------------------------------------------

  /** Unsigned argument as a number (addresses, sizes). */
  u(i: number): number { return this.cpu.getXNum(10 + i); }
  /** Argument as a C int (fds, flags: the kernel truncates int parameters to 32 bits). */
  i(i: number): number { return this.cpu.x[2 * (10 + i)]; }
  /** Signed 64-bit argument as a number (offsets). */
  l(i: number): number { return this.cpu.getXSigned(10 + i); }

  // ---- guest memory helpers (faults become EFAULT in dispatch) ---------------------------

  readBytes(addr: number, len: number): Uint8Array { return len === 0 ? new Uint8Array(0) : this.mem.read(addr, len); }
  writeBytes(addr: number, data: Uint8Array): void { if (data.length) this.mem.write(addr, data); }
  readString(addr: number): string {
    if (addr === 0) throw new GuestFault(0, false);
    return this.mem.readCString(addr, 4096);
  }

  /** Resolves a guest path relative to dirfd (AT_FDCWD = cwd) to a normalized absolute path. */
  resolve(dirfd: number, path: string): string {
    if (path.startsWith('/')) return normalizePath(path);
    return normalizePath(joinPath(this.fds.dirPath(dirfd, this.cwd), path));
  }

  /** The host path a guest path is opened at: QEMU's -L rule (prefer the copy in the sysroot). */
  hostPath(guestPath: string): string {
    // /proc/self/fd/N names the guest's descriptor (glibc's fchmodat(AT_SYMLINK_NOFOLLOW) and
    // fexecve use it), never the Node process's own fd N.
    const fd = /^\/proc\/self\/fd\/(\d+)$/.exec(guestPath);
    const of = fd ? this.fds.get(Number(fd[1])) : undefined;
    if (of && (of.kind === 'file' || of.kind === 'dir')) return of.hostPath ?? of.path;
    if (!this.sysroot || guestPath === '/' || guestPath.startsWith('/proc/')) return guestPath;
    const inRoot = this.sysroot + guestPath;
    try { this.host.fs.stat(inRoot, false); return inRoot; } catch { return guestPath; }
  }

  // ---- clocks and randomness -------------------------------------------------------------

  realtimeNs(): bigint {
    return this.deterministic ? DETERMINISTIC_EPOCH_NS + BigInt(this.machine.instret) : this.host.realtimeNs();
  }
  monotonicNs(): bigint {
    return this.deterministic ? NS + BigInt(this.machine.instret) : this.host.monotonicNs();
  }
  /** CPU time used by the process: instructions at 1 GHz when deterministic, else host time since start. */
  cpuTimeNs(): bigint {
    return this.deterministic ? BigInt(this.machine.instret) : this.host.monotonicNs() - this.startNs;
  }
  randomBytes(buf: Uint8Array): void {
    if (!this.deterministic) { this.host.randomBytes(buf); return; }
    // splitmix64: fixed, well-mixed bytes so every run sees the same "random" values.
    for (let i = 0; i < buf.length; i += 8) {
      this.rngState = BigInt.asUintN(64, this.rngState + 0x9e3779b97f4a7c15n);
      let z = this.rngState;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      z ^= z >> 31n;
      for (let j = 0; j < 8 && i + j < buf.length; j++) buf[i + j] = Number((z >> BigInt(8 * j)) & 0xffn);
    }
  }

  log(line: string): void { this.host.log(line); }

  // ---- the ecall entry point -------------------------------------------------------------

  /** Registered observers of every syscall (plugins), see SyscallHook. */
  readonly syscallHooks: SyscallHook[] = [];

  /** Runs the syscall in a7 with a0..a5 through the hooks; sets a0 unless the process ended. */
  syscall(): StopReason | undefined {
    const hooks = this.syscallHooks;
    if (hooks.length === 0) return this.dispatch();
    const cpu = this.cpu, nr = cpu.getXSigned(17);
    for (const h of hooks) {
      const filtered = h.enter?.(cpu, nr);
      if (filtered !== undefined) {
        cpu.setX(10, filtered);
        this.syscallReturned(cpu, nr, cpu.getXSigned(10));
        return undefined;
      }
    }
    const stop = this.dispatch();
    // A parked thread's syscall returns when it is woken (unblock); an ended one never does.
    const returned = !stop || (stop.kind === 'yield' && !this.current.blocker && !this.current.exited);
    if (returned) this.syscallReturned(cpu, nr, cpu.getXSigned(10));
    return stop;
  }

  /** Tells the hooks a syscall of `cpu` returned (at once, or when its blocked thread wakes). */
  syscallReturned(cpu: CpuState, nr: number, ret: number): void {
    for (const h of this.syscallHooks) h.exit?.(cpu, nr, ret);
  }

  // ---- threads -----------------------------------------------------------------------------

  /** Parks the current thread in its syscall (see Blocker); the syscall returns this stop. */
  block(b: Blocker): StopReason {
    this.current.blocker = b;
    return { kind: 'yield', pc: this.cpu.pc };
  }

  /** After this syscall returns, let the scheduler run the next thread (clone, sched_yield). */
  requestYield(): void { this.yieldAfterSyscall = true; }

  /** Ends a parked thread's syscall: its result into a0, then -d strace and the syscall hooks. */
  unblock(t: Task, how: 'ready' | 'timeout' | 'signal'): void {
    const b = t.blocker;
    if (!b) return;
    t.blocker = undefined;
    if (how === 'signal') b.cancel?.();
    const ret = b.finish(how);
    t.cpu.setXNum(10, ret);
    if (b.strace) this.log(b.strace(ret));
    this.syscallReturned(t.cpu, b.nr, ret);
  }

  /** A new thread (clone): a vCPU copied from the current one, told to the vCPU hooks. */
  newThread(): Task {
    const parent = this.cpu;
    const cpu = this.machine.addVcpu();
    cpu.x.set(parent.x);
    cpu.f.set(parent.f);
    cpu.fflags = parent.fflags;
    cpu.frm = parent.frm;
    const t = new Task(++this.lastTid, cpu, this.current.name);
    t.sigmask = this.current.sigmask;
    this.tasks.set(t.tid, t);
    return t;
  }

  /**
   * The current thread ends (exit, or a thread killed with its process): CLONE_CHILD_CLEARTID's
   * word is zeroed and its futex woken (how pthread_join learns of it), as Linux's mm_release.
   */
  endThread(t: Task = this.current): void {
    if (t.exited) return;
    t.exited = true;
    if (t.clearChildTid) {
      try { this.mem.writeU32(t.clearChildTid, 0); } catch (e) { if (!(e instanceof GuestFault)) throw e; }
      this.futexes.wake(t.clearChildTid, 1);
    }
  }

  private dispatch(): StopReason | undefined {
    const nr = this.cpu.getXNum(17), pc = this.cpu.pc;
    const def = lookupSyscall(nr);
    if (!def) {
      if (this.strace) this.log(formatUnknownSyscall(this, nr));
      if (this.unimp) this.log(`Unsupported syscall: ${nr}`);
      this.cpu.setXNum(10, -ENOSYS);
      return undefined;
    }
    const args = this.strace ? [0, 1, 2, 3, 4, 5].map((i) => this.cpu.getX(10 + i)) : undefined;
    // Strings and structs named in the arguments must be read before the call changes them.
    const pre = this.strace ? formatSyscall(this, def, args!) : undefined;
    let ret: number | StopReason;
    try {
      ret = def.fn(this);
    } catch (e) {
      if (e instanceof GuestFault) ret = -EFAULT;
      else if (e instanceof HostError) ret = -e.errno;
      else throw e;
    }
    if (typeof ret !== 'number') {
      if (ret.kind === 'yield' && this.current.blocker) {
        // Parked: the result (and its strace line) come when the thread is woken (unblock).
        if (pre) this.current.blocker.strace = (r) => `${pre.call} = ${pre.ret(r)}`;
        return ret;
      }
      if (pre) this.log(pre.call);
      if (ret.kind !== 'yield') this.exitStop = ret;
      return ret;
    }
    if (pre) this.log(`${pre.call} = ${pre.ret(ret)}`);
    if (!def.setsRegs) this.cpu.setXNum(10, ret);
    if (this.yieldAfterSyscall) {
      this.yieldAfterSyscall = false;
      if (!this.queued) return { kind: 'yield', pc: this.cpu.pc };
    }
    if (this.queued) {
      // The handler runs "after" the syscall: its frame resumes at the instruction after the
      // ecall (or where rt_sigreturn just restored to), with a0 already holding the result.
      const { signo, info } = this.queued;
      this.queued = undefined;
      deliverToHandler(this, signo, info, def.setsRegs ? this.cpu.pc : this.cpu.pc + 4);
    }
    if (this.timers.armedSince) {
      // A timer was armed: the run ends here (a soft budget stop after the ecall, where its TB
      // ends anyway) so the run loop can bound the next run by the timer's deadline.
      this.timers.armedSince = false;
      if (this.cpu.pc === pc && !def.setsRegs) this.cpu.pc = pc + 4;
      return { kind: 'budget', pc: this.cpu.pc };
    }
    return undefined;
  }
}

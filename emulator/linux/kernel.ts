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
import { ProcessTimers } from './timers';

/** What the Linux layer needs of the Machine (emulator/machine.ts satisfies it structurally). */
export interface LinuxMachine {
  cpu: CpuState;
  mem: GuestMemory;
  /** Called at each ecall with cpu.pc at the ecall; undefined = continue after it. */
  syscallHandler?(m: never): StopReason | undefined;
  run(opts?: { maxInsns?: number; atBlockBoundary?: boolean }): StopReason;
  /** Drops translations overlapping [addr, addr+len) (munmap, mprotect, file remaps, flush_icache). */
  invalidateRange(addr: number, len: number): void;
  flush(): void;
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
  readonly cpu: CpuState;
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
  sigmask = 0n;
  altstack = new Uint8Array(24);
  /** Blocked signals raised meanwhile (bit signo-1), delivered when unblocked, with their siginfo. */
  pendingMask = 0n;
  readonly pendingInfo = new Map<number, SigInfo>();
  /** A signal to enter a guest handler for once the current syscall has returned. */
  queued?: { signo: number; info: SigInfo };
  clearChildTid = 0;
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
    this.cpu = o.machine.cpu;
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
    return this.deterministic ? DETERMINISTIC_EPOCH_NS + BigInt(this.cpu.instret) : this.host.realtimeNs();
  }
  monotonicNs(): bigint {
    return this.deterministic ? NS + BigInt(this.cpu.instret) : this.host.monotonicNs();
  }
  /** CPU time used by the process: instructions at 1 GHz when deterministic, else host time since start. */
  cpuTimeNs(): bigint {
    return this.deterministic ? BigInt(this.cpu.instret) : this.host.monotonicNs() - this.startNs;
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

  /** Runs the syscall in a7 with a0..a5; sets a0 unless the process ended. */
  syscall(): StopReason | undefined {
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
      if (pre) this.log(pre.call);
      this.exitStop = ret;
      return ret;
    }
    if (pre) this.log(`${pre.call} = ${pre.ret(ret)}`);
    if (!def.setsRegs) this.cpu.setXNum(10, ret);
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

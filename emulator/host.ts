// Host services injected into the emulator: everything the guest can observe of the outside
// world goes through here, so the CLI, the debug adapter and tests each supply their own and
// the emulator core never touches node:fs, the clock or the console directly.

export interface HostFile {
  read(buf: Uint8Array, position: number | null): number;   // bytes read, 0 at EOF
  write(buf: Uint8Array, position: number | null): number;  // bytes written
  close(): void;
}

export interface HostStat {
  dev: number; ino: number; mode: number; nlink: number; uid: number; gid: number; rdev: number;
  size: number; blksize: number; blocks: number;
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint;
}

/** Errors from HostFs are thrown as HostError carrying a positive Linux errno (ENOENT = 2 …). */
export class HostError extends Error {
  constructor(public readonly errno: number, message?: string) { super(message ?? `errno ${errno}`); }
}

export interface HostFs {
  /** flags are Linux open(2) flags (O_RDONLY=0, O_WRONLY=1, O_RDWR=2, O_CREAT=0o100, O_TRUNC=0o1000, O_APPEND=0o2000, O_DIRECTORY=0o200000 …). Paths are absolute guest paths. */
  open(path: string, flags: number, mode: number): HostFile;
  stat(path: string, followLinks: boolean): HostStat;
  fstat?(file: HostFile): HostStat;
  readdir(path: string): { name: string; ino: number; type: number }[];
  readlink(path: string): string;
  unlink(path: string): void;
  rmdir(path: string): void;
  mkdir(path: string, mode: number): void;
  rename(from: string, to: string): void;
  access(path: string, mode: number): void;
  /** Reads a whole host file (ELF loading, interpreter from the sysroot). */
  readFile(path: string): Uint8Array;
  // Optional metadata calls (truncate, chmod, chown, utimensat, statfs, links): absent = the
  // guest gets ENOSYS. The descriptor forms fall back to the path forms when missing.
  truncate?(path: string, len: number): void;
  ftruncate?(file: HostFile, len: number): void;
  /** chmod follows symbolic links (Linux has no lchmod). */
  chmod?(path: string, mode: number): void;
  fchmod?(file: HostFile, mode: number): void;
  /** uid/gid -1 = leave unchanged. */
  chown?(path: string, uid: number, gid: number, followLinks: boolean): void;
  fchown?(file: HostFile, uid: number, gid: number): void;
  /** Sets access and modification times (nanoseconds since the epoch). */
  utimes?(path: string, atimeNs: bigint, mtimeNs: bigint, followLinks: boolean): void;
  futimes?(file: HostFile, atimeNs: bigint, mtimeNs: bigint): void;
  statfs?(path: string): HostStatfs;
  symlink?(target: string, path: string): void;
  link?(existing: string, path: string): void;
}

/** struct statfs fields the host can tell (statfs(2)). */
export interface HostStatfs {
  type: number; bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number;
  /** Unknown fields are filled with Linux's usual values (namelen 255, frsize = bsize). */
  namelen?: number; frsize?: number; flags?: number;
}

export interface HostServices {
  fs: HostFs;
  /** Guest-visible stdout/stderr bytes. */
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
  /** Guest stdin: returns bytes read (0 at EOF). */
  stdin(buf: Uint8Array): number;
  /** Wall clock and monotonic clock in nanoseconds. */
  realtimeNs(): bigint;
  monotonicNs(): bigint;
  /** Fills buf with random bytes. */
  randomBytes(buf: Uint8Array): void;
  /** Diagnostic log (-d unimp, strace, in_asm ...). */
  log(line: string): void;
  /**
   * Optional (Linux layer): what the guest sees of fd 0-2 — fstat, whether it is a terminal
   * (ioctl TCGETS) and its size (TIOCGWINSZ). Absent: pipes, not terminals.
   */
  stdioInfo?(fd: 0 | 1 | 2): { stat: HostStat; isatty: boolean; rows?: number; cols?: number };
  /**
   * Optional (Linux layer): what sched_getaffinity answers on this host — the mask size in
   * bytes the kernel copies out (a multiple of 8) and the CPUs set in it. Absent: 8 bytes, cpu 0.
   */
  cpuAffinity?(): { maskBytes: number; cpus: number[] };
  /** Optional: the process id (getpid) and initial working directory shown to the guest. */
  pid?(): number;
  cwd?(): string;
}

// `-d strace` lines in qemu-riscv64's format (linux-user/strace.c), e.g.
//   1000 openat(AT_FDCWD,"/etc/hostname",O_RDONLY) = 3
//   1000 read(3,0x8005e0,64) = 3
//   1000 brk(NULL) = 0x000000000007d000
//   1000 close(9) = -1 errno=9 (Bad file descriptor)
// Each syscall declares one code per argument (SyscallDef.args); without codes QEMU prints
// six signed decimals, and so do we. Codes:
//   d int  u unsigned  l long  x %#x (low 32 bits)  p %p  P pointer (NULL / 0x%016x)  s string
//   F dirfd (AT_FDCWD)  O open flags (+ mode when O_CREAT)  M/o mode %#o  A access mode
//   a AT_* flags  U unlinkat flags  R mmap prot  m mmap flags  S signal  H sigprocmask how
//   C clock id  W lseek whence  I ioctl request  c fcntl cmd (+ its argument)  T timespec
//   V madvise advice

import { strerror } from './errno';
import type { LinuxKernel } from './kernel';
import { signalName } from './signals';
import type { SyscallDef } from './syscalls/types';

type Flags = [number, string][];

const OPEN_FLAGS: Flags = [[0o2000, 'O_APPEND'], [0o100, 'O_CREAT'], [0o200000, 'O_DIRECTORY'], [0o200, 'O_EXCL'],
  [0o400, 'O_NOCTTY'], [0o400000, 'O_NOFOLLOW'], [0o4000, 'O_NONBLOCK'], [0o10000, 'O_DSYNC'], [0o4010000, 'O_SYNC'],
  [0o1000, 'O_TRUNC'], [0o40000, 'O_DIRECT'], [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  [0o20200000, 'O_TMPFILE']];
const PROT_FLAGS: Flags = [[4, 'PROT_EXEC'], [1, 'PROT_READ'], [2, 'PROT_WRITE']];
const MMAP_FLAGS: Flags = [[0x1, 'MAP_SHARED'], [0x2, 'MAP_PRIVATE'], [0x20, 'MAP_ANONYMOUS'], [0x800, 'MAP_DENYWRITE'],
  [0x10, 'MAP_FIXED'], [0x100, 'MAP_GROWSDOWN'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'],
  [0x10000, 'MAP_NONBLOCK'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'], [0x100000, 'MAP_FIXED_NOREPLACE']];
const ACCESS_FLAGS: Flags = [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']];
const AT_FLAGS: Flags = [[0x200, 'AT_EACCESS'], [0x100, 'AT_SYMLINK_NOFOLLOW']];
const UNLINK_FLAGS: Flags = [[0x200, 'AT_REMOVEDIR']];

const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
  'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'];
const WHENCE = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'];
const HOW = ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'];
const IOCTLS: Record<number, string> = { 0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF',
  0x540f: 'TIOCGPGRP', 0x5413: 'TIOCGWINSZ', 0x5414: 'TIOCSWINSZ', 0x5421: 'FIONBIO' };
const FCNTL: Record<number, string> = { 0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL',
  5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW', 1030: 'F_DUPFD_CLOEXEC' };
const MADVICE: Record<number, string> = { 0: 'MADV_NORMAL', 1: 'MADV_RANDOM', 2: 'MADV_SEQUENTIAL', 3: 'MADV_WILLNEED',
  4: 'MADV_DONTNEED', 8: 'MADV_FREE', 9: 'MADV_REMOVE', 10: 'MADV_DONTFORK', 11: 'MADV_DOFORK', 12: 'MADV_MERGEABLE',
  13: 'MADV_UNMERGEABLE', 14: 'MADV_HUGEPAGE', 15: 'MADV_NOHUGEPAGE', 16: 'MADV_DONTDUMP', 17: 'MADV_DODUMP' };

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);
const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** QEMU's print_flags: matching names joined by '|', leftover bits as %#x, nothing matched → %#x. */
export function flagsText(v: number, table: Flags, zeroName?: string): string {
  if (v === 0 && zeroName) return zeroName;
  const names: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) === bit) { names.push(name); rest = (rest & ~bit) >>> 0; }
  }
  if (!names.length) return rest ? `0x${rest.toString(16)}` : '0';
  return rest ? `${names.join('|')}|0x${rest.toString(16)}` : names.join('|');
}

function pointer(v: bigint): string { return v === 0n ? 'NULL' : `0x${hex(v).padStart(16, '0')}`; }

function guestString(k: LinuxKernel, addr: bigint): string {
  try { return `"${k.mem.readCString(Number(addr), 4096)}"`; } catch { return pointer(addr); }
}

function timespecText(k: LinuxKernel, addr: bigint): string {
  try {
    const sec = k.mem.readU64(Number(addr)), nsec = k.mem.readU64(Number(addr) + 8);
    return `{tv_sec = ${BigInt.asIntN(64, sec)},tv_nsec = ${BigInt.asIntN(64, nsec)}}`;
  } catch { return pointer(addr); }
}

function argText(k: LinuxKernel, code: string, args: bigint[], i: number): string {
  const v = args[i];
  switch (code) {
    case 'd': return `${i32(v)}`;
    case 'u': return `${Number(BigInt.asUintN(32, v))}`;
    case 'l': return `${BigInt.asIntN(64, v)}`;
    case 'x': { const n = Number(BigInt.asUintN(32, v)); return n ? `0x${n.toString(16)}` : '0'; }
    case 'p': return v === 0n ? '(nil)' : `0x${hex(v)}`;
    case 'P': return pointer(v);
    case 's': return guestString(k, v);
    case 'F': return i32(v) === -100 ? 'AT_FDCWD' : `${i32(v)}`;
    case 'O': {
      const f = i32(v) >>> 0;
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][f & 3];
      const rest = flagsText(f & ~3, OPEN_FLAGS);
      const text = rest === '0' ? acc : `${acc}|${rest}`;
      return f & 0o100 ? `${text},${octal(args[i + 1])}` : text;
    }
    case 'M': case 'o': return octal(v);
    case 'A': return flagsText(i32(v), ACCESS_FLAGS, 'F_OK');
    case 'a': return flagsText(i32(v), AT_FLAGS);
    case 'U': return flagsText(i32(v), UNLINK_FLAGS);
    case 'R': return flagsText(i32(v), PROT_FLAGS, 'PROT_NONE');
    case 'm': return flagsText(i32(v), MMAP_FLAGS);
    case 'S': { const s = i32(v); return s >= 1 && s <= 31 ? signalName(s) : `${s}`; }
    case 'H': return HOW[i32(v)] ?? `${i32(v)}`;
    case 'C': return CLOCKS[i32(v)] ?? `0x${(i32(v) >>> 0).toString(16)}`;
    case 'W': return WHENCE[i32(v)] ?? `${i32(v)}`;
    case 'I': { const r = Number(BigInt.asUintN(32, v)); return IOCTLS[r] ?? `0x${r.toString(16)}`; }
    case 'c': {
      const cmd = i32(v), name = FCNTL[cmd] ?? `${cmd}`;
      if (cmd === 1 || cmd === 3) return name;
      if (cmd === 4) return `${name},${argText(k, 'O', args, i + 1)}`;
      if (cmd >= 5 && cmd <= 7) return `${name},${pointer(args[i + 1])}`;
      return `${name},${BigInt.asIntN(64, args[i + 1])}`;
    }
    case 'T': return v === 0n ? 'NULL' : timespecText(k, v);
    case 'V': return MADVICE[i32(v)] ?? `${i32(v)}`;
    default: throw new Error(`unknown strace code '${code}'`);
  }
}

function octal(v: bigint): string { const n = Number(BigInt.asUintN(32, v)); return n ? `0${n.toString(8)}` : '0'; }

export interface StraceLine {
  /** "1000 name(args)" — printed alone for calls that do not return (exit, exit_group). */
  call: string;
  /** Text after " = " for a result. */
  ret(result: number): string;
}

/** Formats a call from its raw argument registers (read before the syscall runs). */
export function formatSyscall(k: LinuxKernel, def: SyscallDef, args: bigint[]): StraceLine {
  const text = def.args === undefined
    ? args.map((a) => `${BigInt.asIntN(64, a)}`).join(',')
    : [...def.args].map((c, i) => argText(k, c, args, i)).join(',');
  return {
    call: `${k.pid} ${def.name}(${text})`,
    ret: (r) => {
      if (r < 0 && r >= -4095) return `-1 errno=${-r} (${strerror(-r)})`;
      if (def.ret === 'addr') return pointer(BigInt(r)).replace('NULL', '0x0000000000000000');
      if (def.ret === 'ts1' && r === 0 && args[1] !== 0n) return `0 (${timespecText(k, args[1])})`;
      return `${r}`;
    },
  };
}

export function formatUnknownSyscall(k: LinuxKernel, nr: number): string {
  return `${k.pid} Unknown syscall ${nr}`;
}

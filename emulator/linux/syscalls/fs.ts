// Path-based syscalls: openat, the stat family (fstat, newfstatat, statx), unlinkat, mkdirat,
// renameat2, readlinkat (/proc/self/exe is the program), faccessat, getcwd, chdir, umask.
// Guest paths are resolved against the guest cwd / dirfd, then mapped through the sysroot
// (k.hostPath); the host decides what may be touched (confinement lives in HostFs).

import { HostError, type HostStat } from '../../host';
import { encodeStat, encodeStatx, fifoStat, S_IFDIR, S_IFMT } from '../abi';
import { EACCES, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ERANGE } from '../errno';
import { procSelfFile } from '../procfs';
import { AT_FDCWD, O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_PATH, type OpenFile } from '../fds';
import type { LinuxKernel } from '../kernel';
import type { SyscallDef } from './types';

export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;

/** Resolved guest path and the host path it lives at. */
export function pathArg(k: LinuxKernel, dirfdIdx: number, pathArgIdx: number): { guest: string; host: string } {
  const raw = k.readString(k.u(pathArgIdx));
  if (raw === '') throw new HostError(ENOENT);
  // dirfdIdx is the argument holding the dirfd, or AT_FDCWD itself for plain-path calls (chdir).
  const guest = k.resolve(dirfdIdx === AT_FDCWD ? AT_FDCWD : k.i(dirfdIdx), raw);
  return { guest, host: k.hostPath(guest) };
}

function openat(k: LinuxKernel): number {
  const flags = k.i(2), mode = k.i(3);
  const { guest, host } = pathArg(k, 0, 1);
  if (guest === '/proc/self/exe') return openFile(k, k.exePath, k.hostPath(k.exePath), flags, mode);
  const synth = procSelfFile(k, guest);
  if (synth) {
    if ((flags & O_ACCMODE) !== O_RDONLY) return -EACCES;
    return k.fds.install({ kind: 'buffer', path: guest, flags: O_RDONLY, pos: 0, refs: 1, data: synth }, !!(flags & O_CLOEXEC));
  }
  return openFile(k, guest, host, flags, mode);
}

function openFile(k: LinuxKernel, guest: string, host: string, flags: number, mode: number): number {
  let st: HostStat | undefined;
  try { st = k.host.fs.stat(host, true); } catch (e) {
    if (!(e instanceof HostError) || e.errno !== ENOENT || !(flags & O_CREAT)) throw e;
  }
  if (st && (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
  const cloexec = !!(flags & O_CLOEXEC);
  if (st && (st.mode & S_IFMT) === S_IFDIR) {
    if ((flags & O_ACCMODE) !== O_RDONLY || flags & O_CREAT) return -EISDIR;
    return k.fds.install({ kind: 'dir', path: guest, hostPath: host, flags, pos: 0, refs: 1 }, cloexec);
  }
  if (flags & O_DIRECTORY) return st ? -ENOTDIR : -ENOENT;
  const hostFlags = flags & O_PATH ? O_RDONLY : flags & ~O_CLOEXEC;
  const file = k.host.fs.open(host, hostFlags, mode & ~k.umask & 0o7777);
  const of: OpenFile = { kind: 'file', path: guest, hostPath: host, flags: flags & ~O_CLOEXEC, pos: 0, refs: 1, file };
  return k.fds.install(of, cloexec);
}

/** stat of an open descriptor. */
export function statFd(k: LinuxKernel, fd: number): HostStat {
  const of = k.fds.must(fd);
  switch (of.kind) {
    case 'stdio':
      // Deterministic runs always see pipes, as qemu-riscv64 does when a test captures output.
      return !k.deterministic && k.host.stdioInfo ? k.host.stdioInfo(of.stdioFd!).stat : fifoStat(of.stdioFd! + 1);
    case 'pipe': return fifoStat(100 + fd);
    case 'buffer': return { ...fifoStat(200 + fd), mode: 0o100444, size: 0 }; // like procfs: a regular file of size 0
    case 'file': return k.host.fs.fstat ? k.host.fs.fstat(of.file!) : k.host.fs.stat(of.hostPath ?? of.path, true);
    case 'dir': return k.host.fs.stat(of.hostPath ?? of.path, true);
  }
}

/** stat for the *at() family: AT_EMPTY_PATH with "" means the dirfd itself. */
function statAt(k: LinuxKernel, dirfdIdx: number, pathIdx: number, flags: number): HostStat {
  const raw = k.readString(k.u(pathIdx));
  const dirfd = k.i(dirfdIdx);
  if (raw === '' && flags & AT_EMPTY_PATH) {
    return dirfd === AT_FDCWD ? k.host.fs.stat(k.hostPath(k.cwd), true) : statFd(k, dirfd);
  }
  if (raw === '') throw new HostError(ENOENT);
  const guest = k.resolve(dirfd, raw);
  const target = guest === '/proc/self/exe' ? k.exePath : guest;
  return k.host.fs.stat(k.hostPath(target), !(flags & AT_SYMLINK_NOFOLLOW));
}

function readlinkat(k: LinuxKernel): number {
  const { guest, host } = pathArg(k, 0, 1);
  const addr = k.u(2), size = k.i(3);
  if (size <= 0) return -EINVAL;
  let target: string;
  const fdMatch = /^\/proc\/self\/fd\/(\d+)$/.exec(guest);
  if (guest === '/proc/self/exe') target = k.exePath;
  else if (fdMatch) target = k.fds.must(Number(fdMatch[1])).path;
  else target = k.host.fs.readlink(host);
  const bytes = new TextEncoder().encode(target).subarray(0, size);
  k.writeBytes(addr, bytes);
  return bytes.length;
}

function getcwd(k: LinuxKernel): number {
  const bytes = new TextEncoder().encode(k.cwd + '\0');
  if (bytes.length > k.u(1)) return -ERANGE;
  k.writeBytes(k.u(0), bytes);
  return bytes.length;
}

function chdirTo(k: LinuxKernel, guest: string): number {
  const st = k.host.fs.stat(k.hostPath(guest), true);
  if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  k.cwd = guest;
  return 0;
}

function renameat2(k: LinuxKernel): number {
  const flags = k.i(4);
  if (flags & ~1) return -EINVAL; // only RENAME_NOREPLACE
  const from = pathArg(k, 0, 1), to = pathArg(k, 2, 3);
  if (flags & 1) {
    try { k.host.fs.stat(to.host, false); return -EEXIST; } catch (e) { if (!(e instanceof HostError)) throw e; }
  }
  k.host.fs.rename(from.host, to.host);
  return 0;
}

function faccessat(k: LinuxKernel, flags: number): number {
  const { guest, host } = pathArg(k, 0, 1);
  const mode = k.i(2);
  if (mode & ~7 || flags & ~(0x200 | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  k.host.fs.access(guest === '/proc/self/exe' ? k.hostPath(k.exePath) : host, mode);
  return 0;
}

export const fsSyscalls: SyscallDef[] = [
  { nr: 56, name: 'openat', args: 'FsO', fn: openat },
  { nr: 80, name: 'fstat', args: 'dP', fn: (k) => { const st = statFd(k, k.i(0)); k.writeBytes(k.u(1), encodeStat(st)); return 0; } },
  {
    nr: 79, name: 'newfstatat', args: 'FsPa', fn: (k) => {
      k.writeBytes(k.u(2), encodeStat(statAt(k, 0, 1, k.i(3))));
      return 0;
    },
  },
  {
    nr: 291, name: 'statx', args: 'FsaxP', fn: (k) => {
      k.writeBytes(k.u(4), encodeStatx(statAt(k, 0, 1, k.i(2))));
      return 0;
    },
  },
  {
    nr: 35, name: 'unlinkat', args: 'FsU', fn: (k) => {
      const { host } = pathArg(k, 0, 1);
      if (k.i(2) & AT_REMOVEDIR) k.host.fs.rmdir(host); else k.host.fs.unlink(host);
      return 0;
    },
  },
  { nr: 34, name: 'mkdirat', args: 'FsM', fn: (k) => { k.host.fs.mkdir(pathArg(k, 0, 1).host, k.i(2) & ~k.umask & 0o7777); return 0; } },
  { nr: 276, name: 'renameat2', fn: renameat2 },
  { nr: 78, name: 'readlinkat', args: 'FsPd', fn: readlinkat },
  { nr: 48, name: 'faccessat', args: 'FsAa', fn: (k) => faccessat(k, 0) },
  { nr: 439, name: 'faccessat2', args: 'FsAa', fn: (k) => faccessat(k, k.i(3)) },
  { nr: 17, name: 'getcwd', args: 'pd', fn: getcwd },
  { nr: 49, name: 'chdir', args: 's', fn: (k) => chdirTo(k, pathArg(k, AT_FDCWD, 0).guest) },
  {
    nr: 50, name: 'fchdir', fn: (k) => {
      const of = k.fds.must(k.i(0));
      return of.kind === 'dir' ? chdirTo(k, of.path) : -ENOTDIR;
    },
  },
  { nr: 166, name: 'umask', args: 'o', fn: (k) => { const old = k.umask; k.umask = k.i(0) & 0o777; return old; } },
  { nr: 82, name: 'fsync', fn: (k) => (k.fds.must(k.i(0)), 0) },
  { nr: 83, name: 'fdatasync', fn: (k) => (k.fds.must(k.i(0)), 0) },
  { nr: 81, name: 'sync', fn: () => 0 },
  { nr: 267, name: 'syncfs', fn: (k) => (k.fds.must(k.i(0)), 0) },
  { nr: 32, name: 'flock', fn: (k) => (k.fds.must(k.i(0)), 0) }, // one process: no contention
];

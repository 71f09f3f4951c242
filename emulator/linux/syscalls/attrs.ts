// File metadata syscalls: truncate/ftruncate, fchmod/fchmodat(2), fchown/fchownat,
// utimensat, statfs/fstatfs, symlinkat and linkat. Each maps to an optional HostFs method
// (ENOSYS when the host has none); descriptor forms use the host's descriptor call when it has
// one, else the path the descriptor was opened at.

import { HostError, type HostFile, type HostStatfs } from '../../host';
import { decodeTimespec, encodeStatfs, NS, S_IFLNK, S_IFMT } from '../abi';
import { EINVAL, EISDIR, ENOSYS, EOPNOTSUPP } from '../errno';
import { AT_FDCWD, O_ACCMODE, O_RDONLY, type OpenFile } from '../fds';
import type { LinuxKernel } from '../kernel';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, pathArg, statFd } from './fs';
import { clockNs } from './time';
import type { SyscallDef } from './types';

/** The host method, or a thrown ENOSYS when this host cannot do it. */
function need<T>(fn: T | undefined): T {
  if (!fn) throw new HostError(ENOSYS);
  return fn;
}

/** Host path of a descriptor's file or directory (EINVAL for pipes and stdio). */
function fdHostPath(of: OpenFile): string {
  if (of.kind !== 'file' && of.kind !== 'dir') throw new HostError(EINVAL);
  return of.hostPath ?? of.path;
}

/** Runs the descriptor form when the host has it and the fd is a host file, else the path form. */
function byFd(of: OpenFile, fdForm: ((f: HostFile) => void) | undefined, pathForm: (p: string) => void): void {
  if (of.kind === 'file' && of.file && fdForm) fdForm(of.file); else pathForm(fdHostPath(of));
}

/** Path and descriptor targets of the *at() calls: AT_EMPTY_PATH with "" names dirfd itself. */
function atTarget(k: LinuxKernel, dirfdIdx: number, pathIdx: number, flags: number): { host: string } | { of: OpenFile } {
  if (flags & AT_EMPTY_PATH && k.readString(k.u(pathIdx)) === '') return { of: k.fds.must(k.i(dirfdIdx)) };
  return { host: pathArg(k, dirfdIdx, pathIdx).host };
}

function ftruncate(k: LinuxKernel): number {
  const of = k.fds.must(k.i(0)), len = k.l(1);
  if (len < 0) return -EINVAL;
  if (of.kind === 'dir') return -EISDIR;
  if (of.kind !== 'file' || (of.flags & O_ACCMODE) === O_RDONLY) return -EINVAL;
  const fs = k.host.fs;
  byFd(of, fs.ftruncate && ((f) => fs.ftruncate!(f, len)), (p) => need(fs.truncate)(p, len));
  return 0;
}

function chmodAt(k: LinuxKernel, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const mode = k.i(2) & 0o7777, t = atTarget(k, 0, 1, flags);
  if ('of' in t) return fchmod(k, t.of, mode);
  // Linux cannot change a symbolic link's own mode; anything else is fine without following.
  if (flags & AT_SYMLINK_NOFOLLOW && (k.host.fs.stat(t.host, false).mode & S_IFMT) === S_IFLNK) return -EOPNOTSUPP;
  need(k.host.fs.chmod)(t.host, mode);
  return 0;
}

function fchmod(k: LinuxKernel, of: OpenFile, mode: number): number {
  if (of.kind === 'pipe' || of.kind === 'stdio') return 0; // an anonymous inode: nothing to see
  const fs = k.host.fs;
  byFd(of, fs.fchmod && ((f) => fs.fchmod!(f, mode)), (p) => need(fs.chmod)(p, mode));
  return 0;
}

function chownAt(k: LinuxKernel, t: { host: string } | { of: OpenFile }, uid: number, gid: number, follow: boolean): number {
  const fs = k.host.fs;
  if ('of' in t) {
    if (t.of.kind === 'pipe' || t.of.kind === 'stdio') return 0;
    byFd(t.of, fs.fchown && ((f) => fs.fchown!(f, uid, gid)), (p) => need(fs.chown)(p, uid, gid, true));
  } else need(fs.chown)(t.host, uid, gid, follow);
  return 0;
}

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

function utimensat(k: LinuxKernel): number {
  const dirfd = k.i(0), pathAddr = k.u(1), timesAddr = k.u(2), flags = k.i(3);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const now = clockNs(k, 0)!;
  // Each of atime, mtime: a time, UTIME_NOW or UTIME_OMIT (undefined here).
  const want: (bigint | undefined)[] = [now, now];
  if (timesAddr) {
    for (let i = 0; i < 2; i++) {
      const { sec, nsec } = decodeTimespec(k.readBytes(timesAddr + 16 * i, 16));
      if (nsec === BigInt(UTIME_OMIT)) want[i] = undefined;
      else if (nsec !== BigInt(UTIME_NOW)) {
        if (nsec < 0n || nsec >= NS) return -EINVAL;
        want[i] = sec * NS + nsec;
      }
    }
  }
  // A NULL path is futimens(dirfd); otherwise a path relative to dirfd.
  const t = pathAddr === 0 ? { of: k.fds.must(dirfd) } : atTarget(k, 0, 1, flags);
  if (want[0] === undefined && want[1] === undefined) return 0;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const fs = k.host.fs;
  const cur = 'of' in t ? statFd(k, k.i(0)) : fs.stat(t.host, follow);
  const [a, m] = [want[0] ?? cur.atimeNs, want[1] ?? cur.mtimeNs];
  if ('of' in t) byFd(t.of, fs.futimes && ((f) => fs.futimes!(f, a, m)), (p) => need(fs.utimes)(p, a, m, true));
  else need(fs.utimes)(t.host, a, m, follow);
  return 0;
}

const PIPEFS_MAGIC = 0x50495045, PROC_SUPER_MAGIC = 0x9fa0, DEVPTS_SUPER_MAGIC = 0x1cd1;
const pseudoFs = (type: number): HostStatfs => ({ type, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 });

function statfsOf(k: LinuxKernel, of: OpenFile): HostStatfs {
  switch (of.kind) {
    case 'pipe': return pseudoFs(PIPEFS_MAGIC);
    case 'buffer': return pseudoFs(PROC_SUPER_MAGIC);
    case 'stdio': {
      const tty = !k.deterministic && k.host.stdioInfo?.(of.stdioFd!).isatty;
      return pseudoFs(tty ? DEVPTS_SUPER_MAGIC : PIPEFS_MAGIC);
    }
    default: return need(k.host.fs.statfs)(fdHostPath(of));
  }
}

function statfsPath(k: LinuxKernel): HostStatfs {
  const { guest, host } = pathArg(k, AT_FDCWD, 0);
  if (guest === '/proc' || guest.startsWith('/proc/')) return pseudoFs(PROC_SUPER_MAGIC);
  return need(k.host.fs.statfs)(host);
}

export const attrSyscalls: SyscallDef[] = [
  {
    nr: 45, name: 'truncate', args: 'sl', fn: (k) => {
      const { host } = pathArg(k, AT_FDCWD, 0);
      if (k.l(1) < 0) return -EINVAL;
      need(k.host.fs.truncate)(host, k.l(1));
      return 0;
    },
  },
  { nr: 46, name: 'ftruncate', args: 'dl', fn: ftruncate },
  { nr: 52, name: 'fchmod', args: 'do', fn: (k) => fchmod(k, k.fds.must(k.i(0)), k.i(1) & 0o7777) },
  { nr: 53, name: 'fchmodat', args: 'Fsoa', fn: (k) => chmodAt(k, 0) },
  { nr: 452, name: 'fchmodat2', args: 'Fsoa', fn: (k) => chmodAt(k, k.i(3)) },
  { nr: 55, name: 'fchown', fn: (k) => chownAt(k, { of: k.fds.must(k.i(0)) }, k.i(1), k.i(2), true) },
  {
    nr: 54, name: 'fchownat', fn: (k) => {
      const flags = k.i(4);
      if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
      return chownAt(k, atTarget(k, 0, 1, flags), k.i(2), k.i(3), !(flags & AT_SYMLINK_NOFOLLOW));
    },
  },
  { nr: 88, name: 'utimensat', args: 'FsPa', fn: utimensat },
  { nr: 43, name: 'statfs', args: 'sP', fn: (k) => { k.writeBytes(k.u(1), encodeStatfs(statfsPath(k))); return 0; } },
  { nr: 44, name: 'fstatfs', args: 'dp', fn: (k) => { k.writeBytes(k.u(1), encodeStatfs(statfsOf(k, k.fds.must(k.i(0))))); return 0; } },
  {
    nr: 36, name: 'symlinkat', args: 'sFs', fn: (k) => {
      const target = k.readString(k.u(0));
      need(k.host.fs.symlink)(target, pathArg(k, 1, 2).host);
      return 0;
    },
  },
  {
    nr: 37, name: 'linkat', args: 'FsFsa', fn: (k) => {
      if (k.i(4) & ~(0x400 | AT_EMPTY_PATH)) return -EINVAL; // AT_SYMLINK_FOLLOW
      need(k.host.fs.link)(pathArg(k, 0, 1).host, pathArg(k, 2, 3).host);
      return 0;
    },
  },
];

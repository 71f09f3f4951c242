// Syscalls on open descriptors: read/write and their vector and positioned forms, close,
// close_range, lseek, dup/dup3, pipe2, fcntl, ioctl (terminal queries), getdents64, and the
// in-kernel copies sendfile and copy_file_range (done here as reads then writes).

import type { StopReason } from '../../stop';
import { HostError } from '../../host';
import { DT_DIR, encodeDirent64, u32le } from '../abi';
import { EAGAIN, EBADF, EFAULT, EINTR, EINVAL, ENOTDIR, ENOTTY, EPIPE, ESPIPE } from '../errno';
import { newPipe, O_ACCMODE, O_APPEND, O_CLOEXEC, O_NONBLOCK, type OpenFile } from '../fds';
import type { LinuxKernel } from '../kernel';
import { SIGPIPE } from '../signals';
import { raiseSignal } from './signals';
import type { SyscallDef } from './types';

/** Linux caps one read/write at this many bytes (MAX_RW_COUNT). */
const MAX_RW = 0x7ffff000;

function doRead(k: LinuxKernel, of: OpenFile, addr: number, len: number, position: number | null): number {
  const buf = new Uint8Array(Math.min(len, MAX_RW));
  const n = k.fds.read(of, buf, position);
  if (n > 0) k.writeBytes(addr, buf.subarray(0, n));
  return n;
}

/**
 * read(): an empty pipe whose writers are still open parks the thread while other threads could
 * write to it (woken when data comes or the last writer closes); alone, it answers EAGAIN as
 * before (nothing could ever fill it).
 */
function blockingRead(k: LinuxKernel, of: OpenFile, addr: number, len: number): number | StopReason {
  const n = doRead(k, of, addr, len, null);
  if (n !== -EAGAIN || of.kind !== 'pipe' || of.flags & O_NONBLOCK || k.tasks.size < 2) return n;
  const pipe = of.pipe!;
  return k.block({
    what: 'read of an empty pipe', nr: 63,
    ready: () => pipe.size > 0 || pipe.writers === 0,
    finish: (how) => (how === 'signal' ? -EINTR : doRead(k, of, addr, len, null)),
  });
}

/** A write to a pipe nobody reads raises SIGPIPE (fatal unless ignored), else fails with EPIPE. */
function doWrite(k: LinuxKernel, of: OpenFile, data: Uint8Array, position: number | null): number | StopReason {
  const n = k.fds.write(of, data, position);
  if (n === -EPIPE) return raiseSignal(k, SIGPIPE) ?? -EPIPE;
  return n;
}

function iovecs(k: LinuxKernel, addr: number, cnt: number): { base: number; len: number }[] {
  if (cnt < 0 || cnt > 1024) throw new HostError(EINVAL);
  const raw = k.readBytes(addr, cnt * 16);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = [];
  for (let i = 0; i < cnt; i++) {
    out.push({ base: Number(dv.getBigUint64(16 * i, true)), len: Number(dv.getBigUint64(16 * i + 8, true)) });
  }
  return out;
}

function readv(k: LinuxKernel, position: number | null): number {
  const of = k.fds.must(k.i(0));
  const cnt = k.i(2);
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  let total = 0;
  for (const v of iovecs(k, k.u(1), cnt)) {
    if (v.len === 0) continue;
    const n = doRead(k, of, v.base, v.len, position === null ? null : position + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < v.len) break;
  }
  return total;
}

function writev(k: LinuxKernel, position: number | null): number | StopReason {
  const of = k.fds.must(k.i(0));
  const cnt = k.i(2);
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  // Gathered into one host write so a line written in pieces (printf's writev) stays whole.
  const parts = iovecs(k, k.u(1), cnt).map((v) => k.readBytes(v.base, v.len));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  return doWrite(k, of, data, position);
}

function lseek(k: LinuxKernel): number {
  const of = k.fds.must(k.i(0));
  const off = k.l(1), whence = k.i(2);
  if (of.kind === 'stdio' || of.kind === 'pipe') return -ESPIPE;
  let base: number;
  if (whence === 0) base = 0;
  else if (whence === 1) base = of.pos;
  else if (whence === 2) base = of.kind === 'file' ? fileSize(k, of) : of.kind === 'buffer' ? of.data!.length : (of.entries?.length ?? 0);
  else return -EINVAL;
  if (base + off < 0) return -EINVAL;
  of.pos = base + off;
  return of.pos;
}

export function fileSize(k: LinuxKernel, of: OpenFile): number {
  if (of.file && k.host.fs.fstat) return k.host.fs.fstat(of.file).size;
  return k.host.fs.stat(of.hostPath ?? of.path, true).size;
}

function dupTo(k: LinuxKernel, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  const of = k.fds.must(oldfd);
  of.refs++;
  k.fds.installAt(newfd, of, !!(flags & O_CLOEXEC));
  return newfd;
}

function fcntl(k: LinuxKernel): number {
  const fd = k.i(0), cmd = k.i(1), arg = k.i(2);
  const of = k.fds.must(fd);
  switch (cmd) {
    case 0: case 1030: // F_DUPFD, F_DUPFD_CLOEXEC
      of.refs++;
      return k.fds.install(of, cmd === 1030, arg);
    case 1: return k.fds.cloexec(fd) ? 1 : 0;       // F_GETFD
    case 2: k.fds.setCloexec(fd, !!(arg & 1)); return 0; // F_SETFD
    case 3: return of.flags;                          // F_GETFL
    case 4: of.flags = (of.flags & O_ACCMODE) | (arg & (O_APPEND | O_NONBLOCK)); return 0; // F_SETFL
    case 5: case 6: case 7: return 0;                 // F_GETLK/F_SETLK/F_SETLKW: one process, no contention
    default: return -EINVAL;
  }
}

const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f,
  TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONBIO = 0x5421;

function ioctl(k: LinuxKernel): number {
  const fd = k.i(0), req = k.u(1) >>> 0, arg = k.u(2);
  const of = k.fds.must(fd);
  if (req === FIONBIO) {
    const on = k.mem.readU32(arg) !== 0;
    of.flags = on ? of.flags | O_NONBLOCK : of.flags & ~O_NONBLOCK;
    return 0;
  }
  const info = of.kind === 'stdio' && k.host.stdioInfo && !k.deterministic ? k.host.stdioInfo(of.stdioFd!) : undefined;
  if (!info?.isatty) return -ENOTTY;
  switch (req) {
    case TCGETS: {
      // A cooked terminal (ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO…).
      const t = new Uint8Array(36);
      const dv = new DataView(t.buffer);
      dv.setUint32(0, 0x500, true); dv.setUint32(4, 0x5, true); dv.setUint32(8, 0xbf, true); dv.setUint32(12, 0x8a3b, true);
      t.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0], 17);
      k.writeBytes(arg, t);
      return 0;
    }
    case TCSETS: case TCSETSW: case TCSETSF: case TIOCSWINSZ: return 0;
    case TIOCGPGRP: k.writeBytes(arg, u32le(k.pid)); return 0;
    case TIOCGWINSZ: {
      const w = new Uint8Array(8);
      const dv = new DataView(w.buffer);
      dv.setUint16(0, info.rows ?? 24, true); dv.setUint16(2, info.cols ?? 80, true);
      k.writeBytes(arg, w);
      return 0;
    }
    default: return -ENOTTY;
  }
}

function getdents64(k: LinuxKernel): number {
  const of = k.fds.must(k.i(0));
  const addr = k.u(1), len = k.u(2);
  if (of.kind !== 'dir') return -ENOTDIR;
  if (!of.entries) {
    const self = k.host.fs.stat(of.hostPath ?? of.path, true);
    const parent = k.host.fs.stat((of.hostPath ?? of.path) + '/..', true);
    const listed = k.host.fs.readdir(of.hostPath ?? of.path);
    // a host that knows where its getdents puts the dots lists them there; otherwise they go first
    of.entries = listed.some((e) => e.name === '.')
      ? listed.map((e) => (e.name === '.' ? { ...e, ino: self.ino } : e.name === '..' ? { ...e, ino: parent.ino } : e))
      : [{ name: '.', ino: self.ino, type: DT_DIR }, { name: '..', ino: parent.ino, type: DT_DIR }, ...listed];
  }
  const chunks: Uint8Array[] = [];
  let used = 0;
  while (of.pos < of.entries.length) {
    const e = of.entries[of.pos];
    const rec = encodeDirent64(e.ino, of.pos + 1, e.type, e.name);
    if (used + rec.length > len) break;
    chunks.push(rec);
    used += rec.length;
    of.pos++;
  }
  if (chunks.length === 0 && of.pos < of.entries.length) return -EINVAL;
  const out = new Uint8Array(used);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  k.writeBytes(addr, out);
  return used;
}

export const fileSyscalls: SyscallDef[] = [
  { nr: 63, name: 'read', args: 'dxd', fn: (k) => blockingRead(k, k.fds.must(k.i(0)), k.u(1), k.u(2)) },
  { nr: 64, name: 'write', args: 'dxd', fn: (k) => doWrite(k, k.fds.must(k.i(0)), k.readBytes(k.u(1), Math.min(k.u(2), MAX_RW)), null) },
  { nr: 65, name: 'readv', fn: (k) => readv(k, null) },
  { nr: 66, name: 'writev', args: 'dpx', fn: (k) => writev(k, null) },
  { nr: 67, name: 'pread64', fn: (k) => (k.l(3) < 0 ? -EINVAL : doRead(k, seekable(k), k.u(1), k.u(2), k.l(3))) },
  { nr: 68, name: 'pwrite64', fn: (k) => (k.l(3) < 0 ? -EINVAL : doWrite(k, seekable(k), k.readBytes(k.u(1), k.u(2)), k.l(3))) },
  { nr: 69, name: 'preadv', fn: (k) => (seekable(k), readv(k, k.l(3))) },
  { nr: 70, name: 'pwritev', fn: (k) => (seekable(k), writev(k, k.l(3))) },
  { nr: 57, name: 'close', args: 'd', fn: (k) => (k.fds.close(k.i(0)) ? 0 : -EBADF) },
  { nr: 62, name: 'lseek', args: 'dlW', fn: lseek },
  { nr: 23, name: 'dup', args: 'd', fn: (k) => { const of = k.fds.must(k.i(0)); of.refs++; return k.fds.install(of); } },
  { nr: 24, name: 'dup3', args: 'ddd', fn: (k) => dupTo(k, k.i(0), k.i(1), k.i(2)) },
  {
    nr: 59, name: 'pipe2', fn: (k) => {
      const flags = k.i(1);
      if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
      if (!k.mem.isMapped(k.u(0), 8)) return -EFAULT;
      const [r, w] = newPipe(flags);
      const rfd = k.fds.install(r, !!(flags & O_CLOEXEC));
      const wfd = k.fds.install(w, !!(flags & O_CLOEXEC));
      const out = new Uint8Array(8);
      out.set(u32le(rfd), 0); out.set(u32le(wfd), 4);
      k.writeBytes(k.u(0), out);
      return 0;
    },
  },
  { nr: 25, name: 'fcntl', args: 'dc', fn: fcntl },
  { nr: 29, name: 'ioctl', args: 'dIP', fn: ioctl },
  { nr: 61, name: 'getdents64', args: 'dpd', fn: getdents64 },
  { nr: 71, name: 'sendfile', fn: sendfile },
  { nr: 285, name: 'copy_file_range', args: 'dpdpuu', fn: copyFileRange },
  { nr: 436, name: 'close_range', args: 'uuu', fn: closeRange },
];

/**
 * Copies up to len bytes from `from` to `to` (sendfile, copy_file_range): positions null =
 * the descriptors' own offsets. Returns bytes copied, a negative errno when nothing was, or
 * the process's end (SIGPIPE).
 */
function copyBetween(k: LinuxKernel, from: OpenFile, fromPos: number | null, to: OpenFile, toPos: number | null, len: number): number | StopReason {
  let done = 0;
  const buf = new Uint8Array(Math.min(len, 1 << 16));
  while (done < len) {
    const n = k.fds.read(from, buf.subarray(0, Math.min(buf.length, len - done)), fromPos === null ? null : fromPos + done);
    if (n <= 0) return done || (n === -EAGAIN ? 0 : n);
    const w = doWrite(k, to, buf.slice(0, n), toPos === null ? null : toPos + done);
    if (typeof w !== 'number') return w;
    if (w < 0) return done || w;
    done += w;
    if (w < n) break;
  }
  return done;
}

/** Offset behind a loff_t pointer (NULL: the descriptor's own offset), and its update. */
function offsetArg(k: LinuxKernel, addr: number): number | null {
  if (!addr) return null;
  const v = Number(BigInt.asIntN(64, k.mem.readU64(addr)));
  if (v < 0) throw new HostError(EINVAL);
  return v;
}

function sendfile(k: LinuxKernel): number | StopReason {
  const out = k.fds.must(k.i(0)), inp = k.fds.must(k.i(1)), offAddr = k.u(2), count = Math.min(k.u(3), MAX_RW);
  if (inp.kind === 'pipe' || inp.kind === 'stdio' || inp.kind === 'dir') return -EINVAL; // needs a mappable source
  const pos = offsetArg(k, offAddr);
  const r = copyBetween(k, inp, pos, out, null, count);
  if (typeof r === 'number' && r > 0 && pos !== null) k.mem.writeU64(offAddr, BigInt(pos + r));
  return r;
}

function copyFileRange(k: LinuxKernel): number | StopReason {
  const inp = k.fds.must(k.i(0)), offIn = k.u(1), out = k.fds.must(k.i(2)), offOut = k.u(3);
  const len = Math.min(k.u(4), MAX_RW);
  if (k.i(5) !== 0) return -EINVAL;
  if (inp.kind !== 'file' || out.kind !== 'file') return -EINVAL;
  if ((out.flags & O_ACCMODE) === 0 || out.flags & O_APPEND) return -EBADF;
  const pin = offsetArg(k, offIn), pout = offsetArg(k, offOut);
  const r = copyBetween(k, inp, pin, out, pout, len);
  if (typeof r === 'number' && r > 0) {
    if (pin !== null) k.mem.writeU64(offIn, BigInt(pin + r));
    if (pout !== null) k.mem.writeU64(offOut, BigInt(pout + r));
  }
  return r;
}

const CLOSE_RANGE_CLOEXEC = 4;

function closeRange(k: LinuxKernel): number {
  const first = k.u(0) >>> 0, last = k.u(1) >>> 0, flags = k.i(2);
  if (flags & ~(2 | CLOSE_RANGE_CLOEXEC) || first > last) return -EINVAL; // 2: CLOSE_RANGE_UNSHARE (one process: nothing to unshare)
  for (const fd of k.fds.list()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) k.fds.setCloexec(fd, true); else k.fds.close(fd);
  }
  return 0;
}

/** pread/pwrite need a file with an offset: pipes and terminals give ESPIPE. */
function seekable(k: LinuxKernel): OpenFile {
  const of = k.fds.must(k.i(0));
  if (of.kind === 'stdio' || of.kind === 'pipe') throw new HostError(ESPIPE);
  return of;
}

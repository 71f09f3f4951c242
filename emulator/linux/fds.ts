// The guest's file descriptor table. Like Linux, descriptors point at shared open-file
// descriptions (dup'd fds share the offset and status flags) and carry their own close-on-exec
// bit. Kinds: the host's stdio, host files, directories (listed once at open for getdents64)
// in-memory pipes (pipe2: one process, so a pipe is just a byte queue) and read-only byte
// buffers (synthesized /proc/self files).

import { HostError, type HostFile, type HostServices } from '../host';
import { EAGAIN, EBADF, EISDIR, EMFILE, ENOTDIR, EPIPE } from './errno';

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200,
  O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000,
  O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000;
export const AT_FDCWD = -100;
const MAX_FDS = 1024;

export class Pipe {
  private chunks: Uint8Array[] = [];
  readers = 1;
  writers = 1;
  get size(): number { return this.chunks.reduce((n, c) => n + c.length, 0); }
  push(data: Uint8Array): void { this.chunks.push(data.slice()); }
  /** Takes up to buf.length queued bytes into buf. */
  take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.chunks.length) {
      const c = this.chunks[0];
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
    }
    return n;
  }
}

export interface DirEntry { name: string; ino: number; type: number }

export interface OpenFile {
  kind: 'stdio' | 'file' | 'dir' | 'pipe' | 'buffer';
  /** Guest path (for fstatat-relative lookups, /proc/self/fd and strace). */
  path: string;
  /** open(2) flags: access mode and status flags (F_GETFL). */
  flags: number;
  pos: number;
  refs: number;
  stdioFd?: 0 | 1 | 2;
  file?: HostFile;
  /** Host path actually opened (differs from `path` under a sysroot). */
  hostPath?: string;
  entries?: DirEntry[];
  pipe?: Pipe;
  /** Which end of the pipe; 'rw' is an eventfd (both ends in one descriptor, epoll.ts). */
  pipeEnd?: 'r' | 'w' | 'rw';
  /** An epoll instance's interest list (a 'buffer' file reading as empty; epoll.ts). */
  epoll?: Map<number, { events: number; data: bigint }>;
  /** Contents of a 'buffer' file. */
  data?: Uint8Array;
}

interface Slot { of: OpenFile; cloexec: boolean }

/** What file I/O tells the shared file mappings, so they stay coherent with read() and write() (sharedmaps.ts). */
export interface FileIoObserver {
  beforeRead(of: OpenFile): void;
  afterWrite(of: OpenFile, position: number, data: Uint8Array): void;
}

export class FdTable {
  private readonly slots = new Map<number, Slot>();
  observer?: FileIoObserver;

  constructor(private readonly host: HostServices) {
    const std = (fd: 0 | 1 | 2, flags: number): OpenFile =>
      ({ kind: 'stdio', path: `/dev/fd/${fd}`, flags, pos: 0, refs: 1, stdioFd: fd });
    this.slots.set(0, { of: std(0, O_RDONLY), cloexec: false });
    this.slots.set(1, { of: std(1, O_WRONLY), cloexec: false });
    this.slots.set(2, { of: std(2, O_WRONLY), cloexec: false });
  }

  get(fd: number): OpenFile | undefined { return this.slots.get(fd)?.of; }

  /** The open file or a thrown EBADF (handlers let dispatch turn it into -EBADF). */
  must(fd: number): OpenFile {
    const of = this.slots.get(fd)?.of;
    if (!of) throw new HostError(EBADF);
    return of;
  }

  cloexec(fd: number): boolean { return !!this.slots.get(fd)?.cloexec; }
  setCloexec(fd: number, on: boolean): void { const s = this.slots.get(fd); if (s) s.cloexec = on; }

  /** Installs at the lowest free descriptor >= minFd. */
  install(of: OpenFile, cloexec = false, minFd = 0): number {
    for (let fd = minFd; fd < MAX_FDS; fd++) {
      if (!this.slots.has(fd)) { this.slots.set(fd, { of, cloexec }); return fd; }
    }
    throw new HostError(EMFILE);
  }

  /** dup2/dup3: makes `fd` refer to `of`, closing what it referred to. */
  installAt(fd: number, of: OpenFile, cloexec: boolean): void {
    if (fd < 0 || fd >= MAX_FDS) throw new HostError(EBADF);
    if (this.slots.has(fd)) this.close(fd);
    this.slots.set(fd, { of, cloexec });
  }

  close(fd: number): boolean {
    const s = this.slots.get(fd);
    if (!s) return false;
    this.slots.delete(fd);
    if (--s.of.refs === 0) release(s.of);
    return true;
  }

  /** Directory a *at() call is relative to. */
  dirPath(dirfd: number, cwd: string): string {
    if (dirfd === AT_FDCWD) return cwd;
    const of = this.must(dirfd);
    if (of.kind !== 'dir') throw new HostError(ENOTDIR);
    return of.path;
  }

  /** Descriptors in use (for /proc/self/fd and tests). */
  list(): number[] { return [...this.slots.keys()].sort((a, b) => a - b); }

  // ---- I/O: results are byte counts or negative errno values -----------------------------

  read(of: OpenFile, buf: Uint8Array, position: number | null): number {
    if ((of.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
    switch (of.kind) {
      case 'stdio': return of.stdioFd === 0 ? this.host.stdin(buf) : -EBADF;
      case 'dir': return -EISDIR;
      case 'pipe': {
        if (of.pipeEnd === 'w') return -EBADF;
        const n = of.pipe!.take(buf);
        // Nothing queued but a writer exists: a single-threaded guest would block forever.
        if (n === 0 && buf.length > 0 && of.pipe!.writers > 0) return -EAGAIN;
        return n;
      }
      case 'file': {
        this.observer?.beforeRead(of);
        const n = of.file!.read(buf, position ?? of.pos);
        if (position === null) of.pos += n;
        return n;
      }
      case 'buffer': {
        const from = position ?? of.pos;
        const chunk = of.data!.subarray(Math.min(from, of.data!.length), Math.min(from + buf.length, of.data!.length));
        buf.set(chunk);
        if (position === null) of.pos += chunk.length;
        return chunk.length;
      }
    }
  }

  write(of: OpenFile, data: Uint8Array, position: number | null): number {
    if ((of.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
    switch (of.kind) {
      case 'stdio':
        try {
          if (of.stdioFd === 1) this.host.stdout(data); else if (of.stdioFd === 2) this.host.stderr(data); else return -EBADF;
        } catch (e) {
          // EPIPE (reader gone) comes back as a result so write() can raise SIGPIPE.
          if (e instanceof HostError) return -e.errno;
          throw e;
        }
        return data.length;
      case 'dir': return -EISDIR;
      case 'buffer': return -EBADF;
      case 'pipe':
        if (of.pipeEnd === 'r') return -EBADF;
        if (of.pipe!.readers === 0) return -EPIPE;
        of.pipe!.push(data);
        return data.length;
      case 'file': {
        if (position === null && of.flags & O_APPEND) {
          // The host file is opened with O_APPEND too: a null position appends there.
          const n = of.file!.write(data, null);
          of.pos = this.host.fs.fstat ? this.host.fs.fstat(of.file!).size : of.pos + n;
          if (n > 0) this.observer?.afterWrite(of, of.pos - n, data.subarray(0, n));
          return n;
        }
        const at = position ?? of.pos;
        const n = of.file!.write(data, at);
        if (position === null) of.pos += n;
        if (n > 0) this.observer?.afterWrite(of, at, data.subarray(0, n));
        return n;
      }
    }
  }
}

/** Lets go of a reference held outside the table (a shared file mapping): the last one closes the file. */
export function dropRef(of: OpenFile): void {
  if (--of.refs === 0) release(of);
}

function release(of: OpenFile): void {
  if (of.kind === 'file') of.file!.close();
  else if (of.kind === 'pipe') {
    if (of.pipeEnd !== 'w') of.pipe!.readers--;
    if (of.pipeEnd !== 'r') of.pipe!.writers--;
  }
}

export function newPipe(flags: number): [OpenFile, OpenFile] {
  const pipe = new Pipe();
  const st = flags & O_NONBLOCK;
  return [
    { kind: 'pipe', path: 'pipe:', flags: O_RDONLY | st, pos: 0, refs: 1, pipe, pipeEnd: 'r' },
    { kind: 'pipe', path: 'pipe:', flags: O_WRONLY | st, pos: 0, refs: 1, pipe, pipeEnd: 'w' },
  ];
}

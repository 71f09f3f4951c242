// HostServices on Node: guest files through node:fs (sync calls — syscalls are synchronous),
// real clocks and crypto randomness, stdio on the process's own fds unless the caller captures
// them, and the host's CPU mask (cpus.ts). emulator/node/ is the only part of emulator/ that
// touches node:fs. `confineRoot` limits guest file access to one folder (plus read-only
// `readRoots`, e.g. the sysroot): anything else is EACCES.
// The loader's readFile (program, interpreter) is not confined: the user picked those files.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomFillSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { isatty } from 'node:tty';
import { constants as osConstants } from 'node:os';
import { HostError, type HostFile, type HostFs, type HostServices, type HostStat, type HostStatfs } from '../host';
import { DT_BLK, DT_CHR, DT_DIR, DT_FIFO, DT_LNK, DT_REG, DT_SOCK, DT_UNKNOWN, NS, fifoStat } from '../linux/abi';
import { DETERMINISTIC_EPOCH_NS } from '../linux/kernel';
import { hostCpuAffinity, type CpuAffinity } from './cpus';

export interface NodeHostOptions {
  /** Guest file access is confined to this folder (EACCES outside). */
  confineRoot?: string;
  /** Extra folders the guest may read (not write) when confined, e.g. the sysroot. */
  readRoots?: string[];
  /** Fixed clocks and random bytes (the Linux layer has its own deterministic mode too). */
  deterministic?: boolean;
  /** Capture guest output / diagnostics; defaults write to fds 1 and 2. */
  stdout?: (data: Uint8Array) => void;
  stderr?: (data: Uint8Array) => void;
  log?: (line: string) => void;
  /** Guest stdin; default reads fd 0 (EOF when unreadable). */
  stdin?: (buf: Uint8Array) => number;
  /** Working directory the guest starts in (default process.cwd()). */
  cwd?: string;
}

const ERRNO = osConstants.errno as Record<string, number>;

/** Runs a node:fs call, converting its error into HostError with the Linux errno. */
function sys<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && ERRNO[err.code] !== undefined) throw new HostError(ERRNO[err.code], err.message);
    if (err && typeof err.errno === 'number') throw new HostError(Math.abs(err.errno), err.message);
    throw e;
  }
}

// Linux open(2) flag bits (what the guest passes) → this host's fs.constants.
const OPEN_FLAG_MAP: [number, keyof typeof fs.constants][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o4010000, 'O_SYNC'],
];

function hostOpenFlags(linux: number): number {
  const acc = linux & 3;
  let f = acc === 1 ? fs.constants.O_WRONLY : acc === 2 ? fs.constants.O_RDWR : fs.constants.O_RDONLY;
  for (const [bit, name] of OPEN_FLAG_MAP) if ((linux & bit) === bit && fs.constants[name] !== undefined) f |= fs.constants[name] as number;
  return f;
}

function toHostStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
  };
}

/** node:fs takes times as (double) seconds: sub-microsecond digits of recent dates are lost. */
const seconds = (ns: bigint): number => Number(ns / NS) + Number(ns % NS) / 1e9;

function toHostStatfs(s: fs.BigIntStatsFs): HostStatfs {
  return {
    type: Number(s.type), bsize: Number(s.bsize), blocks: Number(s.blocks), bfree: Number(s.bfree),
    bavail: Number(s.bavail), files: Number(s.files), ffree: Number(s.ffree),
  };
}

class NodeFile implements HostFile {
  constructor(readonly fd: number) {}
  read(buf: Uint8Array, position: number | null): number { return sys(() => fs.readSync(this.fd, buf, 0, buf.length, position)); }
  write(buf: Uint8Array, position: number | null): number { return sys(() => fs.writeSync(this.fd, buf, 0, buf.length, position)); }
  close(): void { sys(() => fs.closeSync(this.fd)); }
}

/** The host fd behind a HostFile this host opened (chmod/truncate/utimes on a descriptor). */
function fdOf(file: HostFile): number {
  if (!(file instanceof NodeFile)) throw new HostError(9);
  return file.fd;
}

/**
 * Directory entries in the host's getdents order (what qemu-riscv64 passes through), not
 * readdirSync's sorted order: the guest's libc then does the same work it does under QEMU.
 */
function listDir(p: string): fs.Dirent[] {
  const dir = sys(() => fs.opendirSync(p));
  const out: fs.Dirent[] = [];
  try {
    for (let d = sys(() => dir.readSync()); d; d = sys(() => dir.readSync())) out.push(d);
  } finally { dir.closeSync(); }
  return out;
}

/**
 * Where the host's getdents puts "." and ".." among the other entries (libuv drops both). On
 * ext4 even a one-block directory is listed in seeded-hash order, so the dots can come anywhere,
 * and glibc's readdir loop runs differently unless they sit where QEMU passes them through.
 * `ls -f` lists in getdents order; null when it is unavailable (then the dots go first).
 */
function dotIndices(p: string): { dot: number; dotdot: number } | null {
  try {
    const names = execFileSync('ls', ['-f', '-a', '--zero', '--', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\0');
    const dot = names.indexOf('.'), dotdot = names.indexOf('..');
    return dot < 0 || dotdot < 0 ? null : { dot, dotdot };
  } catch { return null; }
}

/** Path confinement: realpath of the path (or of its nearest existing parent) must lie inside a root. */
class Confinement {
  private readonly write: string[];
  private readonly read: string[];
  constructor(root: string, readRoots: string[]) {
    const real = (p: string): string => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
    this.write = [real(root)];
    this.read = [...this.write, ...readRoots.map(real)];
  }
  check(p: string, forWrite: boolean): string {
    let probe = path.resolve(p);
    let suffix = '';
    // Resolve symlinks in the existing part so a link cannot lead outside the root.
    for (;;) {
      try { probe = fs.realpathSync(probe) + suffix; break; } catch {
        const parent = path.dirname(probe);
        if (parent === probe) break;
        suffix = '/' + path.basename(probe) + suffix;
        probe = parent;
      }
    }
    const roots = forWrite ? this.write : this.read;
    if (!roots.some((r) => probe === r || probe.startsWith(r.endsWith('/') ? r : r + '/'))) throw new HostError(13, `${p}: outside the confined folder`);
    return p;
  }
}

function nodeFs(confine?: Confinement): HostFs {
  const r = (p: string): string => (confine ? confine.check(p, false) : p);
  const w = (p: string): string => (confine ? confine.check(p, true) : p);
  return {
    open: (p, flags, mode) => {
      const writes = (flags & 3) !== 0 || (flags & (0o100 | 0o1000)) !== 0;
      const hp = writes ? w(p) : r(p);
      return new NodeFile(sys(() => fs.openSync(hp, hostOpenFlags(flags), mode)));
    },
    stat: (p, follow) => toHostStat(sys(() => (follow ? fs.statSync(r(p), { bigint: true }) : fs.lstatSync(r(p), { bigint: true })))),
    fstat: (file) => toHostStat(sys(() => fs.fstatSync(fdOf(file), { bigint: true }))),
    readdir: (p) => {
      const hp = r(p);
      const out = listDir(hp).map((d) => {
        let ino = 0;
        try { ino = Number(fs.lstatSync(path.join(p, d.name), { bigint: true }).ino); } catch { /* raced away: ino 0 */ }
        const type = d.isDirectory() ? DT_DIR : d.isFile() ? DT_REG : d.isSymbolicLink() ? DT_LNK : d.isFIFO() ? DT_FIFO
          : d.isCharacterDevice() ? DT_CHR : d.isBlockDevice() ? DT_BLK : d.isSocket() ? DT_SOCK : DT_UNKNOWN;
        return { name: d.name, ino, type };
      });
      const at = dotIndices(hp);
      if (!at) return out;
      const dot = { name: '.', ino: 0, type: DT_DIR }, dotdot = { name: '..', ino: 0, type: DT_DIR }; // getdents64 fills ino
      // insert the earlier one first so the later index counts it
      for (const [i, e] of (at.dot < at.dotdot ? [[at.dot, dot], [at.dotdot, dotdot]] : [[at.dotdot, dotdot], [at.dot, dot]]) as [number, typeof dot][]) {
        out.splice(Math.min(i, out.length), 0, e);
      }
      return out;
    },
    readlink: (p) => sys(() => fs.readlinkSync(r(p))),
    unlink: (p) => sys(() => fs.unlinkSync(w(p))),
    rmdir: (p) => sys(() => fs.rmdirSync(w(p))),
    mkdir: (p, mode) => sys(() => fs.mkdirSync(w(p), { mode })),
    rename: (from, to) => sys(() => fs.renameSync(w(from), w(to))),
    access: (p, mode) => sys(() => fs.accessSync(r(p), mode)),
    truncate: (p, len) => sys(() => fs.truncateSync(w(p), len)),
    ftruncate: (file, len) => sys(() => fs.ftruncateSync(fdOf(file), len)),
    chmod: (p, mode) => sys(() => fs.chmodSync(w(p), mode)),
    fchmod: (file, mode) => sys(() => fs.fchmodSync(fdOf(file), mode)),
    chown: (p, uid, gid, follow) => sys(() => (follow ? fs.chownSync : fs.lchownSync)(w(p), uid, gid)),
    fchown: (file, uid, gid) => sys(() => fs.fchownSync(fdOf(file), uid, gid)),
    utimes: (p, a, m, follow) => sys(() => (follow ? fs.utimesSync : fs.lutimesSync)(w(p), seconds(a), seconds(m))),
    futimes: (file, a, m) => sys(() => fs.futimesSync(fdOf(file), seconds(a), seconds(m))),
    statfs: (p) => toHostStatfs(sys(() => fs.statfsSync(r(p), { bigint: true }))),
    // The target is only text; where it leads is checked whenever it is followed.
    symlink: (target, p) => sys(() => fs.symlinkSync(target, w(p))),
    link: (existing, p) => sys(() => fs.linkSync(w(existing), w(p))),
    // Not confined: only the loader reads whole files (the program and interpreter the *user*
    // chose); no syscall reaches readFile, so the guest cannot use it to escape.
    readFile: (p) => new Uint8Array(sys(() => fs.readFileSync(p))),
  };
}

/** Writes all of data to a host fd (stdio may be non-blocking: EAGAIN retries). */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try { off += fs.writeSync(fd, data, off, data.length - off); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

export function createNodeHost(opts: NodeHostOptions = {}): HostServices {
  const confine = opts.confineRoot ? new Confinement(opts.confineRoot, opts.readRoots ?? []) : undefined;
  let seed = 0x2545f4914f6cdd1dn;
  const captured = [!!opts.stdin, !!opts.stdout, !!opts.stderr];
  let affinity: CpuAffinity | undefined;
  return {
    fs: nodeFs(confine),
    // Guest output failures become HostError, so a closed pipe reaches the guest as EPIPE (and
    // SIGPIPE) instead of escaping from the emulator as a node exception.
    stdout: opts.stdout ?? ((d) => sys(() => writeAll(1, d))),
    stderr: opts.stderr ?? ((d) => sys(() => writeAll(2, d))),
    stdin: opts.stdin ?? ((buf) => { try { return fs.readSync(0, buf, 0, buf.length, null); } catch { return 0; } }),
    realtimeNs: () => (opts.deterministic ? DETERMINISTIC_EPOCH_NS : BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))),
    monotonicNs: () => (opts.deterministic ? NS : process.hrtime.bigint()),
    randomBytes: (buf) => {
      if (!opts.deterministic) { randomFillSync(buf); return; }
      for (let i = 0; i < buf.length; i++) { // xorshift64: fixed bytes for reproducible runs
        seed ^= (seed << 13n) & 0xffffffffffffffffn; seed ^= seed >> 7n; seed ^= (seed << 17n) & 0xffffffffffffffffn;
        buf[i] = Number(seed & 0xffn);
      }
    },
    log: opts.log ?? ((line) => writeAll(2, new TextEncoder().encode(line.endsWith('\n') ? line : line + '\n'))),
    stdioInfo: (fd) => {
      // Captured streams look like pipes to the guest, as they would under a test harness.
      if (captured[fd] || opts.deterministic) return { stat: fifoStat(fd + 1), isatty: false };
      const tty = isatty(fd);
      const size = tty && fd === 1 && process.stdout.isTTY ? process.stdout.getWindowSize() : undefined;
      return { stat: toHostStat(fs.fstatSync(fd, { bigint: true })), isatty: tty, cols: size?.[0], rows: size?.[1] };
    },
    cpuAffinity: () => (affinity ??= hostCpuAffinity() ?? { maskBytes: 8, cpus: [0] }),
    pid: () => process.pid,
    cwd: () => opts.cwd ?? process.cwd(),
  };
}

/** A writer of host files relative to `dir`, for plugins that produce one (drcov's coverage file). */
export function hostFileWriter(dir: string): (name: string, data: Uint8Array) => void {
  return (name, data) => fs.writeFileSync(path.resolve(dir, name), data);
}

/** Largest file an assembly source may `.include`. */
export const MAX_INCLUDE_BYTES = 16 << 20;

/**
 * Reads the files an assembly source `.include`s (emulator/asm), relative to the source's
 * folder: undefined when missing; an Error saying why for anything but a regular file up to
 * MAX_INCLUDE_BYTES (`.include "/dev/zero"` would read forever).
 */
export function fileIncludeReader(dir: string): (name: string) => string | undefined {
  return (name) => {
    const file = path.resolve(dir, name);
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { return undefined; }
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_INCLUDE_BYTES) throw new Error(`larger than ${MAX_INCLUDE_BYTES >> 20} MiB`);
    try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
  };
}

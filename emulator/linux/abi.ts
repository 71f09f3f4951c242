// Byte layouts of the kernel structures RV64 Linux exchanges with user space
// (include/uapi/asm-generic/stat.h, linux/stat.h, linux/time_types.h, linux/utsname.h,
// linux/dirent.h). Encoders return bytes; the caller copies them into guest memory.

import type { HostStat, HostStatfs } from '../host';

export const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFCHR = 0o020000,
  S_IFIFO = 0o010000, S_IFLNK = 0o120000;
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

class Writer {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(size: number) { this.bytes = new Uint8Array(size); this.dv = new DataView(this.bytes.buffer); }
  u16(off: number, v: number): this { this.dv.setUint16(off, v, true); return this; }
  u32(off: number, v: number): this { this.dv.setUint32(off, v >>> 0, true); return this; }
  i64(off: number, v: number | bigint): this { this.dv.setBigInt64(off, BigInt(v), true); return this; }
  str(off: number, s: string, max: number): this {
    this.bytes.set(new TextEncoder().encode(s).subarray(0, max - 1), off);
    return this;
  }
}

/** Nanoseconds per second (timespec / timeval split). */
export const NS = 1000000000n;

/** struct stat (asm-generic, 128 bytes). */
export function encodeStat(st: HostStat): Uint8Array {
  const w = new Writer(128);
  w.i64(0, st.dev).i64(8, st.ino).u32(16, st.mode).u32(20, st.nlink).u32(24, st.uid).u32(28, st.gid)
    .i64(32, st.rdev).i64(48, st.size).u32(56, st.blksize).i64(64, st.blocks);
  w.i64(72, st.atimeNs / NS).i64(80, st.atimeNs % NS);
  w.i64(88, st.mtimeNs / NS).i64(96, st.mtimeNs % NS);
  w.i64(104, st.ctimeNs / NS).i64(112, st.ctimeNs % NS);
  return w.bytes;
}

export const STATX_BASIC_STATS = 0x7ff;

/** struct statx (256 bytes). Linux's dev_t → major/minor split (new_decode_dev). */
export function encodeStatx(st: HostStat): Uint8Array {
  const w = new Writer(256);
  const major = (d: number): number => ((d >>> 8) & 0xfff) | (Math.floor(d / 2 ** 32) & ~0xfff);
  const minor = (d: number): number => (d & 0xff) | ((Math.floor(d / 4096)) & ~0xff & 0xfffff);
  w.u32(0, STATX_BASIC_STATS).u32(4, st.blksize).u32(16, st.nlink).u32(20, st.uid).u32(24, st.gid)
    .u16(28, st.mode).i64(32, st.ino).i64(40, st.size).i64(48, st.blocks);
  const ts = (off: number, ns: bigint): void => { w.i64(off, ns / NS).u32(off + 8, Number(ns % NS)); };
  ts(64, st.atimeNs); ts(80, st.ctimeNs); ts(96, st.ctimeNs); ts(112, st.mtimeNs);
  w.u32(128, major(st.rdev)).u32(132, minor(st.rdev)).u32(136, major(st.dev)).u32(140, minor(st.dev));
  return w.bytes;
}

/** struct statfs (asm-generic, 64-bit words: 120 bytes); f_fsid is left zero. */
export function encodeStatfs(s: HostStatfs): Uint8Array {
  const w = new Writer(120);
  w.i64(0, s.type).i64(8, s.bsize).i64(16, s.blocks).i64(24, s.bfree).i64(32, s.bavail).i64(40, s.files)
    .i64(48, s.ffree).i64(64, s.namelen ?? 255).i64(72, s.frsize ?? s.bsize).i64(80, s.flags ?? 0);
  return w.bytes;
}

/** struct timespec / __kernel_timespec (16 bytes). */
export function encodeTimespec(ns: bigint): Uint8Array {
  return new Writer(16).i64(0, ns / NS).i64(8, ns % NS).bytes;
}

/** struct timeval (16 bytes). */
export function encodeTimeval(ns: bigint): Uint8Array {
  return new Writer(16).i64(0, ns / NS).i64(8, (ns % NS) / 1000n).bytes;
}

export function decodeTimespec(b: Uint8Array): { sec: bigint; nsec: bigint } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { sec: dv.getBigInt64(0, true), nsec: dv.getBigInt64(8, true) };
}

export interface Utsname { sysname: string; nodename: string; release: string; version: string; machine: string; domainname: string }

/** struct new_utsname: six 65-byte NUL-terminated fields. */
export function encodeUtsname(u: Utsname): Uint8Array {
  const w = new Writer(6 * 65);
  [u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname].forEach((s, i) => w.str(i * 65, s, 65));
  return w.bytes;
}

/** One struct linux_dirent64 record (8-byte aligned), with d_off = offset of the next record. */
export function encodeDirent64(ino: number, nextOff: number, type: number, name: string): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const reclen = (19 + nameBytes.length + 1 + 7) & ~7;
  const w = new Writer(reclen);
  w.i64(0, ino).i64(8, nextOff).u16(16, reclen);
  w.bytes[18] = type;
  w.bytes.set(nameBytes, 19);
  return w.bytes;
}

export function u64le(v: number | bigint): Uint8Array { return new Writer(8).i64(0, BigInt.asIntN(64, BigInt(v))).bytes; }
export function u32le(v: number): Uint8Array { return new Writer(4).u32(0, v).bytes; }

/** Synthesized stat of a pipe or captured stdio (what qemu-riscv64 shows when stdout is a pipe). */
export function fifoStat(ino: number): HostStat {
  return {
    dev: 12, ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096,
    blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
  };
}

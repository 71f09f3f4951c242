// Address-space syscalls: brk, mmap (anonymous and file mappings, MAP_FIXED,
// MAP_FIXED_NOREPLACE; shared file mappings are written back, see sharedmaps.ts), munmap, msync,
// mprotect, mremap, madvise and riscv_flush_icache. Whenever
// mapped bytes or exec rights change under existing translations the Machine is told
// (invalidateRange), so no stale TB survives an unmap, a remap or a W^X flip; file-backed
// mappings are recorded in k.fileMaps (which libraries are mapped where).

import { ADDR_LIMIT } from '../../memory/memory';
import { PAGE_SIZE } from '../../memory/types';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, EIO, ENODEV, ENOMEM } from '../errno';
import { O_ACCMODE, O_RDWR, O_WRONLY } from '../fds';
import type { LinuxKernel } from '../kernel';
import { rangeFree as isRangeFree } from '../layout';
import type { SyscallDef } from './types';

const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const MADV_DONTNEED = 4;
const PROT_WRITE = 2;
const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

export const pageAlign = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const aligned = (n: number): boolean => n % PAGE_SIZE === 0;

const rangeFree = (k: LinuxKernel, addr: number, len: number): boolean => isRangeFree(k.mem, addr, len);

function brk(k: LinuxKernel): number {
  const want = k.u(0);
  if (want < k.brkStart) return k.brkCur;
  const oldTop = pageAlign(k.brkCur), newTop = pageAlign(want);
  if (newTop > oldTop) {
    // Like Linux, refuse to grow into another mapping; the old break stays.
    if (!rangeFree(k, oldTop, newTop - oldTop)) return k.brkCur;
    k.mem.map(oldTop, newTop - oldTop, 3);
  } else if (newTop < oldTop) {
    k.mem.unmap(newTop, oldTop - newTop);
    k.machine.invalidateRange(newTop, oldTop - newTop);
  }
  k.brkCur = want;
  return want;
}

/** A free range for a mapping without MAP_FIXED: the hint if it is free, else QEMU's cursor (layout.ts). */
function chooseAddress(k: LinuxKernel, hint: number, len: number): number {
  return k.mmapCursor.place(k.mem, len, aligned(hint) ? hint : hint - (hint % PAGE_SIZE));
}

function mmap(k: LinuxKernel): number {
  const addr = k.u(0), len = k.u(1), prot = k.i(2), flags = k.i(3), fd = k.i(4), off = k.l(5);
  if (len === 0 || off < 0 || !aligned(off)) return -EINVAL;
  if (!(flags & (MAP_SHARED | MAP_PRIVATE))) return -EINVAL;
  const size = pageAlign(len);
  let data: Uint8Array | undefined;
  let got = 0;
  if (!(flags & MAP_ANONYMOUS)) {
    const of = k.fds.get(fd);
    if (!of) return -EBADF;
    if (of.kind !== 'file') return -ENODEV;
    const mode = of.flags & O_ACCMODE;
    if (mode === O_WRONLY || (flags & MAP_SHARED && prot & PROT_WRITE && mode !== O_RDWR)) return -EACCES;
    // A copy of the file bytes (after what shared mappings of it changed reaches the file); a
    // shared mapping's changes are written back later (sharedmaps.ts).
    k.sharedMaps.syncFile(k.mem, of);
    data = new Uint8Array(size);
    while (got < len) {
      const n = of.file!.read(data.subarray(got, len), off + got);
      if (n <= 0) break;
      got += n;
    }
  }
  let at: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!aligned(addr)) return -EINVAL;
    if (addr + size > ADDR_LIMIT) return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE && !rangeFree(k, addr, size)) return -EEXIST;
    at = addr;
  } else {
    at = chooseAddress(k, addr, size);
    if (at < 0) return -ENOMEM;
  }
  // What this mapping replaces (MAP_FIXED) is unmapped first, shared file bytes written back.
  k.sharedMaps.remove(k.mem, at, size);
  k.mem.map(at, size, prot & 7);
  if (data) k.mem.write(at, data, true);
  k.machine.invalidateRange(at, size);
  const of = data && k.fds.get(fd);
  if (of && flags & MAP_SHARED && (of.flags & O_ACCMODE) === O_RDWR) k.sharedMaps.add(k.mem, at, at + size, of, off, data!.slice(0, got));
  if (of) k.fileMaps.add({ path: of.path, hostPath: of.hostPath, start: at, end: at + size, prot: prot & 7 });
  else k.fileMaps.remove(at, size);
  return at;
}

function munmap(k: LinuxKernel): number {
  const addr = k.u(0), len = k.u(1);
  if (!aligned(addr) || len === 0) return -EINVAL;
  k.sharedMaps.remove(k.mem, addr, pageAlign(len));
  k.mem.unmap(addr, pageAlign(len));
  k.machine.invalidateRange(addr, pageAlign(len));
  k.fileMaps.remove(addr, pageAlign(len));
  return 0;
}

/** msync: writes back the shared file mappings in the range (MS_ASYNC too: there is no later). */
function msync(k: LinuxKernel): number {
  const addr = k.u(0), len = pageAlign(k.u(1)), flags = k.i(2);
  if (!aligned(addr) || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) return -EINVAL;
  if (len && !k.mem.isMapped(addr, len)) return -ENOMEM;
  return k.sharedMaps.sync(k.mem, addr, len) ? 0 : -EIO;
}

function mprotect(k: LinuxKernel): number {
  const addr = k.u(0), len = pageAlign(k.u(1)), prot = k.i(2);
  if (!aligned(addr) || prot & ~7) return -EINVAL;
  if (len === 0) return 0;
  if (!k.mem.protect(addr, len, prot)) return -ENOMEM;
  k.machine.invalidateRange(addr, len);
  return 0;
}

/** Protection of the mapped page holding addr (regions() is the only prot query in GuestMemory). */
function protAt(k: LinuxKernel, addr: number): number {
  const r = k.mem.regions().find((g) => addr >= g.start && addr < g.end);
  return r ? r.prot : -1;
}

function mremap(k: LinuxKernel): number {
  const old = k.u(0), oldLen = pageAlign(k.u(1)), newLen = pageAlign(k.u(2)), flags = k.i(3), newAddr = k.u(4);
  if (!aligned(old) || newLen === 0 || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -EINVAL;
  if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (!k.mem.isMapped(old, Math.max(oldLen, PAGE_SIZE))) return -EFAULT;
  const prot = protAt(k, old);
  // QEMU's target_mremap moves a MREMAP_MAYMOVE mapping to a new range at the mmap cursor
  // whether or not it could stay (even to shrink it); without it, it resizes in place.
  if (!(flags & (MREMAP_FIXED | MREMAP_MAYMOVE))) {
    if (newLen < oldLen) { k.sharedMaps.remove(k.mem, old + newLen, oldLen - newLen); k.mem.unmap(old + newLen, oldLen - newLen); k.machine.invalidateRange(old + newLen, oldLen - newLen); k.fileMaps.remove(old + newLen, oldLen - newLen); }
    if (newLen <= oldLen) return old;
    if (!rangeFree(k, old + oldLen, newLen - oldLen)) return -ENOMEM;
    k.mem.map(old + oldLen, newLen - oldLen, prot);
    return old;
  }
  const to = flags & MREMAP_FIXED ? newAddr : chooseAddress(k, 0, newLen);
  if (to < 0) return -ENOMEM;
  if (!aligned(to)) return -EINVAL;
  const bytes = k.mem.read(old, Math.min(oldLen, newLen), true);
  // A moved mapping is anonymous memory from here on (its bytes were copied); a shared file
  // mapping is written back first, and later stores to the moved copy are not.
  k.sharedMaps.remove(k.mem, old, oldLen);
  k.mem.unmap(old, oldLen);
  k.fileMaps.remove(old, oldLen);
  k.fileMaps.remove(to, newLen);
  k.mem.map(to, newLen, prot);
  k.mem.write(to, bytes, true);
  k.machine.invalidateRange(old, oldLen);
  k.machine.invalidateRange(to, newLen);
  return to;
}

function madvise(k: LinuxKernel): number {
  const addr = k.u(0), len = pageAlign(k.u(1)), advice = k.i(2);
  if (!aligned(addr)) return -EINVAL;
  if (!k.mem.isMapped(addr, len)) return -ENOMEM;
  // MADV_DONTNEED on private memory: the next touch sees zero-filled pages.
  if (advice === MADV_DONTNEED && len > 0) k.mem.write(addr, new Uint8Array(len), true);
  return 0;
}

export const memorySyscalls: SyscallDef[] = [
  { nr: 214, name: 'brk', args: 'P', ret: 'addr', fn: brk },
  { nr: 222, name: 'mmap', args: 'PuRmdx', ret: 'addr', fn: mmap },
  { nr: 215, name: 'munmap', args: 'Pu', fn: munmap },
  { nr: 226, name: 'mprotect', args: 'PuR', fn: mprotect },
  { nr: 216, name: 'mremap', fn: mremap },
  { nr: 233, name: 'madvise', args: 'PuV', fn: madvise },
  { nr: 227, name: 'msync', fn: msync },
  { nr: 228, name: 'mlock', fn: () => 0 },
  { nr: 229, name: 'munlock', fn: () => 0 },
  {
    nr: 259, name: 'riscv_flush_icache', fn: (k) => {
      const start = k.u(0), end = k.u(1);
      if (k.u(2) & ~1) return -EINVAL;
      // Linux flushes the whole icache whatever the range says; a range lets us flush less.
      if (end > start) k.machine.invalidateRange(start, end - start); else k.machine.flush();
      return 0;
    },
  },
];

// MAP_SHARED file mappings. Linux keeps one copy of a file's pages (the page cache) that the
// mappings and read()/write() share; here a mapping is a copy in guest memory, kept coherent at
// the points where the difference could be seen: the guest's stores reach the file before any
// read of that file (read, pread, a new mmap), at msync, at munmap (or when a MAP_FIXED mapping
// or mremap replaces the range) and when the process ends; a write() to the file is copied into
// the mappings at once. Only bytes that differ from what the file held are written back, and the
// file never grows (Linux does not extend a file through a mapping either: stores past its end
// stay in memory).

import { HostError } from '../host';
import type { GuestMemory } from '../memory/types';
import { dropRef, type OpenFile } from './fds';

/** Which file an open file is (two opens of one path share the page cache on Linux). */
const fileKey = (of: OpenFile): string => of.hostPath ?? of.path;

interface SharedMapping {
  start: number;
  end: number;
  of: OpenFile;
  /** File offset of `start`. */
  offset: number;
  /** The file's bytes in [start, end) when mapped (shorter when the file ended first). */
  original: Uint8Array;
}

export class SharedFileMappings {
  private list: SharedMapping[] = [];

  /** Records a new mapping of `of` at [start, end); it holds a reference to the open file. */
  add(mem: GuestMemory, start: number, end: number, of: OpenFile, offset: number, original: Uint8Array): void {
    this.remove(mem, start, end - start);
    of.refs++;
    this.list.push({ start, end, of, offset, original });
  }

  /** Writes back what the guest changed in [addr, addr+len) (msync); false when the host refused a write (EIO). */
  sync(mem: GuestMemory, addr: number, len: number): boolean {
    let ok = true;
    for (const m of this.list) ok = this.writeBack(mem, m, Math.max(addr, m.start), Math.min(addr + len, m.end)) && ok;
    return ok;
  }

  /** Before the file is read (read, pread, mmap): the guest's stores into its mappings reach it. */
  syncFile(mem: GuestMemory, of: OpenFile): void {
    if (this.list.length === 0) return;
    const key = fileKey(of);
    for (const m of this.list) if (fileKey(m.of) === key) this.writeBack(mem, m, m.start, m.end);
  }

  /**
   * After `data` was written to the file at `pos`: the mappings of those bytes show them (and
   * take them as the file's, so they are not written back again). `changed` is told which guest
   * range was rewritten, so translated code there can be dropped.
   */
  wrote(mem: GuestMemory, of: OpenFile, pos: number, data: Uint8Array, changed: (addr: number, len: number) => void): void {
    if (this.list.length === 0) return;
    const key = fileKey(of);
    for (const m of this.list) {
      if (fileKey(m.of) !== key) continue;
      const from = Math.max(pos, m.offset), to = Math.min(pos + data.length, m.offset + (m.end - m.start));
      if (from >= to) continue;
      const bytes = data.subarray(from - pos, to - pos), addr = m.start + (from - m.offset);
      if (!mem.isMapped(addr, bytes.length)) continue;
      mem.write(addr, bytes, true);
      changed(addr, bytes.length);
      const o = from - m.offset;
      if (o < m.original.length) m.original.set(bytes.subarray(0, m.original.length - o), o);
    }
  }

  /** Writes back and forgets [addr, addr+len) of every mapping (munmap, a mapping put over it). */
  remove(mem: GuestMemory, addr: number, len: number): void {
    const end = addr + len;
    if (!this.list.some((m) => m.start < end && m.end > addr)) return;
    const out: SharedMapping[] = [];
    for (const m of this.list) {
      if (m.start >= end || m.end <= addr) { out.push(m); continue; }
      this.writeBack(mem, m, Math.max(addr, m.start), Math.min(end, m.end));
      // The parts left on either side keep their own reference to the file.
      const part = (from: number, to: number): void => {
        m.of.refs++;
        out.push({ start: from, end: to, of: m.of, offset: m.offset + (from - m.start), original: m.original.subarray(Math.min(from - m.start, m.original.length), Math.min(to - m.start, m.original.length)) });
      };
      if (m.start < addr) part(m.start, addr);
      if (m.end > end) part(end, m.end);
      dropRef(m.of);
    }
    this.list = out;
  }

  /** The process ends: everything is written back and the files are let go. */
  removeAll(mem: GuestMemory): void {
    for (const m of this.list) { this.writeBack(mem, m, m.start, m.end); dropRef(m.of); }
    this.list = [];
  }

  /**
   * Writes the runs of bytes in [from, to) that differ from the mapped originals (within the
   * file's extent then). A host error (disk full, file gone) loses those bytes, as a failed
   * writeback does on Linux; it shows only as msync's EIO.
   */
  private writeBack(mem: GuestMemory, m: SharedMapping, from: number, to: number): boolean {
    const stop = Math.min(to, m.start + m.original.length);
    if (from >= stop || !mem.isMapped(from, stop - from)) return true;
    const now = mem.read(from, stop - from, true);
    const base = from - m.start;
    for (let i = 0; i < now.length;) {
      if (now[i] === m.original[base + i]) { i++; continue; }
      let j = i + 1;
      while (j < now.length && now[j] !== m.original[base + j]) j++;
      const run = now.subarray(i, j);
      try { m.of.file!.write(run, m.offset + base + i); } catch (e) { if (e instanceof HostError) return false; throw e; }
      // Written: later syncs compare against what the file now holds.
      m.original.set(run, base + i);
      i = j;
    }
    return true;
  }
}

// Which files are mapped where: the kernel's record of file-backed mmaps ({path, start, end,
// prot}), kept exact across munmap, MAP_FIXED remaps and mremap by trimming or splitting the
// entries a change overlaps. The debugger lists the shared libraries ld.so maps at run time
// (libc.so.6, libm.so.6 …) from it; the program and the interpreter are mapped by the loader,
// not by mmap, and are not in it.

export interface FileMapping {
  /** Guest path the file was opened by. */
  path: string;
  /** Host path actually opened (differs from `path` under a sysroot). */
  hostPath?: string;
  start: number;
  end: number;
  /** PROT_* bits the mapping was created with. */
  prot: number;
}

export class FileMappings {
  private list: FileMapping[] = [];
  /** Bumped on every change, so a client can tell cheaply whether to look again. */
  generation = 0;

  all(): readonly FileMapping[] { return this.list; }

  /** A new mapping replaces whatever it overlaps (mmap over an existing range). */
  add(m: FileMapping): void {
    this.remove(m.start, m.end - m.start);
    this.list.push(m);
    this.list.sort((a, b) => a.start - b.start);
    this.generation++;
  }

  /** Drops [addr, addr+len) from every mapping: the parts outside it stay. */
  remove(addr: number, len: number): void {
    const end = addr + len;
    if (!this.list.some((m) => m.start < end && m.end > addr)) return;
    const out: FileMapping[] = [];
    for (const m of this.list) {
      if (m.start >= end || m.end <= addr) { out.push(m); continue; }
      if (m.start < addr) out.push({ ...m, end: addr });
      if (m.end > end) out.push({ ...m, start: end });
    }
    this.list = out;
    this.generation++;
  }

  /**
   * The mapped files with some executable mapping, each with the range spanning all of its
   * mappings (a library's text, data and the PROT_NONE gap ld.so leaves between them), in
   * address order.
   */
  executables(): FileMapping[] {
    const byPath = new Map<string, FileMapping>();
    for (const m of this.list) {
      const g = byPath.get(m.path);
      if (!g) byPath.set(m.path, { ...m });
      else { g.start = Math.min(g.start, m.start); g.end = Math.max(g.end, m.end); g.prot |= m.prot; }
    }
    return [...byPath.values()].filter((g) => g.prot & 4).sort((a, b) => a.start - b.start);
  }
}

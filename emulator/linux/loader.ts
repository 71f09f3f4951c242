// Maps an ELF program (and its PT_INTERP dynamic linker) into guest memory the way Linux's
// binfmt_elf does: each PT_LOAD page-granular with its own permissions, file bytes from the
// page-aligned offset, the tail past p_filesz zeroed (bss), brk starting at the page after the
// highest segment. Where each piece goes (program, stack, interpreter, signal trampoline, in that
// order) follows qemu-riscv64, see layout.ts. Files are read through HostFs.

import { ElfError, loadExtent, parseElf, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR, ET_DYN, type ElfFile } from '../elf/elf';
import { SymbolTable } from '../elf/symbols';
import { HostError, type HostFs } from '../host';
import { ADDR_LIMIT } from '../memory/memory';
import { PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, type GuestMemory } from '../memory/types';
import { strerror } from './errno';
import { BRK_RESERVE, MmapCursor, STACK_GUARD, STACK_SIZE } from './layout';
import { mapSigreturnTrampoline } from './sigframe';

/** A program that cannot be loaded for a reason other than its ELF contents (missing file, interpreter). */
export class LoadError extends Error {
  constructor(message: string) { super(message); this.name = 'LoadError'; }
}

export interface LoadedObject {
  elf: ElfFile;
  /** Added to every link address of this object. */
  bias: number;
  /** Lowest and one-past-highest mapped addresses. */
  start: number;
  end: number;
}

export interface LoadedImage {
  program: LoadedObject;
  interp?: LoadedObject & { path: string };
  /** Where the first guest instruction is: the interpreter's entry for dynamic programs. */
  entry: number;
  /** The program's own entry (AT_ENTRY). */
  programEntry: number;
  phdr: number;
  phent: number;
  phnum: number;
  /** Interpreter load address (AT_BASE), 0 for static programs. */
  interpBase: number;
  brkStart: number;
  /** The stack's mapped range (the guard page below `stackStart` excluded). */
  stackStart: number;
  stackTop: number;
  /** The signal return trampoline's page. */
  sigtramp: number;
  /** Program symbols (and the interpreter's), at load addresses. */
  symbols: SymbolTable;
}

const pageDown = (n: number): number => n - (n % PAGE_SIZE);
const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

function protOf(flags: number): number {
  return (flags & (PF_R | PF_W) ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/** The largest program or interpreter file tbscope loads (the whole file is read into memory). */
export const MAX_PROGRAM_BYTES = 1 << 30;

const S_IFMT = 0o170000, S_IFREG = 0o100000;
const FILE_KINDS: Record<number, string> = {
  0o040000: 'a directory', 0o020000: 'a character device', 0o060000: 'a block device',
  0o010000: 'a FIFO', 0o140000: 'a socket',
};

/**
 * Reads a host file, turning host errors into QEMU's "Could not open" wording. Only regular
 * files up to MAX_PROGRAM_BYTES are read: `/dev/zero` or a FIFO would never end.
 */
export function readHostFile(fs: HostFs, path: string, displayName = path): Uint8Array {
  try {
    const st = fs.stat(path, true);
    if ((st.mode & S_IFMT) !== S_IFREG) {
      throw new LoadError(`'${displayName}' is not a regular file (${FILE_KINDS[st.mode & S_IFMT] ?? 'a special file'})`);
    }
    if (st.size > MAX_PROGRAM_BYTES) {
      throw new LoadError(`'${displayName}' is too large to load (${st.size} bytes; the limit is ${MAX_PROGRAM_BYTES})`);
    }
  } catch (e) {
    if (!(e instanceof HostError)) throw e; // not stat-able here (confined): readFile says why
  }
  try {
    return fs.readFile(path);
  } catch (e) {
    if (e instanceof HostError) throw new LoadError(`Could not open '${displayName}': ${strerror(e.errno)}`);
    throw e;
  }
}

/**
 * Maps every PT_LOAD of `elf` at `bias`, each page range with its segment's protection; a page
 * shared by two segments gets both. Like Linux (and qemu), PROT_WRITE implies PROT_READ, and of
 * a segment whose p_filesz exceeds p_memsz only p_memsz bytes are mapped (as qemu-riscv64 does).
 * Segments outside the user address space are an ElfError.
 */
export function mapObject(mem: GuestMemory, elf: ElfFile, bias: number, name = 'file'): LoadedObject {
  const loads = elf.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  // Page ranges as sweep events, so that protections are merged per range, never per page
  // (a 16 GiB bss is 4 million pages).
  const events: { at: number; prot: number; delta: number }[] = [];
  for (const p of loads) {
    const from = pageDown(p.vaddr + bias), to = pageUp(p.vaddr + bias + p.memsz);
    if (!(to <= ADDR_LIMIT) || p.vaddr + bias < 0) {
      throw new ElfError(`${name}: a loadable segment (0x${p.vaddr.toString(16)}, ${p.memsz} bytes) is outside the user address space`);
    }
    events.push({ at: from, prot: protOf(p.flags), delta: 1 }, { at: to, prot: protOf(p.flags), delta: -1 });
  }
  events.sort((x, y) => x.at - y.at);
  let active = 0;
  const count = [0, 0, 0];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    active += e.delta;
    for (let b = 0; b < 3; b++) if (e.prot & (1 << b)) count[b] += e.delta;
    const next = events[i + 1];
    if (!next || next.at === e.at || active === 0) continue;
    mem.map(e.at, next.at - e.at, (count[0] > 0 ? PROT_READ : 0) | (count[1] > 0 ? PROT_WRITE : 0) | (count[2] > 0 ? PROT_EXEC : 0));
  }
  for (const p of loads) {
    // Like mmap of the file: the whole first page comes from the file, from the page-aligned
    // offset; bytes past p_filesz stay zero (mapped zero-filled), which is the bss.
    const lead = (p.vaddr + bias) % PAGE_SIZE;
    const from = p.offset - lead;
    if (from < 0) throw new ElfError('segment offset and address are not congruent modulo the page size');
    if (p.filesz > 0) mem.write(p.vaddr + bias - lead, elf.bytes.subarray(from, p.offset + Math.min(p.filesz, p.memsz)), true);
  }
  const { lo, hi } = loadExtent(elf);
  return { elf, bias, start: pageDown(lo + bias), end: pageUp(hi + bias) };
}

/** Address of the program headers in memory (AT_PHDR). */
function phdrAddress(elf: ElfFile, bias: number): number {
  const ph = elf.phdrs.find((p) => p.type === PT_PHDR);
  if (ph) return ph.vaddr + bias;
  const seg = elf.phdrs.find((p) => p.type === PT_LOAD && p.offset <= elf.header.phoff
    && elf.header.phoff + elf.header.phnum * elf.header.phentsize <= p.offset + p.filesz);
  return seg ? seg.vaddr + bias + (elf.header.phoff - seg.offset) : 0;
}

export interface LoadOptions {
  /** Host path of the program (already resolved against the cwd). */
  path: string;
  /** The program as the user named it, for error messages (default: path). */
  displayName?: string;
  /** The program's bytes, if the caller already read them. */
  bytes?: Uint8Array;
  /** Sysroot where PT_INTERP is looked up (`-L`); without it the interpreter path is used as is. */
  sysroot?: string;
}

/**
 * Loads the program into `mem`, placing what has no fixed address with `cursor` (a fresh one
 * for a new process) in qemu-riscv64's order: program, stack, interpreter, trampoline page.
 */
export function loadProgram(mem: GuestMemory, fs: HostFs, opts: LoadOptions, cursor = new MmapCursor()): LoadedImage {
  const name = opts.displayName ?? opts.path;
  const elf = parseElf(opts.bytes ?? readHostFile(fs, opts.path, name), name);
  const ext = loadExtent(elf, name);
  let bias = 0;
  if (elf.header.type === ET_DYN) {
    // QEMU reserves the image plus room for brk at the cursor; the reserve is never mapped here,
    // only kept out of the cursor's way.
    const span = pageUp(ext.hi) - pageDown(ext.lo);
    const base = cursor.place(mem, span + BRK_RESERVE);
    if (base < 0) throw new LoadError(`${name}: no room for the program`);
    bias = base - pageDown(ext.lo);
  }
  const program = mapObject(mem, elf, bias, name);
  const stackGuard = cursor.place(mem, STACK_SIZE + STACK_GUARD);
  if (stackGuard < 0) throw new LoadError(`${name}: no room for the stack`);
  mem.map(stackGuard, STACK_GUARD, 0);
  mem.map(stackGuard + STACK_GUARD, STACK_SIZE, PROT_READ | PROT_WRITE);
  let interp: LoadedImage['interp'];
  if (elf.interp) {
    const path = interpreterPath(fs, elf.interp, opts.sysroot);
    const ielf = parseElf(readHostFile(fs, path), path);
    const iext = loadExtent(ielf, path);
    const span = pageUp(iext.hi) - pageDown(iext.lo);
    const base = ielf.header.type === ET_DYN ? cursor.place(mem, span) : pageDown(iext.lo);
    if (base < 0) throw new LoadError(`${path}: no room for the dynamic linker`);
    const ibias = ielf.header.type === ET_DYN ? base - pageDown(iext.lo) : 0;
    interp = { ...mapObject(mem, ielf, ibias, path), path };
  }
  const sigtramp = cursor.place(mem, PAGE_SIZE);
  if (sigtramp < 0) throw new LoadError(`${name}: no room for the signal trampoline`);
  mapSigreturnTrampoline(mem, sigtramp);
  const programEntry = elf.header.entry + bias;
  return {
    program,
    interp,
    entry: interp ? interp.elf.header.entry + interp.bias : programEntry,
    programEntry,
    phdr: phdrAddress(elf, bias),
    phent: elf.header.phentsize,
    phnum: elf.header.phnum,
    interpBase: interp ? interp.start : 0,
    brkStart: program.end,
    stackStart: stackGuard + STACK_GUARD,
    stackTop: stackGuard + STACK_GUARD + STACK_SIZE,
    sigtramp,
    symbols: interp
      ? SymbolTable.merge(elf.symbols.rebased(bias), interp.elf.symbols.rebased(interp.bias))
      : elf.symbols.rebased(bias),
  };
}

/** QEMU's -L rule for PT_INTERP: the copy under the sysroot if there is one, else the path itself. */
function interpreterPath(fs: HostFs, interp: string, sysroot?: string): string {
  if (sysroot) {
    const p = sysroot.replace(/\/+$/, '') + interp;
    try { fs.stat(p, true); return p; } catch { /* fall back to the plain path */ }
  }
  return interp;
}

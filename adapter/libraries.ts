// The code a dynamically linked program runs outside its own file — the dynamic linker and the
// shared libraries it mapped — described for stack traces: ELF symbols (.dynsym for stripped
// libraries such as Debian's libc) and .eh_frame CFI, read from each host file once and rebased
// to where the library sits. With them a stop inside libc names its frames and unwinds through
// libc's frames back to the program, as gdb does with a sysroot.

import { readFileSync } from 'node:fs';
import { FrameIndex } from '../emulator/debuginfo/index';
import { parseFrameSection } from '../emulator/debuginfo/cfi';
import { debugSections } from '../emulator/debuginfo/forms';
import { loadExtent, parseElf, type ElfFile } from '../emulator/elf/elf';
import type { SymbolHit, SymbolTable } from '../emulator/elf/symbols';
import type { Runtime } from './runtime';

export interface Library {
  /** Load range (the mappings of the file). */
  start: number;
  end: number;
  /** Symbols and CFI at load addresses. */
  symbols: SymbolTable;
  frames: FrameIndex;
}

function describe(elf: ElfFile, bias: number, start: number, end: number): Library {
  const s = debugSections(elf);
  const fdes = s.ehFrame ? parseFrameSection(s.ehFrame, true, s.ehFrameAddr ?? 0) : [];
  return { start, end, symbols: elf.symbols.rebased(bias), frames: new FrameIndex(fdes).rebased(bias) };
}

/** Per runtime: library key (path and base) → its description, null when its file is unreadable. */
const cache = new WeakMap<Runtime, Map<string, Library | null>>();

/** The interpreter and the shared libraries mapped now (a library unmapped later drops out). */
export function libraries(rt: Runtime): Library[] {
  let known = cache.get(rt);
  if (!known) cache.set(rt, known = new Map());
  const out: Library[] = [];
  const img = rt.proc.image;
  if (img.interp) {
    const key = `interp:${img.interp.path}`;
    if (!known.has(key)) known.set(key, describe(img.interp.elf, img.interp.bias, img.interp.start, img.interp.end));
    out.push(known.get(key)!);
  }
  for (const lib of rt.proc.kernel.fileMaps.executables()) {
    if (img.interp && lib.path === img.interp.path) continue;
    if (lib.start >= img.program.start && lib.start < img.program.end) continue;
    const key = `${lib.path}@${lib.start}`;
    if (!known.has(key)) {
      try {
        const elf = parseElf(readFileSync(lib.hostPath ?? lib.path), lib.path);
        // The first PT_LOAD is mapped at the library's lowest address.
        known.set(key, describe(elf, lib.start - Math.floor(loadExtent(elf, lib.path).lo / 4096) * 4096, lib.start, lib.end));
      } catch {
        known.set(key, null);
      }
    }
    const d = known.get(key);
    if (d) out.push(d);
  }
  return out;
}

/** The library holding pc, if any. */
export function libraryAt(rt: Runtime, pc: number): Library | undefined {
  return libraries(rt).find((l) => pc >= l.start && pc < l.end);
}

/**
 * The symbol containing pc inside a library. Only a containing one: stripped libraries list
 * their exported functions alone, and the closest one before an internal function is not it.
 */
export function librarySymbol(rt: Runtime, pc: number): SymbolHit | undefined {
  return libraryAt(rt, pc)?.symbols.containing(pc);
}

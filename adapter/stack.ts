// stackTrace: the guest call stack unwound with DWARF CFI where the program and its shared
// libraries have it (libraries.ts) and prologues / frame pointers elsewhere (emulator/debuginfo's
// backtrace), with function names from DWARF or ELF symbols (the libraries' own inside them),
// source locations from the line table and instructionPointerReference on every frame.
// Frames are computed once per stop and numbered by depth (frameId = depth + 1). Also the DAP
// module list: the program, its interpreter and the shared libraries the guest mapped.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { FrameIndex, type ReadReg, type StackFrameInfo } from '../emulator/debuginfo/index';
import { backtrace } from '../emulator/debuginfo/unwind';
import type { FileMapping } from '../emulator/linux/filemaps';
import type { Runtime } from './runtime';
import type { SourceMapper } from './sources';
import { AdapterError, hex, readBytes, topRegs } from './target';
import { libraries, libraryAt, librarySymbol } from './libraries';
import type { NoSourceListings } from './nosource';

export interface Frame {
  id: number;
  pc: number;
  regs: ReadReg;
  /** Caller's sp (the frame's CFA) when known. */
  cfa?: number;
  isTop: boolean;
}

const EMPTY_FRAMES = new FrameIndex([], []);

export class StackCache {
  private frames?: Frame[];

  invalidate(): void { this.frames = undefined; }

  all(rt: Runtime): Frame[] {
    if (this.frames) return this.frames;
    const readMem = (a: number, n: number): bigint | undefined => {
      const b = readBytes(rt, a, n);
      if (!b) return undefined;
      let v = 0n;
      for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
      return v;
    };
    // CFI at load addresses (a PIE's is rebased), the program's and its libraries'; where there
    // is none, the function's prologue from its ELF symbol, then frame pointers.
    const di = rt.debugInfo;
    const libs = libraries(rt);
    const index = FrameIndex.merge(di ? di.framesAt(rt.proc.image.program.bias) : EMPTY_FRAMES, ...libs.map((l) => l.frames));
    const functionStart = (pc: number): number | undefined => (rt.symbols.containing(pc) ?? librarySymbol(rt, pc))?.symbol.value;
    let infos: StackFrameInfo[];
    try { infos = backtrace(index, rt.pc, topRegs(rt), readMem, 64, functionStart); } catch { infos = [{ pc: rt.pc, regs: topRegs(rt), method: 'top' }]; }
    this.frames = infos.map((f, i) => ({ id: i + 1, pc: f.pc, regs: f.regs, cfa: f.cfa, isTop: i === 0 }));
    return this.frames;
  }

  get(rt: Runtime, frameId: number | undefined): Frame {
    const frames = this.all(rt);
    const f = frames[(frameId ?? 1) - 1];
    if (!f) throw new AdapterError(`unknown frameId ${frameId}`);
    return f;
  }
}

/** Source location of a frame (caller frames: the call instruction, pc - 1). */
export function frameLocation(rt: Runtime, sources: SourceMapper, pc: number, isTop: boolean): { source?: DebugProtocol.Source; line: number; column: number } {
  const di = rt.debugInfo;
  const bias = rt.proc.image.program.bias;
  const loc = di?.addrToLine((isTop ? pc : pc - 1) - bias);
  if (!loc) return { line: 0, column: 0 };
  const p = sources.toLocal(loc.file);
  return { source: { name: p.slice(p.lastIndexOf('/') + 1), path: p }, line: loc.line, column: Math.max(loc.column, 1) };
}

/**
 * The function of a frame. A caller frame's pc is a return address, which after a call to a
 * noreturn function (exit) is already past the caller's end: its function is looked up at pc-1.
 */
export function functionName(rt: Runtime, pc: number, isTop = true): string {
  const bias = rt.proc.image.program.bias;
  const at = isTop ? pc : pc - 1;
  const fn = rt.debugInfo?.functionAt(at - bias);
  if (fn?.name) return fn.name;
  // Inside a library only its own symbols (the program's closest one before would be wrong).
  const hit = libraryAt(rt, at) ? librarySymbol(rt, at) : rt.symbols.containing(at) ?? rt.symbols.preceding(at);
  if (!hit) return hex(pc);
  const offset = pc - hit.symbol.value;
  return offset === 0 ? hit.symbol.name : `${hit.symbol.name}+0x${offset.toString(16)}`;
}

export function stackTrace(rt: Runtime, cache: StackCache, sources: SourceMapper, args: DebugProtocol.StackTraceArguments, listings?: NoSourceListings): DebugProtocol.StackTraceResponse['body'] {
  const frames = cache.all(rt);
  const start = args.startFrame ?? 0;
  const count = args.levels ? args.levels : frames.length;
  // The top frame is always 'normal' so that VS Code focuses it (and the extension opens the
  // Disassembly view there when it has no source); callers without source are 'subtle' only in
  // a program with line info, where they are start-up or library code between the user's frames.
  const subtle = rt.debugInfo?.hasDebugInfo === true;
  const stackFrames = frames.slice(start, start + count).map((f): DebugProtocol.StackFrame => {
    const name = functionName(rt, f.pc, f.isTop);
    const loc = frameLocation(rt, sources, f.pc, f.isTop);
    // Without line info: a listing of the function (nosource.ts), so VS Code can focus the frame.
    const shown = loc.source || !listings ? loc : listings.frameSource(rt, f.pc, name);
    return {
      id: f.id, name, ...shown,
      instructionPointerReference: hex(f.pc),
      moduleId: moduleIdOf(rt, f.pc),
      presentationHint: loc.source || f.isTop || !subtle ? 'normal' : 'subtle',
    };
  });
  return { stackFrames, totalFrames: frames.length };
}

/**
 * Module ids: 1 the program, 2 the interpreter, then 3.. the shared libraries ld.so mapped, in
 * the order the kernel first saw them (ids stay stable while libraries come and go).
 */
function mappedLibraries(rt: Runtime): { id: number; lib: FileMapping }[] {
  const ids = libraryIds.get(rt) ?? new Map<string, number>();
  libraryIds.set(rt, ids);
  return rt.proc.kernel.fileMaps.executables().map((lib) => {
    let id = ids.get(lib.path);
    if (id === undefined) { id = ids.size + 3; ids.set(lib.path, id); }
    return { id, lib };
  });
}
const libraryIds = new WeakMap<Runtime, Map<string, number>>();

export function moduleIdOf(rt: Runtime, pc: number): number | undefined {
  const img = rt.proc.image;
  if (pc >= img.program.start && pc < img.program.end) return 1;
  if (img.interp && pc >= img.interp.start && pc < img.interp.end) return 2;
  return mappedLibraries(rt).find(({ lib }) => pc >= lib.start && pc < lib.end)?.id;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export function modules(rt: Runtime): DebugProtocol.Module[] {
  const img = rt.proc.image;
  const out: DebugProtocol.Module[] = [{
    id: 1, name: baseName(rt.proc.exePath), path: rt.config.program,
    addressRange: `${hex(img.program.start)}-${hex(img.program.end)}`,
    symbolStatus: rt.debugInfo?.hasDebugInfo ? 'Symbols loaded (DWARF)' : 'Symbols loaded (ELF)',
  }];
  if (img.interp) {
    out.push({ id: 2, name: baseName(img.interp.path), path: img.interp.path, addressRange: `${hex(img.interp.start)}-${hex(img.interp.end)}`, symbolStatus: 'Symbols loaded (ELF)' });
  }
  // Library symbols and CFI are read from the file when a stack trace needs them (libraries.ts).
  for (const { id, lib } of mappedLibraries(rt)) {
    const status = libraryAt(rt, lib.start) ? 'Symbols loaded (ELF)' : 'Symbols not loaded';
    out.push({ id, name: baseName(lib.path), path: lib.hostPath ?? lib.path, addressRange: `${hex(lib.start)}-${hex(lib.end)}`, symbolStatus: status });
  }
  return out;
}

// disassemble: objdump-identical text (emulator/isa/disasm) at exact instruction boundaries.
// RISC-V with the C extension has 2- and 4-byte instructions, so walking backwards from an
// address is ambiguous: negative instructionOffsets decode forward from a known instruction
// start before the address (a translated TB's instructions, a function symbol) that lands
// exactly on it. Unreadable memory becomes padding entries, never an error, so scrolling works.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { DisasmState, disassembleWord } from '../emulator/isa/disasm';
import type { Runtime } from './runtime';
import type { SourceMapper } from './sources';
import { frameLocation } from './stack';
import { AdapterError, hex, parseMemoryReference, readBytes, symbolText } from './target';
import { libraryAt, librarySymbol } from './libraries';

interface Decoded { addr: number; size: number; raw?: number }

/** The instruction at addr: its size and encoding, or an unreadable 2-byte slot. */
export function decodeAt(rt: Runtime, addr: number): Decoded {
  const lo = readBytes(rt, addr, 2);
  if (!lo) return { addr, size: 2 };
  const p = lo[0] | (lo[1] << 8);
  if ((p & 3) !== 3) return { addr, size: 2, raw: p };
  const hi = readBytes(rt, addr + 2, 2);
  if (!hi) return { addr, size: 2 };
  return { addr, size: 4, raw: (p | ((hi[0] | (hi[1] << 8)) << 16)) >>> 0 };
}

/** Known instruction starts below `base` (nearest first): translated code and symbols. */
function anchorsBelow(rt: Runtime, base: number): number[] {
  const set = new Set<number>();
  for (const tb of rt.machine.tbs()) for (const i of tb.insns) if (i.pc < base && base - i.pc <= 0x4000) set.add(i.pc);
  const symbols = libraryAt(rt, base - 1)?.symbols ?? rt.symbols;
  let hit = symbols.preceding(base - 1);
  for (let n = 0; hit && n < 16; n++) {
    if (hit.symbol.type === 'func' || hit.symbol.value === rt.proc.image.programEntry) set.add(hit.symbol.value);
    hit = hit.symbol.value > 0 ? symbols.preceding(hit.symbol.value - 1) : undefined;
  }
  const img = rt.proc.image;
  for (const s of [img.program.start, img.programEntry, img.entry]) if (s < base) set.add(s);
  return [...set].sort((a, b) => b - a);
}

/** Up to `want` instruction starts right before base (fewer when no anchor reaches that far). */
function startsBefore(rt: Runtime, base: number, want: number): number[] {
  let best: number[] = [];
  for (const a of anchorsBelow(rt, base)) {
    if (base - a > 0x10000) break;
    const starts: number[] = [];
    let p = a;
    while (p < base) { starts.push(p); p += decodeAt(rt, p).size; }
    if (p !== base) continue;          // this anchor's boundaries do not meet base
    if (starts.length > best.length) best = starts;
    if (best.length >= want) break;
  }
  return best.slice(Math.max(0, best.length - want));
}

/** Most instructions one request returns, and how far forward instructionOffset may skip. */
const MAX_INSTRUCTIONS = 10000, MAX_FORWARD_OFFSET = 1 << 16;

const padding = (addr: number): DebugProtocol.DisassembledInstruction => ({ address: hex(addr), instruction: '??', presentationHint: 'invalid' });

export function disassemble(rt: Runtime, sources: SourceMapper, args: DebugProtocol.DisassembleArguments): DebugProtocol.DisassembleResponse['body'] {
  const base = parseMemoryReference(args.memoryReference) + (args.offset ?? 0);
  if (!Number.isSafeInteger(base) || base < 0) throw new AdapterError(`disassemble: ${args.memoryReference} + ${args.offset ?? 0} is not a guest address`);
  const count = Math.max(0, Math.min(args.instructionCount, MAX_INSTRUCTIONS));
  const offset = args.instructionOffset ?? 0;
  if (offset > MAX_FORWARD_OFFSET) throw new AdapterError(`disassemble: 'instructionOffset' ${offset} is over the limit of ${MAX_FORWARD_OFFSET} (ask from a nearer memoryReference)`);
  const addrs: (number | null)[] = [];
  let p = base;
  if (offset < 0) {
    // Only the first `count` entries are answered, so the work is bounded by count, whatever
    // the offset: what lies further back than count is never decoded or padded.
    const want = -offset;
    const before = startsBefore(rt, base, Math.min(want, 0x8000));   // it looks back 64 KiB at most
    const pads = want - before.length;
    for (let i = 0; i < Math.min(pads, count); i++) addrs.push(null);   // nothing known that far back: padding
    if (pads < count) addrs.push(...before);
    else return { instructions: Array.from({ length: count }, (_, i) => padding(Math.max(0, base - 2 * (want - i)))) };
  } else {
    for (let i = 0; i < offset; i++) p += decodeAt(rt, p).size;
  }
  while (addrs.length < count) {
    addrs.push(p);
    p += decodeAt(rt, p).size;
  }
  const gp = rt.symbols.byNameLookup('__global_pointer$')?.value;
  const state = new DisasmState(gp);
  const sym = (a: number) => symbolText(rt, a);
  let lastLine = -1;
  const pads = addrs.findIndex((a) => a !== null);
  const firstReal = (pads >= 0 ? addrs[pads] : base) as number;
  const instructions = addrs.slice(0, count).map((a, i): DebugProtocol.DisassembledInstruction => {
    if (a === null) return padding(Math.max(0, firstReal - 2 * ((pads < 0 ? addrs.length : pads) - i)));
    const d = decodeAt(rt, a);
    if (d.raw === undefined) return { address: hex(a), instruction: '<unreadable>', instructionBytes: '??', presentationHint: 'invalid' };
    const text = disassembleWord(a, d.raw, sym, state).replace('\t', ' ');
    const out: DebugProtocol.DisassembledInstruction = {
      address: hex(a), instruction: text,
      instructionBytes: d.size === 2 ? d.raw.toString(16).padStart(4, '0') : d.raw.toString(16).padStart(8, '0'),
    };
    const hit = libraryAt(rt, a) ? librarySymbol(rt, a) : rt.symbols.containing(a);
    if (hit && hit.offset === 0) out.symbol = hit.symbol.name;
    const loc = frameLocation(rt, sources, a, true);
    if (loc.source && loc.line !== lastLine) { out.location = loc.source; out.line = loc.line; lastLine = loc.line; }
    return out;
  });
  return { instructions };
}

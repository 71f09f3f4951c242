// Frames without source (a program without -g, _start, libc, a library): a read-only listing
// of the function around the pc, served by the DAP `source` request through a sourceReference,
// as CodeLLDB does. VS Code focuses only frames whose source is available; with this the top
// frame of such a stop is focused, its registers show in Variables, the exception widget shows
// the signal at the faulting instruction, and the Disassembly view can open there. Listings are
// made per stop (the code may have changed) and keyed by the function's start address.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { DisasmState, disassembleWord } from '../emulator/isa/disasm';
import { decodeAt } from './disassemble';
import { libraryAt, librarySymbol } from './libraries';
import type { Runtime } from './runtime';
import { AdapterError, hex, symbolText } from './target';

/** Instructions listed at most before and after the pc when the function's size is unknown or large. */
const AROUND = 96;

interface Listing { lines: string[]; lineOf: Map<number, number> }

export class NoSourceListings {
  private readonly refs = new Map<number, number>();
  private readonly listings = new Map<number, Listing>();
  private next = 1;

  /** Forgets the listings (at a stop: the guest may have changed its code). */
  reset(): void { this.listings.clear(); }

  /** The source and line to report for a frame at `pc` that has no line info. */
  frameSource(rt: Runtime, pc: number, name: string): { source: DebugProtocol.Source; line: number; column: number } {
    const hit = libraryAt(rt, pc) ? librarySymbol(rt, pc) : rt.symbols.containing(pc);
    const fnStart = hit && pc - hit.symbol.value < 0x10000 ? hit.symbol.value : pc;
    const fnEnd = hit && hit.symbol.size ? hit.symbol.value + hit.symbol.size : pc + 4 * AROUND;
    let ref = this.refs.get(fnStart);
    if (ref === undefined) { ref = this.next++; this.refs.set(fnStart, ref); }
    let listing = this.listings.get(ref);
    if (!listing?.lineOf.has(pc)) {
      listing = this.list(rt, fnStart, fnEnd, pc);
      this.listings.set(ref, listing);
    }
    return { source: { name: `${name.replace(/\+0x[0-9a-f]+$/, '')} (no source)`, sourceReference: ref, presentationHint: 'normal' }, line: listing.lineOf.get(pc) ?? 1, column: 1 };
  }

  /** The listing's text for the `source` request. */
  content(ref: number): string {
    const l = this.listings.get(ref);
    if (!l) throw new AdapterError(`no source ${ref}: it belongs to an earlier stop`);
    return l.lines.join('\n') + '\n';
  }

  /** objdump-style lines from `start` (or AROUND instructions before pc) to `end`, past pc. */
  private list(rt: Runtime, start: number, end: number, pc: number): Listing {
    let from = start;
    // A long function: start at the pc when it is far in, so the listing stays short.
    if (pc - start > 4 * AROUND) from = pc;
    const to = Math.min(Math.max(end, pc + 4), Math.max(pc, from) + 4 * AROUND);
    const lines = [`; ${symbolText(rt, from) ?? hex(from)}: no line information; the instructions as objdump shows them`];
    const lineOf = new Map<number, number>();
    const state = new DisasmState(rt.symbols.byNameLookup('__global_pointer$')?.value);
    const sym = (a: number) => symbolText(rt, a);
    for (let a = from; a < to && lines.length < 4 * AROUND;) {
      const d = decodeAt(rt, a);
      const bytes = d.raw === undefined ? '??' : d.size === 2 ? d.raw.toString(16).padStart(4, '0') : d.raw.toString(16).padStart(8, '0');
      const text = d.raw === undefined ? '<unreadable>' : disassembleWord(a, d.raw, sym, state).replace('\t', ' ');
      lines.push(`${a.toString(16).padStart(8, ' ')}:\t${bytes.padEnd(8, ' ')}\t${text}`);
      lineOf.set(a, lines.length);
      a += d.size;
    }
    // The pc fell inside an instruction decoded from `from`: list again from the pc itself.
    if (!lineOf.has(pc) && from !== pc) return this.list(rt, pc, end, pc);
    return { lines, lineOf };
  }
}

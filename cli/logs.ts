// Wires the -d log items that live in the translator to a Machine: `in_asm` (each TB when it is
// translated) and `exec` (each TB as it starts). Text formats are QEMU's (cli/trace-format.ts);
// the instruction text is our objdump-compatible disassembler's. strace/unimp are produced by
// the Linux layer and plugin output by the plugin layer; they only share the log sink.

import type { SymbolTable } from '../emulator/elf/symbols';
import { disassemble, DisasmState } from '../emulator/isa/disasm';
import type { Machine, TranslationBlock } from '../emulator/machine';
import type { LogItem } from './options';
import { formatExecTrace, formatInAsm } from './trace-format';

/** objdump's `<sym+0xoff>` for branch targets: the nearest symbol at or below the address. */
function objdumpSymbolizer(table: SymbolTable | undefined): ((addr: number) => string | undefined) | undefined {
  if (!table || table.size === 0) return undefined;
  return (addr) => {
    const hit = table.preceding(addr);
    if (!hit) return undefined;
    return hit.offset === 0 ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  };
}

/** What the log needs of the loaded program: QEMU's names for TBs and our symbol table (objdump's `<sym>`). */
export interface LoggedImage {
  symbolOf: (pc: number) => string;
  symbols: SymbolTable | undefined;
}

export function attachLogs(machine: Machine, items: ReadonlySet<LogItem>, image: LoggedImage, log: (text: string) => void): void {
  const inAsm = items.has('in_asm'), exec = items.has('exec');
  if (!inAsm && !exec) return;
  const symbols = image.symbols;
  const symbolOf = image.symbolOf;
  if (inAsm) {
    const symbolize = objdumpSymbolizer(symbols);
    // objdump prints gp-relative addresses when it knows gp (the linker's __global_pointer$).
    const gp = symbols?.byNameLookup('__global_pointer$')?.value;
    machine.onTranslate = (tb: TranslationBlock) => {
      // One DisasmState per TB: objdump's auipc/lui comments only pair within straight-line code.
      const state = new DisasmState(gp);
      log(formatInAsm(symbolOf(tb.pc), tb.insns.map((i) => ({ pc: i.pc, raw: i.raw, size: i.size, text: disassemble(i, symbolize, state) }))));
    };
  }
  if (exec) {
    machine.onExec = (tb: TranslationBlock) => log(formatExecTrace(machine.cpu.index, tb.seq, tb.pc, tb.flags, 0, symbolOf(tb.pc)));
  }
}

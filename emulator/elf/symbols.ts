// Address → symbol lookups over an ELF symbol table: `<sym+0x1c>` in disassembly, QEMU's
// "IN: sym" lines, stack frames in the debugger. Tables are immutable; a PIE or the dynamic
// linker loaded at a bias gets a rebased copy (`rebased(bias)`), and several tables (program +
// interpreter) can be merged with `SymbolTable.merge`.

export interface ElfSymbol {
  name: string;
  /** Address (link address in the file; load address after `rebased`). */
  value: number;
  size: number;
  type: 'func' | 'object' | 'notype';
  bind: 'local' | 'global' | 'weak';
}

export interface SymbolHit { symbol: ElfSymbol; offset: number }

const TYPE_RANK = { func: 0, object: 1, notype: 2 } as const;
const BIND_RANK = { global: 0, weak: 1, local: 2 } as const;

export class SymbolTable {
  /** Sorted by address; at equal addresses the preferred name (func, global) comes first. */
  readonly symbols: readonly ElfSymbol[];
  private readonly byName = new Map<string, ElfSymbol>();

  constructor(symbols: ElfSymbol[]) {
    this.symbols = [...symbols].sort((a, b) => a.value - b.value
      || TYPE_RANK[a.type] - TYPE_RANK[b.type] || BIND_RANK[a.bind] - BIND_RANK[b.bind]
      || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const s of this.symbols) {
      const old = this.byName.get(s.name);
      if (!old || BIND_RANK[s.bind] < BIND_RANK[old.bind]) this.byName.set(s.name, s);
    }
  }

  static merge(...tables: SymbolTable[]): SymbolTable {
    return new SymbolTable(tables.flatMap((t) => [...t.symbols]));
  }

  rebased(bias: number): SymbolTable {
    if (bias === 0) return this;
    return new SymbolTable(this.symbols.map((s) => ({ ...s, value: s.value + bias })));
  }

  get size(): number { return this.symbols.length; }

  byNameLookup(name: string): ElfSymbol | undefined { return this.byName.get(name); }

  /** Index of the last symbol with value <= addr, or -1. */
  private floor(addr: number): number {
    let lo = 0, hi = this.symbols.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.symbols[mid].value <= addr) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Step back to the first (preferred) symbol at that address.
    while (ans > 0 && this.symbols[ans - 1].value === this.symbols[ans].value) ans--;
    return ans;
  }

  /** The symbol whose [value, value+size) holds addr (size-0 symbols match only their own address). */
  containing(addr: number): SymbolHit | undefined {
    let i = this.floor(addr);
    // Several symbols may start at or below addr; the nearest sized one that covers addr wins.
    for (; i >= 0; i--) {
      const s = this.symbols[i];
      if (addr < s.value + Math.max(s.size, 1)) return { symbol: s, offset: addr - s.value };
      if (s.type === 'func' && s.size > 0) break; // a function ended before addr: nothing further back covers it
    }
    return undefined;
  }

  /** The nearest symbol at or below addr, whatever its size (objdump's `<sym+off>` rule). */
  preceding(addr: number): SymbolHit | undefined {
    const i = this.floor(addr);
    return i < 0 ? undefined : { symbol: this.symbols[i], offset: addr - this.symbols[i].value };
  }

  /** "name" or "name+0x1c" for an address inside a symbol, else undefined. */
  symbolize(addr: number): string | undefined {
    const hit = this.containing(addr);
    if (!hit) return undefined;
    return hit.offset === 0 ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  }
}

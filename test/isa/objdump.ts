// Helpers for tests that use GNU binutils as the oracle: locating the cross tools, assembling
// snippets, running `objdump -d` and parsing its lines, and an objdump-like symbolizer built
// from the ELF's symbol table (objdump -t), used to print branch targets as `<sym+0xoff>`.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OBJDUMP, findTool, skipBecause } from '../support/oracles';

export { OBJDUMP };
export const AS = 'riscv64-linux-gnu-as';
export const LD = 'riscv64-linux-gnu-ld';

/** Skips the test unless the GNU RISC-V assembler and linker are installed. */
export function requireBinutils(ctx: Mocha.Context): void {
  for (const t of [AS, LD, OBJDUMP]) {
    if (!findTool(t)) skipBecause(ctx, `${t} not found on PATH (apt-get install binutils-riscv64-linux-gnu; .ci/run installs it)`);
  }
}

export function tmpDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Assembles `source` (rv64gc) into an object file; returns its path. */
export function assemble(source: string, dir = tmpDir('isa-')): string {
  const src = join(dir, 'x.s');
  const obj = join(dir, 'x.o');
  writeFileSync(src, source);
  execFileSync(AS, ['-march=rv64gc', '-o', obj, src]);
  return obj;
}

/** Value of `__global_pointer$` (objdump uses it for gp-relative `# address` comments). */
export function globalPointer(file: string): number | undefined {
  const out = execFileSync(OBJDUMP, ['-t', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /^([0-9a-f]{16}) .*\s__global_pointer\$$/m.exec(out);
  return m ? parseInt(m[1], 16) : undefined;
}

export interface DumpLine { addr: number; raw: number; size: 2 | 4; text: string; line: string }

/** Instruction lines of `objdump -d file` (data shown for `$d` mapping symbols is skipped). */
export function objdumpLines(file: string): DumpLine[] {
  const out = execFileSync(OBJDUMP, ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines: DumpLine[] = [];
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{4}|[0-9a-f]{8})\s+\t(.*)$/.exec(l);
    if (!m) continue;
    const text = m[3];
    if (/^\.(word|short|byte|dword)\b/.test(text)) continue;   // data, not code
    lines.push({ addr: parseInt(m[1], 16), raw: parseInt(m[2], 16), size: m[2].length === 4 ? 2 : 4, text, line: l });
  }
  return lines;
}

interface Sym { addr: bigint; name: string; flags: string; size: bigint; section: string }

/**
 * objdump's choice of symbol for an address (binutils objdump.c: remove_useless_symbols,
 * compare_symbols, find_symbol_for_address): section and debugging symbols are dropped; at one
 * address functions sort before objects, globals before locals, larger before smaller, names
 * not starting with '.' first, then by name; the first symbol at or below the address wins, and
 * below every symbol objdump counts back from the first one (`<_start-0x10>`). With no symbols
 * at all it names the section (`<.text+0x10>`). Addresses are 64-bit: negative numbers wrap.
 */
export function makeSymbolizer(file: string): (addr: number) => string | undefined {
  const out = execFileSync(OBJDUMP, ['-t', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const syms: Sym[] = [];
  const sections: string[] = [];
  for (const l of out.split('\n')) {
    // 0000000000010078 g     F .text  000000000000001c main      (flags: scope, weak, ..., debug, type)
    const m = /^([0-9a-f]{16}) (.......) (\S+)\s+([0-9a-f]+)\s+(.*)$/.exec(l);
    if (!m) continue;
    const [, a, flags, section, size] = m;
    const name = m[5].replace(/^\.(hidden|protected|internal) /, '');
    if (flags[5] === 'd') { if (section === name) sections.push(name); continue; }
    if (section === '*UND*' || section === '*COM*' || name === '') continue;
    syms.push({ addr: BigInt('0x' + a), name, flags, size: BigInt('0x' + size), section });
  }
  // Dynamic programs: objdump adds synthetic symbols (bfd_get_synthetic_symtab) for PLT entries
  // (`printf@plt`) and names a GOT slot after its dynamic relocation (`printf@GLIBC_2.27`) —
  // the latter only for the slot's exact address.
  const dis = execFileSync(OBJDUMP, ['-d', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  for (const m of dis.matchAll(/^([0-9a-f]{16}) <([^>]+@plt)>:$/gm)) {
    syms.push({ addr: BigInt('0x' + m[1]), name: m[2], flags: 'g     F', size: 0n, section: '.plt' });
  }
  const gotNames = new Map<bigint, string>();
  const rel = spawnSync(OBJDUMP, ['-R', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  for (const m of (rel.stdout ?? '').matchAll(/^([0-9a-f]{16}) R_RISCV_(?:JUMP_SLOT|64)\s+(\S+@\S+)$/gm)) {
    gotNames.set(BigInt('0x' + m[1]), m[2]);
  }
  const key = (s: Sym) => [
    s.flags[6] === 'f' || /\.[oa]$/.test(s.name) ? 1 : 0,   // file names last
    s.flags[6] === 'F' ? 0 : 1, s.flags[6] === 'O' ? 0 : 1,
    s.flags[0] === 'l' ? 1 : 0, s.flags[0] === 'g' ? 0 : 1,
  ];
  const cmp = (a: Sym, b: Sym): number => {
    if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    if (a.size !== b.size) return a.size > b.size ? -1 : 1;
    if ((a.name[0] === '.') !== (b.name[0] === '.')) return a.name[0] === '.' ? 1 : -1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
  syms.sort(cmp);
  return (addrNum) => {
    const addr = addrNum >= 0 ? BigInt(addrNum) : BigInt(addrNum) + (1n << 64n);
    const got = gotNames.get(addr);
    if (got !== undefined) return got;
    if (syms.length === 0) return sections.includes('.text') ? `.text+0x${addr.toString(16)}` : undefined;
    let lo = 0;
    let hi = syms.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (syms[mid].addr <= addr) lo = mid + 1; else hi = mid; }
    let best = lo === 0 ? syms[0] : syms[lo - 1];
    // Several symbols at that value: the first in sorted order.
    let i = lo === 0 ? 0 : lo - 1;
    while (i > 0 && syms[i - 1].addr === best.addr) best = syms[--i];
    if (addr < best.addr) return `${best.name}-0x${(best.addr - addr).toString(16)}`;
    const off = addr - best.addr;
    return off === 0n ? best.name : `${best.name}+0x${off.toString(16)}`;
  };
}

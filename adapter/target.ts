// Small read-only views of the stopped guest shared by the DAP handlers: safe memory reads (never
// throwing for unmapped memory), symbol text in objdump's style, memory references, and the
// expression environment for a stack frame's registers.

import type { ReadReg } from '../emulator/debuginfo/index';
import type { Runtime } from './runtime';
import { type EvalEnv, type Value } from './expr';
import { libraryAt } from './libraries';

export class AdapterError extends Error {}

export const hex = (n: number | bigint): string => '0x' + (typeof n === 'bigint' ? BigInt.asUintN(64, n) : n).toString(16);

/** Bytes at addr, or undefined when any of them is unmapped. */
export function readBytes(rt: Runtime, addr: number, len: number): Uint8Array | undefined {
  if (addr < 0 || !Number.isSafeInteger(addr) || len <= 0) return undefined;
  try {
    if (!rt.machine.mem.isMapped(addr, len)) return undefined;
    return rt.machine.mem.read(addr, len, true);
  } catch { return undefined; }
}

/** `memoryReference` strings are "0x…" addresses; anything else is an error response. */
export function parseMemoryReference(ref: string | undefined): number {
  if (typeof ref !== 'string' || !/^(0[xX][0-9a-fA-F]+|\d+)$/.test(ref.trim())) throw new AdapterError(`bad memoryReference '${ref}' (expected an address such as 0x10078)`);
  const n = Number(ref.trim());
  if (!Number.isSafeInteger(n)) throw new AdapterError(`memoryReference '${ref}' is out of range`);
  return n;
}

/** objdump's `<sym+0x1c>` text for an address (nearest preceding symbol, a library's own inside it). */
export function symbolText(rt: Runtime, addr: number): string | undefined {
  const lib = libraryAt(rt, addr);
  const hit = lib ? lib.symbols.preceding(addr) : rt.symbols.preceding(addr);
  if (!hit) return undefined;
  return hit.offset === 0 ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
}

/** Registers of the top frame (caller frames pass their unwound registers). */
export function topRegs(rt: Runtime): ReadReg {
  const cpu = rt.machine.cpu;
  return (r) => (r < 32 ? cpu.getX(r) : 0n);
}

export function evalEnv(rt: Runtime, regs: ReadReg = topRegs(rt), pc = rt.pc, variable?: (name: string) => Value | undefined): EvalEnv {
  return {
    readX: (r) => regs(r),
    readF: (r) => rt.machine.cpu.getF64Bits(r),
    pc: () => pc,
    readMem: (a, n) => readBytes(rt, a, n),
    symbol: (name) => rt.symbols.byNameLookup(name)?.value,
    variable,
  };
}

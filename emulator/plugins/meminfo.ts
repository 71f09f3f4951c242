// QEMU's qemu_plugin_meminfo_t encoding, shared by the translator (which builds the value for
// each load/store it compiles) and the API (which decodes it). QEMU packs a MemOpIdx
// ((MemOp << 4) | mmu_idx) with the access direction in bits 16..17 (make_plugin_meminfo);
// MemOp keeps the size shift in bits 0..2, MO_SIGN = 0x08, MO_BSWAP = 0x10 (MO_BE on a
// little-endian host). RISC-V is little-endian, so MO_BSWAP is never set here.

import { MemRW } from '../tcg/instrument';

const MO_SIZE = 0x07, MO_SIGN = 0x08, MO_BSWAP = 0x10;
/** mmu_idx used by qemu-riscv64 in user mode (U-mode = 0). */
const MMU_IDX_USER = 0;

/** Builds a meminfo: sizeShift 0..3 (byte..doubleword), sign-extended load, store or load. */
export function makeMeminfo(sizeShift: number, signed: boolean, isStore: boolean): number {
  const memop = (sizeShift & MO_SIZE) | (signed ? MO_SIGN : 0);
  return ((memop << 4) | MMU_IDX_USER) | ((isStore ? MemRW.W : MemRW.R) << 16);
}

const memop = (info: number): number => (info >>> 4) & 0xfff;

export const meminfoSizeShift = (info: number): number => memop(info) & MO_SIZE;
export const meminfoIsSignExtended = (info: number): boolean => (memop(info) & MO_SIGN) !== 0;
export const meminfoIsBigEndian = (info: number): boolean => (memop(info) & MO_BSWAP) !== 0;
/** (info >>> MEMINFO_STORE_SHIFT) & 1 is 1 for a store: for code that tests it on every access. */
export const MEMINFO_STORE_SHIFT = 17;
export const meminfoIsStore = (info: number): boolean => ((info >>> MEMINFO_STORE_SHIFT) & 1) !== 0;
export const meminfoRw = (info: number): MemRW => (info >>> 16) & 3;

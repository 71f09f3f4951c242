// The guest address space as seen by everything outside the translator's fast path: the ELF
// loader, syscalls, the debugger and plugins. Implemented by emulator/memory/memory.ts.
// Addresses are JS numbers (user-mode guest addresses are < 2^53).

export const PAGE_SIZE = 4096;
export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

/** A guest access that failed: the guest gets SIGSEGV (unmapped or permission) at `addr`. */
export class GuestFault extends Error {
  constructor(public readonly addr: number, public readonly isWrite: boolean, public readonly signo = 11) {
    super(`guest fault at 0x${addr.toString(16)}`);
  }
}

export interface GuestMemory {
  /** Maps [addr, addr+len) (page aligned) with PROT_* bits, zero-filled; replaces existing pages. */
  map(addr: number, len: number, prot: number): void;
  unmap(addr: number, len: number): void;
  /** Changes protection; returns false if part of the range is unmapped (ENOMEM). */
  protect(addr: number, len: number, prot: number): boolean;
  /** Whether every page of the range is mapped. */
  isMapped(addr: number, len: number): boolean;
  /** Lowest page-aligned free range of len bytes at or above `hint` (for mmap without MAP_FIXED), or -1. */
  findFree(len: number, hint: number): number;
  /** Bulk access ignoring PROT bits when `force` (loader, debugger); otherwise honours them and throws GuestFault. */
  read(addr: number, len: number, force?: boolean): Uint8Array;
  write(addr: number, data: Uint8Array, force?: boolean): void;
  readCString(addr: number, max?: number): string;
  /** Little-endian scalar helpers for syscalls (throw GuestFault). */
  readU32(addr: number): number;
  readU64(addr: number): bigint;
  writeU32(addr: number, v: number): void;
  writeU64(addr: number, v: bigint): void;
  /** Mapped regions (merged runs of pages with equal prot) for /proc/self/maps and the debugger. */
  regions(): { start: number; end: number; prot: number }[];
}

// Where things go in the guest address space: the layout qemu-riscv64 7.2 gives a riscv64 guest
// on a 64-bit host (linux-user/elfload.c, mmap.c), so programs that hash or compare addresses
// run the same instructions as under qemu. The rules, in the order QEMU's loader applies them:
// - a static (ET_EXEC) program at its link addresses; a PIE at the mmap cursor, with 32 MiB
//   reserved after it for brk (released once the stack and the interpreter are placed);
// - the stack (8 MiB, QEMU's host RLIMIT_STACK; a PROT_NONE guard page below it) at the cursor;
// - the dynamic linker at the cursor, then one page for the signal return trampoline;
// - mmap without MAP_FIXED: the hint if it is free, else the cursor. The cursor starts at
//   TASK_UNMAPPED_BASE and only moves up, past each mapping placed there; holes left by munmap
//   below it are not reused (QEMU asks the host kernel for the cursor's address each time).
// What QEMU does when the cursor's range is taken depends on the host (its kernel then picks a
// top-down address near the host's own libraries, randomised); there we take the lowest free
// range above the cursor. Every address here is below 2^47 and exact as a JS number.

import { ADDR_LIMIT } from '../memory/memory';
import type { GuestMemory } from '../memory/types';

/** QEMU's TASK_UNMAPPED_BASE for a 64-bit guest on a 64-bit host: 1 << 38. */
export const TASK_UNMAPPED_BASE = 2 ** 38;
/** Room kept free after a PIE for brk while the stack and interpreter are placed (QEMU's reserve_brk). */
export const BRK_RESERVE = 32 * 1024 * 1024;
/** Mapped stack size (RLIMIT_STACK soft limit reported to the guest; QEMU takes the host's, 8 MiB here). */
export const STACK_SIZE = 8 * 1024 * 1024;
/** The PROT_NONE page QEMU maps below the stack. */
export const STACK_GUARD = 4096;

/** QEMU's mmap_find_vma over our address space: where a mapping without MAP_FIXED goes. */
export class MmapCursor {
  /** QEMU's mmap_next_start. */
  next = TASK_UNMAPPED_BASE;

  /** A free range of `len` (page-aligned) bytes: at `hint` if given and free, else at the cursor; -1 if none. */
  place(mem: GuestMemory, len: number, hint = 0): number {
    const start = hint || this.next;
    let at = start + len <= ADDR_LIMIT && rangeFree(mem, start, len) ? start : mem.findFree(len, this.next);
    if (at >= 0 && at + len > ADDR_LIMIT) at = -1;
    if (at >= 0 && start === this.next && at >= TASK_UNMAPPED_BASE) this.next = at + len;
    return at;
  }
}

/** Whether no page of [addr, addr+len) is mapped. */
export function rangeFree(mem: GuestMemory, addr: number, len: number): boolean {
  return mem.findFree(len, addr) === addr;
}

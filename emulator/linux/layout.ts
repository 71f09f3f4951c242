// Where things go in the guest address space. Static non-PIE programs sit at their link
// addresses (0x10000 for GNU ld's RISC-V default); everything we choose — PIE base, the
// dynamic linker, mmap, the stack — stays below 2 GiB so it is inside the translator's
// fast path (< 4 GiB) whichever way an address is sign- or zero-extended.

/** Load address of a position-independent main program (static-PIE or PIE with PT_INTERP). */
export const PIE_BASE = 0x10000000;
/** mmap without a hint and the dynamic linker are placed at the lowest free range from here up. */
export const MMAP_BASE = 0x40000000;
/** One past the highest stack byte; argv/envp strings end just below it, like Linux. */
export const STACK_TOP = 0x7ffff000;
/** Mapped stack size (RLIMIT_STACK soft limit reported to the guest). */
export const STACK_SIZE = 8 * 1024 * 1024;

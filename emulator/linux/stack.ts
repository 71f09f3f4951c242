// The initial process stack, laid out as Linux's create_elf_tables() does (fs/binfmt_elf.c):
// from the top down an 8-byte end marker, the AT_EXECFN string, the envp and argv strings,
// the 16 AT_RANDOM bytes, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, auxv pairs,
// AT_NULL. The auxv order is qemu-riscv64's, so guest startup code runs the same instructions.

import type { GuestMemory } from '../memory/types';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
  AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
  AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31;

/** RV64 "IMAFDC": one bit per extension letter (bit = letter - 'A'), as Linux reports in AT_HWCAP. */
export const HWCAP_IMAFDC = [...'IMAFDC'].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 65)), 0);

export interface StackImage {
  argv: string[];
  envp: string[];
  execfn: string;
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
  /** Image facts for auxv. */
  phdr: number; phent: number; phnum: number; base: number; entry: number;
}

export interface BuiltStack {
  sp: number;
  argvAddrs: number[];
  envpAddrs: number[];
  execfnAddr: number;
  randomAddr: number;
  auxv: [number, number][];
}

/** Writes the initial stack below `top` (already mapped, writable) and returns the initial sp. */
export function buildInitialStack(mem: GuestMemory, top: number, img: StackImage): BuiltStack {
  const enc = new TextEncoder();
  let p = top - 8; // end marker (zeros)
  const putString = (s: string): number => {
    const b = enc.encode(s + '\0');
    p -= b.length;
    mem.write(p, b, true);
    return p;
  };
  const execfnAddr = putString(img.execfn);
  // Strings are copied last-first so that argv[0] ends up lowest, as copy_strings() does.
  const envpAddrs = img.envp.map(() => 0);
  for (let i = img.envp.length - 1; i >= 0; i--) envpAddrs[i] = putString(img.envp[i]);
  const argvAddrs = img.argv.map(() => 0);
  for (let i = img.argv.length - 1; i >= 0; i--) argvAddrs[i] = putString(img.argv[i]);
  p -= p % 16; // arithmetic, not bit ops: addresses may exceed 2^31
  p -= 16;
  const randomAddr = p;
  mem.write(randomAddr, img.random.subarray(0, 16), true);

  const auxv: [number, number][] = [
    [AT_PHDR, img.phdr], [AT_PHENT, img.phent], [AT_PHNUM, img.phnum], [AT_PAGESZ, 4096], [AT_BASE, img.base],
    [AT_FLAGS, 0], [AT_ENTRY, img.entry], [AT_UID, 0], [AT_EUID, 0], [AT_GID, 0], [AT_EGID, 0],
    [AT_HWCAP, HWCAP_IMAFDC], [AT_CLKTCK, 100], [AT_RANDOM, randomAddr], [AT_SECURE, 0], [AT_EXECFN, execfnAddr],
    [AT_NULL, 0],
  ];
  const words = [img.argv.length, ...argvAddrs, 0, ...envpAddrs, 0, ...auxv.flat()];
  const sp = (p - words.length * 8) - ((p - words.length * 8) % 16);
  const table = new Uint8Array(words.length * 8);
  const dv = new DataView(table.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt(w), true));
  mem.write(sp, table, true);
  return { sp, argvAddrs, envpAddrs, execfnAddr, randomAddr, auxv };
}

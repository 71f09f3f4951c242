// Tiny guest programs for adapter tests that no example covers (a tight endless loop, ebreak, an
// illegal instruction), written as ELF files from raw RISC-V encodings with test/support's ELF
// writer, so no cross compiler is needed. Encodings are the RISC-V base ISA's (Unprivileged
// spec, ch. 2 / 24); objdump checks them in the disassembly tests.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeBuffer, writeElf } from '../support/elf-writer';

let scratch: string | undefined;
/** A private scratch folder for this test process, removed when it exits. */
export function scratchDir(): string {
  if (!scratch) {
    const dir = scratch = mkdtempSync(join(tmpdir(), 'tbscope-adapter-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

export const ADDI_A0_A0_1 = 0x00150513;   // addi a0,a0,1
export const J_MINUS_4 = 0xffdff06f;      // j .-4
export const EBREAK = 0x00100073;
export const LI_A0_5 = 0x00500513;        // li a0,5
export const LI_A7_93 = 0x05d00893;       // li a7,93 (exit)
export const ECALL = 0x00000073;

function write(name: string, words: number[]): string {
  const code = new CodeBuffer();
  for (const w of words) code.word(w);
  const p = join(scratchDir(), name);
  writeFileSync(p, writeElf({ code: code.toBytes() }), { mode: 0o755 });
  return p;
}

/** `loop: addi a0,a0,1; j loop` — never ends, never calls the kernel. */
export const loopProgram = (): string => write('loop', [ADDI_A0_A0_1, J_MINUS_4]);
/** ebreak, then exit(5). */
export const ebreakProgram = (): string => write('ebreak', [EBREAK, LI_A0_5, LI_A7_93, ECALL]);
/** An all-zero word (illegal: the defined-illegal 16-bit parcel), then exit(5). */
export const illegalProgram = (): string => write('illegal', [LI_A0_5, 0x00000000, LI_A7_93, ECALL]);

// Test-program builder for the generated per-instruction differential tests (semantics.test.ts).
// Every case runs in the same frame: registers a1..a3 / fa1..fa3, the canary a0 / fa0, fcsr and
// a 16-byte scratch area are loaded from the case's 7 input doublewords; the case's body runs
// (normally the one instruction under test, with rd = a0/fa0, rs1 = a1/fa1, rs2 = a2/fa2,
// rs3 = a3/fa3, memory at s5); then a0, fa0 (raw bits), fcsr and the scratch area are appended
// to an output buffer, which is written to stdout with one write(2) at the end. Run under
// qemu-riscv64 and tbscope, the outputs must be byte-identical.

import { encode, type EncodeFields } from '../../emulator/isa/encode';
import type { Mnemonic } from '../../emulator/isa/table';
import { CodeBuffer, writeElf } from '../support/elf-writer';

// Harness registers are outside x8..x15 so compressed forms can use a0..a5 freely.
export const X = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, a0: 10, a1: 11, a2: 12, a3: 13, a7: 17, s3: 19, s4: 20, s5: 21 } as const;
export const F = { fa0: 10, fa1: 11, fa2: 12, fa3: 13 } as const;

export const INPUT_SLOTS = 7;           // a1, a2, a3, fcsr, a0 canary, scratch0, scratch1
export const RECORD_BYTES = 40;         // a0, fa0, fcsr, scratch0, scratch1
const CODE_ADDR = 0x10000;
const DATA_ADDR = 0x4000000;

export interface Case {
  /** Human-readable description for failure messages. */
  label: string;
  /** [a1, a2, a3, fcsr, a0 (canary), scratch0, scratch1] as raw 64-bit values. */
  inputs: bigint[];
  /** Emits the body (instruction under test and any glue) into the code buffer. */
  body: (c: CodeBuffer) => void;
}

export const w = (m: Mnemonic, f: EncodeFields = {}) => encode(m, f);

/** li for addresses/constants that fit in 32 bits signed. */
export function li32(c: CodeBuffer, rd: number, v: number): void {
  const hi = (v + 0x800) & ~0xfff;
  const lo = v - hi;
  c.word(w('lui', { rd, imm: hi | 0 })).word(w('addiw', { rd, rs1: rd, imm: lo }));
}

export interface Program { elf: Uint8Array; cases: Case[] }

/** Builds the ELF running all cases in order; output is cases.length * RECORD_BYTES bytes. */
export function buildProgram(cases: Case[]): Program {
  const inputBytes = cases.length * INPUT_SLOTS * 8;
  const outAddr = DATA_ADDR + inputBytes;
  const outBytes = cases.length * RECORD_BYTES;
  const scratchAddr = (outAddr + outBytes + 4096 + 15) & ~15;
  const data = new Uint8Array(inputBytes);
  const dv = new DataView(data.buffer);
  cases.forEach((k, i) => {
    if (k.inputs.length !== INPUT_SLOTS) throw new Error(`${k.label}: ${k.inputs.length} inputs`);
    k.inputs.forEach((v, j) => dv.setBigUint64((i * INPUT_SLOTS + j) * 8, BigInt.asUintN(64, v), true));
  });

  const c = new CodeBuffer(CODE_ADDR);
  li32(c, X.s3, DATA_ADDR);
  li32(c, X.s4, outAddr);
  li32(c, X.s5, scratchAddr);
  for (const k of cases) {
    const { a0, a1, a2, a3, t0, s3, s4, s5, sp } = X;
    c.word(w('addi', { rd: sp, rs1: s5, imm: 0 }));
    c.word(w('ld', { rd: a1, rs1: s3, imm: 0 })).word(w('ld', { rd: a2, rs1: s3, imm: 8 })).word(w('ld', { rd: a3, rs1: s3, imm: 16 }));
    c.word(w('fld', { rd: F.fa1, rs1: s3, imm: 0 })).word(w('fld', { rd: F.fa2, rs1: s3, imm: 8 })).word(w('fld', { rd: F.fa3, rs1: s3, imm: 16 }));
    c.word(w('ld', { rd: t0, rs1: s3, imm: 40 })).word(w('sd', { rs1: s5, rs2: t0, imm: 0 }));
    c.word(w('ld', { rd: t0, rs1: s3, imm: 48 })).word(w('sd', { rs1: s5, rs2: t0, imm: 8 }));
    c.word(w('ld', { rd: a0, rs1: s3, imm: 32 })).word(w('fld', { rd: F.fa0, rs1: s3, imm: 32 }));
    c.word(w('ld', { rd: t0, rs1: s3, imm: 24 })).word(w('csrrw', { rd: 0, csr: 3, rs1: t0 }));
    k.body(c);
    c.word(w('sd', { rs1: s4, rs2: a0, imm: 0 })).word(w('fsd', { rs1: s4, rs2: F.fa0, imm: 8 }));
    c.word(w('csrrs', { rd: t0, csr: 3, rs1: 0 })).word(w('sd', { rs1: s4, rs2: t0, imm: 16 }));
    c.word(w('ld', { rd: t0, rs1: s5, imm: 0 })).word(w('sd', { rs1: s4, rs2: t0, imm: 24 }));
    c.word(w('ld', { rd: t0, rs1: s5, imm: 8 })).word(w('sd', { rs1: s4, rs2: t0, imm: 32 }));
    c.word(w('addi', { rd: s3, rs1: s3, imm: INPUT_SLOTS * 8 })).word(w('addi', { rd: s4, rs1: s4, imm: RECORD_BYTES }));
  }
  // write(1, out, len); exit(0)
  c.word(w('addi', { rd: X.a0, rs1: 0, imm: 1 }));
  li32(c, X.a1, outAddr);
  li32(c, X.a2, outBytes);
  c.word(w('addi', { rd: X.a7, rs1: 0, imm: 64 })).word(w('ecall'));
  c.word(w('addi', { rd: X.a0, rs1: 0, imm: 0 })).word(w('addi', { rd: X.a7, rs1: 0, imm: 93 })).word(w('ecall'));
  const elf = writeElf({ code: c.toBytes(), data, bssSize: scratchAddr + 1024 - outAddr, codeAddr: CODE_ADDR, dataAddr: DATA_ADDR });
  return { elf, cases };
}

/** A program that executes one raw encoding after printing a marker, then exits 0. */
export function buildSingle(parcels: { value: number; size: 2 | 4 }[]): Uint8Array {
  const c = new CodeBuffer(CODE_ADDR);
  li32(c, X.s5, DATA_ADDR);
  c.word(w('addi', { rd: X.t0, rs1: 0, imm: 0x41 })).word(w('sb', { rs1: X.s5, rs2: X.t0, imm: 0 }));
  c.word(w('addi', { rd: X.a0, rs1: 0, imm: 1 })).word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 }));
  c.word(w('addi', { rd: X.a2, rs1: 0, imm: 1 })).word(w('addi', { rd: X.a7, rs1: 0, imm: 64 })).word(w('ecall'));
  // Point the registers the instruction might use at mapped memory, so only legality matters.
  for (let r = 1; r < 32; r++) if (r !== X.s5) c.word(w('addi', { rd: r, rs1: X.s5, imm: 64 }));
  for (const p of parcels) {
    if (p.size === 2) c.half(p.value); else c.word(p.value);
  }
  c.word(w('addi', { rd: X.a0, rs1: 0, imm: 0 })).word(w('addi', { rd: X.a7, rs1: 0, imm: 93 })).word(w('ecall'));
  return writeElf({ code: c.toBytes(), data: new Uint8Array(16), bssSize: 8192, codeAddr: CODE_ADDR, dataAddr: DATA_ADDR });
}

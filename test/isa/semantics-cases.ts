// Generates the per-instruction test cases for semantics.test.ts from the ISA table: every
// mnemonic gets cases chosen by its format, operands and flags, with edge operands (0, -1,
// INT64_MIN/MAX, 0x80000000, shift amounts 0/31/32/63, division by zero and overflow,
// NaN/sNaN/inf/-0.0/subnormals, every rounding mode, fflags) — see RISC-V Unprivileged ISA
// ch. 2, 13, 14, 20, 21 for the behaviours these probe.

import { decode } from '../../emulator/isa/decode';
import { encodeCompressed } from '../../emulator/isa/encode';
import { ISA, MNEMONICS, type InsnSpec, type Mnemonic } from '../../emulator/isa/table';
import type { CodeBuffer } from '../support/elf-writer';
import { F, X, w, type Case } from './semantics-harness';

export const INT_EDGE: bigint[] = [
  0n, 1n, -1n, 2n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -7n, 31n, 32n, 63n, 64n,
];
const IMM_EDGE = [0, 1, -1, 2047, -2048, 0x555, -0x556, 255, 31];
const SHAMT64 = [0, 1, 31, 32, 63];
const SHAMT32 = [0, 1, 15, 31];

// binary64 edge values (raw bits)
const D_EDGE: bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n,
  0x3ff8000000000000n, 0x4004000000000000n, 0x3fb999999999999an, 0x7fefffffffffffffn,
  0x0010000000000000n, 0x0000000000000001n, 0x000fffffffffffffn, 0x7ff0000000000000n,
  0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000000n, 0xfff8000000000123n,
  0x43e0000000000000n, 0xc3e0000000000000n, 0x43f0000000000000n, 0x41dfffffffc00000n,
  0xc1e0000000200000n, 0x3fe0000000000000n, 0xbff8000000000000n,
];
// binary32 edge values, NaN-boxed; the last one is not boxed (reads as the canonical NaN)
const BOX = 0xffffffff00000000n;
const S_EDGE: bigint[] = [
  0x00000000n, 0x80000000n, 0x3f800000n, 0xbf800000n, 0x3fc00000n, 0x40200000n, 0x3dcccccdn,
  0x7f7fffffn, 0x00800000n, 0x00000001n, 0x007fffffn, 0x7f800000n, 0xff800000n, 0x7fc00000n,
  0x7fa00000n, 0xffc00123n, 0x5f000000n, 0xdf000000n, 0x5f800000n, 0x4f000000n, 0xcf000001n,
  0x3f000000n, 0xbfc00000n,
].map((v) => v | BOX).concat([0x000000003f800000n]);

/** fcsr values for a case: frm in bits 7:5, accrued flags cleared. */
const FRM = [0, 1, 2, 3, 4];
const RMS = [7, 0, 1, 2, 3, 4];        // 7 = dynamic (uses frm)

const mk = (label: string, inputs: Partial<{ a1: bigint; a2: bigint; a3: bigint; fcsr: number; a0: bigint; m0: bigint; m1: bigint }>,
  body: (c: CodeBuffer) => void): Case => ({
  label,
  inputs: [inputs.a1 ?? 0n, inputs.a2 ?? 0n, inputs.a3 ?? 0n, BigInt(inputs.fcsr ?? 0), inputs.a0 ?? 0x5a5a5a5a5a5a5a5an,
    inputs.m0 ?? 0x8877665544332211n, inputs.m1 ?? 0xf0e0d0c0b0a09080n].map((v) => BigInt.asUintN(64, v)),
  body,
});

const hexs = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);
const one = (m: Mnemonic, f: Parameters<typeof w>[1]) => (c: CodeBuffer) => { c.word(w(m, f)); };

function intCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  const out: Case[] = [];
  const ops = s.operands.join(',');
  if (ops === 'rd,rs1,rs2') {
    for (const a of INT_EDGE) for (const b of INT_EDGE) out.push(mk(`${m} ${hexs(a)}, ${hexs(b)}`, { a1: a, a2: b }, one(m, { rd: X.a0, rs1: X.a1, rs2: X.a2 })));
  } else if (ops === 'rd,rs1,imm') {
    for (const a of INT_EDGE) for (const imm of IMM_EDGE) out.push(mk(`${m} ${hexs(a)}, ${imm}`, { a1: a }, one(m, { rd: X.a0, rs1: X.a1, imm })));
  } else if (ops === 'rd,rs1,shamt') {
    for (const a of INT_EDGE) for (const imm of s.format === 'SH6' ? SHAMT64 : SHAMT32) out.push(mk(`${m} ${hexs(a)}, ${imm}`, { a1: a }, one(m, { rd: X.a0, rs1: X.a1, imm })));
  } else if (ops === 'rd,hi20') {
    for (const imm of [0, 0x1000, -4096, 0x7ffff000, -0x80000000, 0x12345000]) out.push(mk(`${m} ${imm}`, {}, one(m, { rd: X.a0, imm })));
  } else if (s.flags.branch) {
    const vals = [0n, 1n, -1n, 0x80000000n, -0x8000000000000000n, 0x7fffffffffffffffn];
    for (const a of vals) for (const b of vals) {
      out.push(mk(`${m} ${hexs(a)}, ${hexs(b)}`, { a1: a, a2: b }, (c) => {
        c.word(w('addi', { rd: X.a0, rs1: 0, imm: 0 })).word(w(m, { rs1: X.a1, rs2: X.a2, imm: 8 })).word(w('addi', { rd: X.a0, rs1: 0, imm: 1 }));
      }));
    }
  } else if (m === 'jal') {
    out.push(mk('jal a0, +8', {}, (c) => { c.word(w('jal', { rd: X.a0, imm: 8 })).word(w('addi', { rd: X.a0, rs1: 0, imm: 1 })); }));
  } else if (m === 'jalr') {
    for (const imm of [12, 13]) {    // 13: the low bit of the target is cleared
      out.push(mk(`jalr a0, ${imm}(a1)`, {}, (c) => {
        c.word(w('auipc', { rd: X.a1, imm: 0 })).word(w('jalr', { rd: X.a0, rs1: X.a1, imm })).word(w('addi', { rd: X.a0, rs1: 0, imm: 1 }));
        c.word(w('sub', { rd: X.a0, rs1: X.a0, rs2: X.a1 }));   // link address relative to the auipc
      }));
    }
  }
  return out;
}

function memCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  const out: Case[] = [];
  const size = s.memSize;
  // Misaligned plain accesses work in Linux user mode (and in qemu-riscv64).
  const offsets = [0, size, 1, 3, 16 - size];
  for (const off of offsets) {
    if (s.flags.load) {
      const rd = s.rdFile === 'f' ? F.fa0 : X.a0;
      out.push(mk(`${m} at scratch+${off}`, {}, (c) => { c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w(m, { rd, rs1: X.a1, imm: off })); }));
    } else {
      for (const v of [0x1122334455667788n, -1n, 0n]) {
        out.push(mk(`${m} ${hexs(v)} at scratch+${off}`, { a2: v }, (c) => {
          c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w(m, { rs1: X.a1, rs2: s.rs2File === 'f' ? F.fa2 : X.a2, imm: off }));
        }));
      }
    }
  }
  return out;
}

function amoCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  const d = m.endsWith('.d');
  const out: Case[] = [];
  const vals = [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, -0x8000000000000000n, 0x7fffffffffffffffn, 0x123456789n];
  const lr: Mnemonic = d ? 'lr.d' : 'lr.w';
  for (const mem of vals) for (const v of vals) {
    const ins = { m0: mem, a2: v };
    if (m.startsWith('lr')) {
      out.push(mk(`${m} mem=${hexs(mem)}`, ins, (c) => { c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w(m, { rd: X.a0, rs1: X.a1 })); }));
      break;
    } else if (m.startsWith('sc')) {
      // Paired with lr (succeeds) and alone after a previous sc (fails): a0 = result code.
      out.push(mk(`${lr}+${m} mem=${hexs(mem)} v=${hexs(v)}`, ins, (c) => {
        c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w(lr, { rd: X.a3, rs1: X.a1 })).word(w(m, { rd: X.a0, rs1: X.a1, rs2: X.a2 }));
      }));
      out.push(mk(`${m} without reservation v=${hexs(v)}`, ins, (c) => {
        c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w(m, { rd: X.a0, rs1: X.a1, rs2: X.a2, aq: true, rl: true }));
      }));
    } else {
      out.push(mk(`${m} mem=${hexs(mem)} v=${hexs(v)}`, ins, (c) => {
        c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: d ? 0 : 4 })).word(w(m, { rd: X.a0, rs1: X.a1, rs2: X.a2 }));
      }));
    }
  }
  return out;
}

function fpCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  const out: Case[] = [];
  const ops = s.operands.filter((o) => o !== 'rm').join(',');
  const vals = s.flags.fpDouble ? D_EDGE : S_EDGE;
  // conversions read the other precision
  const src = m === 'fcvt.s.d' ? D_EDGE : m === 'fcvt.d.s' ? S_EDGE : vals;
  const rmFor = (i: number) => (s.flags.hasRm ? RMS[i % RMS.length] : 0);
  const fcsrFor = (i: number) => FRM[(i >> 1) % FRM.length] << 5;
  let i = 0;
  const f = { rd: F.fa0, rs1: F.fa1, rs2: F.fa2, rs3: F.fa3 };
  if (ops === 'frd,frs1,frs2' || ops === 'rd,frs1,frs2') {
    const rd = ops.startsWith('rd') ? X.a0 : F.fa0;
    for (const a of vals) for (const b of vals) { const rm = rmFor(i); out.push(mk(`${m} ${hexs(a)}, ${hexs(b)} rm=${rm}`, { a1: a, a2: b, fcsr: fcsrFor(i++) }, one(m, { ...f, rd, rm }))); }
  } else if (ops === 'frd,frs1,frs2,frs3') {
    const sub = vals.filter((_, k) => k % 3 === 0);
    for (const a of sub) for (const b of sub) for (const c3 of [vals[2], vals[5], vals[9], vals[13], vals[14], vals[11], vals[1]]) {
      const rm = rmFor(i);
      out.push(mk(`${m} ${hexs(a)}, ${hexs(b)}, ${hexs(c3)} rm=${rm}`, { a1: a, a2: b, a3: c3, fcsr: fcsrFor(i++) }, one(m, { ...f, rm })));
    }
  } else if (ops === 'frd,frs1' || ops === 'rd,frs1') {
    const rd = ops.startsWith('rd') ? X.a0 : F.fa0;
    for (const a of src) for (const rm of s.flags.hasRm ? RMS : [0]) {
      out.push(mk(`${m} ${hexs(a)} rm=${rm}`, { a1: a, fcsr: fcsrFor(i++) }, one(m, { ...f, rd, rm })));
    }
  } else if (ops === 'frd,rs1') {
    for (const a of INT_EDGE) for (const rm of s.flags.hasRm ? RMS : [0]) {
      out.push(mk(`${m} ${hexs(a)} rm=${rm}`, { a1: a, fcsr: fcsrFor(i++) }, one(m, { rd: F.fa0, rs1: X.a1, rm })));
    }
  } else if (s.flags.load || s.flags.store) {
    return memCases(s);
  }
  return out;
}

function csrCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  const out: Case[] = [];
  for (const csr of [1, 2, 3]) for (const v of [0n, 0x1fn, 0xe0n, 0xffn, 0x45n]) for (const fcsr of [0, 0x7f, 0x8a]) {
    const imm = s.format === 'CSRI';
    out.push(mk(`${m} csr=${csr} src=${hexs(v)} fcsr=${fcsr}`, { a1: v, fcsr }, one(m, imm ? { rd: X.a0, csr, imm: Number(v & 31n) } : { rd: X.a0, csr, rs1: X.a1 })));
    // rd = x0 / rs1 = x0 variants (no read / no write)
    out.push(mk(`${m} rd=x0 csr=${csr} src=${hexs(v)} fcsr=${fcsr}`, { a1: v, fcsr }, one(m, imm ? { rd: 0, csr, imm: 0 } : { rd: 0, csr, rs1: 0 })));
  }
  return out;
}

function otherCases(s: InsnSpec): Case[] {
  const m = s.mnemonic;
  if (m === 'fence') return [mk('fence', {}, one('fence', { pred: 15, succ: 15 })), mk('fence rw,w', {}, one('fence', { pred: 3, succ: 1 }))];
  if (m === 'fence.i') return [mk('fence.i', { a1: 7n }, (c) => { c.word(w('fence.i')).word(w('addi', { rd: X.a0, rs1: X.a1, imm: 1 })); })];
  if (m === 'ecall') {
    // getppid-independent syscall with a deterministic result: write(1, buf, 0) returns 0.
    return [mk('ecall write(1, buf, 0)', {}, (c) => {
      c.word(w('addi', { rd: X.a0, rs1: 0, imm: 1 })).word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 })).word(w('addi', { rd: X.a2, rs1: 0, imm: 0 }));
      c.word(w('addi', { rd: X.a7, rs1: 0, imm: 64 })).word(w('ecall'));
    })];
  }
  return [];   // ebreak: tested on its own (it ends the program with SIGTRAP)
}

/** Compressed forms: for every C_TABLE entry, legal parcels using a0..a3/sp, run like the base op. */
function compressedCases(): Case[] {
  const out: Case[] = [];
  const byCop = new Map<string, number[]>();
  for (let x = 0; x < 0x10000; x++) {
    if ((x & 3) === 3) continue;
    const i = decode(0, x, 0);
    if (!i?.cop) continue;
    const s = ISA[i.op];
    const regsOk = [i.rd, i.rs1, i.rs2].every((r) => [0, 2, 10, 11, 12, 13].includes(r)) && (s.rdFile === undefined || [0, 2, 10].includes(i.rd));
    const memOk = !(s.flags.load || s.flags.store) || (i.imm <= 8 && (i.rs1 === 2 || i.rs1 === 11));
    if (!regsOk || !memOk || s.flags.branch || s.flags.jump || i.op === 'ebreak') continue;
    const l = byCop.get(i.cop) ?? [];
    l.push(x);
    byCop.set(i.cop, l);
  }
  for (const [cop, parcels] of byCop) {
    const step = Math.max(1, Math.floor(parcels.length / 24));
    for (let k = 0; k < parcels.length; k += step) {
      const x = parcels[k];
      const v = INT_EDGE[k % INT_EDGE.length];
      out.push(mk(`${cop} parcel 0x${x.toString(16)} a0=${hexs(v)}`, { a0: v, a1: INT_EDGE[(k + 3) % INT_EDGE.length], a2: -3n, a3: 0x80000000n }, (c) => {
        const i = decode(0, x, 0)!;
        if (ISA[i.op].flags.load || ISA[i.op].flags.store) c.word(w('addi', { rd: X.a1, rs1: X.s5, imm: 0 }));
        c.half(x);
        if (i.rd === 2) c.word(w('sub', { rd: X.a0, rs1: X.sp, rs2: X.s5 }));   // c.addi16sp: report sp's change
      }));
    }
  }
  // Control transfers: taken/not taken leaves a0 = 0 / 1.
  const cj = encodeCompressed('c.j', { imm: 4 })!;
  const cbeqz = encodeCompressed('c.beqz', { rs1: X.a1, imm: 4 })!;
  const cbnez = encodeCompressed('c.bnez', { rs1: X.a1, imm: 4 })!;
  const cli1 = encodeCompressed('c.li', { rd: X.a0, imm: 1 })!;
  const cjr = encodeCompressed('c.jr', { rs1: X.a1 })!;
  const cjalr = encodeCompressed('c.jalr', { rd: X.ra, rs1: X.a1 })!;
  for (const [name, p] of [['c.j', cj], ['c.beqz', cbeqz], ['c.bnez', cbnez]] as const) {
    for (const v of [0n, 5n]) out.push(mk(`${name} a1=${v}`, { a1: v }, (c) => { c.word(w('addi', { rd: X.a0, rs1: 0, imm: 0 })).half(p).half(cli1); }));
  }
  for (const [name, p] of [['c.jr', cjr], ['c.jalr', cjalr]] as const) {
    out.push(mk(name, {}, (c) => {
      c.word(w('addi', { rd: X.a0, rs1: 0, imm: 0 })).word(w('auipc', { rd: X.a1, imm: 0 })).word(w('addi', { rd: X.a1, rs1: X.a1, imm: 12 }));
      c.half(p).half(cli1);
      if (name === 'c.jalr') c.word(w('sub', { rd: X.a0, rs1: X.ra, rs2: X.a1 }));
    }));
  }
  return out;
}

/** All generated cases, grouped by mnemonic (plus 'compressed'). */
export function generateCases(): Map<string, Case[]> {
  const groups = new Map<string, Case[]>();
  for (const m of MNEMONICS) {
    const s = ISA[m];
    let cases: Case[];
    if (s.flags.amo) cases = amoCases(s);
    else if (s.flags.fp) cases = fpCases(s);
    else if (s.flags.load || s.flags.store) cases = memCases(s);
    else if (s.flags.csr) cases = csrCases(s);
    else { cases = intCases(s); if (cases.length === 0) cases = otherCases(s); }
    groups.set(m, cases);
  }
  groups.set('compressed', compressedCases());
  return groups;
}


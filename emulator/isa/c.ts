// C extension (RVC) for RV64: every 16-bit form and the base instruction it expands to
// (RISC-V Unprivileged ISA, ch. 16 "C" Standard Extension, tables 16.5-16.7). Compressed
// instructions are decoded straight to their base op, so semantics exist once. Reserved
// encodings are rejected exactly where qemu-riscv64 (our behavioural oracle; checked by
// test/isa/semantics.test.ts) rejects them: the all-zero parcel, C.ADDI4SPN with nzuimm = 0,
// C.LUI/C.ADDI16SP with a zero immediate, C.ADDIW/C.LWSP/C.LDSP with rd = 0, C.JR with
// rs1 = 0. HINT encodings execute as the
// base instruction (a no-op on x0), as in QEMU.

import type { Mnemonic } from './table';

export interface CFields { rd: number; rs1: number; rs2: number; imm: number }

export interface CSpec {
  /** Compressed mnemonic, e.g. 'c.addi16sp'. */
  cop: string;
  match: number;
  mask: number;
  /** Base instruction it expands to. */
  op: Mnemonic;
  /** Operand fields of the expanded instruction, or undefined for a reserved encoding. */
  expand: (x: number) => CFields | undefined;
  desc: string;
}

// Register fields: rd/rs1 (bits 11:7), rs2 (6:2), and the 3-bit x8..x15 forms rd'/rs2' (4:2), rs1' (9:7).
const r7 = (x: number) => (x >> 7) & 31;
const r2 = (x: number) => (x >> 2) & 31;
const p2 = (x: number) => ((x >> 2) & 7) + 8;
const p7 = (x: number) => ((x >> 7) & 7) + 8;
const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

// Immediate scrambles (spec fig. 16.x); each comment lists imm bits in instruction-bit order.
/** CI: imm[5] | imm[4:0] at 12 | 6:2 (c.addi, c.addiw, c.li, c.andi; unsigned for shifts). */
const ciU = (x: number) => ((x >> 7) & 0x20) | ((x >> 2) & 0x1f);
const ciS = (x: number) => sext(ciU(x), 6);
/** CIW c.addi4spn: nzuimm[5:4|9:6|2|3] at 12:5. */
const addi4spnImm = (x: number) => ((x >> 7) & 0x30) | ((x >> 1) & 0x3c0) | ((x >> 4) & 4) | ((x >> 2) & 8);
/** CL/CS doubleword: uimm[5:3] at 12:10, uimm[7:6] at 6:5. */
const clD = (x: number) => ((x >> 7) & 0x38) | ((x << 1) & 0xc0);
/** CL/CS word: uimm[5:3] at 12:10, uimm[2|6] at 6:5. */
const clW = (x: number) => ((x >> 7) & 0x38) | ((x >> 4) & 4) | ((x << 1) & 0x40);
/** c.addi16sp: nzimm[9] at 12, nzimm[4|6|8:7|5] at 6:2. */
const addi16spImm = (x: number) => sext(((x >> 3) & 0x200) | ((x >> 2) & 0x10) | ((x << 1) & 0x40) | ((x << 4) & 0x180) | ((x << 3) & 0x20), 10);
/** c.lui: nzimm[17] at 12, nzimm[16:12] at 6:2 (result is the already-shifted U immediate). */
const luiImm = (x: number) => sext(((x << 5) & 0x20000) | ((x << 10) & 0x1f000), 18);
/** CJ: offset[11|4|9:8|10|6|7|3:1|5] at 12:2. */
const cjImm = (x: number) => sext(((x >> 1) & 0x800) | ((x >> 7) & 0x10) | ((x >> 1) & 0x300) | ((x << 2) & 0x400) |
  ((x >> 1) & 0x40) | ((x << 1) & 0x80) | ((x >> 2) & 0xe) | ((x << 3) & 0x20), 12);
/** CB branch: offset[8|4:3] at 12:10, offset[7:6|2:1|5] at 6:2. */
const cbImm = (x: number) => sext(((x >> 4) & 0x100) | ((x >> 7) & 0x18) | ((x << 1) & 0xc0) | ((x >> 2) & 6) | ((x << 3) & 0x20), 9);
/** c.lwsp: uimm[5] at 12, uimm[4:2|7:6] at 6:2. */
const lwspImm = (x: number) => ((x >> 7) & 0x20) | ((x >> 2) & 0x1c) | ((x << 4) & 0xc0);
/** c.ldsp/c.fldsp: uimm[5] at 12, uimm[4:3|8:6] at 6:2. */
const ldspImm = (x: number) => ((x >> 7) & 0x20) | ((x >> 2) & 0x18) | ((x << 4) & 0x1c0);
/** c.swsp: uimm[5:2|7:6] at 12:7. */
const swspImm = (x: number) => ((x >> 7) & 0x3c) | ((x >> 1) & 0xc0);
/** c.sdsp/c.fsdsp: uimm[5:3|8:6] at 12:7. */
const sdspImm = (x: number) => ((x >> 7) & 0x38) | ((x >> 1) & 0x1c0);

const f = (rd: number, rs1: number, rs2: number, imm: number): CFields => ({ rd, rs1, rs2, imm });
const Q = 0xe003;            // quadrant + funct3
const Q_F2 = 0xec03;         // + bits 11:10 (c.srli/c.srai/c.andi)
const Q_F6 = 0xfc63;         // + bits 12:10 and 6:5 (c.sub ... c.addw)

/** Ordered: the first entry whose (x & mask) === match decides (more specific entries first). */
export const C_TABLE: readonly CSpec[] = [
  // Quadrant 0
  { cop: 'c.addi4spn', match: 0x0000, mask: Q, op: 'addi', desc: 'addi rd\', sp, nzuimm (nzuimm = 0 is reserved).',
    expand: (x) => { const i = addi4spnImm(x); return i === 0 ? undefined : f(p2(x), 2, 0, i); } },
  { cop: 'c.fld', match: 0x2000, mask: Q, op: 'fld', desc: 'fld rd\', uimm(rs1\').', expand: (x) => f(p2(x), p7(x), 0, clD(x)) },
  { cop: 'c.lw', match: 0x4000, mask: Q, op: 'lw', desc: 'lw rd\', uimm(rs1\').', expand: (x) => f(p2(x), p7(x), 0, clW(x)) },
  { cop: 'c.ld', match: 0x6000, mask: Q, op: 'ld', desc: 'ld rd\', uimm(rs1\').', expand: (x) => f(p2(x), p7(x), 0, clD(x)) },
  { cop: 'c.fsd', match: 0xa000, mask: Q, op: 'fsd', desc: 'fsd rs2\', uimm(rs1\').', expand: (x) => f(0, p7(x), p2(x), clD(x)) },
  { cop: 'c.sw', match: 0xc000, mask: Q, op: 'sw', desc: 'sw rs2\', uimm(rs1\').', expand: (x) => f(0, p7(x), p2(x), clW(x)) },
  { cop: 'c.sd', match: 0xe000, mask: Q, op: 'sd', desc: 'sd rs2\', uimm(rs1\').', expand: (x) => f(0, p7(x), p2(x), clD(x)) },
  // Quadrant 1
  { cop: 'c.nop', match: 0x0001, mask: 0xef83, op: 'addi', desc: 'addi x0, x0, 0 (non-zero imm: a HINT).', expand: (x) => f(0, 0, 0, ciS(x)) },
  { cop: 'c.addi', match: 0x0001, mask: Q, op: 'addi', desc: 'addi rd, rd, nzimm.', expand: (x) => f(r7(x), r7(x), 0, ciS(x)) },
  { cop: 'c.addiw', match: 0x2001, mask: Q, op: 'addiw', desc: 'addiw rd, rd, imm (RV64; rd = 0 is reserved).',
    expand: (x) => r7(x) === 0 ? undefined : f(r7(x), r7(x), 0, ciS(x)) },
  { cop: 'c.li', match: 0x4001, mask: Q, op: 'addi', desc: 'addi rd, x0, imm.', expand: (x) => f(r7(x), 0, 0, ciS(x)) },
  { cop: 'c.addi16sp', match: 0x6101, mask: 0xef83, op: 'addi', desc: 'addi sp, sp, nzimm*16 (nzimm = 0 is reserved).',
    expand: (x) => { const i = addi16spImm(x); return i === 0 ? undefined : f(2, 2, 0, i); } },
  { cop: 'c.lui', match: 0x6001, mask: Q, op: 'lui', desc: 'lui rd, nzimm (nzimm = 0 is reserved).',
    expand: (x) => { const i = luiImm(x); return i === 0 ? undefined : f(r7(x), 0, 0, i); } },
  { cop: 'c.srli', match: 0x8001, mask: Q_F2, op: 'srli', desc: 'srli rd\', rd\', shamt.', expand: (x) => f(p7(x), p7(x), 0, ciU(x)) },
  { cop: 'c.srai', match: 0x8401, mask: Q_F2, op: 'srai', desc: 'srai rd\', rd\', shamt.', expand: (x) => f(p7(x), p7(x), 0, ciU(x)) },
  { cop: 'c.andi', match: 0x8801, mask: Q_F2, op: 'andi', desc: 'andi rd\', rd\', imm.', expand: (x) => f(p7(x), p7(x), 0, ciS(x)) },
  { cop: 'c.sub', match: 0x8c01, mask: Q_F6, op: 'sub', desc: 'sub rd\', rd\', rs2\'.', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.xor', match: 0x8c21, mask: Q_F6, op: 'xor', desc: 'xor rd\', rd\', rs2\'.', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.or', match: 0x8c41, mask: Q_F6, op: 'or', desc: 'or rd\', rd\', rs2\'.', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.and', match: 0x8c61, mask: Q_F6, op: 'and', desc: 'and rd\', rd\', rs2\'.', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.subw', match: 0x9c01, mask: Q_F6, op: 'subw', desc: 'subw rd\', rd\', rs2\' (RV64).', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.addw', match: 0x9c21, mask: Q_F6, op: 'addw', desc: 'addw rd\', rd\', rs2\' (RV64).', expand: (x) => f(p7(x), p7(x), p2(x), 0) },
  { cop: 'c.j', match: 0xa001, mask: Q, op: 'jal', desc: 'jal x0, offset.', expand: (x) => f(0, 0, 0, cjImm(x)) },
  { cop: 'c.beqz', match: 0xc001, mask: Q, op: 'beq', desc: 'beq rs1\', x0, offset.', expand: (x) => f(0, p7(x), 0, cbImm(x)) },
  { cop: 'c.bnez', match: 0xe001, mask: Q, op: 'bne', desc: 'bne rs1\', x0, offset.', expand: (x) => f(0, p7(x), 0, cbImm(x)) },
  // Quadrant 2
  { cop: 'c.slli', match: 0x0002, mask: Q, op: 'slli', desc: 'slli rd, rd, shamt.', expand: (x) => f(r7(x), r7(x), 0, ciU(x)) },
  { cop: 'c.fldsp', match: 0x2002, mask: Q, op: 'fld', desc: 'fld rd, uimm(sp).', expand: (x) => f(r7(x), 2, 0, ldspImm(x)) },
  { cop: 'c.lwsp', match: 0x4002, mask: Q, op: 'lw', desc: 'lw rd, uimm(sp) (rd = 0 is reserved).',
    expand: (x) => r7(x) === 0 ? undefined : f(r7(x), 2, 0, lwspImm(x)) },
  { cop: 'c.ldsp', match: 0x6002, mask: Q, op: 'ld', desc: 'ld rd, uimm(sp) (rd = 0 is reserved).',
    expand: (x) => r7(x) === 0 ? undefined : f(r7(x), 2, 0, ldspImm(x)) },
  { cop: 'c.jr', match: 0x8002, mask: 0xf07f, op: 'jalr', desc: 'jalr x0, 0(rs1) (rs1 = 0 is reserved).',
    expand: (x) => r7(x) === 0 ? undefined : f(0, r7(x), 0, 0) },
  // QEMU expands c.mv to addi rd, rs2, 0 (same result as the spec's add rd, x0, rs2).
  { cop: 'c.mv', match: 0x8002, mask: 0xf003, op: 'addi', desc: 'add rd, x0, rs2 (executed as addi rd, rs2, 0).', expand: (x) => f(r7(x), r2(x), 0, 0) },
  { cop: 'c.ebreak', match: 0x9002, mask: 0xffff, op: 'ebreak', desc: 'ebreak.', expand: () => f(0, 0, 0, 0) },
  { cop: 'c.jalr', match: 0x9002, mask: 0xf07f, op: 'jalr', desc: 'jalr ra, 0(rs1).', expand: (x) => f(1, r7(x), 0, 0) },
  { cop: 'c.add', match: 0x9002, mask: 0xf003, op: 'add', desc: 'add rd, rd, rs2.', expand: (x) => f(r7(x), r7(x), r2(x), 0) },
  { cop: 'c.fsdsp', match: 0xa002, mask: Q, op: 'fsd', desc: 'fsd rs2, uimm(sp).', expand: (x) => f(0, 2, r2(x), sdspImm(x)) },
  { cop: 'c.swsp', match: 0xc002, mask: Q, op: 'sw', desc: 'sw rs2, uimm(sp).', expand: (x) => f(0, 2, r2(x), swspImm(x)) },
  { cop: 'c.sdsp', match: 0xe002, mask: Q, op: 'sd', desc: 'sd rs2, uimm(sp).', expand: (x) => f(0, 2, r2(x), sdspImm(x)) },
];

// RV64I base integer instructions (RISC-V Unprivileged ISA, ch. 2 "RV32I" and ch. 5 "RV64I").

import { def, f3, f7, OPC, F3, F7, type InsnFlags, type Operand } from './spec';

const OP_IMM = 0x13, OP_IMM32 = 0x1b, OP = 0x33, OP32 = 0x3b, LOAD = 0x03, STORE = 0x23, BRANCH = 0x63;

const rtype = (op: number, fn3: number, fn7: number, desc: string) =>
  def('I', 'R', op | f3(fn3) | f7(fn7), OPC | F3 | F7, ['rd', 'rs1', 'rs2'], desc);
const itype = (op: number, fn3: number, desc: string) =>
  def('I', 'I', op | f3(fn3), OPC | F3, ['rd', 'rs1', 'imm'], desc);
// RV64 shifts: 6-bit shamt, funct6 in bits 31:26; *W shifts: 5-bit shamt, funct7.
const shift64 = (fn3: number, fn6: number, desc: string) =>
  def('I', 'SH6', OP_IMM | f3(fn3) | (fn6 << 26), OPC | F3 | 0xfc000000, ['rd', 'rs1', 'shamt'], desc);
const shift32 = (fn3: number, fn7: number, desc: string) =>
  def('I', 'SH5', OP_IMM32 | f3(fn3) | f7(fn7), OPC | F3 | F7, ['rd', 'rs1', 'shamt'], desc);
const load = (fn3: number, size: 1 | 2 | 4 | 8, signed: boolean, desc: string) =>
  def('I', 'I', LOAD | f3(fn3), OPC | F3, ['rd', 'mem'], desc, { load: true, memSize: size, signExtendLoad: signed });
const store = (fn3: number, size: 1 | 2 | 4 | 8, desc: string) =>
  def('I', 'S', STORE | f3(fn3), OPC | F3, ['rs2', 'mem'], desc, { store: true, memSize: size });
const branch = (fn3: number, desc: string) =>
  def('I', 'B', BRANCH | f3(fn3), OPC | F3, ['rs1', 'rs2', 'target'], desc, { branch: true, endsBlock: true });
const sys = (word: number, desc: string, flags: InsnFlags) =>
  def('I', 'SYS', word, 0xffffffff, [] as Operand[], desc, flags);

export const RV64I = {
  lui: def('I', 'U', 0x37, OPC, ['rd', 'hi20'], 'Load upper immediate: rd = sext(imm20 << 12).'),
  auipc: def('I', 'U', 0x17, OPC, ['rd', 'hi20'], 'Add upper immediate to pc: rd = pc + sext(imm20 << 12).'),
  jal: def('I', 'J', 0x6f, OPC, ['rd', 'target'], 'Jump and link: rd = pc + 4; pc += offset.', { jump: true, endsBlock: true }),
  jalr: def('I', 'I', 0x67, OPC | F3, ['rd', 'mem'], 'Jump and link register: rd = pc + 4; pc = (rs1 + imm) & ~1.', { jump: true, endsBlock: true }),
  beq: branch(0, 'Branch if rs1 == rs2.'),
  bne: branch(1, 'Branch if rs1 != rs2.'),
  blt: branch(4, 'Branch if rs1 < rs2 (signed).'),
  bge: branch(5, 'Branch if rs1 >= rs2 (signed).'),
  bltu: branch(6, 'Branch if rs1 < rs2 (unsigned).'),
  bgeu: branch(7, 'Branch if rs1 >= rs2 (unsigned).'),
  lb: load(0, 1, true, 'Load byte, sign-extended.'),
  lh: load(1, 2, true, 'Load halfword, sign-extended.'),
  lw: load(2, 4, true, 'Load word, sign-extended.'),
  ld: load(3, 8, true, 'Load doubleword.'),
  lbu: load(4, 1, false, 'Load byte, zero-extended.'),
  lhu: load(5, 2, false, 'Load halfword, zero-extended.'),
  lwu: load(6, 4, false, 'Load word, zero-extended.'),
  sb: store(0, 1, 'Store byte.'),
  sh: store(1, 2, 'Store halfword.'),
  sw: store(2, 4, 'Store word.'),
  sd: store(3, 8, 'Store doubleword.'),
  addi: itype(OP_IMM, 0, 'Add immediate.'),
  slti: itype(OP_IMM, 2, 'Set if less than immediate (signed).'),
  sltiu: itype(OP_IMM, 3, 'Set if less than immediate (unsigned compare of sign-extended imm).'),
  xori: itype(OP_IMM, 4, 'Exclusive-or immediate.'),
  ori: itype(OP_IMM, 6, 'Or immediate.'),
  andi: itype(OP_IMM, 7, 'And immediate.'),
  slli: shift64(1, 0x00, 'Shift left logical by immediate (0..63).'),
  srli: shift64(5, 0x00, 'Shift right logical by immediate (0..63).'),
  srai: shift64(5, 0x10, 'Shift right arithmetic by immediate (0..63).'),
  add: rtype(OP, 0, 0x00, 'Add (wraps modulo 2^64).'),
  sub: rtype(OP, 0, 0x20, 'Subtract.'),
  sll: rtype(OP, 1, 0x00, 'Shift left logical by rs2[5:0].'),
  slt: rtype(OP, 2, 0x00, 'Set if less than (signed).'),
  sltu: rtype(OP, 3, 0x00, 'Set if less than (unsigned).'),
  xor: rtype(OP, 4, 0x00, 'Bitwise exclusive-or.'),
  srl: rtype(OP, 5, 0x00, 'Shift right logical by rs2[5:0].'),
  sra: rtype(OP, 5, 0x20, 'Shift right arithmetic by rs2[5:0].'),
  or: rtype(OP, 6, 0x00, 'Bitwise or.'),
  and: rtype(OP, 7, 0x00, 'Bitwise and.'),
  addiw: itype(OP_IMM32, 0, 'Add immediate, 32-bit result sign-extended.'),
  slliw: shift32(1, 0x00, 'Shift left logical word by immediate (0..31), sign-extended.'),
  srliw: shift32(5, 0x00, 'Shift right logical word by immediate (0..31), sign-extended.'),
  sraiw: shift32(5, 0x20, 'Shift right arithmetic word by immediate (0..31), sign-extended.'),
  addw: rtype(OP32, 0, 0x00, 'Add word, sign-extended.'),
  subw: rtype(OP32, 0, 0x20, 'Subtract word, sign-extended.'),
  sllw: rtype(OP32, 1, 0x00, 'Shift left logical word by rs2[4:0], sign-extended.'),
  srlw: rtype(OP32, 5, 0x00, 'Shift right logical word by rs2[4:0], sign-extended.'),
  sraw: rtype(OP32, 5, 0x20, 'Shift right arithmetic word by rs2[4:0], sign-extended.'),
  // QEMU ignores fm, rs1 and rd of FENCE (decodetree pattern `fence ---- pred succ ----- 000 ----- 0001111`);
  // objdump only disassembles fm = 0, rs1 = rd = 0 (fence.tso is matched by the disassembler first).
  fence: def('I', 'FENCE', 0x0f, OPC | F3, ['pred', 'succ'], 'Memory ordering fence (a no-op for a single hart in user mode).', {}, 0xf00fffff),
  ecall: sys(0x00000073, 'Environment call: a Linux system call (a7 = number, a0..a5 = arguments).', { endsBlock: true }),
  ebreak: sys(0x00100073, 'Environment breakpoint: SIGTRAP in user mode, a stop for the debugger.', { endsBlock: true }),
} as const;

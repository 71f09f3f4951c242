// Shapes and builders for the ISA table (emulator/isa/table.ts). Each extension file
// (rv64i.ts, m.ts, a.ts, f.ts, d.ts, zicsr.ts, zifencei.ts) describes its instructions with the
// builders below, so match/mask values are computed from the spec's field values (RISC-V
// Unprivileged ISA, ch. 2 "Base Instruction Formats") instead of being typed in as magic numbers.

export type Ext = 'I' | 'M' | 'A' | 'F' | 'D' | 'Zicsr' | 'Zifencei';

/**
 * How the immediate (and which register fields) are extracted from the 32-bit word.
 * R: no immediate; R4: rs3 in bits 31:27 (fused multiply-add); I/S/B/U/J: the base formats;
 * SH6/SH5: I-type shift with a 6/5-bit shamt in imm; CSR/CSRI: csr in bits 31:20 (CSRI: the
 * rs1 field is the 5-bit zero-extended immediate, also put in imm); FENCE: pred/succ; SYS: none.
 */
export type Format = 'R' | 'R4' | 'I' | 'S' | 'B' | 'U' | 'J' | 'SH6' | 'SH5' | 'CSR' | 'CSRI' | 'FENCE' | 'SYS';

/**
 * Operand kinds, in the order objdump prints them (without aliases).
 * rd/rs1/rs2: integer registers; frd/frs1/frs2/frs3: FP registers; imm: signed decimal;
 * shamt: hex; hi20: U-type immediate printed as hex of imm>>>12; mem: imm(rs1);
 * addr: (rs1) of LR/SC/AMO; target: pc-relative branch/jump target; csr: CSR name or number;
 * zimm: 5-bit CSR immediate (rs1 field); rm: rounding mode (printed unless dynamic);
 * pred/succ: fence sets.
 */
export type Operand =
  | 'rd' | 'rs1' | 'rs2' | 'frd' | 'frs1' | 'frs2' | 'frs3'
  | 'imm' | 'shamt' | 'hi20' | 'mem' | 'addr' | 'target' | 'csr' | 'zimm' | 'rm' | 'pred' | 'succ';

/**
 * Flags legend (all optional, default false/0):
 *  branch        conditional branch (B-type); ends the TB.
 *  jump          unconditional jal/jalr; ends the TB.
 *  endsBlock     the translator must end the TB after this instruction: every control transfer,
 *                ecall, ebreak and fence.i (QEMU's DISAS_NORETURN / DISAS_TOO_MANY cases).
 *  load, store   plain memory access of memSize bytes (FP loads/stores included).
 *  amo           LR/SC/AMO: a read (LR), a write (SC, when it succeeds) or read-modify-write.
 *  memSize       access size in bytes (plugins' meminfo size_shift = log2(memSize)).
 *  signExtendLoad the loaded value is sign-extended (plugins' meminfo sign bit).
 *  fp            touches FP state (requires mstatus.FS on; uses fflags/frm).
 *  fpDouble      operates on binary64 values (D extension).
 *  csr           reads/writes a CSR.
 *  hasRm         the funct3 field is a rounding mode (reserved values 5, 6 are illegal).
 *  rmObjdumpZero objdump (binutils 2.40) only disassembles the instruction when rm = 0 (exact
 *                conversions such as fcvt.d.w), otherwise it prints a .4byte directive.
 */
export interface InsnFlags {
  branch?: boolean; jump?: boolean; endsBlock?: boolean;
  load?: boolean; store?: boolean; amo?: boolean; memSize?: 0 | 1 | 2 | 4 | 8; signExtendLoad?: boolean;
  fp?: boolean; fpDouble?: boolean; csr?: boolean; hasRm?: boolean; rmObjdumpZero?: boolean;
}

/** An entry as written in an extension file; table.ts adds the mnemonic and derived fields. */
export interface SpecDef {
  ext: Ext;
  format: Format;
  match: number;
  mask: number;
  /**
   * Stricter mask used only to decide whether objdump would disassemble the word (binutils
   * requires e.g. fence's unused rd/rs1/fm fields to be zero while QEMU ignores them).
   * Defaults to `mask`.
   */
  disMask?: number;
  operands: readonly Operand[];
  flags: InsnFlags;
  desc: string;
}

// Field masks (bit positions from the base formats).
export const OPC = 0x7f, F3 = 0x7000, F7 = 0xfe000000, RD = 0xf80, RS1 = 0xf8000, RS2 = 0x1f00000;

const u = (x: number): number => x >>> 0;
export const f3 = (v: number): number => v << 12;
export const f7 = (v: number): number => u(v << 25);

export function def(ext: Ext, format: Format, match: number, mask: number, operands: readonly Operand[],
  desc: string, flags: InsnFlags = {}, disMask?: number): SpecDef {
  return { ext, format, match: u(match), mask: u(mask), disMask: disMask === undefined ? undefined : u(disMask), operands, flags, desc };
}

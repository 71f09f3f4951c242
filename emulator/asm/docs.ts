// Hover and completion text for the language server: the syntax and meaning of every mnemonic
// the assembler accepts — base instructions straight from the ISA table, pseudo-instructions and
// their expansions, explicit compressed forms from the C table — and of every directive.

import { ISA, MNEMONICS, type Operand } from '../isa/table';
import { COMPRESSED_NAMES, compressedSpec } from './compressed';

export interface MnemonicDoc {
  name: string;
  kind: 'instruction' | 'pseudo' | 'compressed';
  /** e.g. "addi rd, rs1, imm". */
  syntax: string;
  description: string;
  /** ISA extension (I, M, A, F, D, Zicsr, Zifencei, C). */
  ext?: string;
  /** What a pseudo-instruction expands to. */
  expansion?: string;
}

const OPERAND_TEXT: Record<Operand, string> = {
  rd: 'rd', rs1: 'rs1', rs2: 'rs2', frd: 'frd', frs1: 'frs1', frs2: 'frs2', frs3: 'frs3', imm: 'imm', shamt: 'shamt',
  hi20: 'imm20', mem: 'offset(rs1)', addr: '(rs1)', target: 'label', csr: 'csr', zimm: 'uimm5', rm: '[rm]', pred: 'pred', succ: 'succ',
};

/** Pseudo-instructions: syntax, meaning, expansion (binutils riscv-opc.c / tc-riscv.c). */
const PSEUDO_DOCS: [string, string, string, string][] = [
  ['nop', 'nop', 'No operation.', 'addi x0, x0, 0'],
  ['li', 'li rd, imm', 'Load an immediate (any 64-bit constant), with the same sequence as GNU as.', 'addi / lui+addiw / ... slli+addi'],
  ['la', 'la rd, symbol', 'Load the address of a symbol (non-PIC: same as lla).', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo'],
  ['lla', 'lla rd, symbol', 'Load the pc-relative address of a symbol.', 'auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo'],
  ['call', 'call [rd,] symbol', 'Call a function anywhere within ±2 GiB (link register ra, or rd with t1 as scratch).', 'auipc ra, %pcrel_hi(symbol); jalr ra, %pcrel_lo(ra)'],
  ['tail', 'tail symbol', 'Tail call (jump without linking) through t1.', 'auipc t1, %pcrel_hi(symbol); jalr x0, %pcrel_lo(t1)'],
  ['mv', 'mv rd, rs', 'Copy a register.', 'addi rd, rs, 0'],
  ['not', 'not rd, rs', 'Bitwise not.', 'xori rd, rs, -1'],
  ['neg', 'neg rd, rs', 'Two\'s complement negation.', 'sub rd, x0, rs'],
  ['negw', 'negw rd, rs', 'Negate word, sign-extended.', 'subw rd, x0, rs'],
  ['sext.w', 'sext.w rd, rs', 'Sign-extend the low 32 bits.', 'addiw rd, rs, 0'],
  ['zext.b', 'zext.b rd, rs', 'Zero-extend the low byte.', 'andi rd, rs, 255'],
  ['seqz', 'seqz rd, rs', 'Set if zero.', 'sltiu rd, rs, 1'],
  ['snez', 'snez rd, rs', 'Set if not zero.', 'sltu rd, x0, rs'],
  ['sltz', 'sltz rd, rs', 'Set if negative.', 'slt rd, rs, x0'],
  ['sgtz', 'sgtz rd, rs', 'Set if positive.', 'slt rd, x0, rs'],
  ['j', 'j label', 'Jump.', 'jal x0, label'],
  ['jr', 'jr rs', 'Jump to the address in a register.', 'jalr x0, 0(rs)'],
  ['ret', 'ret', 'Return from a function.', 'jalr x0, 0(ra)'],
  ['beqz', 'beqz rs, label', 'Branch if zero.', 'beq rs, x0, label'],
  ['bnez', 'bnez rs, label', 'Branch if not zero.', 'bne rs, x0, label'],
  ['blez', 'blez rs, label', 'Branch if ≤ 0.', 'bge x0, rs, label'],
  ['bgez', 'bgez rs, label', 'Branch if ≥ 0.', 'bge rs, x0, label'],
  ['bltz', 'bltz rs, label', 'Branch if < 0.', 'blt rs, x0, label'],
  ['bgtz', 'bgtz rs, label', 'Branch if > 0.', 'blt x0, rs, label'],
  ['bgt', 'bgt rs, rt, label', 'Branch if greater (signed).', 'blt rt, rs, label'],
  ['ble', 'ble rs, rt, label', 'Branch if less or equal (signed).', 'bge rt, rs, label'],
  ['bgtu', 'bgtu rs, rt, label', 'Branch if greater (unsigned).', 'bltu rt, rs, label'],
  ['bleu', 'bleu rs, rt, label', 'Branch if less or equal (unsigned).', 'bgeu rt, rs, label'],
  ['fgt.s', 'fgt.s rd, frs1, frs2', 'Set rd to 1 if frs1 > frs2 (single).', 'flt.s rd, frs2, frs1'],
  ['fge.s', 'fge.s rd, frs1, frs2', 'Set rd to 1 if frs1 >= frs2 (single).', 'fle.s rd, frs2, frs1'],
  ['fgt.d', 'fgt.d rd, frs1, frs2', 'Set rd to 1 if frs1 > frs2 (double).', 'flt.d rd, frs2, frs1'],
  ['fge.d', 'fge.d rd, frs1, frs2', 'Set rd to 1 if frs1 >= frs2 (double).', 'fle.d rd, frs2, frs1'],
  ['fmv.s', 'fmv.s frd, frs', 'Copy a single.', 'fsgnj.s frd, frs, frs'],
  ['fabs.s', 'fabs.s frd, frs', 'Single absolute value.', 'fsgnjx.s frd, frs, frs'],
  ['fneg.s', 'fneg.s frd, frs', 'Single negation.', 'fsgnjn.s frd, frs, frs'],
  ['fmv.d', 'fmv.d frd, frs', 'Copy a double.', 'fsgnj.d frd, frs, frs'],
  ['fabs.d', 'fabs.d frd, frs', 'Double absolute value.', 'fsgnjx.d frd, frs, frs'],
  ['fneg.d', 'fneg.d frd, frs', 'Double negation.', 'fsgnjn.d frd, frs, frs'],
  ['csrr', 'csrr rd, csr', 'Read a CSR.', 'csrrs rd, csr, x0'],
  ['csrw', 'csrw csr, rs', 'Write a CSR.', 'csrrw x0, csr, rs'],
  ['csrs', 'csrs csr, rs', 'Set CSR bits.', 'csrrs x0, csr, rs'],
  ['csrc', 'csrc csr, rs', 'Clear CSR bits.', 'csrrc x0, csr, rs'],
  ['csrwi', 'csrwi csr, uimm5', 'Write a CSR from an immediate.', 'csrrwi x0, csr, uimm5'],
  ['csrsi', 'csrsi csr, uimm5', 'Set CSR bits from an immediate.', 'csrrsi x0, csr, uimm5'],
  ['csrci', 'csrci csr, uimm5', 'Clear CSR bits from an immediate.', 'csrrci x0, csr, uimm5'],
  ['frflags', 'frflags rd', 'Read the FP exception flags.', 'csrrs rd, fflags, x0'],
  ['fsflags', 'fsflags [rd,] rs', 'Swap the FP exception flags.', 'csrrw rd, fflags, rs'],
  ['fsflagsi', 'fsflagsi [rd,] uimm5', 'Swap the FP exception flags with an immediate.', 'csrrwi rd, fflags, uimm5'],
  ['frrm', 'frrm rd', 'Read the FP rounding mode.', 'csrrs rd, frm, x0'],
  ['fsrm', 'fsrm [rd,] rs', 'Swap the FP rounding mode.', 'csrrw rd, frm, rs'],
  ['fsrmi', 'fsrmi [rd,] uimm5', 'Swap the FP rounding mode with an immediate.', 'csrrwi rd, frm, uimm5'],
  ['frcsr', 'frcsr rd', 'Read the FP control/status register.', 'csrrs rd, fcsr, x0'],
  ['fscsr', 'fscsr [rd,] rs', 'Swap the FP control/status register.', 'csrrw rd, fcsr, rs'],
  ['rdcycle', 'rdcycle rd', 'Read the cycle counter.', 'csrrs rd, cycle, x0'],
  ['rdtime', 'rdtime rd', 'Read the real-time clock.', 'csrrs rd, time, x0'],
  ['rdinstret', 'rdinstret rd', 'Read the retired-instruction counter.', 'csrrs rd, instret, x0'],
  ['fence.tso', 'fence.tso', 'Total-store-order fence.', 'fence (fm=1000) rw, rw'],
  ['unimp', 'unimp', 'Always-illegal instruction (SIGILL).', 'c.unimp (0x0000), or csrrw x0, cycle, x0 without RVC'],
  ['c.unimp', 'c.unimp', 'Always-illegal 16-bit instruction (all zeros).', '0x0000'],
];

let all: Map<string, MnemonicDoc> | undefined;

function build(): Map<string, MnemonicDoc> {
  const m = new Map<string, MnemonicDoc>();
  for (const name of MNEMONICS) {
    const s = ISA[name];
    const ops = s.operands.filter((o) => !(o === 'rm' && s.flags.rmObjdumpZero)).map((o) => OPERAND_TEXT[o]);
    m.set(name, { name, kind: 'instruction', syntax: `${name}${ops.length ? ' ' + ops.join(', ') : ''}`, description: s.desc, ext: s.ext });
  }
  for (const name of COMPRESSED_NAMES) {
    const c = compressedSpec(name)!;
    m.set(name, { name, kind: 'compressed', syntax: name, description: `Compressed (16-bit) form: ${c.desc}`, ext: 'C', expansion: c.op });
  }
  for (const [name, syntax, description, expansion] of PSEUDO_DOCS) {
    const base = m.get(name);
    // jal/jalr/fence also have short pseudo forms; keep the base entry and mention the alias.
    if (!base) m.set(name, { name, kind: 'pseudo', syntax, description, expansion });
  }
  return m;
}

/** Documentation for a mnemonic (case-insensitive), or undefined when the assembler does not know it. */
export function mnemonicDoc(name: string): MnemonicDoc | undefined {
  all ??= build();
  return all.get(name.toLowerCase());
}

/** Every mnemonic the assembler accepts, with its documentation (for completion lists). */
export function allMnemonicDocs(): readonly MnemonicDoc[] {
  all ??= build();
  return [...all.values()];
}

// GNU as pseudo-instructions and directives the RISC-V assembly tools know about, with the
// syntax and meaning shown on hover and in completion (RISC-V Assembly Programmer's Manual,
// "Pseudoinstructions"; GNU as manual, "Pseudo Ops"). Base instructions come from the ISA table
// (emulator/isa), not from here; the grammar test checks syntaxes/ against both.

export interface DocEntry { syntax: string; desc: string }

export const PSEUDOS: Readonly<Record<string, DocEntry>> = {
  nop: { syntax: 'nop', desc: 'No operation (addi zero, zero, 0).' },
  unimp: { syntax: 'unimp', desc: 'Guaranteed illegal instruction (csrrw zero, cycle, zero): raises SIGILL.' },
  'c.unimp': { syntax: 'c.unimp', desc: 'Compressed illegal instruction (the all-zero parcel): raises SIGILL.' },
  'c.slli64': { syntax: 'c.slli64 rd', desc: 'Compressed shift left by 0 (c.slli rd, 0): a HINT, no effect.' },
  'c.srli64': { syntax: "c.srli64 rd'", desc: "Compressed logical shift right by 0 (c.srli rd', 0): a HINT, no effect." },
  'c.srai64': { syntax: "c.srai64 rd'", desc: "Compressed arithmetic shift right by 0 (c.srai rd', 0): a HINT, no effect." },
  'fence.tso': { syntax: 'fence.tso', desc: 'Total-store-order fence (fence rw, rw with fm = TSO).' },
  li: { syntax: 'li rd, imm', desc: 'Load immediate: a sequence of lui/addi(w)/slli as needed.' },
  la: { syntax: 'la rd, symbol', desc: 'Load address: auipc rd, %pcrel_hi(symbol); addi rd, rd, %pcrel_lo(...).' },
  lla: { syntax: 'lla rd, symbol', desc: 'Load local address (always pc-relative).' },
  mv: { syntax: 'mv rd, rs', desc: 'Copy register (addi rd, rs, 0).' },
  not: { syntax: 'not rd, rs', desc: "One's complement (xori rd, rs, -1)." },
  neg: { syntax: 'neg rd, rs', desc: "Two's complement (sub rd, zero, rs)." },
  negw: { syntax: 'negw rd, rs', desc: "Two's complement word (subw rd, zero, rs)." },
  'sext.w': { syntax: 'sext.w rd, rs', desc: 'Sign-extend word (addiw rd, rs, 0).' },
  'zext.b': { syntax: 'zext.b rd, rs', desc: 'Zero-extend byte (andi rd, rs, 255).' },
  seqz: { syntax: 'seqz rd, rs', desc: 'Set if = zero (sltiu rd, rs, 1).' },
  snez: { syntax: 'snez rd, rs', desc: 'Set if != zero (sltu rd, zero, rs).' },
  sltz: { syntax: 'sltz rd, rs', desc: 'Set if < zero (slt rd, rs, zero).' },
  sgtz: { syntax: 'sgtz rd, rs', desc: 'Set if > zero (slt rd, zero, rs).' },
  beqz: { syntax: 'beqz rs, offset', desc: 'Branch if = zero (beq rs, zero, offset).' },
  bnez: { syntax: 'bnez rs, offset', desc: 'Branch if != zero (bne rs, zero, offset).' },
  blez: { syntax: 'blez rs, offset', desc: 'Branch if <= zero (bge zero, rs, offset).' },
  bgez: { syntax: 'bgez rs, offset', desc: 'Branch if >= zero (bge rs, zero, offset).' },
  bltz: { syntax: 'bltz rs, offset', desc: 'Branch if < zero (blt rs, zero, offset).' },
  bgtz: { syntax: 'bgtz rs, offset', desc: 'Branch if > zero (blt zero, rs, offset).' },
  bgt: { syntax: 'bgt rs, rt, offset', desc: 'Branch if > (blt rt, rs, offset).' },
  ble: { syntax: 'ble rs, rt, offset', desc: 'Branch if <= (bge rt, rs, offset).' },
  bgtu: { syntax: 'bgtu rs, rt, offset', desc: 'Branch if >, unsigned (bltu rt, rs, offset).' },
  bleu: { syntax: 'bleu rs, rt, offset', desc: 'Branch if <=, unsigned (bgeu rt, rs, offset).' },
  j: { syntax: 'j offset', desc: 'Jump (jal zero, offset).' },
  jr: { syntax: 'jr rs', desc: 'Jump register (jalr zero, 0(rs)).' },
  ret: { syntax: 'ret', desc: 'Return from subroutine (jalr zero, 0(ra)).' },
  call: { syntax: 'call symbol', desc: 'Call far-away subroutine: auipc ra, %pcrel_hi(symbol); jalr ra, %pcrel_lo(...)(ra).' },
  tail: { syntax: 'tail symbol', desc: 'Tail call far-away subroutine: auipc t1, ...; jalr zero, ...(t1).' },
  rdinstret: { syntax: 'rdinstret rd', desc: 'Read instructions-retired counter (csrrs rd, instret, zero).' },
  rdcycle: { syntax: 'rdcycle rd', desc: 'Read cycle counter (csrrs rd, cycle, zero).' },
  rdtime: { syntax: 'rdtime rd', desc: 'Read real-time clock (csrrs rd, time, zero).' },
  csrr: { syntax: 'csrr rd, csr', desc: 'Read CSR (csrrs rd, csr, zero).' },
  csrw: { syntax: 'csrw csr, rs', desc: 'Write CSR (csrrw zero, csr, rs).' },
  csrs: { syntax: 'csrs csr, rs', desc: 'Set bits in CSR (csrrs zero, csr, rs).' },
  csrc: { syntax: 'csrc csr, rs', desc: 'Clear bits in CSR (csrrc zero, csr, rs).' },
  csrwi: { syntax: 'csrwi csr, imm', desc: 'Write CSR, immediate (csrrwi zero, csr, imm).' },
  csrsi: { syntax: 'csrsi csr, imm', desc: 'Set bits in CSR, immediate (csrrsi zero, csr, imm).' },
  csrci: { syntax: 'csrci csr, imm', desc: 'Clear bits in CSR, immediate (csrrci zero, csr, imm).' },
  frcsr: { syntax: 'frcsr rd', desc: 'Read FP control/status register (csrrs rd, fcsr, zero).' },
  fscsr: { syntax: 'fscsr rd, rs', desc: 'Swap FP control/status register (csrrw rd, fcsr, rs).' },
  frrm: { syntax: 'frrm rd', desc: 'Read FP rounding mode (csrrs rd, frm, zero).' },
  fsrm: { syntax: 'fsrm rd, rs', desc: 'Swap FP rounding mode (csrrw rd, frm, rs).' },
  frflags: { syntax: 'frflags rd', desc: 'Read FP exception flags (csrrs rd, fflags, zero).' },
  fsflags: { syntax: 'fsflags rd, rs', desc: 'Swap FP exception flags (csrrw rd, fflags, rs).' },
  fsflagsi: { syntax: 'fsflagsi rd, imm', desc: 'Swap FP exception flags, immediate (csrrwi rd, fflags, imm).' },
  fsrmi: { syntax: 'fsrmi rd, imm', desc: 'Swap FP rounding mode, immediate (csrrwi rd, frm, imm).' },
  jal: { syntax: 'jal offset', desc: 'Jump and link to ra (jal ra, offset); the two-operand form is the base instruction.' },
  jalr: { syntax: 'jalr rs', desc: 'Jump and link register to ra (jalr ra, 0(rs)); the full form is the base instruction.' },
  fence: { syntax: 'fence', desc: 'Full fence (fence iorw, iorw); the two-operand form is the base instruction.' },
  'fmv.s': { syntax: 'fmv.s rd, rs', desc: 'Copy single-precision register (fsgnj.s rd, rs, rs).' },
  'fabs.s': { syntax: 'fabs.s rd, rs', desc: 'Single-precision absolute value (fsgnjx.s rd, rs, rs).' },
  'fneg.s': { syntax: 'fneg.s rd, rs', desc: 'Single-precision negate (fsgnjn.s rd, rs, rs).' },
  'fmv.d': { syntax: 'fmv.d rd, rs', desc: 'Copy double-precision register (fsgnj.d rd, rs, rs).' },
  'fabs.d': { syntax: 'fabs.d rd, rs', desc: 'Double-precision absolute value (fsgnjx.d rd, rs, rs).' },
  'fneg.d': { syntax: 'fneg.d rd, rs', desc: 'Double-precision negate (fsgnjn.d rd, rs, rs).' },
};

export const DIRECTIVES: Readonly<Record<string, DocEntry>> = {
  '.text': { syntax: '.text', desc: 'Switch to the .text (code) section.' },
  '.data': { syntax: '.data', desc: 'Switch to the .data section.' },
  '.bss': { syntax: '.bss', desc: 'Switch to the .bss (zero-initialised) section.' },
  '.section': { syntax: '.section name[, "flags"[, @type]]', desc: 'Switch to the named section (e.g. .rodata).' },
  '.globl': { syntax: '.globl symbol', desc: 'Make the symbol visible to the linker.' },
  '.global': { syntax: '.global symbol', desc: 'Same as .globl.' },
  '.local': { syntax: '.local symbol', desc: 'Keep the symbol local to this file.' },
  '.weak': { syntax: '.weak symbol', desc: 'Mark the symbol weak.' },
  '.type': { syntax: '.type symbol, @function|@object', desc: 'Set the ELF symbol type.' },
  '.size': { syntax: '.size symbol, expression', desc: 'Set the ELF symbol size.' },
  '.align': { syntax: '.align n', desc: 'Align to 2^n bytes (RISC-V: power-of-two argument).' },
  '.p2align': { syntax: '.p2align n[, fill[, max]]', desc: 'Align to 2^n bytes.' },
  '.balign': { syntax: '.balign n[, fill[, max]]', desc: 'Align to n bytes.' },
  '.byte': { syntax: '.byte expr, ...', desc: 'Emit 1-byte values.' },
  '.half': { syntax: '.half expr, ...', desc: 'Emit 2-byte values.' },
  '.short': { syntax: '.short expr, ...', desc: 'Emit 2-byte values.' },
  '.2byte': { syntax: '.2byte expr, ...', desc: 'Emit 2-byte values (unaligned).' },
  '.word': { syntax: '.word expr, ...', desc: 'Emit 4-byte values.' },
  '.long': { syntax: '.long expr, ...', desc: 'Emit 4-byte values.' },
  '.4byte': { syntax: '.4byte expr, ...', desc: 'Emit 4-byte values (unaligned).' },
  '.dword': { syntax: '.dword expr, ...', desc: 'Emit 8-byte values.' },
  '.quad': { syntax: '.quad expr, ...', desc: 'Emit 8-byte values.' },
  '.8byte': { syntax: '.8byte expr, ...', desc: 'Emit 8-byte values (unaligned).' },
  '.zero': { syntax: '.zero n', desc: 'Emit n zero bytes.' },
  '.space': { syntax: '.space n[, fill]', desc: 'Emit n bytes of fill (default 0).' },
  '.skip': { syntax: '.skip n[, fill]', desc: 'Same as .space.' },
  '.ascii': { syntax: '.ascii "string", ...', desc: 'Emit strings without a terminating NUL.' },
  '.asciz': { syntax: '.asciz "string", ...', desc: 'Emit NUL-terminated strings.' },
  '.string': { syntax: '.string "string", ...', desc: 'Same as .asciz.' },
  '.equ': { syntax: '.equ symbol, expression', desc: 'Set a symbol to a value.' },
  '.set': { syntax: '.set symbol, expression', desc: 'Set a symbol to a value (may be redefined).' },
  '.equiv': { syntax: '.equiv symbol, expression', desc: 'Like .equ, but an error if already defined.' },
  '.option': { syntax: '.option rvc|norvc|push|pop|pic|nopic|relax|norelax', desc: 'RISC-V assembler options.' },
  '.file': { syntax: '.file "name"', desc: 'Source file name for debug info.' },
  '.ident': { syntax: '.ident "string"', desc: 'Add an identification string to .comment.' },
  '.attribute': { syntax: '.attribute tag, value', desc: 'RISC-V ELF attribute (e.g. arch).' },
  '.rodata': { syntax: '.rodata', desc: 'Switch to the .rodata (read-only data) section.' },
  '.pushsection': { syntax: '.pushsection name', desc: 'Save the current section and switch to another.' },
  '.popsection': { syntax: '.popsection', desc: 'Return to the section saved by .pushsection.' },
  '.previous': { syntax: '.previous', desc: 'Return to the previous section.' },
  '.int': { syntax: '.int expr, ...', desc: 'Emit 4-byte values.' },
  '.fill': { syntax: '.fill repeat[, size[, value]]', desc: 'Emit repeat copies of a size-byte value.' },
  '.loc': { syntax: '.loc file line [column]', desc: 'Debug line information for the next instruction.' },
  '.end': { syntax: '.end', desc: 'End of the assembly file; the rest is ignored.' },
};

export const INT_REGS = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1',
  ...Array.from({ length: 8 }, (_, i) => `a${i}`), ...Array.from({ length: 10 }, (_, i) => `s${i + 2}`),
  't3', 't4', 't5', 't6'];
export const FP_REGS = [...Array.from({ length: 8 }, (_, i) => `ft${i}`), 'fs0', 'fs1',
  ...Array.from({ length: 8 }, (_, i) => `fa${i}`), ...Array.from({ length: 10 }, (_, i) => `fs${i + 2}`),
  'ft8', 'ft9', 'ft10', 'ft11'];

/** Register name → "x10 (a0)" text for hover; ABI names and xN/fN/fp. */
export function registerDoc(name: string): string | undefined {
  let i = INT_REGS.indexOf(name);
  if (i >= 0) return `x${i} (${name})`;
  if (name === 'fp') return 'x8 (s0/fp, frame pointer)';
  i = FP_REGS.indexOf(name);
  if (i >= 0) return `f${i} (${name})`;
  let m = /^x([0-9]|[12][0-9]|3[01])$/.exec(name);
  if (m) return `x${m[1]} (${INT_REGS[Number(m[1])]})`;
  m = /^f([0-9]|[12][0-9]|3[01])$/.exec(name);
  if (m) return `f${m[1]} (${FP_REGS[Number(m[1])]})`;
  return undefined;
}

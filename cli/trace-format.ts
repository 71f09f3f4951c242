// QEMU's -d log formats, reproduced so a tbscope log reads (and diffs) like qemu-riscv64's:
// `-d in_asm` blocks (accel/tcg/translator.c + target_disas) and `-d exec` "Trace" lines
// (accel/tcg/cpu-exec.c). The instruction text is ours (objdump's), laid out in QEMU's columns.

/** One guest instruction of a TB as the log shows it. */
export interface LoggedInsn {
  pc: number;
  /** Encoding: 16-bit parcel for compressed instructions, else the 32-bit word. */
  raw: number;
  size: number;
  /** Disassembly text, objdump style: mnemonic, whitespace, operands, optional `# comment`. */
  text: string;
}

const hex = (v: number, width: number): string => v.toString(16).padStart(width, '0');

/** Column layout of QEMU's RISC-V disassembler: raw bytes 18 wide, mnemonic 24, operands 24. */
export function formatInsnLine(i: LoggedInsn): string {
  const raw = i.size === 2 ? hex(i.raw & 0xffff, 4) : hex(i.raw >>> 0, 8);
  const t = i.text.trim();
  const sp = t.search(/\s/);
  const mnemonic = sp < 0 ? t : t.slice(0, sp);
  let operands = sp < 0 ? '' : t.slice(sp).trim();
  let comment = '';
  const hash = operands.indexOf('#');
  if (hash >= 0) { comment = operands.slice(hash).trim(); operands = operands.slice(0, hash).trim(); }
  const tail = comment ? operands.padEnd(24) + comment : operands;
  return `0x${hex(i.pc, 16)}:  ${raw.padEnd(18)}${mnemonic.padEnd(24)}${tail}`;
}

/** A `-d in_asm` block for one translated TB, ending with QEMU's blank line. */
export function formatInAsm(symbol: string, insns: readonly LoggedInsn[]): string {
  return ['----------------', `IN: ${symbol}`, ...insns.map(formatInsnLine), '', ''].join('\n');
}

/**
 * A `-d exec` line: QEMU prints the host code pointer of the TB; we print the TB's translation
 * number in its place (the only stable identity a JS function has), then cs_base (always 0 on
 * RISC-V), pc, TB flags and cflags.
 */
export function formatExecTrace(vcpu: number, tbId: number, pc: number, flags: number, cflags: number, symbol: string): string {
  return `Trace ${vcpu}: 0x${hex(tbId, 12)} [${hex(0, 16)}/${hex(pc, 16)}/${hex(flags >>> 0, 8)}/${hex(cflags >>> 0, 8)}] ${symbol}\n`;
}

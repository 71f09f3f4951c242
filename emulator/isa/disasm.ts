// Disassembler producing exactly the text GNU objdump (binutils 2.40, `riscv64-linux-gnu-objdump
// -d`, default options, aliases on) prints after the instruction bytes, so users see what they
// know and tests can compare with objdump. Alias choice follows binutils' opcode table order
// (opcodes/riscv-opc.c: the first matching entry wins); the rules below were checked against
// objdump's output for every encoding class (test/isa/disasm-objdump.test.ts).

import { ABI_NAMES, FP_ABI_NAMES } from '../cpu/state';
import { CSR_NAMES } from './csr-names';
import { decodeLenient, decodeWord } from './decode';
import type { Insn } from './insn';
import { ISA, type Mnemonic } from './table';

export type Symbolizer = (addr: number) => string | undefined;

const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
const FENCE_SETS = ['unknown', 'w', 'r', 'rw', 'o', 'ow', 'or', 'orw', 'i', 'iw', 'ir', 'irw', 'io', 'iow', 'ior', 'iorw'];

const hex = (v: number) => '0x' + (v >>> 0).toString(16);
const csrName = (c: number) => CSR_NAMES[c] ?? hex(c);

/**
 * objdump's cross-instruction memory (binutils riscv-dis.c `hi_addr`/`print_addr`): after
 * `auipc`/`lui`/`c.lui` it remembers the upper value of rd, and a following addi/addiw/load/
 * store/jalr on that register gets a ` # <address> <symbol>` comment; gp-, tp- and
 * zero-relative accesses get one too. Pass one state through a whole listing (objdump keeps
 * one per file) to reproduce those comments; without it no comment is printed.
 */
export class DisasmState {
  readonly hi: (number | undefined)[] = new Array(32).fill(undefined);
  /** Value of `__global_pointer$`, when the program has one. */
  constructor(public gp?: number) {}
}

interface Ctx { insn: Insn; sym?: Symbolizer; state?: DisasmState; printAddr?: number }

/** binutils maybe_print_address(). */
function maybeAddr(c: Ctx, base: number, offset: number, wide: boolean): void {
  const st = c.state;
  if (!st) return;
  let a: number;
  const hi = st.hi[base];
  if (hi !== undefined) { a = (base !== 0 ? hi : 0) + offset; st.hi[base] = undefined; }
  else if (base === 3 && st.gp !== undefined) a = st.gp + offset;
  else if (base === 4 || base === 0) a = offset;
  else return;
  c.printAddr = wide ? a | 0 : a;
}

/**
 * An address as objdump prints it (64-bit, so negative values wrap): `10464 <main+0x10>`, or
 * `0x10464` when there is no symbol for it (objdump's form for a file without symbols).
 */
function addrText(a: number, sym?: Symbolizer): string {
  const text = a >= 0 ? a.toString(16) : (BigInt(a) + (1n << 64n)).toString(16);
  const s = sym?.(a);
  return s === undefined ? `0x${text}` : `${text} <${s}>`;
}

/**
 * Operand templates (binutils-like letters): d/s/t = rd/rs1/rs2, D/S/T/R = frd/frs1/frs2/frs3,
 * j = decimal imm, > = hex shamt, u = hi20, o(s) = imm(rs1), (s) = (rs1), a = target,
 * E = csr, Z = zimm, m = rounding mode (omitted when dynamic), P/Q = fence pred/succ,
 * sp / zero = literal register names (compressed forms). Side effects on DisasmState follow
 * binutils' print_insn_args for the same letters.
 */
function operand(tok: string, c: Ctx): string | undefined {
  const i = c.insn;
  const full = i.size === 4;
  switch (tok) {
    case 'd':
      if (c.state && (i.op === 'auipc' || i.op === 'lui') && (full || i.cop === 'c.lui')) {
        c.state.hi[i.rd] = i.op === 'auipc' ? i.pc + i.imm : i.imm;
      }
      return ABI_NAMES[i.rd];
    case 's':
      if (full && i.op === 'jalr') maybeAddr(c, i.rs1, i.imm, false);
      return ABI_NAMES[i.rs1];
    case 't': return ABI_NAMES[i.rs2];
    case 'D': return FP_ABI_NAMES[i.rd];
    case 'S': return FP_ABI_NAMES[i.rs1];
    case 'T': return FP_ABI_NAMES[i.rs2];
    case 'R': return FP_ABI_NAMES[i.rs3];
    case 'j':
      if (full && i.op === 'addi' && i.rs1 !== 0) maybeAddr(c, i.rs1, i.imm, false);
      if (full && i.op === 'addiw' && i.rs1 !== 0) maybeAddr(c, i.rs1, i.imm, true);
      if (!full && (i.cop === 'c.addi' || i.cop === 'c.addiw') && i.rd !== 0) maybeAddr(c, i.rd, i.imm, i.cop === 'c.addiw');
      return String(i.imm);
    case '>': return hex(i.imm);
    case 'u': return hex((i.imm >>> 12) & 0xfffff);
    case 'o(s)':
      if (full) {
        maybeAddr(c, i.rs1, i.imm, false);
        if (i.op === 'jalr') maybeAddr(c, i.rs1, i.imm, false);   // binutils' 'o' falls through to 'j'
      }
      return `${i.imm}(${ABI_NAMES[i.rs1]})`;
    case '(s)': return `(${ABI_NAMES[i.rs1]})`;
    case 'E': return csrName(i.csr);
    case 'Z': return String(i.imm);
    case 'm': return i.rm === 7 ? undefined : RM_NAMES[i.rm];
    case 'P': return FENCE_SETS[i.pred];
    case 'Q': return FENCE_SETS[i.succ];
    case 'sp': return 'sp';
    case 'zero': return 'zero';
    case 'a': return addrText(i.pc + i.imm, c.sym);
    default: throw new Error(`bad operand template ${tok}`);
  }
}

function fmtC(name: string, tpl: string, c: Ctx): string {
  if (tpl === '') return name;
  const ops: string[] = [];
  for (const tok of tpl.split(',')) { const v = operand(tok, c); if (v !== undefined) ops.push(v); }
  let text = `${name}\t${ops.join(',')}`;
  if (c.printAddr !== undefined) text += ` # ${addrText(c.printAddr, c.sym)}`;
  return text;
}

/** [name, template] for a base (32-bit) instruction, aliases first as in binutils' table. */
type Rule = (i: Insn) => [string, string] | undefined;

const FFF = 'D,S,T';
/** Default template per operand list of the table (objdump's non-alias spelling). */
const TEMPLATE: Record<string, string> = {
  'rd,rs1,rs2': 'd,s,t', 'rd,rs1,imm': 'd,s,j', 'rd,rs1,shamt': 'd,s,>', 'rd,hi20': 'd,u', 'rd,target': 'd,a',
  'rd,mem': 'd,o(s)', 'rs2,mem': 't,o(s)', 'frd,mem': 'D,o(s)', 'frs2,mem': 'T,o(s)', 'rs1,rs2,target': 's,t,a',
  'rd,rs2,addr': 'd,t,(s)', 'rd,addr': 'd,(s)', 'pred,succ': 'P,Q', '': '',
  'frd,frs1,frs2,rm': 'D,S,T,m', 'frd,frs1,frs2,frs3,rm': 'D,S,T,R,m', 'frd,frs1,rm': 'D,S,m', 'frd,frs1,frs2': FFF,
  'rd,frs1,frs2': 'd,S,T', 'rd,frs1,rm': 'd,S,m', 'frd,rs1,rm': 'D,s,m', 'rd,frs1': 'd,S', 'frd,rs1': 'D,s',
  'rd,csr,rs1': 'd,E,s', 'rd,csr,zimm': 'd,E,Z',
};

// binutils 2.40 prints immediate forms with the register-form name ("add a0,a1,5", "sll ...").
const IMM_AS_REG: Partial<Record<Mnemonic, string>> = {
  addi: 'add', andi: 'and', ori: 'or', xori: 'xor', slli: 'sll', srli: 'srl', srai: 'sra',
  addiw: 'addw', slliw: 'sllw', srliw: 'srlw', sraiw: 'sraw',
};

// Aliases of the F CSRs (fflags = 1, frm = 2, fcsr = 3): [read, write, write-immediate] names.
const FCSR_ALIAS: Record<number, [string, string, string | undefined]> = {
  1: ['frflags', 'fsflags', 'fsflagsi'], 2: ['frrm', 'fsrm', 'fsrmi'], 3: ['frcsr', 'fscsr', undefined],
};
const COUNTERS: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret' };

const sgnjAlias = (name: string): Rule => (i) => (i.rs1 === i.rs2 ? [name, 'D,S'] : undefined);

const RULES: Partial<Record<Mnemonic, Rule>> = {
  jalr: (i) => {
    if (i.rd === 0) return i.rs1 === 1 && i.imm === 0 ? ['ret', ''] : ['jr', i.imm === 0 ? 's' : 'o(s)'];
    if (i.rd === 1) return ['jalr', i.imm === 0 ? 's' : 'o(s)'];
    return ['jalr', i.imm === 0 ? 'd,s' : 'd,o(s)'];
  },
  jal: (i) => (i.rd === 0 ? ['j', 'a'] : i.rd === 1 ? ['jal', 'a'] : undefined),
  addi: (i) => {
    if (i.rd === 0 && i.rs1 === 0 && i.imm === 0) return ['nop', ''];
    if (i.rs1 === 0) return ['li', 'd,j'];
    if (i.imm === 0) return ['mv', 'd,s'];
    return undefined;
  },
  andi: (i) => (i.imm === 255 ? ['zext.b', 'd,s'] : undefined),
  xori: (i) => (i.imm === -1 ? ['not', 'd,s'] : undefined),
  sltiu: (i) => (i.imm === 1 ? ['seqz', 'd,s'] : undefined),
  addiw: (i) => (i.imm === 0 ? ['sext.w', 'd,s'] : undefined),
  sub: (i) => (i.rs1 === 0 ? ['neg', 'd,t'] : undefined),
  subw: (i) => (i.rs1 === 0 ? ['negw', 'd,t'] : undefined),
  sltu: (i) => (i.rs1 === 0 ? ['snez', 'd,t'] : undefined),
  slt: (i) => (i.rs2 === 0 ? ['sltz', 'd,s'] : i.rs1 === 0 ? ['sgtz', 'd,t'] : undefined),
  beq: (i) => (i.rs2 === 0 ? ['beqz', 's,a'] : undefined),
  bne: (i) => (i.rs2 === 0 ? ['bnez', 's,a'] : undefined),
  bge: (i) => (i.rs1 === 0 ? ['blez', 't,a'] : i.rs2 === 0 ? ['bgez', 's,a'] : undefined),
  blt: (i) => (i.rs2 === 0 ? ['bltz', 's,a'] : i.rs1 === 0 ? ['bgtz', 't,a'] : undefined),
  fence: (i) => (i.pred === 15 && i.succ === 15 ? ['fence', ''] : undefined),
  'fsgnj.s': sgnjAlias('fmv.s'), 'fsgnjn.s': sgnjAlias('fneg.s'), 'fsgnjx.s': sgnjAlias('fabs.s'),
  'fsgnj.d': sgnjAlias('fmv.d'), 'fsgnjn.d': sgnjAlias('fneg.d'), 'fsgnjx.d': sgnjAlias('fabs.d'),
  csrrs: (i) => {
    const f = FCSR_ALIAS[i.csr];
    if (i.rs1 === 0 && f) return [f[0], 'd'];
    if (i.rs1 === 0 && COUNTERS[i.csr]) return [COUNTERS[i.csr], 'd'];
    if (i.rs1 === 0) return ['csrr', 'd,E'];
    return i.rd === 0 ? ['csrs', 'E,s'] : undefined;
  },
  csrrw: (i) => {
    if (i.raw === 0xc0001073) return ['unimp', ''];
    const f = FCSR_ALIAS[i.csr];
    if (f) return [f[1], i.rd === 0 ? 's' : 'd,s'];
    return i.rd === 0 ? ['csrw', 'E,s'] : undefined;
  },
  csrrc: (i) => (i.rd === 0 ? ['csrc', 'E,s'] : undefined),
  csrrwi: (i) => {
    const f = FCSR_ALIAS[i.csr];
    if (f && f[2]) return [f[2], 'd,Z'];
    return i.rd === 0 ? ['csrw', 'E,Z'] : ['csrrw', 'd,E,Z'];
  },
  csrrsi: (i) => (i.rd === 0 ? ['csrs', 'E,Z'] : ['csrrs', 'd,E,Z']),
  csrrci: (i) => (i.rd === 0 ? ['csrc', 'E,Z'] : ['csrrc', 'd,E,Z']),
};

function amoName(i: Insn): string {
  return i.op + (i.aq && i.rl ? '.aqrl' : i.aq ? '.aq' : i.rl ? '.rl' : '');
}

/** Whether objdump would print this (QEMU-valid) 32-bit word as an instruction at all. */
function objdumpAccepts32(i: Insn): boolean {
  const s = ISA[i.op];
  if (s.disMask !== undefined && ((i.raw ^ s.match) & s.disMask) !== 0) return i.raw === 0x8330000f; // fence.tso
  if (s.flags.rmObjdumpZero && i.rm !== 0) return false;
  return true;
}

function disasm32(i: Insn, sym?: Symbolizer, state?: DisasmState): string {
  const fmt = (name: string, tpl: string) => fmtC(name, tpl, { insn: i, sym, state });
  if (!objdumpAccepts32(i)) return `.4byte\t${hex(i.raw)}`;
  if (i.raw === 0x8330000f) return 'fence.tso';
  const s = ISA[i.op];
  const alias = RULES[i.op]?.(i);
  if (alias) return fmt(alias[0], alias[1]);
  const tpl = TEMPLATE[s.operands.join(',')];
  // Exact conversions are printed without a rounding mode (objdump's "D,s" form).
  const t = s.flags.rmObjdumpZero ? tpl.replace(',m', '') : tpl;
  const name = s.ext === 'A' ? amoName(i) : IMM_AS_REG[i.op] ?? i.op;
  return fmt(name, t);
}

/** Compressed forms as binutils 2.40 prints them (HINT encodings keep their c. name). */
function disasm16(i: Insn, sym?: Symbolizer, state?: DisasmState): string {
  const fmt = (name: string, tpl: string) => fmtC(name, tpl, { insn: i, sym, state });
  switch (i.cop) {
    case 'c.addi4spn': return fmt('add', 'd,sp,j');
    case 'c.nop': return i.imm === 0 ? 'nop' : `c.nop\t${i.imm}`;
    case 'c.addi': return fmt('add', 'd,s,j');
    case 'c.addiw': return i.imm === 0 ? fmt('sext.w', 'd,s') : fmt('addw', 'd,s,j');
    case 'c.li': return i.rd === 0 ? fmt('c.li', 'zero,j') : fmt('li', 'd,j');
    case 'c.addi16sp': return fmt('add', 'sp,sp,j');
    case 'c.lui': return i.rd === 0 ? fmt('c.lui', 'zero,u') : fmt('lui', 'd,u');
    case 'c.srli': return i.imm === 0 ? fmt('c.srli64', 'd') : fmt('srl', 'd,s,>');
    case 'c.srai': return i.imm === 0 ? fmt('c.srai64', 'd') : fmt('sra', 'd,s,>');
    case 'c.andi': return fmt('and', 'd,s,j');
    case 'c.slli':
      if (i.imm === 0) return fmt('c.slli64', 'd');
      return i.rd === 0 ? fmt('c.slli', 'zero,>') : fmt('sll', 'd,s,>');
    case 'c.jr': return i.rs1 === 1 ? 'ret' : fmt('jr', 's');
    case 'c.mv': return i.rd === 0 ? fmt('c.mv', 'zero,s') : fmt('mv', 'd,s');
    case 'c.add': return i.rd === 0 ? fmt('c.add', 'zero,t') : fmt('add', 'd,s,t');
    case 'c.jalr': return fmt('jalr', 's');
    default: return disasm32(i, sym, state);   // same text as the base instruction (loads, stores, j, beqz, sub ...)
  }
}

/**
 * The text objdump prints for a decoded instruction (without address and bytes), e.g.
 * `li\ta0,10`, `j\t10080 <main+0x10>`, `fcvt.w.d\ta0,fa0,rtz`. `symbolize` maps a branch or
 * jump target to objdump's `<symbol+0xoff>` text.
 */
export function disassemble(insn: Insn, symbolize?: Symbolizer, state?: DisasmState): string {
  return insn.size === 2 ? disasm16(insn, symbolize, state) : disasm32(insn, symbolize, state);
}

/**
 * objdump's text for any 16-bit parcel or 32-bit word, including encodings the decoder rejects
 * as illegal: objdump still names some of them (the all-zero parcel is `unimp`, reserved
 * rounding modes print as `unknown`), others become `.2byte` / `.4byte` directives.
 */
export function disassembleWord(pc: number, word: number, symbolize?: Symbolizer, state?: DisasmState): string {
  const insn = decodeWord(pc, word);
  if (insn) return disassemble(insn, symbolize, state);
  if ((word & 3) !== 3) {
    const x = word & 0xffff;
    if (x === 0) return 'unimp';
    if ((x & 0xef83) === 0x6101) return 'add\tsp,sp,0';   // c.addi16sp with imm 0 (reserved, QEMU: illegal)
    return `.2byte\t${hex(x)}`;
  }
  const lenient = decodeLenient(pc, word);
  return lenient ? disassemble(lenient, symbolize, state) : `.4byte\t${hex(word)}`;
}

/** A full objdump -d line: `   10078:\t00a00513          \tli\ta0,10` (for tests and logs). */
export function objdumpLine(insn: Insn, symbolize?: Symbolizer, state?: DisasmState): string {
  return formatObjdumpLine(insn.pc, insn.raw, insn.size, disassemble(insn, symbolize, state));
}

export function formatObjdumpLine(pc: number, raw: number, size: 2 | 4, text: string): string {
  const bytes = size === 2 ? (raw & 0xffff).toString(16).padStart(4, '0') + ' '.repeat(16)
    : (raw >>> 0).toString(16).padStart(8, '0') + ' '.repeat(10);
  return `${pc.toString(16).padStart(8, ' ')}:\t${bytes}\t${text}`;
}

// Hover/completion text for instructions, pseudo-instructions, directives and registers: base
// instructions from the ISA table (syntax built from its operand list, description and flags),
// compressed ones from the RVC table, the rest from pseudos.ts. No LSP or vscode import.

import { C_TABLE, ISA, type InsnSpec, type Mnemonic, type Operand } from '../emulator/isa/table';
import { DIRECTIVES, PSEUDOS, registerDoc, type DocEntry } from './pseudos';

const OPERAND_TEXT: Record<Operand, string> = {
  rd: 'rd', rs1: 'rs1', rs2: 'rs2', frd: 'frd', frs1: 'frs1', frs2: 'frs2', frs3: 'frs3',
  imm: 'imm12', shamt: 'shamt', hi20: 'imm20', mem: 'offset(rs1)', addr: '(rs1)', target: 'offset',
  csr: 'csr', zimm: 'uimm5', rm: 'rm', pred: 'pred', succ: 'succ',
};

/** "addi rd, rs1, imm12", with optional operands (rounding mode) in brackets. */
export function insnSyntax(spec: InsnSpec): string {
  const ops = spec.operands.map((o) => (o === 'rm' ? '[rm]' : OPERAND_TEXT[o]));
  return ops.length ? `${spec.mnemonic} ${ops.join(', ')}` : spec.mnemonic;
}

function flagNotes(spec: InsnSpec): string[] {
  const f = spec.flags, out: string[] = [];
  if (f.load) out.push(`loads ${f.memSize} byte${f.memSize === 1 ? '' : 's'}${f.signExtendLoad ? ', sign-extended' : ''}`);
  if (f.store) out.push(`stores ${f.memSize} byte${f.memSize === 1 ? '' : 's'}`);
  if (f.amo) out.push(`atomic access of ${f.memSize} bytes`);
  if (f.endsBlock) out.push('ends the translation block');
  if (f.csr) out.push('reads/writes a CSR');
  if (f.fp) out.push(f.fpDouble ? 'double precision' : 'floating point');
  return out;
}

const AMO_SUFFIX = /^(.*)\.(aqrl|aq|rl)$/;

export interface InsnDoc extends DocEntry { kind: 'instruction' | 'compressed' | 'pseudo' | 'directive' | 'register'; detail?: string }

/** Documentation of a mnemonic, directive or register name, or undefined. */
export function docFor(word: string): InsnDoc | undefined {
  const w = word.toLowerCase();
  const base = AMO_SUFFIX.exec(w)?.[1] ?? w;
  if (base in ISA) {
    const spec = ISA[base as Mnemonic];
    const notes = flagNotes(spec);
    return {
      kind: 'instruction', syntax: insnSyntax(spec), desc: spec.desc,
      detail: `RV64${spec.ext === 'I' ? 'I' : ` ${spec.ext}`} · ${spec.format}-type${notes.length ? ' · ' + notes.join(' · ') : ''}`,
    };
  }
  const c = C_TABLE.find((x) => x.cop === w);
  if (c) return { kind: 'compressed', syntax: w, desc: c.desc, detail: `RVC · expands to ${c.op}` };
  if (w in PSEUDOS) return { kind: 'pseudo', ...PSEUDOS[w], detail: 'pseudo-instruction' };
  if (w in DIRECTIVES) return { kind: 'directive', ...DIRECTIVES[w], detail: 'directive' };
  const r = registerDoc(w);
  if (r) return { kind: 'register', syntax: w, desc: r };
  return undefined;
}

/** Markdown for a hover. */
export function docMarkdown(d: InsnDoc): string {
  return ['```riscv-asm', d.syntax, '```', d.desc, ...(d.detail ? ['', `*${d.detail}*`] : [])].join('\n');
}

// Generates assembly source that uses every mnemonic of the ISA table with operands chosen to
// hit the compression boundaries (x8-x15 vs other registers, sp-relative offsets, immediate
// edges). Only the *input* comes from our table; the expected bytes always come from GNU as.

import { ISA, MNEMONICS, type InsnSpec } from '../../emulator/isa/table';

const X = ['zero', 'ra', 'sp', 's0', 'a0', 'a5', 's1', 't1', 's11', 'a2'];
const F = ['ft0', 'fs0', 'fa0', 'fa5', 'ft11', 'fs1'];
const IMM = [0, 1, -1, 31, -32, 32, 2047, -2048, 8, 16, 496, -512, 100, 4];
const OFF = [0, 8, 4, 252, 256, 504, -8, 2040, 16, 64, 120, 512];
const BASE = ['sp', 'a0', 's1', 't0', 'a5', 's0'];
const SH6 = [0, 1, 31, 32, 63, 5];
const SH5 = [0, 1, 31, 7];
const HI = ['0', '1', '0x1f', '0x20', '0xfffff', '0xfffe0', '0x12345', '0x80000'];
const CSR = ['fflags', 'frm', 'fcsr', 'cycle', '0x7c0', 'instret'];
const RM = [undefined, 'rtz', 'dyn', 'rne'];

function operand(kind: string, spec: InsnSpec, k: number): string | undefined {
  const pick = <T>(a: T[], stride: number) => a[(k * stride + stride) % a.length];
  switch (kind) {
    case 'rd': return pick(X, 1);
    case 'rs1': return pick(X, 3);
    case 'rs2': return pick(X, 7);
    case 'frd': return pick(F, 1);
    case 'frs1': return pick(F, 5);
    case 'frs2': return pick(F, 7);
    case 'frs3': return pick(F, 3);
    case 'imm': return String(pick(IMM, 1));
    case 'shamt': return String(spec.format === 'SH5' ? pick(SH5, 1) : pick(SH6, 1));
    case 'hi20': return pick(HI, 1);
    case 'mem': { const o = spec.memSize === 4 || spec.memSize === 8 ? pick(OFF, 1) : pick(IMM, 1); return `${o}(${pick(BASE, 5)})`; }
    case 'addr': return `(${pick(BASE, 5)})`;
    case 'target': return k % 2 ? 'near' : 'back';
    case 'csr': return pick(CSR, 1);
    case 'zimm': return String(pick([0, 1, 31, 16], 1));
    case 'rm': return spec.flags.rmObjdumpZero ? undefined : pick(RM, 1);
    case 'pred': return pick(['rw', 'iorw', 'r', 'w'], 1);
    case 'succ': return pick(['rw', 'iorw', 'w', 'r'], 3);
  }
  return undefined;
}

/** Source with `per` variants of every instruction of the table. */
export function allInstructionsSource(per = 8): string {
  const out = ['\t.text', '\t.globl _start', '_start:', 'back:'];
  for (const m of MNEMONICS) {
    const spec = ISA[m];
    if (m === 'fence' || m === 'ecall' || m === 'ebreak' || m === 'fence.i') { out.push(`\t${m}`); if (m !== 'fence') continue; }
    for (let k = 0; k < per; k++) {
      const ops = spec.operands.map((o) => operand(o, spec, k)).filter((o): o is string => o !== undefined);
      out.push(`\t${m}\t${ops.join(', ')}`);
    }
  }
  out.push('near:', '\tret', '');
  return out.join('\n');
}

const XALL = Array.from({ length: 32 }, (_, i) => `x${i}`);
const FALL = Array.from({ length: 32 }, (_, i) => `f${i}`);

/**
 * Seeded random operands for every instruction: any register, immediates concentrated near the
 * compressed-form limits (±64, multiples of 4/8/16 up to 1024) so GNU's choice between a C form
 * and the 32-bit form is exercised on values a fixed list would miss.
 */
export function randomInstructionsSource(per: number, seed: number): string {
  let s = seed >>> 0;
  const rnd = (k: number) => { s = (s * 1664525 + 1013904223) >>> 0; return s % k; };
  const any = <T>(a: readonly T[]) => a[rnd(a.length)];
  const small = () => any([rnd(129) - 64, (rnd(257) - 128) * 4, (rnd(257) - 128) * 8, (rnd(129) - 64) * 16, rnd(4096) - 2048]);
  const op = (kind: string, spec: InsnSpec): string | undefined => {
    switch (kind) {
      case 'rd': case 'rs1': case 'rs2': return any(XALL);
      case 'frd': case 'frs1': case 'frs2': case 'frs3': return any(FALL);
      case 'imm': return String(Math.max(-2048, Math.min(2047, small())));
      case 'shamt': return String(rnd(spec.format === 'SH5' ? 32 : 64));
      case 'hi20': return String(any([rnd(64), 0xfffff - rnd(64), rnd(0x100000)]));
      case 'mem': return `${Math.max(-2048, Math.min(2047, small()))}(${any(XALL)})`;
      case 'addr': return `(${any(XALL)})`;
      case 'target': return any(['near', 'back']);
      case 'csr': return any(['fflags', 'frm', 'fcsr', 'cycle', 'time', 'instret']);
      case 'zimm': return String(rnd(32));
      case 'rm': return spec.flags.rmObjdumpZero ? undefined : any([undefined, 'rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn']);
      case 'pred': case 'succ': return any(['rw', 'iorw', 'r', 'w', 'io', 'ow']);
    }
    return undefined;
  };
  const out = ['\t.text', '\t.globl _start', '_start:', 'back:'];
  for (const m of MNEMONICS) {
    const spec = ISA[m];
    if (!spec.operands.length) continue;
    for (let k = 0; k < per; k++) {
      out.push(`\t${m}\t${spec.operands.map((o) => op(o, spec)).filter((o) => o !== undefined).join(', ')}`);
    }
  }
  out.push('near:', '\tret', '');
  return out.join('\n');
}

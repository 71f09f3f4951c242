// Inline fast paths of F/D instructions for the translator (tcg/gen-sys.ts): JavaScript source
// for the common case in which the instruction's result is what the host's double arithmetic
// gives and it raises no exception flag that is not already set. Generated code then skips the
// call into the FPU helper (a call with eight arguments that V8 does not inline: about half of
// the instructions of FP-heavy guests). Everything else — NaNs, infinities, results that may
// underflow, rounding modes other than RNE, NX not yet accrued — calls the helper, which has the
// full semantics (arith.ts, misc.ts), on the unchanged registers.
//
// Why the fast results are exact (RISC-V unprivileged spec, "F" and "D" chapters):
// - In RNE, JS + - * / and Math.sqrt on doubles are the IEEE 754 binary64 operations.
// - Singles are computed on their exact double images and rounded once with Math.fround: for
//   + - * / and sqrt, binary64 has more than 2*24+2 bits, so double rounding is innocuous.
// - Flags: a finite result means no OF and no NV; |result| >= the smallest normal means no UF
//   (tininess is decided after rounding, with an unbounded exponent: a result rounded up to
//   exactly the smallest normal may still be tiny, so the test is strict; sums of values in the
//   subnormal range are exact, so add/sub need no such test); DZ needs a zero divisor, whose
//   quotient is infinite or NaN.
//   NX may be raised, so the arithmetic paths require NX to be set already (it is sticky:
//   programs rarely clear it). Compares raise only NV, and only on NaN operands.

import { NX } from './bits';

/** Registers' storage in generated code: FD (doubles, register r at r), FS (floats, register r at 2r), FR (int32 words). */
export interface FpInline {
  /** Statements computing the candidate result into D0 (D1, D2 are scratch). */
  compute: string;
  /** When this holds, D0 and the flags already accrued are the instruction's exact outcome. */
  ok: string;
  /** Writes the result: the FP register rd, or 0/1 into T2 for compares. */
  write: string;
  /** Arithmetic: only with NX already set and RNE in effect. Compares need neither. */
  arith: boolean;
}

const MIN_NORMAL_D = '2.2250738585072014e-308';   // 2^-1022
const MIN_NORMAL_S = '1.1754943508222875e-38';    // 2^-126

type Op = '+' | '-' | '*' | '/';
const BINARY: Record<string, Op> = { add: '+', sub: '-', mul: '*', div: '/' };
const COMPARE: Record<string, string> = { eq: '===', lt: '<', le: '<=' };

/** The fast path of `name` (an F/D mnemonic) for these register numbers, or undefined when it has none. */
export function fpInline(name: string, rd: number, rs1: number, rs2: number): FpInline | undefined {
  const m = /^f(add|sub|mul|div|sqrt|eq|lt|le)\.([sd])$/.exec(name);
  if (!m) return undefined;
  const [, op, fmt] = m;
  const single = fmt === 's';
  // Operands as doubles; a single must be NaN-boxed (high word all ones), else it reads as NaN.
  const val = (r: number): string => (single ? `FS[${2 * r}]` : `FD[${r}]`);
  const boxed = (rs: number[]): string => (single ? rs.map((r) => `FR[${2 * r + 1}] === -1 && `).join('') : '');
  const round = (e: string): string => (single ? `Math.fround(${e})` : e);
  const writeFp = single ? `FS[${2 * rd}] = D0; FR[${2 * rd + 1}] = -1;` : `FD[${rd}] = D0;`;
  const minNormal = single ? MIN_NORMAL_S : MIN_NORMAL_D;
  if (op in COMPARE) {
    return {
      compute: `D1 = ${val(rs1)}; D2 = ${val(rs2)};`,
      ok: `${boxed([rs1, rs2])}D1 === D1 && D2 === D2`,
      write: `T2 = D1 ${COMPARE[op]} D2 ? 1 : 0;`,
      arith: false,
    };
  }
  if (op === 'sqrt') {
    // sqrt of a non-negative finite value is finite and normal (or an exact zero of its sign).
    return { compute: `D1 = ${val(rs1)}; D0 = ${round('Math.sqrt(D1)')};`, ok: `${boxed([rs1])}D1 >= 0 && D1 < Infinity`, write: writeFp, arith: true };
  }
  const compute = `D0 = ${round(`${val(rs1)} ${BINARY[op]} ${val(rs2)}`)};`;
  const finite = 'D0 - D0 === 0';
  const ok = op === 'add' || op === 'sub' ? finite : `(D1 = Math.abs(D0)) > ${minNormal} && D1 < Infinity`;
  return { compute, ok: `${boxed([rs1, rs2])}${ok}`, write: writeFp, arith: true };
}

/** fflags bit that the arithmetic fast paths require to be set already. */
export const INLINE_NEEDS_FLAG = NX;

// Inline fast paths of F/D instructions for the translator (tcg/gen-sys.ts): JavaScript source
// for the common case in which the instruction's result is what the host's double arithmetic
// gives and it raises no exception flag that is not already set. Generated code then skips the
// call into the FPU helper (a call with eight arguments that V8 does not inline: about half of
// the instructions of FP-heavy guests). Everything else — NaNs, infinities, results that may
// underflow, rounding modes other than RNE, NX not yet accrued — calls the helper, which has the
// full semantics (arith.ts, fma.ts, misc.ts), on the unchanged registers.
//
// Why the fast results are exact (RISC-V unprivileged spec, "F" and "D" chapters):
// - In RNE, JS + - * / and Math.sqrt on doubles are the IEEE 754 binary64 operations.
// - Singles are computed on their exact double images and rounded once with Math.fround: for
//   + - * / and sqrt, binary64 has more than 2*24+2 bits, so double rounding is innocuous.
// - Flags: a finite result means no OF and no NV; |result| > the smallest normal means no UF
//   (tininess is decided after rounding, with an unbounded exponent: a result rounded up to
//   exactly the smallest normal may still be tiny, so the test is strict; sums of values in the
//   subnormal range are exact, so add/sub need no such test); DZ needs a zero divisor, whose
//   quotient is infinite or NaN.
//   NX may be raised, so these arithmetic paths require NX to be set already (it is sticky:
//   programs rarely clear it). The fused ops compute their residuals anyway and accrue NX
//   themselves (see fmaD below). Compares raise only NV, and only on NaN operands.

import { DYN, NX, RNE, SPLIT } from './bits';
import { FMA_SAFE, FMA_TINY } from './fma';

/**
 * Registers' storage in generated code: FD (doubles, register r at r), FS (floats, register r at
 * 2r), FR (int32 words); S is the CpuState (fflags, frm).
 */
export interface FpInline {
  /** Statements computing the candidate result into D0 (D1 … D11 are scratch). */
  compute: string;
  /** When this holds, D0 and the flags already accrued are the instruction's exact outcome. */
  ok: string;
  /** Writes the result: the FP register rd, or 0/1 into T2 for compares. */
  write: string;
}

/** What a fast path presumes, beyond its own test: RNE in effect and NX accrued, RNE only, or nothing (compares). */
type Needs = 'nx-rne' | 'rne' | 'none';

const MIN_NORMAL_D = '2.2250738585072014e-308';   // 2^-1022
const MIN_NORMAL_S = '1.1754943508222875e-38';    // 2^-126

type Op = '+' | '-' | '*' | '/';
const BINARY: Record<string, Op> = { add: '+', sub: '-', mul: '*', div: '/' };
const COMPARE: Record<string, string> = { eq: '===', lt: '<', le: '<=' };

/**
 * The fast path of an F/D instruction (mnemonic, register numbers, rm field), with every
 * condition it needs in `ok`; undefined when it has none (other instructions, static rounding
 * modes other than RNE).
 */
export function fpInline(name: string, rd: number, rs1: number, rs2: number, rs3: number, rm: number): FpInline | undefined {
  const fast = candidate(name, rd, rs1, rs2, rs3);
  if (!fast) return undefined;
  const [path, needs] = fast;
  if (needs === 'none') return path;
  if (rm !== RNE && rm !== DYN) return undefined;
  const pre = (needs === 'nx-rne' ? `(S.fflags & ${NX}) !== 0 && ` : '') + (rm === DYN ? 'S.frm === 0 && ' : '');
  return { ...path, ok: pre + path.ok };
}

function candidate(name: string, rd: number, rs1: number, rs2: number, rs3: number): [FpInline, Needs] | undefined {
  const f = /^f(n?)m(add|sub)\.([sd])$/.exec(name);
  if (f) {
    const negP = f[1] === 'n', negC = (f[1] === 'n') !== (f[2] === 'sub');
    return [f[3] === 'd' ? fmaD(rd, rs1, rs2, rs3, negP, negC) : fmaS(rd, rs1, rs2, rs3, negP, negC), 'rne'];
  }
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
    return [{
      compute: `D1 = ${val(rs1)}; D2 = ${val(rs2)};`,
      ok: `${boxed([rs1, rs2])}D1 === D1 && D2 === D2`,
      write: `T2 = D1 ${COMPARE[op]} D2 ? 1 : 0;`,
    }, 'none'];
  }
  if (op === 'sqrt') {
    // sqrt of a non-negative finite value is finite and normal (or an exact zero of its sign).
    return [{ compute: `D1 = ${val(rs1)}; D0 = ${round('Math.sqrt(D1)')};`, ok: `${boxed([rs1])}D1 >= 0 && D1 < Infinity`, write: writeFp }, 'nx-rne'];
  }
  const compute = `D0 = ${round(`${val(rs1)} ${BINARY[op]} ${val(rs2)}`)};`;
  const finite = 'D0 - D0 === 0';
  const ok = op === 'add' || op === 'sub' ? finite : `(D1 = Math.abs(D0)) > ${minNormal} && D1 < Infinity`;
  return [{ compute, ok: `${boxed([rs1, rs2])}${ok}`, write: writeFp }, 'nx-rne'];
}

/**
 * fmadd.s and its sign variants, as fma.ts's fmaS and finishS compute them in RNE: the product of
 * two singles is exact in double, one double addition with its TwoSum residual, then Math.fround.
 * That rounds correctly unless the double sum is a binary32 midpoint and the residual is not zero
 * (the residual decides the tie): such a sum d, rounded to f, is the one whose mirror 2d - f is a
 * binary32 value too (it is the other neighbour; otherwise it lies strictly between f and a
 * neighbour, and 2d - f is computed exactly since d and f are within an ulp of f). Those go to
 * the helper. NX is accrued here, as in fmaD. (The test that is almost always evaluated comes
 * first in the disjunction: a term V8 has never seen evaluated has no type feedback, and the
 * first evaluation of one costs the region its optimized code.)
 */
function fmaS(rd: number, rs1: number, rs2: number, rs3: number, negP: boolean, negC: boolean): FpInline {
  // product D3, addend D5, double sum D6 with residual D2, result D0.
  const compute = `D3 = ${negP ? '-' : ''}FS[${2 * rs1}] * FS[${2 * rs2}]; D5 = ${negC ? '-' : ''}FS[${2 * rs3}]; D6 = D3 + D5;
D9 = D6 - D3; D2 = (D3 - (D6 - D9)) + (D5 - D9); D0 = Math.fround(D6);`;
  const boxed = [rs1, rs2, rs3].map((r) => `FR[${2 * r + 1}] === -1 && `).join('');
  const ok = `${boxed}(D11 = Math.abs(D0)) > ${MIN_NORMAL_S} && D11 < Infinity && (Math.fround(D4 = 2 * D6 - D0) !== D4 || D0 === D6 || D2 === 0)`;
  return { compute, ok, write: `FS[${2 * rd}] = D0; FR[${2 * rd + 1}] = -1; if (D0 !== D6 || D2 !== 0) S.fflags |= ${NX};` };
}

// fmaD's fast range (fma.ts): every error-free transformation below is exact there.
const TINY_FMA = String(FMA_TINY), SAFE_FMA = String(FMA_SAFE);

/**
 * fmadd.d and its sign variants: the fast path of fma.ts's fmaD written out for generated code
 * (same steps: Dekker's product with twoProdErr, the TwoSums of twoSumErr, one final RN addition;
 * the proof is there), in RNE only. It keeps the residuals, so NX is accrued here and not
 * required: matrix code on exact values never sets it. A possible double-rounding tie goes to
 * the helper, which repairs it.
 */
function fmaD(rd: number, rs1: number, rs2: number, rs3: number, negP: boolean, negC: boolean): FpInline {
  // a D3, b D4, c D5; product ph D6 + pl D7; c + ph = th D8 + ul D9; pl + ul = v D1 + e1 D10;
  // th + v = r D0 + e2 D2. The exact result is r + e2 + e1, and a nonzero e2 outweighs e1.
  const compute = `D3 = ${negP ? '-' : ''}FD[${rs1}]; D4 = FD[${rs2}]; D5 = ${negC ? '-' : ''}FD[${rs3}]; D6 = D3 * D4;
D7 = ${SPLIT} * D3; D8 = D7 - (D7 - D3); D9 = D3 - D8; D7 = ${SPLIT} * D4; D1 = D7 - (D7 - D4); D2 = D4 - D1;
D7 = ((D8 * D1 - D6) + D8 * D2 + D9 * D1) + D9 * D2;
D8 = D5 + D6; D9 = D8 - D5; D9 = (D5 - (D8 - D9)) + (D6 - D9);
D1 = D7 + D9; D11 = D1 - D7; D10 = (D7 - (D1 - D11)) + (D9 - D11);
D0 = D8 + D1; D2 = D0 - D8; D2 = (D8 - (D0 - D2)) + (D1 - D2);`;
  const inRange = (v: string): string => `(D11 = Math.abs(${v})) >= ${TINY_FMA} && D11 <= ${SAFE_FMA}`;
  const ok = `${inRange('D6')} && Math.abs(D3) <= ${SAFE_FMA} && Math.abs(D4) <= ${SAFE_FMA} && (D5 === 0 || ${inRange('D5')})`
    + ` && ((D0 + 2 * D2) - D0 !== 2 * D2 || D2 === 0) && ${inRange('D0')}`;
  return { compute, ok, write: `FD[${rd}] = D0; if (D2 !== 0 || D10 !== 0) S.fflags |= ${NX};` };
}


// Builds and runs the FPU oracle (test/fpu/fpgen.c under qemu-riscv64) and replays its cases
// against FP_HELPERS. Shared by the FPU tests; they find the cross compiler and qemu (or skip
// with the reason) through test/support/oracles.ts.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuState } from '../../emulator/cpu/state';
import { FP_HELPERS, type FpMnemonic } from '../../emulator/fpu';
import { GCC, QEMU } from '../support/oracles';

/** Compiles a C file for RV64 (static) into a cache dir keyed by its content; returns the binary path. */
export function buildRiscv(src: string): string {
  const text = readFileSync(src);
  const dir = join(tmpdir(), 'tbscope-fpu-test');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, createHash('sha256').update(text).digest('hex').slice(0, 16));
  if (!existsSync(out)) execFileSync(GCC, ['-O1', '-static', '-march=rv64gc', '-o', out, src], { stdio: 'pipe' });
  return out;
}

export interface OracleCase {
  op: FpMnemonic; rm: number; frm: number; a: bigint; b: bigint; c: bigint; result: bigint; fflags: number;
}

/** Runs the generator; args = [random cases per instruction, seed] (defaults in fpgen.c). */
export function runOracle(bin: string, args: string[] = []): OracleCase[] {
  const out = execFileSync(QEMU, [bin, ...args], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const cases: OracleCase[] = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [op, rm, frm, a, b, c, result, fl] = line.split(' ');
    cases.push({
      op: op as FpMnemonic, rm: Number(rm), frm: Number(frm), a: BigInt('0x' + a), b: BigInt('0x' + b),
      c: BigInt('0x' + c), result: BigInt('0x' + result), fflags: parseInt(fl, 16),
    });
  }
  return cases;
}

/** Which mnemonics take an integer register operand / produce an integer register result. */
const INT_SRC = /^(fcvt\.[sd]\.(w|wu|l|lu)|fmv\.[wd]\.x)$/;
const INT_DST = /^(fcvt\.(w|wu|l|lu)\.[sd]|f(eq|lt|le|class)\.[sd]|fmv\.x\.[wd])$/;

const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));

/** Runs one case through our helper (rs1=1, rs2=2, rs3=3, rd=4); returns [result bits, fflags]. */
export function replay(s: CpuState, k: OracleCase): [bigint, number] {
  s.fflags = 0;
  s.frm = k.frm;
  s.retHi = 0x5a5a5a5a; // must be overwritten by integer results
  s.setF64Bits(1, k.a); s.setF64Bits(2, k.b); s.setF64Bits(3, k.c);
  s.setF64Bits(4, 0x0123456789abcdefn);
  const intSrc = INT_SRC.test(k.op);
  const ret = FP_HELPERS[k.op](s, 4, 1, 2, 3, k.rm, intSrc ? lo(k.a) : 0, intSrc ? hi(k.a) : 0);
  const res = INT_DST.test(k.op)
    ? BigInt.asUintN(64, (BigInt(s.retHi) << 32n) | BigInt(ret >>> 0))
    : s.getF64Bits(4);
  return [res, s.fflags];
}

export function hex(v: bigint): string { return v.toString(16).padStart(16, '0'); }

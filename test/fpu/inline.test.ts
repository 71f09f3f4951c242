// The translator's inline FP fast paths (emulator/fpu/inline.ts) against real RISC-V behaviour:
// every fpgen.c oracle case of an instruction that has a fast path is run through a translated
// one-instruction TB, in RNE (static) and dynamic rm, starting from fflags = 0 (NX not yet
// accrued: most fast paths leave it to the helper) and from fflags = NX. Result bits and
// fflags must be qemu's, the flags OR-ed with the ones set before. The fast path must actually
// be taken for most NX cases, or this test would only check the helper again.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { CpuState } from '../../emulator/cpu/state';
import { FP_HELPERS, NX, type FpMnemonic } from '../../emulator/fpu';
import { fpInline } from '../../emulator/fpu/inline';
import { encode } from '../../emulator/isa/encode';
import { decodeWord } from '../../emulator/isa/decode';
import { compileTb, generateTb, linkEnv } from '../../emulator/tcg/codegen';
import type { FpHelperFn } from '../../emulator/tcg/gen-sys';
import { TbStatus } from '../../emulator/tcg/tb';
import { GCC, QEMU, requireTool } from '../support/oracles';
import { buildRiscv, hex, runOracle, type OracleCase } from './oracle';

const INLINED = (Object.keys(FP_HELPERS) as FpMnemonic[]).filter((op) => fpInline(op, 4, 1, 2, 3, 0));
const XRD = 10;   // compares write a0

describe('fpu: inline fast paths in translated code vs qemu-riscv64 (fpgen.c oracle)', function () {
  this.timeout(300000);
  const byOp = new Map<string, OracleCase[]>();

  before(function () {
    requireTool(this, GCC);
    requireTool(this, QEMU);
    for (const k of runOracle(buildRiscv(join(__dirname, 'fpgen.c')))) {
      let list = byOp.get(k.op);
      if (!list) byOp.set(k.op, list = []);
      list.push(k);
    }
  });

  it('has fast paths for add, sub, mul, div, sqrt, the compares and the fused ops, single and double', () => {
    assert.deepEqual(INLINED.map((op) => op.replace(/\.[sd]$/, '')).sort(),
      ['fadd', 'fadd', 'fdiv', 'fdiv', 'feq', 'feq', 'fle', 'fle', 'flt', 'flt', 'fmadd', 'fmadd', 'fmsub', 'fmsub', 'fmul', 'fmul',
        'fnmadd', 'fnmadd', 'fnmsub', 'fnmsub', 'fsqrt', 'fsqrt', 'fsub', 'fsub']);
    // Arithmetic under a static rounding mode other than RNE always goes to the helper.
    for (const rm of [1, 2, 3, 4]) assert.equal(fpInline('fadd.d', 4, 1, 2, 3, rm), undefined);
  });

  for (const op of INLINED) {
    it(`${op}: translated code matches qemu bit-for-bit, fflags included, with and without NX accrued`, () => {
      const compare = /^f(eq|lt|le)\./.test(op);
      const cpu = new CpuState();
      // The helper, counted: a case it does not see took the fast path.
      let helperCalls = 0;
      const fp: Record<string, FpHelperFn> = {
        [op]: (...args) => { helperCalls++; return (FP_HELPERS[op] as unknown as FpHelperFn)(...args); },
      };
      const env = linkEnv({
        S: cpu, X: cpu.x, FR: cpu.f, M: null, R: [], W: [], MV: {}, TIME: () => 0, TRACE: () => undefined,
        VCPU: 0, budget: 1e9, softBudget: 1e9, attn: 0, fp,
      });
      let fastNx = 0, casesNx = 0;
      const bad: string[] = [];
      for (const rm of compare ? [-1] : [0, 7]) {
        const fields = { rd: compare ? XRD : 4, rs1: 1, rs2: 2, rs3: 3, ...(rm >= 0 ? { rm } : {}) };
        const insn = decodeWord(0x10000, encode(op, fields));
        assert.ok(insn && insn.op === op, `${op} does not round-trip through encode/decode`);
        const gen = generateTb({ pc: 0x10000, flags: 0, insns: [insn] }, fp, true);   // hot: with the fast paths
        assert.match(gen.source, /\) \{ [^}]*\} else \{ T2 = K\d+\(/, 'no inline fast path in the generated code');
        // TBs that are not hot (not in a region) call the helper: the fast path would cost more compile time than it saves.
        assert.doesNotMatch(generateTb({ pc: 0x10000, flags: 0, insns: [insn] }, fp).source, /else \{ T2 = K\d+\(/);
        const fn = compileTb(gen), tb = { execCount: 0, consts: gen.consts };
        for (const k of byOp.get(op) ?? []) {
          if (!compare && k.rm !== rm) continue;
          for (const before of [0, NX]) {
            cpu.fflags = before; cpu.frm = k.frm;
            cpu.setF64Bits(1, k.a); cpu.setF64Bits(2, k.b); cpu.setF64Bits(3, k.c); cpu.setF64Bits(4, 0x0123456789abcdefn);
            cpu.setX(XRD, 0x5a5a5a5a5a5a5a5an);
            const calls = helperCalls;
            const st = fn(env as never, tb as never);
            assert.equal(st, TbStatus.NEXT);
            const res = compare ? BigInt.asUintN(64, cpu.getX(XRD)) : cpu.getF64Bits(4);
            const want = k.fflags | before;
            if (res !== k.result || cpu.fflags !== want) {
              bad.push(`rm=${k.rm} frm=${k.frm} fflags before=${before} a=${hex(k.a)} b=${hex(k.b)}: ` +
                `got ${hex(res)} fl=${cpu.fflags.toString(16)}, qemu ${hex(k.result)} fl=${want.toString(16)}`);
            }
            if (before === NX) { casesNx++; if (helperCalls === calls) fastNx++; }
          }
        }
      }
      assert.equal(bad.length, 0, `${bad.length} mismatches, first:\n  ${bad.slice(0, 12).join('\n  ')}`);
      assert.ok(casesNx > 100, `only ${casesNx} oracle cases`);
      // About half the cases are random ordinary numbers, in RNE or dynamic rm with frm = 0 for
      // a fifth of those: over a fifth of all must take the fast path (measured: 29-60%).
      assert.ok(fastNx > casesNx / 5, `the fast path decided only ${fastNx} of ${casesNx} cases`);
    });
  }
});

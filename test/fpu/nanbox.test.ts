// NaN-boxing (spec 12.2 "NaN Boxing of Narrower Values"), fflags accrual and the integer-result
// convention, checked on hand-picked cases whose expected values follow from the spec's rules
// (the qemu oracle test covers the same rules statistically; these name them one by one).

import { strict as assert } from 'node:assert';
import { CpuState } from '../../emulator/cpu/state';
import { FP_HELPERS, NV, NX, RNE, RTZ, DYN, type FpMnemonic } from '../../emulator/fpu';

const ONE_S = 0x3f800000n, BOX = 0xffffffff00000000n;
const CANON_S = BOX | 0x7fc00000n, CANON_D = 0x7ff8000000000000n;
const UNBOXED = [0x000000003f800000n, 0x7fffffff3f800000n, 0xffffffef3f800000n, 0n];

/** Runs op with f1 = a, f2 = b (rd = f4); returns [f4 bits, integer result as u64, fflags]. */
function run(op: FpMnemonic, a: bigint, b = BOX | ONE_S, rm = RNE, xlo = 0, xhi = 0, s = new CpuState()): [bigint, bigint, number] {
  s.setF64Bits(1, a); s.setF64Bits(2, b); s.setF64Bits(3, BOX | ONE_S);
  const lo = FP_HELPERS[op](s, 4, 1, 2, 3, rm, xlo, xhi);
  return [s.getF64Bits(4), BigInt.asUintN(64, (BigInt(s.retHi) << 32n) | BigInt(lo >>> 0)), s.fflags];
}

describe('fpu: NaN-boxing', function () {
  for (const bad of UNBOXED) {
    const tag = bad.toString(16).padStart(16, '0');
    it(`an improperly boxed single (${tag}) reads as the canonical quiet NaN`, function () {
      for (const op of ['fadd.s', 'fsub.s', 'fmul.s', 'fdiv.s', 'fmadd.s'] as FpMnemonic[]) {
        assert.deepEqual(run(op, bad).filter((_, i) => i !== 1), [CANON_S, 0], op); // quiet: no NV
      }
      assert.equal(run('fsqrt.s', bad)[0], CANON_S);
      assert.equal(run('fsgnjn.s', bad, bad)[0], BOX | 0xffc00000n, 'sign injection acts on the canonical NaN');
      assert.equal(run('fsgnj.s', BOX | ONE_S, bad)[0], BOX | ONE_S, 'canonical NaN sign (+) injected');
      assert.equal(run('fclass.s', bad)[1], 1n << 9n, 'classified as quiet NaN');
      assert.deepEqual(run('fmin.s', bad)[0], BOX | ONE_S, 'NaN operand ignored by fmin');
      assert.deepEqual(run('fcvt.d.s', bad).filter((_, i) => i !== 1), [CANON_D, 0]);
      assert.deepEqual(run('feq.s', bad).slice(1), [0n, 0], 'feq is quiet');
      assert.deepEqual(run('flt.s', bad).slice(1), [0n, NV], 'flt signals on any NaN');
      assert.equal(run('fcvt.w.s', bad)[1], 0x7fffffffn, 'NaN converts to the max integer');
    });
  }

  it('fmv.x.w moves the low 32 bits regardless of the box, sign-extended', function () {
    assert.equal(run('fmv.x.w', 0x00000000bf800000n)[1], 0xffffffffbf800000n);
    assert.equal(run('fmv.x.w', 0x123456783f800000n)[1], 0x3f800000n);
  });

  it('single results and fmv.w.x are NaN-boxed; fmv.d.x/fmv.x.d move all 64 bits', function () {
    assert.equal(run('fadd.s', BOX | ONE_S)[0], BOX | 0x40000000n);
    assert.equal(run('fmv.w.x', 0n, 0n, RNE, 0x7f800001, 0x1234)[0], BOX | 0x7f800001n);
    assert.equal(run('fmv.d.x', 0n, 0n, RNE, 0x00000001, 0x7ff00000)[0], 0x7ff0000000000001n, 'sNaN payload kept');
    assert.equal(run('fmv.x.d', 0xfff0000000000001n)[1], 0xfff0000000000001n);
  });
});

describe('fpu: result conventions', function () {
  it('accrues fflags (ORs into what is already set)', function () {
    const s = new CpuState();
    s.fflags = NV;
    run('fdiv.s', BOX | ONE_S, BOX | 0x40400000n, RNE, 0, 0, s); // 1/3: inexact
    assert.equal(s.fflags, NV | NX);
  });

  it('32-bit integer results are sign-extended into retHi (fcvt.wu.s of 3e9 -> 0xffffffffb2d05e00)', function () {
    assert.equal(run('fcvt.wu.s', BOX | 0x4f32d05en)[1], 0xffffffffb2d05e00n);
    assert.equal(run('fcvt.w.s', BOX | 0xc0000000n)[1], 0xfffffffffffffffen); // -2
  });

  it('DYN takes the mode from frm; a static rm ignores frm', function () {
    const s = new CpuState();
    s.frm = RTZ;
    const x = BOX | 0x3fe00000n; // 1.75
    assert.equal(run('fcvt.w.s', x, 0n, DYN, 0, 0, s)[1], 1n);
    assert.equal(run('fcvt.w.s', x, 0n, RNE, 0, 0, s)[1], 2n);
  });
});

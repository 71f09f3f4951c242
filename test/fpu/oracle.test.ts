// Every F/D computational helper against real RISC-V behaviour: fpgen.c runs each instruction
// over a grid of edge operands and seeded random ones in every rounding mode under qemu-riscv64;
// each printed (operands, result bits, fflags) line must be reproduced exactly by FP_HELPERS.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { CpuState } from '../../emulator/cpu/state';
import { FP_HELPERS, type FpMnemonic } from '../../emulator/fpu';
import { GCC, QEMU, requireTool } from '../support/oracles';
import { buildRiscv, hex, replay, runOracle, type OracleCase } from './oracle';

describe('fpu: helpers vs qemu-riscv64 (fpgen.c oracle)', function () {
  this.timeout(300000);
  const byOp = new Map<FpMnemonic, OracleCase[]>();

  before(function () {
    requireTool(this, GCC);
    requireTool(this, QEMU);
    // TBSCOPE_FPU_SOAK="N SEED" runs N random cases per instruction instead of the default 1000.
    const soak = process.env.TBSCOPE_FPU_SOAK?.split(/\s+/) ?? [];
    for (const k of runOracle(buildRiscv(join(__dirname, 'fpgen.c')), soak)) {
      let list = byOp.get(k.op);
      if (!list) byOp.set(k.op, list = []);
      list.push(k);
    }
  });

  it('covers every FpMnemonic', function () {
    assert.deepEqual([...byOp.keys()].sort(), Object.keys(FP_HELPERS).sort());
  });

  for (const op of Object.keys(FP_HELPERS) as FpMnemonic[]) {
    it(`${op} matches qemu bit-for-bit, fflags included`, function () {
      const cases = byOp.get(op) ?? [];
      assert.ok(cases.length > 0, `no oracle cases for ${op}`);
      const s = new CpuState();
      const bad: string[] = [];
      for (const k of cases) {
        const [res, fl] = replay(s, k);
        if (res !== k.result || fl !== k.fflags) {
          bad.push(`rm=${k.rm} frm=${k.frm} a=${hex(k.a)} b=${hex(k.b)} c=${hex(k.c)}: ` +
            `got ${hex(res)} fl=${fl.toString(16)}, qemu ${hex(k.result)} fl=${k.fflags.toString(16)}`);
        }
      }
      assert.equal(bad.length, 0, `${bad.length}/${cases.length} mismatches, first:\n  ${bad.slice(0, 12).join('\n  ')}`);
    });
  }
});

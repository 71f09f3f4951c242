// Rounding-mode validity: which instructions trap on a reserved rm (5, 6) or on rm = DYN while
// frm holds 5..7. Oracle: rmprobe.c executes hand-encoded instruction words under qemu-riscv64
// and reports SIGILL; the encodings themselves are cross-checked with objdump.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuState } from '../../emulator/cpu/state';
import { FP_HELPERS, FP_USES_RM, fpRmValid, type FpMnemonic } from '../../emulator/fpu';
import { GCC, OBJDUMP, QEMU, requireTool } from '../support/oracles';
import { buildRiscv } from './oracle';

// Encodings from the RISC-V unprivileged spec's opcode map (RV32F/RV64F/RV32D/RV64D tables).
// OP-FP: funct7 | rs2 | rs1 | rm | rd | 1010011. R4 (fused): rs3 | fmt | rs2 | rs1 | rm | rd | opcode.
const OPFP: Partial<Record<FpMnemonic, [number, number]>> = { // [funct7, rs2 field]
  'fadd.s': [0x00, 12], 'fsub.s': [0x04, 12], 'fmul.s': [0x08, 12], 'fdiv.s': [0x0c, 12], 'fsqrt.s': [0x2c, 0],
  'fadd.d': [0x01, 12], 'fsub.d': [0x05, 12], 'fmul.d': [0x09, 12], 'fdiv.d': [0x0d, 12], 'fsqrt.d': [0x2d, 0],
  'fcvt.s.d': [0x20, 1], 'fcvt.d.s': [0x21, 0],
  'fcvt.w.s': [0x60, 0], 'fcvt.wu.s': [0x60, 1], 'fcvt.l.s': [0x60, 2], 'fcvt.lu.s': [0x60, 3],
  'fcvt.w.d': [0x61, 0], 'fcvt.wu.d': [0x61, 1], 'fcvt.l.d': [0x61, 2], 'fcvt.lu.d': [0x61, 3],
  'fcvt.s.w': [0x68, 0], 'fcvt.s.wu': [0x68, 1], 'fcvt.s.l': [0x68, 2], 'fcvt.s.lu': [0x68, 3],
  'fcvt.d.w': [0x69, 0], 'fcvt.d.wu': [0x69, 1], 'fcvt.d.l': [0x69, 2], 'fcvt.d.lu': [0x69, 3],
};
const FUSED: Partial<Record<FpMnemonic, [number, number]>> = { // [opcode, fmt]
  'fmadd.s': [0x43, 0], 'fmsub.s': [0x47, 0], 'fnmsub.s': [0x4b, 0], 'fnmadd.s': [0x4f, 0],
  'fmadd.d': [0x43, 1], 'fmsub.d': [0x47, 1], 'fnmsub.d': [0x4b, 1], 'fnmadd.d': [0x4f, 1],
};
const RD = 10, RS1 = 11, RS3 = 13;

function encode(op: FpMnemonic, rm: number): number {
  const f = FUSED[op];
  if (f) return ((RS3 << 27) | (f[1] << 25) | (12 << 20) | (RS1 << 15) | (rm << 12) | (RD << 7) | f[0]) >>> 0;
  const [funct7, rs2] = OPFP[op]!;
  return ((funct7 << 25) | (rs2 << 20) | (RS1 << 15) | (rm << 12) | (RD << 7) | 0x53) >>> 0;
}

const RM_OPS = Object.keys(FP_HELPERS).filter((op) => op in OPFP || op in FUSED) as FpMnemonic[];

describe('fpu: rounding-mode validity (fpRmValid, FP_USES_RM)', function () {
  this.timeout(120000);

  it('fpRmValid: static 0..4 valid, 5/6 reserved, DYN valid only while frm <= 4', function () {
    const s = new CpuState();
    for (let frm = 0; frm < 8; frm++) {
      s.frm = frm;
      for (let rm = 0; rm < 8; rm++) assert.equal(fpRmValid(s, rm), rm === 7 ? frm <= 4 : rm <= 4, `rm=${rm} frm=${frm}`);
    }
  });

  it('FP_USES_RM is false exactly where funct3 selects the operation (sign injection, min/max, compares, class, moves)', function () {
    const noRm = Object.keys(FP_HELPERS).filter((op) => !(op in OPFP || op in FUSED)).sort();
    assert.deepEqual(noRm, Object.keys(FP_USES_RM).filter((op) => !FP_USES_RM[op as FpMnemonic]).sort());
    assert.equal(noRm.length + RM_OPS.length, Object.keys(FP_HELPERS).length);
  });

  it('the probe encodings are the instructions objdump says they are', function () {
    requireTool(this, OBJDUMP);
    const dir = mkdtempSync(join(tmpdir(), 'tbscope-rm-'));
    const buf = Buffer.alloc(4 * RM_OPS.length);
    RM_OPS.forEach((op, i) => buf.writeUInt32LE(encode(op, 0), 4 * i));
    writeFileSync(join(dir, 'words.bin'), buf);
    const out = execFileSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'riscv:rv64', join(dir, 'words.bin')], { encoding: 'utf8' });
    const mnems = out.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map((l) => l.split('\t')[2].trim());
    assert.deepEqual(mnems, RM_OPS);
  });

  it('traps exactly like qemu-riscv64 for every rm-carrying instruction, rm 0..7 x frm 0..7', function () {
    requireTool(this, GCC);
    requireTool(this, QEMU);
    const bin = buildRiscv(join(__dirname, 'rmprobe.c'));
    const s = new CpuState();
    const bad: string[] = [];
    let checked = 0;
    for (let frm = 0; frm < 8; frm++) {
      const words: string[] = [], what: [FpMnemonic, number][] = [];
      for (const op of RM_OPS) for (let rm = 0; rm < 8; rm++) { words.push(encode(op, rm).toString(16)); what.push([op, rm]); }
      const res = execFileSync(QEMU, [bin, String(frm), ...words], { encoding: 'utf8' }).trim().split('\n');
      assert.equal(res.length, what.length);
      s.frm = frm;
      what.forEach(([op, rm], i) => {
        const oursIllegal = FP_USES_RM[op] && !fpRmValid(s, rm);
        if (oursIllegal !== (res[i] === 'ill')) bad.push(`${op} rm=${rm} frm=${frm}: qemu ${res[i]}, ours ${oursIllegal ? 'ill' : 'ok'}`);
        checked++;
      });
    }
    assert.equal(bad.length, 0, `${bad.length}/${checked} disagree:\n  ${bad.slice(0, 20).join('\n  ')}`);
  });
});

// Differential tests of the translator's integer semantics against qemu-riscv64: programs
// generated from operand lists (edge values and seeded random ones) store every result to a
// buffer and write it to stdout; the bytes must equal what qemu-riscv64 prints for the same ELF.
// Covers RV64I/M arithmetic, shifts, compares, branches, loads/stores (sign extension,
// misaligned, page-crossing), LR/SC and AMOs, and the fflags/frm/fcsr CSRs. Each program runs
// twice: with the TBs' first code (helper calls) and with -hot-code (the inline fast paths).

import { strict as assert } from 'node:assert';
import { assemble, cleanup, machineFor, needAs, runToExit } from './asm';
import { needQemu, qemu } from './qemu';

const EDGE = [0n, 1n, -1n, 2n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -3n, 31n, 32n, 63n, 64n];

/** Deterministic operands: the edge values and a seeded xorshift sequence. */
function operands(n: number, seed = 0x9e3779b97f4a7c15n): bigint[] {
  const out = [...EDGE];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= (x << 13n) & 0xffffffffffffffffn; x ^= x >> 7n; x ^= (x << 17n) & 0xffffffffffffffffn;
    const v = BigInt.asIntN(64, x);
    out.push(i % 3 === 0 ? BigInt.asIntN(32, v) : i % 3 === 1 ? v >> BigInt(i % 60) : v);
  }
  return out;
}

const R_OPS = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw',
  'srlw', 'sraw', 'mul', 'mulh', 'mulhu', 'mulhsu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
const I_OPS = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SH_OPS: [string, number][] = [['slli', 63], ['srli', 63], ['srai', 63], ['slliw', 31], ['srliw', 31], ['sraiw', 31]];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];

/** Program prologue: s0 = output buffer (below the stack), s1 = its start. */
const PROLOGUE = `_start:\n  li t0, 0x40000\n  sub s0, sp, t0\n  mv s1, s0\n`;
const EPILOGUE = `  li a0, 1\n  mv a1, s1\n  sub a2, s0, s1\n  li a7, 64\n  ecall\n  li a0, 0\n  li a7, 93\n  ecall\n`;
const out = (reg: string) => `  sd ${reg}, 0(s0)\n  addi s0, s0, 8\n`;

/**
 * Runs the program under qemu and twice here: with the first code of each TB (memory and FPU
 * helper calls: most of these programs run once) and with every TB hot (the inline fast paths).
 */
function compare(src: string): void {
  const a = assemble(src);
  try {
    const q = qemu(a.elf);
    assert.equal(q.status, 0, 'qemu-riscv64 ran the program');
    for (const hotCode of [false, true]) {
      const tier = hotCode ? 'hot code' : 'first code';
      const bytes: number[] = [];
      const stop = runToExit(machineFor(a, { hotCode }), 10_000_000, bytes);
      assert.deepEqual(stop, { kind: 'exit', code: 0 }, tier);
      const ours = Buffer.from(bytes);
      // Report the first differing 8-byte result, which names the instruction.
      for (let i = 0; i < Math.max(ours.length, q.stdout.length); i += 8) {
        if (!ours.subarray(i, i + 8).equals(q.stdout.subarray(i, i + 8))) {
          assert.fail(`${tier}: result #${i / 8} differs: tbscope ${ours.subarray(i, i + 8).toString('hex')} qemu ${q.stdout.subarray(i, i + 8).toString('hex')}`);
        }
      }
    }
  } finally { cleanup(a); }
}

describe('translator semantics vs qemu-riscv64', function () {
  beforeEach(function () { needAs(this); needQemu(this); });

  it('register-register ALU and M ops on edge and random operands', function () {
    const vals = operands(14);
    let src = PROLOGUE;
    for (const op of R_OPS) {
      for (let i = 0; i < vals.length; i++) {
        const b = vals[(i * 7 + 3) % vals.length];
        src += `  li a0, ${vals[i]}\n  li a1, ${b}\n  ${op} a2, a0, a1\n${out('a2')}`;
        src += `  ${op} a3, a0, a0\n${out('a3')}`;   // rd/rs aliasing
      }
    }
    compare(src + EPILOGUE);
  });

  it('immediate ALU ops and shifts', function () {
    const vals = operands(10, 77n);
    const imms = [0, 1, -1, 2047, -2048, 0x555, -0x2aa];
    let src = PROLOGUE;
    for (const v of vals) {
      for (const op of I_OPS) for (const imm of imms) src += `  li a0, ${v}\n  ${op} a2, a0, ${imm}\n${out('a2')}`;
      for (const [op, max] of SH_OPS) for (const s of [0, 1, 13, 31, max]) src += `  li a0, ${v}\n  ${op} a0, a0, ${s}\n${out('a0')}`;
      src += `  li a0, ${v}\n  lui a1, 0xfffff\n  auipc a2, 0x80000\n  sub a2, a2, a1\n  add a1, a1, a0\n${out('a1')}`;
    }
    compare(src + EPILOGUE);
  });

  it('branches on signed/unsigned edge comparisons', function () {
    const vals = operands(6, 5n);
    let src = PROLOGUE;
    let n = 0;
    for (const op of BRANCHES) {
      for (let i = 0; i < vals.length; i++) {
        for (const b of [vals[i], vals[(i + 5) % vals.length]]) {
          src += `  li a0, ${vals[i]}\n  li a1, ${b}\n  li a2, 1\n  ${op} a0, a1, 9${n}f\n  li a2, 2\n9${n}:\n${out('a2')}`;
          n++;
        }
      }
    }
    compare(src + EPILOGUE);
  });

  it('loads and stores: widths, sign extension, misaligned and page-crossing', function () {
    let src = PROLOGUE;
    // A pattern in a scratch area that straddles a 4 KiB boundary of the stack.
    src += '  li t1, 0x20000\n  sub t1, sp, t1\n  srli t1, t1, 12\n  slli t1, t1, 12\n  addi t1, t1, -16\n';
    src += '  li t2, 0x8091a2b3c4d5e6f7\n  sd t2, 0(t1)\n  li t2, 0xf1e2d3c4b5a69788\n  sd t2, 8(t1)\n  sd t2, 16(t1)\n  sd t2, 24(t1)\n';
    for (const off of [0, 1, 2, 3, 5, 7, 9, 12, 13, 14, 15, 16]) {
      for (const op of ['lb', 'lbu', 'lh', 'lhu', 'lw', 'lwu', 'ld']) src += `  ${op} a0, ${off}(t1)\n${out('a0')}`;
    }
    for (const [op, off] of [['sh', 15], ['sw', 13], ['sd', 11], ['sb', 2], ['sd', 1], ['sw', 14]] as const) {
      src += `  li a0, 0x0102030405060708\n  ${op} a0, ${off}(t1)\n  ld a1, 8(t1)\n${out('a1')}  ld a1, 16(t1)\n${out('a1')}  ld a1, 0(t1)\n${out('a1')}`;
    }
    compare(src + EPILOGUE);
  });

  it('LR/SC and AMOs (word and doubleword)', function () {
    let src = PROLOGUE + '  addi t1, s0, -64\n  andi t1, t1, -8\n';
    const vals = operands(3, 11n);
    for (const w of ['w', 'd']) {
      for (const op of ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu']) {
        for (let i = 0; i < vals.length; i += 2) {
          src += `  li a0, ${vals[i]}\n  sd a0, 0(t1)\n  li a1, ${vals[i + 1] ?? 5n}\n  amo${op}.${w} a2, a1, (t1)\n${out('a2')}  ld a3, 0(t1)\n${out('a3')}`;
        }
      }
      src += `  li a0, -7\n  sd a0, 0(t1)\n  lr.${w} a2, (t1)\n${out('a2')}  li a1, 99\n  sc.${w} a3, a1, (t1)\n${out('a3')}  ld a4, 0(t1)\n${out('a4')}`;
      src += `  sc.${w} a3, a1, (t1)\n${out('a3')}`;   // no reservation any more: fails
      src += `  lr.${w} a2, (t1)\n  addi a5, t1, 8\n  sc.${w} a3, a1, (a5)\n${out('a3')}`;   // other address: fails
    }
    compare(src + EPILOGUE);
  });

  it('fflags / frm / fcsr CSR reads and writes', function () {
    let src = PROLOGUE;
    for (const v of [0, 0x1f, 0x25, 0xff, 0x3a5]) {
      src += `  li a0, ${v}\n  csrrw a1, fcsr, a0\n${out('a1')}  csrr a2, fflags\n${out('a2')}  csrr a3, frm\n${out('a3')}`;
      src += `  csrrsi a4, fflags, 0x5\n${out('a4')}  csrrci a4, frm, 1\n${out('a4')}  csrrs a4, fcsr, zero\n${out('a4')}`;
      src += `  li a0, 3\n  csrrc a4, fflags, a0\n${out('a4')}  csrrwi a4, frm, 2\n${out('a4')}  frcsr a4\n${out('a4')}`;
    }
    compare(src + EPILOGUE);
  });

  it('F/D through the FPU helpers: register plumbing, int results, NaN-boxing on flw, fsw/fsd, fflags', function () {
    let src = PROLOGUE + '  addi t1, s0, -64\n  andi t1, t1, -8\n';
    const vals = [1n, -3n, 0x7fffffffn, 0x4000000000000000n, -0x10000000000n, 12345678901n];
    for (const v of vals) {
      src += `  li a0, ${v}\n  fcvt.d.l fa0, a0\n  fcvt.s.w fa1, a0\n  fmv.x.d a1, fa0\n${out('a1')}  fmv.x.d a1, fa1\n${out('a1')}`;
      src += `  fdiv.d fa2, fa0, fa0\n  fsqrt.d fa3, fa0\n  fmv.x.d a1, fa3\n${out('a1')}  fcvt.w.d a2, fa3, rtz\n${out('a2')}`;
      src += `  fcvt.lu.s a2, fa1\n${out('a2')}  feq.d a3, fa2, fa2\n${out('a3')}  fclass.d a3, fa3\n${out('a3')}  frflags a4\n${out('a4')}  fsflags zero\n`;
      src += `  sd a0, 0(t1)\n  flw fa4, 0(t1)\n  fmv.x.d a5, fa4\n${out('a5')}  fadd.s fa5, fa4, fa1\n  fsw fa5, 4(t1)\n  ld a5, 0(t1)\n${out('a5')}`;
      src += `  fld fa6, 0(t1)\n  fmul.d fa6, fa6, fa0, rup\n  fsd fa6, 0(t1)\n  ld a5, 0(t1)\n${out('a5')}  frcsr a4\n${out('a4')}`;
    }
    compare(src + EPILOGUE);
  });

  it('fld/fsd copy every bit pattern (signalling and payload NaNs, -0, subnormals), also page-crossing and into FP arithmetic', function () {
    let src = PROLOGUE + '  li t1, 0x20000\n  sub t1, sp, t1\n  srli t1, t1, 12\n  slli t1, t1, 12\n  addi t1, t1, -8\n';
    const bits = [0x7ff0000000000001n, 0x7ff4000000000123n, 0xfff8000000000abcn, 0x7ff8000000000000n, 0x8000000000000000n,
      0x0000000000000001n, 0x800fffffffffffffn, 0x7ff0000000000000n, 0x3ff0000000000001n, 0xc00921fb54442d18n];
    for (const b of bits) {
      for (const off of [0, 4, 3]) {   // aligned; across the page boundary at t1 + 8; misaligned
        src += `  li a0, ${BigInt.asIntN(64, b)}\n  sd a0, ${off}(t1)\n  fld fa0, ${off}(t1)\n  fsd fa0, 16(t1)\n  ld a1, 16(t1)\n${out('a1')}`;
        src += `  fmv.x.d a2, fa0\n${out('a2')}  fadd.d fa1, fa0, fa0\n  fmv.x.d a2, fa1\n${out('a2')}  frflags a3\n${out('a3')}  fsflags zero\n`;
      }
    }
    // The same copies in a hot loop, so they also run as optimized (region) code: a sum of
    // everything read back shows any bit that changed on any iteration.
    src += `  li s2, 0\n  li s3, 20000\n  li a4, ${BigInt.asIntN(64, bits[1])}\n  li a5, ${BigInt.asIntN(64, bits[2])}\n9:\n`;
    src += '  sd a4, 0(t1)\n  fld fa2, 0(t1)\n  fsd fa2, 16(t1)\n  ld a1, 16(t1)\n  add s2, s2, a1\n';
    src += '  sd a5, 4(t1)\n  fld fa3, 4(t1)\n  fsd fa3, 16(t1)\n  ld a1, 16(t1)\n  add s2, s2, a1\n  addi s3, s3, -1\n  bnez s3, 9b\n';
    compare(src + out('s2') + EPILOGUE);
  });

  it('a dynamic rounding mode while frm holds a reserved value is SIGILL, as under qemu', function () {
    const a = assemble('_start:\n  li a0, 5\n  fsrm a0\n  fcvt.d.w fa0, a0\n  fadd.d fa1, fa0, fa0, rne\nill:\n  fadd.d fa1, fa0, fa0\n  li a7, 93\n  ecall\n');
    try {
      assert.equal(qemu(a.elf).signal, 'SIGILL');
      const m = machineFor(a);
      const r = runToExit(m);
      assert.deepEqual(r, { ...r, kind: 'signal', signo: 4, pc: a.symbols.get('ill') });
    } finally { cleanup(a); }
  });
});

// Seeded random-instruction differential: random valid RV64GC instruction sequences (integer,
// M, A on a scratch area, loads/stores, F/D with random rounding modes, compressed forms as GNU
// as makes them), run three times in a loop so TBs get hot and form regions, end with a dump of
// every integer and FP register and fcsr. The dump must equal qemu-riscv64's in every TB mode:
// first code and hot code, per-TB calls and regions, one instruction per TB. Reuses the
// translator tests' GNU-as builder and qemu runner (asm.ts, qemu.ts). TBSCOPE_FUZZ=n runs longer.

import { strict as assert } from 'node:assert';
import { assemble, cleanup, EXEC_MODES, machineFor, needAs, runToExit } from './asm';
import { needQemu, qemu } from './qemu';
import { fuzzCases, FUZZ_SEED, Rng } from '../support/fuzz';

// Free for random use: everything but zero, sp, s0/s1 (dump pointers), s10 (scratch base on the
// stack, mapped under qemu and here alike), s11 (loop counter).
const REGS = ['ra', 'gp', 'tp', 't0', 't1', 't2', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 't3', 't4', 't5', 't6'];
const FREGS = Array.from({ length: 32 }, (_, i) => `f${i}`);
const RM = ['', ', rne', ', rtz', ', rdn', ', rup', ', rmm', ', dyn'];
const R = ['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhu', 'mulhsu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
const I = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
const SHIFT: [string, number][] = [['slli', 63], ['srli', 63], ['srai', 63], ['slliw', 31], ['srliw', 31], ['sraiw', 31]];
const LOAD = ['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu'], STORE = ['sb', 'sh', 'sw', 'sd'];
const AMO = ['amoadd.d', 'amoswap.w', 'amoxor.d', 'amoand.w', 'amoor.d', 'amomin.w', 'amomax.d', 'amominu.d', 'amomaxu.w'];
const FP3 = ['fadd', 'fsub', 'fmul', 'fdiv'], FP2 = ['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx'], FCMP = ['feq', 'flt', 'fle'];
const FMA = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'];

function randomInsn(rng: Rng): string {
  const x = () => rng.pick(REGS), f = () => rng.pick(FREGS), p = () => rng.pick(['s', 'd']);
  const imm = () => rng.int(4096) - 2048;
  switch (rng.int(12)) {
    case 0: case 1: return `${rng.pick(R)} ${x()}, ${x()}, ${x()}`;
    case 2: return `${rng.pick(I)} ${x()}, ${x()}, ${imm()}`;
    case 3: { const [op, max] = rng.pick(SHIFT); return `${op} ${x()}, ${x()}, ${rng.int(max + 1)}`; }
    case 4: return `lui ${x()}, ${rng.int(1 << 20)}`;
    case 5: return `${rng.pick(LOAD)} ${x()}, ${rng.int(2040)}(s10)`;
    case 6: return `${rng.pick(STORE)} ${x()}, ${rng.int(2040)}(s10)`;
    case 7: return `${rng.pick(AMO)} ${x()}, ${x()}, (s10)`;
    case 8: { const q = p(); return `${rng.pick(FP3)}.${q} ${f()}, ${f()}, ${f()}${rng.pick(RM)}`; }
    case 9: { const q = p(); return rng.chance(0.5) ? `${rng.pick(FP2)}.${q} ${f()}, ${f()}, ${f()}` : `${rng.pick(FCMP)}.${q} ${x()}, ${f()}, ${f()}`; }
    case 10: { const q = p(); return `${rng.pick(FMA)}.${q} ${f()}, ${f()}, ${f()}, ${f()}${rng.pick(RM)}`; }
    default: {
      const q = p();
      return rng.pick([`fsqrt.${q} ${f()}, ${f()}${rng.pick(RM)}`, `fcvt.l.${q} ${x()}, ${f()}${rng.pick(RM)}`, `fcvt.${q}.w ${f()}, ${x()}${q === 's' ? rng.pick(RM) : ''}`,
        `fcvt.s.d ${f()}, ${f()}${rng.pick(RM)}`, `fcvt.d.s ${f()}, ${f()}`, `fclass.${q} ${x()}, ${f()}`, `fmv.x.d ${x()}, ${f()}`, `fmv.w.x ${f()}, ${x()}`,
        `fsrmi ${x()}, ${rng.int(5)}`, `csrrs ${x()}, fflags, zero`]);
    }
  }
}

function program(rng: Rng, n: number): string {
  const init = REGS.map((r) => `  li ${r}, ${BigInt.asIntN(64, rng.u64())}\n`).join('')
    + FREGS.map((r, i) => `  li t0, ${BigInt.asIntN(64, rng.chance(0.3) ? BigInt(rng.pick([0x3ff0000000000000, 0x7ff0000000000000, 0x8000000000000000, 0x7ff8000000000000])) : rng.u64())}\n  fmv.d.x ${r}, t0\n${i % 4 === 0 ? `  fmv.w.x ${r}, t0\n` : ''}`).join('');
  const body = Array.from({ length: n }, () => `  ${randomInsn(rng)}\n`).join('');
  const dump = [...REGS.map((r) => `  sd ${r}, 0(s0)\n  addi s0, s0, 8\n`), ...FREGS.map((r) => `  fsd ${r}, 0(s0)\n  addi s0, s0, 8\n`)].join('');
  return `_start:\n  li t0, 0x40000\n  sub s0, sp, t0\n  mv s1, s0\n  li t0, 0x80000\n  sub s10, sp, t0\n  li s11, 3\n${init}loop:\n${body}  addi s11, s11, -1\n  bnez s11, loop\n${dump}`
    + '  frcsr t0\n  sd t0, 0(s0)\n  addi s0, s0, 8\n  li a0, 1\n  mv a1, s1\n  sub a2, s0, s1\n  li a7, 64\n  ecall\n  li a0, 0\n  li a7, 93\n  ecall\n';
}

const MODES = [
  ...EXEC_MODES.flatMap((mode) => [false, true].map((hotCode) => ({ label: `${mode.name}, ${hotCode ? 'hot code' : 'first code'}`, mode, opts: { hotCode } }))),
  { label: 'one instruction per TB', mode: undefined, opts: { oneInsnPerTb: true } },
];

describe('translator: random instruction sequences vs qemu-riscv64 register dumps (seeded fuzzer)', function () {
  const programs = fuzzCases(3);
  this.timeout(60_000 + programs * 20_000);
  beforeEach(function () { needAs(this); needQemu(this); });

  it(`${programs} programs of 60 random instructions, in every TB mode`, () => {
    const rng = new Rng(FUZZ_SEED * 2654435761 + 11);
    for (let p = 0; p < programs; p++) {
      const src = program(rng, 60);
      const a = assemble(src);
      try {
        const q = qemu(a.elf);
        assert.equal(q.status, 0, `seed ${FUZZ_SEED} program ${p}: qemu-riscv64 ran it`);
        for (const { label, mode, opts } of MODES) {
          const bytes: number[] = [];
          const stop = runToExit(machineFor(a, opts, mode), 10_000_000, bytes);
          assert.deepEqual(stop, { kind: 'exit', code: 0 }, label);
          const ours = Buffer.from(bytes);
          for (let i = 0; i < Math.max(ours.length, q.stdout.length); i += 8) {
            const name = i / 8 < REGS.length ? REGS[i / 8] : i / 8 < REGS.length + 32 ? FREGS[i / 8 - REGS.length] : 'fcsr';
            if (!ours.subarray(i, i + 8).equals(q.stdout.subarray(i, i + 8))) {
              assert.fail(`seed ${FUZZ_SEED} program ${p}, ${label}: ${name} is ${ours.subarray(i, i + 8).toString('hex')}, qemu ${q.stdout.subarray(i, i + 8).toString('hex')}\n${src}`);
            }
          }
        }
      } finally { cleanup(a); }
    }
  });
});

// Micro-benchmark (not a test): guest MIPS of hot loops under tbscope's translator — a pure
// integer loop, a load/store loop and a call-heavy loop — to measure codegen and dispatch changes.
// Needs riscv64-linux-gnu-as/ld/objcopy. Run: node --import tsx bench/micro-loop.ts [iterations]

import { assemble, cleanup, machineFor, runToExit } from '../test/tcg/asm';

const N = Number(process.argv[2] ?? 20_000_000);

const LOOPS: Record<string, string> = {
  integer: `
_start:
  li t0, ${N}
  li a0, 0
  li a1, 7
1:
  add a0, a0, t0
  xor a1, a1, a0
  slli a2, a1, 3
  srli a3, a0, 5
  sub a0, a0, a3
  addw a4, a2, a1
  add a0, a0, a4
  addi t0, t0, -1
  bnez t0, 1b
  li a7, 93
  ecall`,
  memory: `
_start:
  li t0, ${N}
  li t1, 0x200000
  li a0, 0
1:
  andi t2, t0, 1023
  slli t2, t2, 3
  add t2, t2, t1
  ld a1, 0(t2)
  add a1, a1, t0
  sd a1, 0(t2)
  lw a2, 4(t2)
  add a0, a0, a2
  addi t0, t0, -1
  bnez t0, 1b
  li a7, 93
  ecall`,
  calls: `
_start:
  li s0, ${N >> 1}
  li a0, 0
1:
  mv a1, s0
  call f
  addi s0, s0, -1
  bnez s0, 1b
  li a7, 93
  ecall
f:
  add a0, a0, a1
  andi a2, a0, 1
  beqz a2, 2f
  addi a0, a0, 1
2:
  ret`,
};

for (const [name, src] of Object.entries(LOOPS)) {
  const a = assemble(src);
  const m = machineFor(a);
  const t0 = process.hrtime.bigint();
  const stop = runToExit(m, 2 ** 52);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  cleanup(a);
  console.log(`${name.padEnd(8)} ${m.cpu.instret.toLocaleString().padStart(14)} insns  ${secs.toFixed(3)} s  ` +
    `${(m.cpu.instret / secs / 1e6).toFixed(1).padStart(7)} MIPS  (${m.stats.tbsTranslated} TBs, stop ${stop.kind})`);
}

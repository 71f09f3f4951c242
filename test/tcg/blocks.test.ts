// TB formation and the run loop checked against qemu-riscv64 itself: the TBs QEMU translates
// (-d in_asm) and the TBs it executes, in order (-d exec,nochain), must be ours too — including
// the page-boundary rule, the 512-instruction limit, CSR instructions ending TBs and fence.i —
// and -singlestep's per-instruction trace must equal our one-insn-per-TB and single-step runs.

import { strict as assert } from 'node:assert';
import type { Machine } from '../../emulator/machine';
import { assemble, cleanup, EXEC_MODES, machineFor, needAs, runToExit, type Assembled } from './asm';
import { execTrace, inAsm, needQemu, qemu } from './qemu';

/** A program exercising every TB-ending rule, a page-crossing instruction and a long straight run. */
const PROGRAM = `
_start:
  li s0, 3
  li a0, 0
loop:
  addi a0, a0, 1
  csrr a1, fflags
  addi a0, a0, 2
  fence
  call func
  addi s0, s0, -1
  bnez s0, loop
  fence.i
  j far
func:
  slli a2, a0, 1
  ret
  .balign 4096
  .skip 4096 - 8
far:
  addi a0, a0, 1
  addi a0, a0, 1
  addi a0, a0, 1
  lui a3, 0x12345     # 4 bytes at page offset 0xffe: crosses into the next page
  addi a0, a0, 1
  .rept 600
  addi a1, a1, 1
  .endr
  andi a0, a0, 255
  li a7, 93
  ecall
`;

function ours(a: Assembled, opts: { oneInsnPerTb?: boolean } = {}): { m: Machine; trace: number[]; stop: unknown } {
  const m = machineFor(a, opts);
  const trace: number[] = [];
  m.onExec = (tb) => trace.push(tb.pc);
  const stop = runToExit(m);
  return { m, trace, stop };
}

describe('TB formation and execution vs qemu-riscv64', function () {
  let a: Assembled;
  before(function () { needAs(this); needQemu(this); a = assemble(PROGRAM); });
  after(() => { if (a) cleanup(a); });

  it('translates the same TBs as qemu -d in_asm (start pc and instruction count)', function () {
    const q = inAsm(qemu(a.elf, { d: 'in_asm' }).log);
    const { m, stop } = ours(a);
    assert.equal((stop as { kind: string }).kind, 'exit');
    const mine = [...m.tbs()].sort((x, y) => x.seq - y.seq).map((tb) => ({ pc: tb.pc, n: tb.insns.length }));
    assert.deepEqual(mine, q);
    // The rules really were exercised: a page-crossing first instruction, a 512-insn TB.
    assert.ok(mine.some((t) => t.n === 512));
    assert.ok([...m.tbs()].some((tb) => tb.pages().length === 2));
  });

  it('executes the same TB sequence as qemu -d exec,nochain', function () {
    const q = execTrace(qemu(a.elf, { d: 'exec,nochain' }).log);
    assert.deepEqual(ours(a).trace, q);
  });

  it('one-insn-per-TB runs the instruction trace of qemu -singlestep; instret counts it exactly', function () {
    const q = execTrace(qemu(a.elf, { d: 'exec,nochain', singlestep: true }).log);
    const { m, trace } = ours(a, { oneInsnPerTb: true });
    assert.deepEqual(trace, q);
    assert.ok([...m.tbs()].every((tb) => tb.insns.length === 1));
    assert.equal(m.cpu.instret, q.length);
    assert.equal(ours(a).m.cpu.instret, q.length, 'normal TBs retire the same count');
  });

  it('single-stepping visits every instruction of the qemu -singlestep trace', function () {
    const q = execTrace(qemu(a.elf, { d: 'exec,nochain', singlestep: true }).log);
    const m = machineFor(a);
    runToExit(m, 0);   // installs the syscall handler only
    m.singleStep = true;
    const pcs: number[] = [];
    for (let i = 0; i < q.length + 5; i++) {
      pcs.push(m.cpu.pc);
      const before = m.cpu.instret;
      const r = m.run();
      if (r.kind === 'exit') break;
      assert.equal(r.kind, 'step');
      assert.equal(m.cpu.instret, before + 1);
    }
    assert.deepEqual(pcs, q);
  });

  for (const mode of EXEC_MODES) it(`${mode.name}: a run budget stops after exactly that many instructions, resumable`, function () {
    const total = ours(a).m.cpu.instret;
    const m = machineFor(a, {}, mode);
    runToExit(m, 0);
    let slices = 0;
    for (;;) {
      const before = m.cpu.instret;
      const r = m.run({ maxInsns: 97 });
      slices++;
      if (r.kind === 'exit') break;
      assert.equal(r.kind, 'budget');
      assert.equal(m.cpu.instret - before, 97);
    }
    assert.equal(m.cpu.instret, total);
    assert.equal(slices, Math.ceil(total / 97));
  });

  for (const mode of EXEC_MODES) {
    it(`${mode.name}: per-TB execution counts equal qemu's -d exec,nochain counts; instret and result exact`, function () {
      const q = qemu(a.elf, { d: 'exec,nochain' });
      const counts = new Map<number, number>();
      for (const pc of execTrace(q.log)) counts.set(pc, (counts.get(pc) ?? 0) + 1);
      const steps = execTrace(qemu(a.elf, { d: 'exec,nochain', singlestep: true }).log).length;
      const m = machineFor(a, {}, mode);
      const stop = runToExit(m);
      assert.deepEqual(stop, { kind: 'exit', code: q.status });
      const ours = new Map([...m.tbs()].map((tb) => [tb.pc, tb.execCount]));
      assert.deepEqual(ours, counts);
      assert.equal(m.cpu.instret, steps);
      assert.equal(m.stats.regionsBuilt > 0, mode.regions);
    });
  }
});

// Stops of the run loop checked against qemu-riscv64's instruction trace (-singlestep -d
// exec,nochain): breakpoints inside already translated TBs, faults in the middle of a TB (pc,
// fault address, exact instret, registers written back), illegal instructions raised only when
// reached, ebreak, and self-modifying code (other TB after fence.i, and the same TB) whose
// output must equal qemu's.

import { strict as assert } from 'node:assert';
import { assemble, cleanup, EXEC_MODES, machineFor, needAs, runToExit } from './asm';
import { execTrace, needQemu, qemu } from './qemu';

const LOOP = `
_start:
  li s0, 20
  li a0, 0
1:
  addi a0, a0, 3
  xori a1, a0, 5
  add a0, a0, a1
  andi a0, a0, 1023
  addi s0, s0, -1
  bnez s0, 1b
  andi a0, a0, 127
  li a7, 93
  ecall
`;

describe('run loop stops vs qemu-riscv64 traces', function () {
  beforeEach(function () { needAs(this); needQemu(this); });

  for (const mode of EXEC_MODES) it(`${mode.name}: a breakpoint set inside a translated TB stops before that instruction, every time it is reached`, function () {
    const a = assemble(LOOP);
    try {
      const trace = execTrace(qemu(a.elf, { d: 'exec,nochain', singlestep: true }).log);
      const m = machineFor(a, {}, mode);
      runToExit(m, 0);
      assert.equal(m.run({ maxInsns: 30 }).kind, 'budget');
      const tb = [...m.tbs()].find((t) => t.insns.length >= 5 && t.execCount > 0)!;
      const bp = tb.insns[2].pc;
      m.breakpoints.add(bp);
      assert.ok(!tb.valid, 'the TB covering the breakpoint was dropped');
      const expected = trace.map((pc, i) => (pc === bp && i >= 30 ? i : -1)).filter((i) => i >= 0);
      const hits: number[] = [];
      for (;;) {
        const r = m.run();
        if (r.kind !== 'breakpoint') { assert.equal(r.kind, 'exit'); break; }
        assert.equal(r.pc, bp);
        assert.equal(m.cpu.pc, bp);
        hits.push(m.cpu.instret);
      }
      assert.deepEqual(hits, expected);
      assert.equal(m.cpu.instret, trace.length);
      m.breakpoints.delete(bp);
    } finally { cleanup(a); }
  });

  it('a load fault in the middle of a TB: pc, address, instret and earlier registers exact', function () {
    const a = assemble(`
_start:
  li a0, 11
  li t0, 0x1234008
  addi a0, a0, 1
  addi a1, a0, 1
fault:
  ld a2, -8(t0)
  addi a0, a0, 100
  li a7, 93
  ecall`);
    try {
      const q = qemu(a.elf, { d: 'exec,nochain', singlestep: true });
      assert.equal(q.signal, 'SIGSEGV');
      const trace = execTrace(q.log);
      const m = machineFor(a);
      const r = runToExit(m);
      assert.deepEqual(r, { ...r, kind: 'signal', signo: 11, pc: a.symbols.get('fault'), addr: 0x1234000 });
      assert.equal(trace[trace.length - 1], a.symbols.get('fault'));
      assert.equal(m.cpu.instret, trace.length - 1, 'the faulting load did not retire');
      assert.equal(m.cpu.getX(11), 13n);
    } finally { cleanup(a); }
  });

  it('a store to a read-only code page faults with the address; a page-crossing load into an unmapped page too', function () {
    const a = assemble(`
_start:
  la t0, _start
  li a0, 1
store:
  sw a0, 2(t0)
  li a7, 93
  ecall`);
    try {
      const q = qemu(a.elf);
      assert.equal(q.signal, 'SIGSEGV');
      const m = machineFor(a);
      assert.deepEqual(runToExit(m), { ...runToExit(machineFor(a)), kind: 'signal', signo: 11, pc: a.symbols.get('store'), addr: a.symbols.get('_start')! + 2 });
      // Our own check of the slow path: an 8-byte load straddling into an unmapped page faults
      // at the first byte of that page.
      m.mem.map(0x900000, 4096, 3);
      m.cpu.setXNum(5, 0x900ffc);
      m.mem.write(a.symbols.get('store')!, new Uint8Array([0x83, 0xb5, 0x02, 0x00]), true);   // ld a1, 0(t0)
      m.flush();
      m.cpu.pc = a.symbols.get('store')!;
      const r = m.run();
      assert.equal(r.kind, 'signal');
      assert.equal((r as { addr: number }).addr, 0x901000);
    } finally { cleanup(a); }
  });

  for (const op of ['lr.w a0, (a2)', 'lr.d a0, (a2)', 'amoadd.w a0, a1, (a2)', 'amoswap.d a0, a1, (a2)', 'sc.w a0, a1, (a2)']) {
    it(`misaligned ${op.split(' ')[0]}: SIGBUS at the address (qemu: MO_ALIGN) unless nothing is accessed`, function () {
      const a = assemble(`
_start:
  li a2, ${0x200000 + 2}
  li a1, 5
  li a0, 1
amo:
  ${op}
  li a7, 93
  ecall`);
      try {
        const q = qemu(a.elf), m = machineFor(a), r = runToExit(m);
        if (q.signal === null) {
          // sc without a reservation fails without touching memory: no fault (status = sc's rd).
          assert.equal(op.startsWith('sc'), true, `qemu exited with ${q.status}`);
          assert.equal(r.kind, 'exit');
          assert.equal((r as { code: number }).code, q.status);
          return;
        }
        assert.equal(q.signal, 'SIGBUS');
        assert.deepEqual(r, { ...r, kind: 'signal', signo: 7, pc: a.symbols.get('amo'), addr: 0x200002 });
        assert.equal(m.cpu.getX(10), 1n, 'nothing of the instruction was done');
      } finally { cleanup(a); }
    });
  }

  it('an illegal instruction raises SIGILL only when executed, with its bits', function () {
    const a = assemble(`
_start:
  li a0, 1
  j 1f
  .word 0xffffffff
1:
  addi a0, a0, 1
  addi a0, a0, 2
ill:
  .word 0x0000107f
  li a7, 93
  ecall`);
    try {
      const q = qemu(a.elf, { d: 'exec,nochain', singlestep: true });
      assert.equal(q.signal, 'SIGILL');
      const trace = execTrace(q.log);
      const m = machineFor(a);
      const r = runToExit(m);
      assert.deepEqual(r, { ...r, kind: 'signal', signo: 4, pc: a.symbols.get('ill'), insn: 0x107f });
      assert.equal(trace[trace.length - 1], a.symbols.get('ill'));
      assert.equal(m.cpu.instret, trace.length - 1);
      assert.equal(m.cpu.getX(10), 4n);
    } finally { cleanup(a); }
  });

  it('ebreak stops at the ebreak, not executed; c.ebreak too', function () {
    const a = assemble(`
_start:
  li a0, 1
brk:
  .option norvc
  ebreak
  .option rvc
  addi a0, a0, 1
cbrk:
  c.ebreak
  li a7, 93
  ecall`);
    try {
      assert.equal(qemu(a.elf).signal, 'SIGTRAP');
      const m = machineFor(a);
      assert.deepEqual(runToExit(m), { kind: 'ebreak', pc: a.symbols.get('brk') });
      assert.equal(m.cpu.instret, 1);
      m.cpu.pc += 4;
      assert.deepEqual(m.run(), { kind: 'ebreak', pc: a.symbols.get('cbrk') });
      assert.equal(m.cpu.getX(10), 2n);
    } finally { cleanup(a); }
  });

  for (const mode of EXEC_MODES) it(`${mode.name}: self-modifying code (another TB after fence.i, and later in the same TB) behaves as under qemu`, function () {
    const addi = (imm: number) => ((imm << 20) | (10 << 15) | (10 << 7) | 0x13) >>> 0;
    const a = assemble(`
.option norvc
_start:
  la a0, _start
  srli a0, a0, 12
  slli a0, a0, 12
  li a1, 4096
  li a2, 7
  li a7, 226
  ecall
  li t0, 0x2000
  sub s1, sp, t0
  mv s3, s1
  li s0, 0
  li s4, 6
1:
  li a0, 0
  call patched
  sd a0, 0(s1)
  addi s1, s1, 8
  slli t0, s0, 3
  addi t0, t0, 7
  slli t0, t0, 20
  li t2, ${addi(0)}
  or t0, t0, t2
  la t1, patched
  sw t0, 0(t1)
  fence.i
  addi s0, s0, 1
  blt s0, s4, 1b
  la t1, 2f
  li t0, ${addi(100)}
  li a0, 0
  sw t0, 0(t1)
2:
  addi a0, a0, 1
  addi a0, a0, 1
  sd a0, 0(s1)
  addi s1, s1, 8
  li a0, 1
  mv a1, s3
  sub a2, s1, s3
  li a7, 64
  ecall
  li a0, 0
  li a7, 93
  ecall
patched:
  addi a0, a0, 1
  ret
`);
    try {
      const q = qemu(a.elf);
      assert.equal(q.status, 0);
      const m = machineFor(a, {}, mode);
      const out: number[] = [];
      assert.deepEqual(runToExit(m, 1e6, out), { kind: 'exit', code: 0 });
      assert.deepEqual(Buffer.from(out), q.stdout);
      // QEMU has no precise SMC for RISC-V: the running TB keeps its old code, the next entry sees the new.
      assert.equal(q.stdout.readBigInt64LE(6 * 8), 2n);
      assert.ok(m.stats.tbsInvalidated > 0);
    } finally { cleanup(a); }
  });
});

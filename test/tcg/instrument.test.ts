// The translator's side of the plugin contract (emulator/tcg/instrument.ts), driven with hand-made
// instrumentation: QEMU's order (TB callbacks, then per instruction its exec callbacks, the
// instruction, its memory callbacks after each successful access), the register flush/reload
// rules of the callback flags, set-pc, inline ops and conditional callbacks on scoreboards,
// memory values and meminfo for loads/stores/AMOs/SC, and that empty instrumentation generates
// exactly the code of no instrumentation. Expected values come from the assembly source.

import { strict as assert } from 'node:assert';
import type { Machine } from '../../emulator/machine';
import { meminfoIsStore, meminfoSizeShift } from '../../emulator/plugins/meminfo';
import { CbFlags, CondOp, MemRW, type InsnInstrumentation, type TbDescription, type TbInstrumentation } from '../../emulator/tcg/instrument';
import { assemble, cleanup, DATA, machineFor, needAs, runToExit, type Assembled } from './asm';

const PROG = `
_start:
  li t0, ${DATA}
  li a0, 0x1122334455667788
  sd a0, 8(t0)
load:
  ld a1, 8(t0)
  addi a1, a1, 1
store:
  sw a1, 16(t0)
  li a2, 5
amo:
  amoadd.w a3, a2, (t0)
  lr.d a4, (t0)
sc:
  sc.d a5, a2, (t0)
  sc.d a5, a2, (t0)
  li a7, 93
  li a0, 0
  ecall
`;

const emptyInsn = (): InsnInstrumentation => ({ exec: [], inline: [], mem: [], memInline: [] });
const empty = (tb: TbDescription): TbInstrumentation => ({ exec: [], inline: [], insns: tb.insns.map(emptyInsn) });

describe('translator: plugin instrumentation', function () {
  let a: Assembled;
  before(function () { needAs(this); a = assemble(PROG); });
  after(() => { if (a) cleanup(a); });
  const sym = (n: string) => a.symbols.get(n)!;

  function run(hook: (tb: TbDescription, m: Machine) => TbInstrumentation | undefined): Machine {
    const m = machineFor(a);
    m.translateHook = (tb) => hook(tb, m);
    assert.deepEqual(runToExit(m), { kind: 'exit', code: 0 });
    return m;
  }

  it('runs TB callbacks, then per instruction exec callback, the instruction, its memory callbacks', function () {
    const events: string[] = [];
    run((tb, m) => {
      const ins = empty(tb);
      ins.exec.push({ fn: () => events.push(`tb ${tb.pc.toString(16)}`), userdata: null, flags: CbFlags.NO_REGS, pluginId: 1 });
      tb.insns.forEach((insn, k) => {
        ins.insns[k].exec.push({ fn: (_v, ud) => events.push(`exec ${(ud as number).toString(16)}`), userdata: insn.pc, flags: CbFlags.NO_REGS, pluginId: 1 });
        ins.insns[k].mem.push({
          fn: (_v, info, vaddr) => events.push(`mem ${meminfoIsStore(info) ? 'w' : 'r'}${1 << meminfoSizeShift(info)} ${(vaddr - DATA).toString(16)} v=${m.memValue.lo.toString(16)}`),
          userdata: null, flags: CbFlags.NO_REGS, rw: MemRW.RW, pluginId: 1,
        });
      });
      return ins;
    });
    const at = (n: string) => events.indexOf(`exec ${sym(n).toString(16)}`);
    assert.equal(events[0], `tb ${sym('_start').toString(16)}`);
    assert.equal(events[1], `exec ${sym('_start').toString(16)}`);
    assert.equal(events[at('load') + 1], 'mem r8 8 v=55667788');
    assert.equal(events[at('store') + 1], 'mem w4 10 v=55667789');
    // amoadd.w: QEMU reports an atomic read-modify-write as a read and then a write.
    assert.deepEqual(events.slice(at('amo') + 1, at('amo') + 3), ['mem r4 0 v=0', 'mem w4 0 v=5']);
    // sc.d after lr.d: a read and a write (QEMU's cmpxchg); the second sc.d fails without access.
    assert.deepEqual(events.slice(at('sc') + 1, at('sc') + 4), ['mem r8 0 v=5', 'mem w8 0 v=5', `exec ${(sym('sc') + 4).toString(16)}`]);
  });

  it('R_REGS callbacks see registers written earlier in the same TB; RW_REGS writes are used', function () {
    const seen: bigint[] = [];
    const m = run((tb, mm) => {
      const ins = empty(tb);
      tb.insns.forEach((insn, k) => {
        if (insn.pc === sym('load') + 4) {   // before addi a1, a1, 1: a1 holds the loaded value
          ins.insns[k].exec.push({ fn: () => seen.push(mm.cpu.getX(11)), userdata: null, flags: CbFlags.R_REGS, pluginId: 1 });
          ins.insns[k].exec.push({ fn: () => mm.cpu.setX(11, 41n), userdata: null, flags: CbFlags.RW_REGS, pluginId: 1 });
        }
      });
      return ins;
    });
    assert.deepEqual(seen, [0x1122334455667788n]);
    assert.equal(m.cpu.getX(11), 42n);
    assert.equal(m.mem.readU32(DATA + 16), 42);
  });

  it('RW_REGS_PC callbacks may move the pc: the instruction is skipped and instret stays exact', function () {
    const ref = machineFor(a);
    runToExit(ref);
    const m = run((tb, mm) => {
      const ins = empty(tb);
      tb.insns.forEach((insn, k) => {
        if (insn.pc === sym('store')) {
          ins.insns[k].exec.push({ fn: () => { mm.cpu.pc = sym('store') + 4; }, userdata: null, flags: CbFlags.RW_REGS_PC, pluginId: 1 });
        }
      });
      return ins;
    });
    assert.equal(m.mem.readU32(DATA + 16), 0, 'the store was skipped');
    assert.equal(m.cpu.instret, ref.cpu.instret - 1);
  });

  it('inline adds count every instruction and access; a conditional callback fires when its entry matches', function () {
    const sb = new BigUint64Array(4);
    const entry = (i: number) => ({ array: sb, index: i, stride: 4 });
    const fired: bigint[] = [];
    const m = run((tb) => {
      const ins = empty(tb);
      ins.inline.push({ op: 'add', entry: entry(0), imm: 1n, pluginId: 1 });
      tb.insns.forEach((_insn, k) => {
        ins.insns[k].inline.push({ op: 'add', entry: entry(1), imm: 1n, pluginId: 1 });
        ins.insns[k].memInline.push({ op: 'add', entry: entry(2), imm: 1n, rw: MemRW.W, pluginId: 1 });
        ins.insns[k].exec.push({ fn: () => fired.push(sb[1]), userdata: null, flags: CbFlags.NO_REGS, pluginId: 1, cond: { entry: entry(1), op: CondOp.EQ, imm: 4n } });
      });
      return ins;
    });
    assert.equal(sb[1], BigInt(m.cpu.instret));
    assert.equal(sb[0], BigInt([...m.tbs()].reduce((s, tb) => s + tb.execCount, 0)));
    assert.equal(sb[2], 4n, 'sd, sw, amoadd.w (write half), successful sc.d');
    assert.deepEqual(fired, [4n]);
  });

  it('empty instrumentation generates exactly the code of no instrumentation', function () {
    const plain = machineFor(a);
    runToExit(plain);
    const m = run((tb) => empty(tb));
    const src = (mm: Machine) => new Map([...mm.tbs()].map((tb) => [tb.pc, tb.source]));
    assert.deepEqual(src(m), src(plain));
    assert.ok([...m.tbs()].every((tb) => tb.instrumentation !== undefined));
  });

  it('the hook sees each TB once with its instructions and flags; onTranslate reports translation order', function () {
    const seen: TbDescription[] = [];
    const order: number[] = [];
    const m = machineFor(a, { oneInsnPerTb: true });
    m.translateHook = (tb) => { seen.push(tb); return undefined; };
    m.onTranslate = (tb) => order.push(tb.seq);
    runToExit(m);
    assert.equal(seen.length, m.stats.tbsTranslated);
    assert.ok(seen.every((d) => d.insns.length === 1 && (d.flags & 1) === 1));
    assert.deepEqual(order, order.map((_, i) => i + 1));
  });
});

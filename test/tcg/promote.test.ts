// Code tiers of a TB (Machine.promote, Ctx.hot): a TB's first code calls the memory helpers
// instead of the inline page-table fast path; once it has run regionThreshold times outside a
// region it is generated again as hot code, from the same instructions and instrumentation
// (plugins' tb_trans is not called again). With regions on, the hot TB heads a region instead.
// qemu-riscv64 is the oracle for the program's output in every mode.

import { strict as assert } from 'node:assert';
import type { TranslationBlock } from '../../emulator/tcg/tb';
import { assemble, cleanup, machineFor, needAs, runToExit, type Assembled } from './asm';
import { needQemu, qemu } from './qemu';

const ITERATIONS = 1200;
/** A loop TB that loads and stores (a doubleword and a word) in a scratch area on the stack, then writes the area out. */
const PROGRAM = `
_start:
  li t0, ${ITERATIONS}
  addi s0, sp, -64
loop:
  ld a1, 0(s0)
  add a1, a1, t0
  sd a1, 0(s0)
  lw a2, 8(s0)
  addi a2, a2, 3
  sw a2, 8(s0)
  addi t0, t0, -1
  bnez t0, loop
  li a0, 1
  mv a1, s0
  li a2, 16
  li a7, 64
  ecall
  li a0, 0
  li a7, 93
  ecall
`;

const FAST_PATH = /PG = [RW]\[\(?A >>> 12/;

describe('TB code tiers (promotion to hot code)', function () {
  let a: Assembled | undefined;
  beforeEach(function () { needAs(this); needQemu(this); a ??= assemble(PROGRAM); });
  after(() => { if (a) cleanup(a); });

  /** Runs the program with regions on or off, recording the loop TB and how often tb_trans saw its pc. */
  function runIt(regions: boolean, stopAfter?: number) {
    const m = machineFor(a!);
    m.regions = regions;
    const loopPc = a!.symbols.get('loop')!;
    let loopTb: TranslationBlock | undefined;
    let hookCalls = 0;
    m.translateHook = (tb) => { if (tb.pc === loopPc) hookCalls++; return undefined; };
    m.onTranslate = (tb) => { if (tb.pc === loopPc) loopTb ??= tb; };   // a budget stop may add a shorter TB there
    const out: number[] = [];
    const stop = runToExit(m, stopAfter, out);
    return { m, stop, out: Buffer.from(out), loopTb: loopTb!, hookCalls };
  }

  it('a TB starts with helper calls and is promoted to the fast paths after regionThreshold runs outside regions', function () {
    // 100 iterations of 8 instructions: far below the threshold.
    const early = runIt(false, 800);
    assert.equal(early.stop.kind, 'budget');
    assert.equal(early.loopTb.hot, false);
    assert.doesNotMatch(early.loopTb.source, FAST_PATH);
    assert.match(early.loopTb.source, /M\.ld\(A, AH, 8\)/);
    assert.match(early.loopTb.source, /M\.st\(A, AH, 4,/);

    const r = runIt(false);
    assert.deepEqual(r.stop, { kind: 'exit', code: 0 });
    assert.equal(r.loopTb.hot, true, 'the loop TB was promoted');
    assert.match(r.loopTb.source, FAST_PATH);
    assert.equal(r.hookCalls, 1, 'tb_trans saw the loop TB once');
    assert.equal(r.m.stats.tbsPromoted, 1);
    // The first iteration runs in _start's TB, which goes on through the loop's first pass.
    assert.equal(r.loopTb.execCount, ITERATIONS - 1, 'runs counted across both versions');
    assert.deepEqual(r.out, qemu(a!.elf).stdout);
  });

  it('with regions the hot TB heads a region instead, and -hot-code makes every TB hot from the start', function () {
    const r = runIt(true);
    assert.deepEqual(r.stop, { kind: 'exit', code: 0 });
    assert.notEqual(r.loopTb.region, null);
    assert.equal(r.loopTb.hot, false);
    assert.equal(r.m.stats.tbsPromoted, 0);
    assert.match(r.loopTb.region!.source, FAST_PATH);
    assert.deepEqual(r.out, qemu(a!.elf).stdout);

    // -hot-code: hot from the first translation, and the hot loop still heads a region.
    const m = machineFor(a!, { hotCode: true });
    const tbs: TranslationBlock[] = [];
    m.onTranslate = (tb) => { tbs.push(tb); };
    assert.deepEqual(runToExit(m), { kind: 'exit', code: 0 });
    assert.ok(tbs.length > 0 && tbs.every((tb) => tb.hot));
    assert.notEqual(tbs.find((tb) => tb.pc === a!.symbols.get('loop'))!.region, null);
    assert.equal(m.stats.tbsPromoted, 0);
  });
});

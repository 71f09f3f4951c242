// Soft instruction budgets (run({maxInsns, atBlockBoundary})), as the debug adapter runs the guest
// in slices: a sliced run must execute exactly the TBs an unsliced run does (no TB cut short at a
// slice end, so plugins count the same blocks), retire the same instructions, and stop each slice
// at a TB boundary once its budget is used — with per-TB calls and with regions.

import { strict as assert } from 'node:assert';
import type { Machine } from '../../emulator/machine';
import { assemble, cleanup, EXEC_MODES, liteLinux, loopProgram, machineFor, needAs, type Assembled } from './asm';

/** A 7-instruction loop after a 1-instruction prologue: slice ends of 1000 fall inside TBs. */
const PROGRAM = loopProgram(2000);
const SLICE = 1000;

interface Run { tbs: number; instret: number; slices: number[]; stop: string }

/** Runs to exit, in slices of SLICE instructions when `slices` is given; counts executed TBs. */
function runIt(a: Assembled, mode: (typeof EXEC_MODES)[number], trace: boolean, slices?: { soft: boolean }): Run {
  const m: Machine = machineFor(a, {}, mode);
  liteLinux(m);
  let tbs = 0;
  if (trace) m.onExec = () => { tbs++; };
  const done: number[] = [];
  for (;;) {
    const before = m.cpu.instret;
    const stop = slices ? m.run({ maxInsns: SLICE, atBlockBoundary: slices.soft }) : m.run();
    if (stop.kind !== 'budget') return { tbs, instret: m.cpu.instret, slices: done, stop: stop.kind };
    done.push(m.cpu.instret - before);
  }
}

describe('soft instruction budgets (atBlockBoundary)', function () {
  let a: Assembled;
  before(function () { needAs(this); a = assemble(PROGRAM); });
  after(() => { if (a) cleanup(a); });

  it('sliced runs execute the same TBs as an unsliced run; exact budgets split TBs', () => {
    const mode = EXEC_MODES[0];
    const whole = runIt(a, mode, true);
    assert.equal(whole.stop, 'exit');
    assert.equal(whole.instret, 1 + 2000 * 7 + 3);
    assert.equal(whole.tbs, 1 + 1999 + 1);  // _start..bnez, the loop 1999 more times, the exit block
    const soft = runIt(a, mode, true, { soft: true });
    assert.equal(soft.stop, 'exit');
    assert.equal(soft.tbs, whole.tbs);
    assert.equal(soft.instret, whole.instret);
    // Exact budgets do cut TBs (the behaviour the soft budget exists to avoid).
    const exact = runIt(a, mode, true, { soft: false });
    assert.equal(exact.instret, whole.instret);
    assert.ok(exact.tbs > whole.tbs, `${exact.tbs} vs ${whole.tbs}`);
    assert.ok(exact.slices.every((n) => n === SLICE));
  });

  for (const mode of EXEC_MODES) {
    it(`each soft slice retires its budget and stops at the next TB boundary (${mode.name})`, () => {
      const whole = runIt(a, mode, false);
      const soft = runIt(a, mode, false, { soft: true });
      assert.equal(soft.stop, 'exit');
      assert.equal(soft.instret, whole.instret);
      assert.ok(soft.slices.length >= 10, `${soft.slices.length} slices`);
      // Slice ends are TB ends: the prologue TB is 8 instructions, every later one 7.
      let at = 0;
      for (const n of soft.slices) {
        assert.ok(n >= SLICE && n < SLICE + 8, `slice of ${n}`);
        at += n;
        assert.equal((at - 8) % 7, 0, `slice ends at instruction ${at}, inside a TB`);
      }
    });
  }
});

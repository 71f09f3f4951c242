// Which TBs a region is built from (emulator/tcg/region.ts regionMembers): hottest code first
// within the size bounds, cold code left out, TBs of other regions and ineligible TBs skipped;
// and the order of their cases (layout), in which straight-line successors fall through.
// The TBs are made by hand: a region's choice depends only on each TB's last instruction (its
// successors), its size and how often it ran.

import assert from 'node:assert/strict';
import type { Insn } from '../../emulator/isa/insn';
import type { Mnemonic } from '../../emulator/isa/table';
import { generateRegion, layout, Region, REGION_MAX_TBS, REGION_WARM_SHIFT, regionMembers } from '../../emulator/tcg/region';
import { TranslationBlock } from '../../emulator/tcg/tb';

function insn(pc: number, op: Mnemonic, imm = 0, rd = 0): Insn {
  return { pc, raw: 0, size: 4, op, rd, rs1: 1, rs2: 2, rs3: 0, imm, rm: 0, csr: 0, aq: false, rl: false, pred: 0, succ: 0 };
}

/** A graph of one-instruction TBs by pc. */
class Graph {
  readonly tbs = new Map<number, TranslationBlock>();
  add(pc: number, execCount: number, op: Mnemonic, imm = 0, rd = 0): TranslationBlock {
    const tb = new TranslationBlock(pc, 0, 4, [insn(pc, op, imm, rd)], this.tbs.size + 1, undefined);
    tb.execCount = execCount;
    this.tbs.set(pc, tb);
    return tb;
  }
  /** A TB ending in `j target`. */
  jump(pc: number, execCount: number, target: number): TranslationBlock { return this.add(pc, execCount, 'jal', target - pc); }
  members(hot: TranslationBlock, eligible: (tb: TranslationBlock) => boolean = () => true): number[] | undefined {
    return regionMembers(hot, (pc) => this.tbs.get(pc), eligible)?.map((tb) => tb.pc);
  }
}

describe('region members', () => {
  it('leaves out successors run less than 1/2^REGION_WARM_SHIFT as often as the hot TB', () => {
    const g = new Graph();
    const hot = g.add(0x1000, 512, 'beq', 0x100);               // taken 0x1100, fall-through 0x1004
    const warmEnough = 512 >> REGION_WARM_SHIFT;
    g.jump(0x1100, warmEnough, 0x1000);
    g.jump(0x1004, warmEnough - 1, 0x1000);
    assert.deepEqual(g.members(hot), [0x1000, 0x1100]);
  });

  it('takes the hottest reachable code first when the TB bound is reached', () => {
    // The hot TB's jalr went to many lukewarm targets and, seen last, to the hot chain
    // H1 -> H2 -> ... -> H8. Taken in the order they are reached, the lukewarm ones would fill
    // the region and leave the chain out.
    const g = new Graph();
    const hot = g.add(0x1000, 500, 'jalr');
    const lukewarm = Array.from({ length: REGION_MAX_TBS - 1 }, (_, i) => g.jump(0x2000 + 4 * i, 100, 0x1000).pc);
    const chain = Array.from({ length: 8 }, (_, i) => 0x3000 + 4 * i);
    chain.forEach((pc, i) => g.jump(pc, 490, chain[i + 1] ?? 0x1000));
    hot.jalrTargets.push(...lukewarm, chain[0]);
    const members = g.members(hot)!;
    assert.equal(members.length, REGION_MAX_TBS);
    assert.deepEqual(members.slice(0, 1 + chain.length), [0x1000, ...chain]);
  });

  it('skips TBs of other regions and ineligible ones, and fails when the hot TB is ineligible', () => {
    const g = new Graph();
    const hot = g.add(0x1000, 500, 'beq', 0x100);
    const other = g.jump(0x1100, 400, 0x1000);
    g.jump(0x1004, 400, 0x1008);
    g.jump(0x1008, 400, 0x1000);
    other.region = new Region([other]);
    assert.deepEqual(g.members(hot), [0x1000, 0x1004, 0x1008]);
    assert.deepEqual(g.members(hot, (tb) => tb.pc !== 0x1008), [0x1000, 0x1004]);
    assert.equal(g.members(hot, (tb) => tb !== hot), undefined);
  });

  it('builds no region in which every entry would run one TB and leave', () => {
    const g = new Graph();
    const hot = g.add(0x1000, 500, 'beq', 0x100);
    g.jump(0x1100, 400, 0x1000);
    g.jump(0x1004, 400, 0x1000);
    // Both successors are left out: the hot TB alone leads nowhere inside.
    assert.equal(g.members(hot, (tb) => tb === hot), undefined);
    // A TB that branches to itself is a loop on its own.
    const loop = g.add(0x2000, 500, 'bne', 0);
    g.jump(0x2004, 1, 0x1000);
    assert.deepEqual(g.members(loop), [0x2000]);
  });

  it('lays out each member before the one it continues at without a taken branch, the first member first', () => {
    const g = new Graph();
    // A loop: head 0x1000 (bge to 0x1100 = exit) -> 0x1004 (j 0x1200) -> 0x1200 (bne back to 0x1000; falls to 0x1204).
    const head = g.add(0x1000, 500, 'bge', 0x100);
    const body = g.jump(0x1004, 500, 0x1200);
    const tail = g.add(0x1200, 500, 'bne', 0x1000 - 0x1200);
    const after = g.jump(0x1204, 20, 0x1000);
    const exit = g.jump(0x1100, 20, 0x1000);
    const order = layout([head, exit, tail, after, body]).map((tb) => tb.pc);
    assert.deepEqual(order, [0x1000, 0x1004, 0x1200, 0x1204, 0x1100]);
    // The generated region falls into the next case on those edges: no dispatch for them.
    const src = generateRegion([head, exit, tail, after, body], {}, 0).source;
    const cases = src.split(/\ncase \d+: \{\n/).slice(1);
    assert.equal(cases.length, 5);
    assert.doesNotMatch(cases[0].split('\n}\n')[0], /pc = 4100; t = \d+; continue/, 'head continues into the body by falling through');
    assert.match(cases[0], /if \(.*\) \{ pc = 4352; t = 4; continue; \} pc = 4100;/);
  });
});


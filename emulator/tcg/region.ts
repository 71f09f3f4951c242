// Regions: several hot TBs compiled into one JavaScript function, `for (;;) switch (t)` over the
// members' indices, with the guest registers kept in locals across TBs (docs/architecture.md: measured ~4.5x
// over one function per TB plus a dispatcher). This is our form of QEMU's TB chaining: a jump to
// a TB of the same region costs a jump-table switch, not a return to the run loop. Each member
// TB keeps its own identity (execution count, instructions, source); a region is only a faster
// way to run them, dropped as soon as any member is invalidated and never containing a TB that
// starts at a breakpoint or calls plugin callbacks through wrappers (those need the run loop's
// checks between TBs); direct memory callbacks may be inside, and such TBs leave the region at
// attention requests.

import { ISA } from '../isa/table';
import { ATTENTION } from './attention';
import { Ctx, num } from './ctx';
import { assemble, callsPlugins, effectiveInstrumentation, emitTbBody } from './codegen';
import type { FpHelperFn } from './gen-sys';
import { TbStatus, type TbFunction, type TranslationBlock } from './tb';

/**
 * Size bounds keep region functions well under V8's optimisable bytecode size (a 393-instruction
 * region, ~80 KB of source, stayed unoptimised here and ran 10x slower) and entries cheap.
 * At most 16 TBs (it was 32): real programs' regions meet paths their first optimised code has
 * no type feedback for, and every such deoptimisation recompiles the whole region on V8's one
 * compiler thread (0.4-1 s for minigzip's 32-TB, 49 KB region, five times over, while it ran in
 * baseline code). CPU time with 16 (and REGION_WARM_SHIFT 3 instead of 5), best of 2 on a loaded
 * machine: SQLite 26.9 -> 19.3 s, Lua goto.lua 8.7 -> 6.5 s, minigzip 5.1 -> ~3 s, the kernels
 * matrix-sort and crc-sieve not slower (docs/performance.md, real programs).
 */
export const REGION_MAX_TBS = 16;
export const REGION_MAX_INSNS = 256;
/**
 * Bound on the members' own TB sources added up (a proxy for the region's bytecode): regions
 * with inlined plugin memory callbacks reached ~98 KB and were never optimised by V8
 * (--max-optimized-bytecode-size); hotpages on bench/bin/matrix-sort ran 13 s instead of ~7 s.
 * Plain regions stay below it (largest seen: ~65 KB).
 */
export const REGION_MAX_SOURCE = 68_000;

export class Region {
  valid = true;
  /** Times the region function was entered from the run loop, and instructions retired inside. */
  entries = 0;
  insns = 0;
  fn: TbFunction = () => 0;
  source = '';
  consts: unknown[] = [];
  constructor(readonly members: readonly TranslationBlock[]) {}
}

/**
 * Static successors of a TB: branch target and fall-through, jal target and its return address
 * (so a call inside a loop comes back into the region through the callee's `ret`), or the next
 * pc of a TB cut by the size or page limit. For jalr, the targets observed by the run loop;
 * any other computed pc that is a member's start also stays inside (the switch has its case).
 */
export function successors(tb: TranslationBlock): number[] {
  const last = tb.insns[tb.insns.length - 1];
  if (!last) return [];
  const next = last.pc + last.size;
  const f = ISA[last.op].flags;
  if (f.branch) return [last.pc + last.imm, next];
  if (last.op === 'jal') return last.rd !== 0 ? [last.pc + last.imm, next] : [last.pc + last.imm];
  // jalr (returns, indirect calls, switch tables): where it went last time, as the run loop saw it.
  if (last.op === 'jalr') return tb.jalrTargets;
  return [next];
}

/**
 * Successors that ran less than 1/8 as often as the TB a region is built for stay out of it (1/32
 * before regions were bounded at 16 TBs: see REGION_MAX_TBS): a
 * return's observed targets include startup code run once, and such TBs took up to two thirds of
 * a region's size (bench/bin/matrix-sort with hotpages), leaving no room for its hot code.
 */
export const REGION_WARM_SHIFT = 3;

/**
 * A region's members: `hot` and the TBs reachable from it through successors(), hottest first
 * (the one run most often among those reachable from the members so far), within the size bounds,
 * so the bounds leave out the coldest code rather than whatever a breadth-first walk reaches
 * last. Each is eligible, warm, and in no other region: TBs already run through a region are left
 * to it (jumped to through the run loop), so hot loop code is not compiled again into every region
 * that can reach it. Undefined when `hot` itself cannot head a region.
 */
export function regionMembers(
  hot: TranslationBlock,
  get: (pc: number) => TranslationBlock | undefined,
  eligible: (tb: TranslationBlock) => boolean,
): TranslationBlock[] | undefined {
  const members: TranslationBlock[] = [];
  const seen = new Set<number>([hot.pc]);
  let insns = 0, source = 0;
  const warm = Math.max(1, hot.execCount >> REGION_WARM_SHIFT);
  const candidates = [hot];
  while (candidates.length && members.length < REGION_MAX_TBS) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (candidates[i].execCount > candidates[best].execCount) best = i;
    const tb = candidates.splice(best, 1)[0];
    if (!eligible(tb) || (tb !== hot && tb.region !== null)) continue;
    if (insns + tb.insns.length > REGION_MAX_INSNS || source + tb.source.length > REGION_MAX_SOURCE) continue;
    members.push(tb);
    insns += tb.insns.length;
    source += tb.source.length;
    for (const pc of successors(tb)) {
      const next = get(pc);
      if (next && next.execCount >= warm && !seen.has(pc)) { seen.add(pc); candidates.push(next); }
    }
  }
  if (members[0] !== hot) return undefined;
  // Without a jump from one member to another (or to itself) every entry would run one TB and
  // leave: such a region only costs its compilation (matrix-sort with hotpages built 27 regions
  // and dropped 12 of them; with this test 19 and 7).
  const inside = new Set(members.map((tb) => tb.pc));
  return members.some((tb) => successors(tb).some((pc) => inside.has(pc))) ? members : undefined;
}

/**
 * The order of a region's cases: each member followed, where it is a member not yet placed, by
 * the one its code continues at without a taken branch (a branch's fall-through, a jump's or
 * call's target, the next pc of a TB cut short), so that edge falls into the next case instead
 * of going round the dispatch loop. The region's first member stays first.
 */
export function layout(members: readonly TranslationBlock[]): TranslationBlock[] {
  const byPc = new Map(members.map((tb) => [tb.pc, tb]));
  const placed = new Set<TranslationBlock>();
  const order: TranslationBlock[] = [];
  for (const head of members) {
    for (let tb: TranslationBlock | undefined = head; tb !== undefined && !placed.has(tb); tb = byPc.get(straightOn(tb) ?? -1)) {
      placed.add(tb);
      order.push(tb);
    }
  }
  return order;
}

/** Where a TB continues without a taken branch, if known statically: of its successors(), a branch's fall-through, else the first. */
function straightOn(tb: TranslationBlock): number | undefined {
  const last = tb.insns[tb.insns.length - 1];
  if (last.op === 'jalr') return undefined;
  const next = successors(tb);
  return ISA[last.op].flags.branch ? next[1] : next[0];
}

/**
 * Region function source: entered with cpu.pc at a member's start; N counts the instructions
 * retired in this run; BUDGET (from the run loop) bounds N so run({maxInsns}) stays exact, and
 * SOFT stops it at the first TB boundary past a soft budget (run({atBlockBoundary})).
 *
 * Dispatch is on the member's index `t`, dense from 0, which V8 compiles to a jump table; `pc`
 * is kept alongside for the exits. A static successor's index is known here; a jalr compares its
 * target with the targets it was seen to take, and anything else (region entry, other targets)
 * goes through `default`, which finds the index with a switch on pc or leaves. (Measured here:
 * the `switch (pc)` this replaces compiled to a chain of compares and was the hottest line of
 * every benchmark's regions, ~40% of interp's.) The cases are laid out so that a member falls
 * into the next case where its code continues without a taken branch (crc-sieve with hotpages
 * -5%, interp -3%).
 */
export function generateRegion(members: readonly TranslationBlock[], fp: Readonly<Record<string, FpHelperFn>>): { source: string; consts: unknown[] } {
  const c = new Ctx();
  c.fp = fp;
  c.region = true;
  c.hot = true;
  const order = layout(members);
  const index = new Map(order.map((tb, i) => [tb.pc, i]));
  c.emit('for (;;) {');
  c.emit('switch (t) {');
  order.forEach((tb, i) => {
    const len = tb.insns.length;
    c.emit(`case ${i}: {`);
    // A plugin callback may ask for work at a TB boundary (uninstall, reset): leave for it then.
    c.emit(`if (N + ${len} > BUDGET || N >= SOFT${callsPlugins(tb.instrumentation) ? ` || ${ATTENTION} !== 0` : ''}) break;`);
    c.emit(c.countRun(tb));
    c.setsSmc = false;
    const next = emitTbBody(c, tb.pc, tb.insns, effectiveInstrumentation(tb.instrumentation));
    if (next === undefined) { c.emit('}'); return; }
    // Only a TB that stores can have hit translated code (SMC); the others chain unconditionally.
    const smc = c.setsSmc ? ' if (SMC !== 0) break;' : '';
    // To the next case by falling into it (no dispatch), to any other through the loop.
    const below = order[i + 1]?.pc;
    const jump = (pc: number): string => `pc = ${num(pc)}; t = ${index.get(pc) ?? -1};${smc} continue;`;
    const fall = (pc: number): string => `pc = ${num(pc)};${smc}`;
    const br = c.nextBranch;
    let chain: string;
    if (br && br.fallThrough === below) chain = `if (${br.test}) { ${jump(br.taken)} } ${fall(below)}`;
    else if (br && br.taken === below) chain = `if (!(${br.test})) { ${jump(br.fallThrough)} } ${fall(below)}`;
    else if (br) chain = `if (${br.test}) { ${jump(br.taken)} } else { ${jump(br.fallThrough)} }`;
    else if (/^\d+$/.test(next)) chain = Number(next) === below ? fall(below) : jump(Number(next));
    else {
      const seen = tb.jalrTargets.filter((p) => index.has(p));
      chain = `pc = ${next}; t = ${seen.map((p) => `pc === ${num(p)} ? ${index.get(p)} : `).join('')}-1;${smc} continue;`;
    }
    c.emit(`N += ${len}; ${chain}`);
    c.emit('}');
  });
  c.emit('default:');
  c.emit('switch (pc) {');
  order.forEach((tb, i) => c.emit(`case ${num(tb.pc)}: t = ${i}; continue;`));
  c.emit('}');
  c.emit('}');
  c.emit('break;');
  c.emit('}');
  c.emit(c.exit(TbStatus.NEXT, 'pc', 0));
  const source = assemble(c, ['pc = S.pc', 't = -1', 'N = 0', 'SMC = 0', 'BUDGET = E.budget', 'SOFT = E.softBudget'], c.lines);
  return { source, consts: c.consts };
}

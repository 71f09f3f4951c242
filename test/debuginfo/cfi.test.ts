// Call frame information and unwinding, against the GNU tools: the CFA and register rules at
// every row of every FDE must equal readelf --debug-dump=frames-interp (both .eh_frame and
// .debug_frame), and a real stack — the fixture run under tbscope to a breakpoint in a
// recursive function, and to libc's write() (CFI only, no DWARF info) — must unwind to the same
// return addresses gdb-multiarch finds on the same program under qemu-riscv64.

import { strict as assert } from 'node:assert';
import { ABI_NAMES, FP_ABI_NAMES } from '../../emulator/cpu/state';
import { FrameIndex, parseFrameSection, type Fde } from '../../emulator/debuginfo/cfi';
import { backtrace, rulesAt, type RegRule, unwindStepFp } from '../../emulator/debuginfo/unwind';
import { OBJDUMP, requireTool, run } from '../support/oracles';
import { fixture } from '../linux/helpers';
import { accessOf, debugInfoOf, DEBUG_FIXTURES, gdbLive, markerLine, runToAddress, VARS_SOURCE } from './helpers';

const regName = (r: number): string => (r < 32 ? ABI_NAMES[r] : FP_ABI_NAMES[r - 32] ?? `r${r}`);

function ruleText(rule: RegRule | undefined): string {
  if (!rule || rule.kind === 'undefined') return 'u';
  switch (rule.kind) {
    case 'same': return 's';
    case 'offset': return `c${rule.n >= 0 ? '+' : ''}${rule.n}`;
    case 'valOffset': return `v${rule.n >= 0 ? '+' : ''}${rule.n}`;
    case 'register': return regName(rule.reg);
    case 'expr': return 'exp';
    case 'valExpr': return 'vexp';
  }
}

/** readelf's interpreted table: per FDE start, rows of LOC → {CFA, column → rule}. */
function readelfTables(text: string, section: string): Map<number, { loc: number; cols: Record<string, string> }[]> {
  const out = new Map<number, { loc: number; cols: Record<string, string> }[]>();
  const start = text.indexOf(`Contents of the ${section} section:`);
  if (start < 0) return out;
  const body = text.slice(start).split(/\nContents of the /)[0];
  for (const block of body.split('\n\n')) {
    const fde = /FDE cie=\S+ pc=([0-9a-f]+)\.\./.exec(block);
    if (!fde) continue;
    const lines = block.split('\n');
    const hi = lines.findIndex((l) => l.trim().startsWith('LOC'));
    // readelf prints no table for an FDE whose rows say nothing beyond the CIE's default.
    if (hi < 0) { out.set(parseInt(fde[1], 16), []); continue; }
    const names = lines[hi].trim().split(/\s+/).slice(1);
    const rows = lines.slice(hi + 1).filter((l) => /^[0-9a-f]{16}\s/.test(l)).map((l) => {
      const f = l.trim().split(/\s+/);
      const cols: Record<string, string> = {};
      names.forEach((n, i) => { cols[n] = f[i + 1]; });
      return { loc: parseInt(f[0], 16), cols };
    });
    out.set(parseInt(fde[1], 16), rows);
  }
  return out;
}

function compareWithReadelf(path: string, section: '.eh_frame' | '.debug_frame', fdes: Fde[]): number {
  const tables = readelfTables(run('riscv64-linux-gnu-readelf', ['--debug-dump=frames-interp', path]).stdout, section);
  assert.ok(tables.size > 0, `readelf printed no ${section} tables`);
  let rows = 0;
  for (const fde of fdes) {
    const expect = tables.get(fde.lo);
    assert.ok(expect, `${section}: readelf has no FDE at 0x${fde.lo.toString(16)}`);
    for (const row of expect) {
      const r = rulesAt(fde, row.loc);
      const cfa = r.cfa.expr ? 'exp' : `${regName(r.cfa.reg)}+${r.cfa.offset}`;
      const ours: Record<string, string> = { CFA: cfa };
      for (const name of Object.keys(row.cols)) {
        if (name === 'CFA') continue;
        const reg = name === 'ra' ? 1 : [...ABI_NAMES, ...FP_ABI_NAMES].indexOf(name as never);
        ours[name] = ruleText(r.regs.get(reg));
      }
      assert.deepEqual(ours, row.cols, `${section} FDE 0x${fde.lo.toString(16)} at 0x${row.loc.toString(16)}`);
      rows++;
    }
  }
  return rows;
}

/** "#1  0x000000000001068c in depth_sum (n=1, acc=109) at ..." → pc and the argument text. */
function gdbFrames(out: string): { pc: number; fn: string; args: string }[] {
  const frames: { pc: number; fn: string; args: string }[] = [];
  for (const l of out.split('\n')) {
    const m = /^#(\d+)\s+(?:(0x[0-9a-f]+) in )?(\S+) \((.*?)\)(?: at | from |$)/.exec(l);
    if (m) frames.push({ pc: m[2] ? Number(m[2]) : -1, fn: m[3], args: m[4] });
  }
  return frames;
}

describe('debuginfo: call frame information', () => {
  for (const name of ['debuginfo-v5', 'debuginfo-og'] as const) {
    it(`gives the rules readelf --debug-dump=frames-interp gives, at every row (${name})`, function () {
      requireTool(this, OBJDUMP);
      const di = debugInfoOf(fixture(name));
      const s = di.sections;
      const eh = compareWithReadelf(fixture(name), '.eh_frame', parseFrameSection(s.ehFrame!, true, s.ehFrameAddr));
      const dbg = compareWithReadelf(fixture(name), '.debug_frame', parseFrameSection(s.debugFrame!, false));
      assert.ok(eh > 300 && dbg > 5, `${eh} .eh_frame rows, ${dbg} .debug_frame rows`);
    });
  }

  for (const name of DEBUG_FIXTURES) {
    it(`unwinds the recursion at BP:leaf to the return addresses gdb finds (${name})`, async function () {
      const di = debugInfoOf(fixture(name));
      const line = markerLine(VARS_SOURCE, 'leaf');
      const addr = di.breakpointAddrs('vars.c', line)!.addrs[0];
      const out = await gdbLive(this, fixture(name), [`break *0x${addr.toString(16)}`, 'continue', 'bt']);
      const gdb = gdbFrames(out);
      assert.ok(gdb.length >= 6, `gdb printed no backtrace:\n${out}`);
      const proc = runToAddress(name, addr);
      const a = accessOf(proc);
      const frames = di.backtrace(proc.machine.cpu.pc, a.readReg, a.readMemBig);
      const names = frames.map((f) => di.functionAt(f.method === 'top' ? f.pc : f.pc - 1)?.name ?? proc.image.symbols.containing(f.pc)?.symbol.name);
      // gdb stops at main (the outermost frame with debug info: backtrace past-main is off).
      const ours = frames.slice(0, gdb.length).map((f, i) => ({ pc: i === 0 ? -1 : f.pc, fn: names[i] }));
      assert.deepEqual(ours, gdb.map((g) => ({ pc: g.pc, fn: g.fn })));
      // Each caller frame's arguments, read through its unwound registers, are what gdb shows.
      const args = frames.slice(0, gdb.length).map((f, i) => {
        const v = di.frameValues(f.pc, { ...a, readReg: f.regs }, i === 0);
        return v?.params.map((p) => `${p.name}=${p.value.replace(/^0x[0-9a-f]{6,}$/, '<ptr>')}`).join(', ');
      });
      // gdb writes a parameter whose value is its entry value (known from the call site) as "n=n@entry=0".
      assert.deepEqual(args, gdb.map((g) => g.args.replace(/=0x[0-9a-f]{6,}/g, '=<ptr>').replace(/(\w+)=\1@entry=/g, '$1=')));
    });
  }

  it('unwinds from inside libc write() (.eh_frame and prologues, no DWARF info) like gdb', async function () {
    const name = 'debuginfo-v5';
    const di = debugInfoOf(fixture(name));
    const probe = runToAddress(name, di.functionBreakpointAddr('main')!);
    const write = probe.image.symbols.byNameLookup('__libc_write') ?? probe.image.symbols.byNameLookup('write');
    assert.ok(write, 'no write symbol in the static binary');
    // Second stop in write: inside printf's buffer flush, several libc frames deep.
    const gdb = gdbFrames(await gdbLive(this, fixture(name), [`break *0x${write.value.toString(16)}`, 'continue', 'bt']));
    assert.ok(gdb.length >= 4, `gdb backtrace too short: ${JSON.stringify(gdb)}`);
    const proc = runToAddress(name, write.value);
    const a = accessOf(proc);
    const fnStart = (pc: number): number | undefined => proc.image.symbols.containing(pc)?.symbol.value;
    const frames = di.backtrace(proc.machine.cpu.pc, a.readReg, a.readMemBig, 64, fnStart);
    const ours = frames.slice(0, gdb.length).map((f, i) => ({ pc: i === 0 && gdb[0].pc === -1 ? -1 : f.pc, fn: proc.image.symbols.containing(i === 0 ? f.pc : f.pc - 1)?.symbol.name }));
    assert.deepEqual(ours.map((f) => f.pc), gdb.map((g) => g.pc));
    // __run_exit_handlers has no FDE: that step needs the prologue analysis.
    assert.ok(frames.slice(0, gdb.length).some((f) => f.method === 'prologue'), 'a frame unwound by prologue analysis');
    assert.ok(frames.slice(0, gdb.length).every((f) => f.method !== 'fp'), 'no frame-pointer guesses');
    // The stop is the flush at exit: the walk must climb out through exit() like gdb's.
    assert.ok(gdb.some((g) => g.fn === 'exit') && ours.some((f) => f.fn === 'exit'), 'the walk reaches exit()');
  });

  it('frame-pointer fallback agrees with CFI on -O0 frames', () => {
    const name = 'debuginfo-v5';
    const di = debugInfoOf(fixture(name));
    const proc = runToAddress(name, di.breakpointAddrs('vars.c', markerLine(VARS_SOURCE, 'leaf'))!.addrs[0]);
    const a = accessOf(proc);
    const cfi = di.unwindStep(proc.machine.cpu.pc, a.readReg, a.readMemBig)!;
    const fp = unwindStepFp(a.readReg, a.readMemBig)!;
    assert.equal(fp.pc, cfi.pc);
    assert.equal(fp.cfa, cfi.cfa);
    assert.equal(fp.regs.get(8), cfi.regs.get(8), 'caller s0');
    // Without any FDE the walk still gets through the -O0 frames by frame pointer.
    const withCfi = di.backtrace(proc.machine.cpu.pc, a.readReg, a.readMemBig).map((f) => f.pc);
    const fpOnly = backtrace(new FrameIndex(), proc.machine.cpu.pc, a.readReg, a.readMemBig).map((f) => f.pc);
    assert.deepEqual(fpOnly.slice(0, 6), withCfi.slice(0, 6));
  });
});

// Unwinding and frame values of position-independent programs loaded at a bias: the CFI of a PIE
// is at link addresses while the guest's registers and memory hold load addresses. The oracles:
// the same source built position-dependent (whose backtrace and arguments test/debuginfo's CFI
// test checks against gdb-multiarch) must give the same frames — function, source line,
// arguments including -Og entry values recovered from call sites — and, for the libc-free
// static-PIE example, the CFA must be the one readelf's interpreted frame table gives.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { type DebugInfo, type StackFrameInfo } from '../../emulator/debuginfo';
import type { GuestProcess } from '../../emulator/linux/process';
import { Machine } from '../../emulator/machine';
import { hasSysroot, OBJDUMP, REPO_ROOT, requireTool, run, skipBecause, SYSROOT } from '../support/oracles';
import { fixture, start } from '../linux/helpers';
import { accessOf, debugInfoOf, markerLine, VARS_SOURCE } from './helpers';

/** Runs a program to the link address `linkAddr` (biased after loading). */
function runToLink(path: string, di: DebugInfo, linkAddr: (di: DebugInfo) => number): GuestProcess {
  const { proc } = start(path, { argv: [path], sysroot: SYSROOT });
  const bias = proc.image.program.bias;
  const m = proc.machine;
  if (!(m instanceof Machine)) throw new Error('start() no longer gives a Machine');
  m.addBreakpoint(linkAddr(di) + bias);
  for (;;) {
    const stop = m.run();
    if (stop.kind === 'breakpoint') return proc;
    const end = proc.handleStop(stop);
    if (end) throw new Error(`${path} ended before its breakpoint`);
  }
}

interface FrameText { fn?: string; line?: number; args?: string; method: StackFrameInfo['method'] }

/** The frames up to main as function, line and argument text (pointers masked: they differ). */
function framesToMain(path: string, linkAddr: (di: DebugInfo) => number): { bias: number; frames: FrameText[] } {
  const di = debugInfoOf(path);
  const proc = runToLink(path, di, linkAddr);
  const bias = proc.image.program.bias;
  const a = accessOf(proc);
  const fnStart = (pc: number): number | undefined => proc.image.symbols.containing(pc)?.symbol.value;
  const walk = di.backtrace(proc.machine.cpu.pc, a.readReg, a.readMemBig, 64, fnStart, bias);
  const out: FrameText[] = [];
  for (const [i, f] of walk.entries()) {
    const link = f.pc - bias, at = i === 0 ? link : link - 1;
    const fv = di.frameValues(link, { ...a, readReg: f.regs }, i === 0, bias);
    const fn = di.functionAt(at)?.name;
    out.push({
      fn, line: di.addrToLine(at)?.line, method: f.method,
      args: fv?.params.map((p) => `${p.name}=${p.value.replace(/^0x[0-9a-f]{5,}\b/, '<ptr>')}`).join(', '),
    });
    if (fn === 'main') break;
  }
  return { bias, frames: out };
}

describe('debuginfo: position-independent programs (load bias)', () => {
  const leaf = (di: DebugInfo) => di.breakpointAddrs('vars.c', markerLine(VARS_SOURCE, 'leaf'))!.addrs[0];
  for (const [fixed, pie] of [['debuginfo-v5', 'debuginfo-pie'], ['debuginfo-og', 'debuginfo-og-pie']] as const) {
    it(`unwinds a PIE at BP:leaf to the frames and arguments of the fixed-address build (${pie})`, function () {
      if (!hasSysroot()) skipBecause(this, `the PIE fixtures are dynamically linked and need the RISC-V sysroot ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
      const want = framesToMain(fixture(fixed), leaf);
      const got = framesToMain(fixture(pie), leaf);
      assert.equal(want.bias, 0);
      assert.notEqual(got.bias, 0, 'the PIE is loaded at a bias');
      assert.ok(want.frames.length >= 6 && want.frames.at(-1)?.fn === 'main', JSON.stringify(want.frames));
      // Every step is CFI: the frame-pointer guess would not find -Og frames (no s0 chain).
      assert.ok(got.frames.slice(1).every((f) => f.method === 'cfi'), JSON.stringify(got.frames));
      const strip = (fs: FrameText[]) => fs.map(({ fn, line, args }) => ({ fn, line, args }));
      assert.deepEqual(strip(got.frames), strip(want.frames));
    });
  }

  it('finds the CFA readelf gives inside the static-PIE example (examples/bin/tiny-pie)', function () {
    requireTool(this, OBJDUMP);
    const path = join(REPO_ROOT, 'examples', 'bin', 'tiny-pie');
    const di = debugInfoOf(path);
    // readelf's interpreted table: the row in effect at the last LOC of _start's FDE.
    const text = run('riscv64-linux-gnu-readelf', ['--debug-dump=frames-interp', path]).stdout;
    const rows = [...text.matchAll(/^([0-9a-f]{16}) sp\+(\d+)\b/gm)].map((m) => ({ loc: parseInt(m[1], 16), off: Number(m[2]) }));
    const row = rows.filter((r) => r.off > 0).at(-1);
    assert.ok(row, `no CFA row with an offset in readelf's output:\n${text}`);
    // Stop at the start of the line after that row (the stack frame is made by then).
    const proc = runToLink(path, di, () => di.lines.addrToLine(row.loc)!.end);
    const bias = proc.image.program.bias;
    assert.notEqual(bias, 0, 'the static PIE is loaded at a bias');
    const a = accessOf(proc);
    const pc = proc.machine.cpu.pc;
    assert.equal(di.cfaAt(pc, a.readReg, a.readMemBig, true, bias), a.readReg(2) + BigInt(row.off));
    assert.equal(di.cfaAt(pc, a.readReg, a.readMemBig, true, 0), undefined, 'the link-address table does not cover the load address');
  });
});

// The stack trace through the real adapter where unwinding is hard: inside libc (static glibc,
// functions such as __run_exit_handlers have no CFI, so the walk needs their prologue from the
// ELF symbols), compared with the return addresses gdb-multiarch finds under qemu-riscv64; and
// in a PIE loaded at a bias (CFI and -Og entry values at link addresses), compared with the same
// program built position-dependent (whose frames test/debuginfo checks against gdb).

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { join } from 'node:path';
import { hasSysroot, OBJDUMP, REPO_ROOT, requireTool, run, skipBecause, SYSROOT } from '../support/oracles';
import { gdbLive, markerLine, VARS_SOURCE } from '../debuginfo/helpers';
import { example, launch, openSession, request, type Session } from './helpers';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** gdb's "#1  0x000000000001068c in fn (...)" lines → pc per frame (-1 when gdb prints none). */
function gdbPcs(out: string): number[] {
  const pcs: number[] = [];
  for (const l of out.split('\n')) {
    const m = /^#\d+\s+(?:(0x[0-9a-f]+) in )?\S+ \(/.exec(l);
    if (m) pcs.push(m[1] ? Number(m[1]) : -1);
  }
  return pcs;
}

describe('adapter: stack traces through libc and in PIEs', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  async function stopAt(args: Record<string, unknown>, setup: () => Promise<unknown>): Promise<DebugProtocol.StackFrame[]> {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, args, setup);
    await stopped;
    return (await s.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  }

  it('unwinds from libc write() out through exit() to the return addresses gdb finds', async function () {
    const objdump = requireTool(this, OBJDUMP);
    const m = /^([0-9a-f]+) <(?:__libc_write|write)>:$/m.exec(run(objdump, ['-d', '--no-show-raw-insn', example('step')]).stdout);
    assert.ok(m, 'no write() in the static example');
    const write = parseInt(m[1], 16);
    const gdb = gdbPcs(await gdbLive(this, example('step'), [`break *0x${write.toString(16)}`, 'continue', 'bt'], join(REPO_ROOT, 'examples')));
    assert.ok(gdb.length >= 6, `gdb's backtrace is too short: ${JSON.stringify(gdb)}`);
    const frames = await stopAt({ program: example('step') }, () => request(s, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${write.toString(16)}` }] }));
    assert.equal(Number(frames[0].instructionPointerReference), write);
    // Callers: gdb reports each frame's return address, as our instructionPointerReference does.
    assert.deepEqual(frames.slice(1, gdb.length).map((f) => Number(f.instructionPointerReference)), gdb.slice(1));
    // exit() is noreturn: its return address lies past its end, yet the frame is exit's.
    assert.ok(frames.some((f) => f.name.startsWith('exit+')), frames.map((f) => f.name).join(' < '));
  });

  it('unwinds a -Og PIE like the fixed-address build: functions, lines and entry-value arguments', async function () {
    if (!hasSysroot()) skipBecause(this, `the PIE fixture is dynamically linked and needs the RISC-V sysroot ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    const line = markerLine(VARS_SOURCE, 'leaf');
    const view = async (name: string) => {
      const frames = await stopAt({ program: join(FIXTURES, 'bin', name), sysroot: SYSROOT, sourceFileMap: { '.': FIXTURES } },
        () => s.dc.setBreakpointsRequest({ source: { path: VARS_SOURCE }, breakpoints: [{ line }] }));
      const upToMain = frames.slice(0, frames.findIndex((f) => f.name === 'main') + 1);
      const out: string[] = [];
      for (const f of upToMain) {
        const args = (await s.dc.scopesRequest({ frameId: f.id })).body.scopes.find((x) => x.name === 'Arguments');
        const vars = args ? (await s.dc.variablesRequest({ variablesReference: args.variablesReference })).body.variables : [];
        out.push(`${f.name}:${f.line} (${vars.map((v) => `${v.name}=${v.value.replace(/^0x[0-9a-f]{5,}\b.*/, '<ptr>')}`).join(', ')})`);
      }
      await s.close();
      s = await openSession();
      return out;
    };
    const fixed = await view('debuginfo-og');
    const pie = await view('debuginfo-og-pie');
    assert.ok(fixed.length >= 6 && fixed[0].startsWith(`depth_sum:${line} (n=0, acc=110`), fixed.join('\n'));
    assert.deepEqual(pie, fixed);
  });
});

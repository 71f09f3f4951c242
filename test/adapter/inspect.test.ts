// Instruction-level debugging through the adapter on the -O0 `step` example: function and
// instruction breakpoints, instruction stepping (stepIn / next over calls / stepOut), registers
// (read and set), evaluate, read/writeMemory, disassemble (compared with objdump, including
// walking backwards and unreadable memory), modules and the stack trace. Addresses come from
// objdump; expected values from the C source's semantics and qemu-riscv64's output.

import { strict as assert } from 'node:assert';
import { OBJDUMP, QEMU, requireTool, run } from '../support/oracles';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { example, exitCode, failure, launch, markerLine, openSession, registers, request, topFrame, type Session } from './helpers';

interface Listing { addrs: number[]; text: Map<number, string>; symbols: Map<string, number> }

let listing: Listing | undefined;
/** objdump -d of the step example: instruction addresses in order, text without comments, symbols. */
function objdumpListing(ctx: Mocha.Context): Listing {
  if (listing) return listing;
  const out = run(requireTool(ctx, OBJDUMP), ['-d', '--no-show-raw-insn', example('step')]).stdout;
  const l: Listing = { addrs: [], text: new Map(), symbols: new Map() };
  for (const line of out.split('\n')) {
    const sym = /^([0-9a-f]+) <(.+)>:$/.exec(line);
    if (sym) { l.symbols.set(sym[2], parseInt(sym[1], 16)); continue; }
    const m = /^\s+([0-9a-f]+):\t(.*)$/.exec(line);
    if (!m) continue;
    const a = parseInt(m[1], 16);
    l.addrs.push(a);
    l.text.set(a, m[2].replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim());
  }
  listing = l;
  return l;
}

/** Address of the first instruction after `from` whose text matches re (inside one function). */
function findInsn(l: Listing, from: number, re: RegExp): number {
  const i = l.addrs.indexOf(from);
  for (let k = i; k < l.addrs.length; k++) if (re.test(l.text.get(l.addrs[k])!)) return l.addrs[k];
  throw new Error(`no instruction matching ${re} after ${from.toString(16)}`);
}
const nextAddr = (l: Listing, a: number) => l.addrs[l.addrs.indexOf(a) + 1];

describe('adapter: breakpoints, stepping and inspection (instruction level)', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  async function stopAt(setup: () => Promise<unknown>, program = example('step')): Promise<void> {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program }, setup);
    await stopped;
  }
  const readMem = (a: DebugProtocol.ReadMemoryArguments) => request<NonNullable<DebugProtocol.ReadMemoryResponse['body']>>(s, 'readMemory', a);
  const writeMem = (a: DebugProtocol.WriteMemoryArguments) => request<NonNullable<DebugProtocol.WriteMemoryResponse['body']>>(s, 'writeMemory', a);
  const pc = async () => Number((await registers(s)).get('pc'));
  async function stepped(req: Promise<unknown>): Promise<void> {
    const ev = s.dc.waitForEvent('stopped');
    await req;
    assert.equal((await ev).body.reason, 'step');
  }

  it('function breakpoint: stops in add after its prologue, stack shows main at the call', async function () {
    const l = objdumpListing(this);
    await stopAt(() => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add' }] }));
    const top = await topFrame(s);
    assert.equal(top.name, 'add');
    const at = await pc();
    assert.ok(at > l.symbols.get('add')! && at < l.symbols.get('factorial')!, 'inside add, past its entry');
    assert.equal(top.line, markerLine('step.c', 'add'));
    assert.equal(Number(top.instructionPointerReference), at);
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    const caller = st.body.stackFrames[1];
    assert.equal(caller.name, 'main');
    assert.equal(caller.line, markerLine('step.c', 'loop'));
    const call = findInsn(l, l.symbols.get('main')!, /^jal .* <add>$/);
    assert.equal(Number(caller.instructionPointerReference), nextAddr(l, call));
  });

  it('instruction breakpoint, stepIn, next over a call, stepOut', async function () {
    const l = objdumpListing(this);
    const call = findInsn(l, l.symbols.get('main')!, /^jal .* <add>$/);
    await stopAt(() => request(s, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + call.toString(16) }] }));
    assert.equal(await pc(), call);
    // First iteration: counter is still 0; next runs add (counter++) and stops after the call.
    const counter = async () => (await s.dc.evaluateRequest({ expression: 'counter' })).body.result;
    assert.equal(await counter(), '0');
    await stepped(s.dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await pc(), nextAddr(l, call));
    assert.equal(await counter(), '1');
    // Back at the call next iteration (the breakpoint), step into add, one more instruction, then out.
    const bp = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal((await bp).body.reason, 'instruction breakpoint');
    await stepped(s.dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await pc(), l.symbols.get('add'));
    await stepped(s.dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await pc(), nextAddr(l, l.symbols.get('add')!));
    await stepped(s.dc.stepOutRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await pc(), nextAddr(l, call));
    assert.equal(await counter(), '2');
  });

  it('registers: ABI names, set a0 and ft0 (float/double/raw), evaluate', async function () {
    objdumpListing(this);
    await stopAt(() => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add' }] }));
    const frame = await topFrame(s);
    const scopes = (await s.dc.scopesRequest({ frameId: frame.id })).body.scopes;
    const regsScope = scopes.find((x) => x.name === 'Registers')!;
    const vars = (await s.dc.variablesRequest({ variablesReference: regsScope.variablesReference })).body.variables;
    assert.deepEqual(vars.slice(1, 33).map((v) => v.name).slice(0, 11), ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0']);
    assert.ok(['fcsr', 'fflags', 'frm'].every((n) => vars.some((v) => v.name === n)));
    const set = await s.dc.setVariableRequest({ variablesReference: regsScope.variablesReference, name: 'a0', value: '0x1234 + 1' });
    assert.equal(set.body.value, '0x1235');
    assert.equal((await s.dc.evaluateRequest({ expression: '$a0 * 2', frameId: frame.id })).body.result, '9322');
    assert.equal((await s.dc.evaluateRequest({ expression: 'a0 - 0x35', frameId: frame.id })).body.result, '0x1200');
    assert.equal((await s.dc.evaluateRequest({ expression: '(7 + 3) % 4 << 2' })).body.result, '8');
    assert.equal(Number((await s.dc.evaluateRequest({ expression: 'main' })).body.result), objdumpListing(this).symbols.get('main'));
    const fp = scopes.find((x) => x.name === 'FP Registers')!;
    const fvars = (await s.dc.variablesRequest({ variablesReference: fp.variablesReference })).body.variables;
    const ft0 = fvars.find((v) => v.name === 'ft0')!;
    await s.dc.setVariableRequest({ variablesReference: fp.variablesReference, name: 'ft0', value: '1.5' });
    const parts = (await s.dc.variablesRequest({ variablesReference: ft0.variablesReference })).body.variables;
    assert.equal(parts.find((p) => p.name === 'raw')!.value, '0x3ff8000000000000');   // IEEE 754 binary64 of 1.5
    assert.equal(parts.find((p) => p.name === 'double')!.value, '1.5');
    await s.dc.setVariableRequest({ variablesReference: ft0.variablesReference, name: 'float', value: '-2' });
    const after = (await s.dc.variablesRequest({ variablesReference: ft0.variablesReference })).body.variables;
    assert.equal(after.find((p) => p.name === 'raw')!.value, '0xffffffffc0000000');   // NaN-boxed binary32 -2.0
    assert.match(await failure(s.dc.setVariableRequest({ variablesReference: regsScope.variablesReference, name: 'zero', value: '1' })), /hard-wired/);
  });

  it('readMemory and writeMemory: a global changed in memory changes what the program prints', async function () {
    const qemu = requireTool(this, QEMU);
    const want = run(qemu, [example('step')]).stdout;
    const wantCounter = Number(/counter=(\d+)/.exec(want)![1]);
    await stopAt(() => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    const addr = (await s.dc.evaluateRequest({ expression: 'counter' })).body.memoryReference!;
    const before = await readMem({ memoryReference: addr, count: 4 });
    assert.deepEqual([...Buffer.from(before.data!, 'base64')], [0, 0, 0, 0]);
    // origin.name points at the string "origin" (step.c).
    const originName = (await s.dc.evaluateRequest({ expression: '*(long*)(origin + 8)' })).body.result;
    const str = await readMem({ memoryReference: '0x' + BigInt(originName).toString(16), count: 7 });
    assert.equal(Buffer.from(str.data!, 'base64').toString('latin1'), 'origin\0');
    const w = await writeMem({ memoryReference: addr, data: Buffer.from([100, 0, 0, 0]).toString('base64') });
    assert.equal(w.bytesWritten, 4);
    const unreadable = await readMem({ memoryReference: '0x8', count: 16 });
    assert.equal(unreadable.unreadableBytes, 16);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    await code;
    assert.match(s.output.stdout, new RegExp(`counter=${wantCounter + 100} `));
  });

  it('disassembles like objdump, forwards, backwards from mid-function, and pads unreadable memory', async function () {
    const l = objdumpListing(this);
    await stopAt(() => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    const main = l.symbols.get('main')!;
    const fwd = (await s.dc.disassembleRequest({ memoryReference: '0x' + main.toString(16), instructionCount: 40 })).body!.instructions;
    const i0 = l.addrs.indexOf(main);
    assert.deepEqual(fwd.map((x) => Number(x.address)), l.addrs.slice(i0, i0 + 40));
    assert.deepEqual(fwd.map((x) => x.instruction.replace(/\s+#.*$/, '').replace(/\s+/g, ' ')), l.addrs.slice(i0, i0 + 40).map((a) => l.text.get(a)));
    assert.equal(fwd[0].symbol, 'main');
    // 12 instructions back from the 20th of main: the 8 before it in main and 4 from factorial/move before main.
    const mid = l.addrs[i0 + 20];
    const back = (await s.dc.disassembleRequest({ memoryReference: '0x' + mid.toString(16), instructionOffset: -24, instructionCount: 30 })).body!.instructions;
    assert.deepEqual(back.map((x) => Number(x.address)), l.addrs.slice(i0 + 20 - 24, i0 + 20 + 6));
    const bad = (await s.dc.disassembleRequest({ memoryReference: '0x0', instructionCount: 5 })).body!.instructions;
    assert.equal(bad.length, 5);
    assert.ok(bad.every((x) => x.presentationHint === 'invalid'));
  });

  it('lists the program as a module, with its address range', async () => {
    await stopAt(() => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    const r = await s.dc.customRequest('modules', {});
    const mods = r.body.modules as { name: string; addressRange: string }[];
    assert.equal(mods.length, 1);
    assert.equal(mods[0].name, 'step');
    const [lo, hi] = mods[0].addressRange.split('-').map(Number);
    const p = await pc();
    assert.ok(p >= lo && p < hi);
  });
});

// What the editor needs from the adapter (issue #13): every TB flavour has its own identity
// (pc + flags) and TB lists can be fetched incrementally; the callback trace since a sequence
// number; hot pages with the mappings they fall in; the built-in plugins' catalogue; frames
// without source that VS Code can focus; a stop without source (no -g, stopOnEntry at _start)
// with registers; the crash described with the faulting instruction (objdump as the oracle);
// Locals before Arguments; the exit message; the whole stack in one answer.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BUILTINS } from '../../emulator/plugins/builtin/index';
import type { CallbackTraceResponse, HotPagesResponse, PluginsResponse, TranslationBlocksResponse } from '../../adapter/protocol';
import { OBJDUMP, requireTool, run } from '../support/oracles';
import { example, exitCode, launch, markerLine, openSession, registers, request, source, type Session } from './helpers';

describe('adapter: what the editor views need', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  async function atLoop(): Promise<void> {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('step'), plugins: ['hotpages', 'trace'] },
      () => s.dc.setBreakpointsRequest({ source: { path: source('step.c') }, breakpoints: [{ line: markerLine('step.c', 'loop') }] }));
    await stopped;
  }
  async function step(granularity?: DebugProtocol.SteppingGranularity): Promise<void> {
    const stopped = s.dc.waitForEvent('stopped');
    await s.dc.nextRequest({ threadId: 1, granularity });
    await stopped;
  }

  it('TB flavours of one pc have their own ids; incremental lists send only what changed', async () => {
    await atLoop();
    const first = await request<TranslationBlocksResponse>(s, 'tbscope/translationBlocks', { incremental: true });
    assert.equal(first.full, true);
    // Continuing to the breakpoint's next hit runs the loop's code as plain TBs; steps then make
    // one-instruction TBs at the same pcs (issue #13: the loop test at 0x10766 twice).
    const again = s.dc.waitForEvent('stopped');
    await s.dc.continueRequest({ threadId: 1 });
    await again;
    for (let i = 0; i < 3; i++) await step();
    for (let i = 0; i < 2; i++) await step('instruction');
    const all = await request<TranslationBlocksResponse>(s, 'tbscope/translationBlocks', {});
    const ids = all.blocks.map((b) => b.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    const pcs = all.blocks.map((b) => b.pc);
    assert.ok(new Set(pcs).size < pcs.length, 'instruction steps made a second flavour of some pc');
    const twice = all.blocks.filter((b) => pcs.filter((p) => p === b.pc).length > 1);
    assert.ok(twice.some((b) => b.flavour.oneInsn) && twice.some((b) => !b.flavour.oneInsn));
    for (const b of all.blocks) assert.equal(b.id, `${b.pc}/${b.flags}`);
    // Each flavour is fetched by its flags.
    const one = twice.find((b) => b.flavour.oneInsn)!;
    const detail = await request<{ id: string; instructions: unknown[] }>(s, 'tbscope/translationBlock', { pc: one.pc, flags: one.flags });
    assert.equal(detail.id, one.id);
    assert.equal(detail.instructions.length, 1);
    // User code is told apart from start-up code.
    assert.ok(all.blocks.some((b) => b.userCode && b.file === 'step.c' && /^main/.test(b.symbol ?? '')));
    assert.ok(all.blocks.some((b) => !b.userCode && /^_start|__libc_start/.test(b.symbol ?? '')));

    const delta = await request<TranslationBlocksResponse>(s, 'tbscope/translationBlocks', { incremental: true });
    assert.equal(delta.full, false);
    assert.ok(delta.blocks.length > 0 && delta.blocks.length < all.blocks.length, `delta of ${delta.blocks.length} of ${all.blocks.length}`);
    const none = await request<TranslationBlocksResponse>(s, 'tbscope/translationBlocks', { incremental: true });
    assert.deepEqual([none.blocks.length, none.removed.length], [0, 0], 'nothing ran since the last answer');
  });

  it('callback trace since a sequence number; hot pages with their mappings; the built-in catalogue', async () => {
    await atLoop();
    const before = await request<CallbackTraceResponse>(s, 'tbscope/callbackTrace', {});
    const last = before.events[before.events.length - 1].seq;
    assert.equal(last, before.total);
    await step();
    const since = await request<CallbackTraceResponse>(s, 'tbscope/callbackTrace', { since: last, limit: 100000 });
    assert.ok(since.events.length > 0 && since.events.every((e) => e.seq > last));
    assert.equal(since.events[0].seq, last + 1);

    const hp = await request<HotPagesResponse>(s, 'tbscope/hotPages', {});
    const kinds = new Set(hp.regions.map((r) => r.kind));
    assert.ok(kinds.has('program') && kinds.has('stack'), [...kinds].join());
    const inside = (a: string) => hp.regions.some((r) => Number(a) >= Number(r.start) && Number(a) < Number(r.end));
    assert.ok(hp.pages.filter((p) => inside(p.address)).length >= hp.pages.length / 2, 'most pages fall in a named mapping');

    const pl = await request<PluginsResponse>(s, 'tbscope/plugins', {});
    assert.deepEqual(pl.builtins.map((b) => b.name).sort(), Object.keys(BUILTINS).sort());
    assert.ok(pl.builtins.every((b) => b.description.length > 10));
  });

  it('Locals come first, an empty Arguments scope is left out; the stack comes whole', async () => {
    await atLoop();
    const init = (s.dc as unknown as { _capabilities?: DebugProtocol.Capabilities })._capabilities;
    if (init) assert.notEqual(init.supportsDelayedStackTraceLoading, true);
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    const scopes = (await s.dc.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes.map((x) => x.name);
    assert.deepEqual(scopes, ['Locals', 'Registers', 'FP Registers'], 'main(void) has no arguments');
    assert.equal(st.body.stackFrames.length, st.body.totalFrames);
  });

  it('a program without -g: stopOnEntry at _start shows a focusable top frame with registers', async function () {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('segv'), stopOnEntry: true });
    assert.equal((await stopped).body.reason, 'entry');
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    const top = st.body.stackFrames[0];
    assert.equal(top.name, '_start');
    assert.equal(top.presentationHint, 'normal');
    assert.ok(top.instructionPointerReference);
    assert.equal(Number((await registers(s, top.id)).get('pc')), Number(top.instructionPointerReference));
    // No line info: the frame's source is a listing of _start (a sourceReference, no path), so
    // VS Code can focus it; its line is the pc's instruction, as objdump prints it.
    assert.equal(top.source?.path, undefined);
    assert.ok(top.source!.sourceReference! > 0);
    const { content } = (await s.dc.customRequest('source', { source: top.source, sourceReference: top.source!.sourceReference })).body as { content: string };
    const line = content.split('\n')[top.line - 1];
    assert.match(line, new RegExp(`^\\s*${Number(top.instructionPointerReference).toString(16)}:\\t`));
    const objdump = run(requireTool(this, OBJDUMP), ['-d', '--no-show-raw-insn', example('segv')]).stdout;
    const want = new RegExp(`^\\s*${Number(top.instructionPointerReference).toString(16)}:\\t(.*)$`, 'm').exec(objdump)![1].replace(/\s+#.*$/, '').replace(/\s+/, ' ');
    assert.equal(line.split('\t')[2].replace(/\s+#.*$/, ''), want);
  });

  it('the crash names the signal, the fault address and the instruction; frames of a program without -g are not hidden', async function () {
    const objdump = requireTool(this, OBJDUMP);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('segv') });
    await stopped;
    const st = await s.dc.stackTraceRequest({ threadId: 1 });
    assert.ok(st.body.stackFrames.every((f) => f.presentationHint === 'normal'), 'no frame has source: none is de-emphasised');
    const pc = parseInt(st.body.stackFrames[0].instructionPointerReference!, 16);
    const dis = run(objdump, ['-d', '--no-show-raw-insn', example('segv')]).stdout;
    const line = new RegExp(`^\\s*${pc.toString(16)}:\\t(.*)$`, 'm').exec(dis)!;
    const info = await s.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'SIGSEGV');
    assert.ok(info.body.description!.includes('fault address 0x10'), info.body.description);
    assert.ok(info.body.description!.includes(`by ${line[1].replace(/\s+#.*$/, '').replace(/\s+/, ' ')}`), `${info.body.description} / objdump: ${line[1]}`);
    assert.match(s.output.important ?? '', /^tbscope: SIGSEGV at 0x[0-9a-f]+ <main\+0x[0-9a-f]+>: fault address 0x10: by /);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    await code;
    assert.match(s.output.console ?? '', /tbscope: program terminated by signal SIGSEGV \(exit status 139\)/);
  });

  it('says "program exited with code N" and sends a last update marked ended', async () => {
    const updates: DebugProtocol.Event[] = [];
    s.dc.on('tbscope/update', (e: DebugProtocol.Event) => updates.push(e));
    const code = exitCode(s);
    await launch(s, { program: example('exitcode'), args: ['7'] });
    const status = await code;
    assert.match(s.output.console ?? '', new RegExp(`tbscope: program exited with code ${status}\\n`));
    const last = updates[updates.length - 1]?.body as { ended: boolean; exitCode?: number } | undefined;
    assert.deepEqual(last && [last.ended, last.exitCode], [true, status]);
  });
});

// tbscope's own requests through the adapter: the TB cache against qemu-riscv64 -d in_asm (same
// block starts and sizes), one TB's instructions against objdump with the hotpages plugin's
// memory callbacks shown per instruction, hot pages against the loads the program makes, the
// callback trace filtered, plugins listed / unloaded / loaded while stopped, update events.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { OBJDUMP, QEMU, parseInAsm, requireTool, run } from '../support/oracles';
import { example, exitCode, launch, openSession, request, type Session } from './helpers';
import { loopProgram } from './programs';

interface Block { pc: string; insns: number; execCount: number; order: number }
interface TbDetail { instructions: { pc: string; text: string; instrumentation: { plugin: string; kind: string; detail: string }[] }[]; generatedCode: string; hotCode: boolean }

describe('adapter: tbscope/* requests and events', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  /** Runs tiny to just before its exit (exit filter) with the given plugins. */
  async function atExit(plugins?: string[]): Promise<void> {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('tiny'), plugins }, () => s.dc.setExceptionBreakpointsRequest({ filters: ['exit'] }));
    assert.equal((await stopped).body.text, 'exit');
  }

  it('translationBlocks: the same blocks qemu-riscv64 translates; translationBlock: objdump text and plugin callbacks', async function () {
    const qemu = requireTool(this, QEMU);
    const objdump = requireTool(this, OBJDUMP);
    const qtbs = parseInAsm(run(qemu, ['-d', 'in_asm', example('tiny')]).stderr);
    await atExit();
    const { blocks } = await request<{ blocks: Block[] }>(s, 'tbscope/translationBlocks', {});
    const ours = new Map(blocks.map((b) => [Number(b.pc), b.insns]));
    const theirs = new Map(qtbs.map((t) => [t.insns[0].pc, t.insns.length]));
    assert.deepEqual([...ours].sort(), [...theirs].sort());
    assert.deepEqual(blocks.map((b) => b.order), [...blocks.map((b) => b.order)].sort((a, b) => a - b));

    const dis = run(objdump, ['-d', '--no-show-raw-insn', example('tiny')]).stdout;
    const text = new Map([...dis.matchAll(/^\s+([0-9a-f]+):\t(.*)$/gm)].map((m) => [parseInt(m[1], 16), m[2].replace(/\s+#.*$/, '').replace(/\s+/g, ' ')]));
    const first = qtbs[0].insns[0].pc;
    const tb = await request<TbDetail>(s, 'tbscope/translationBlock', { pc: '0x' + first.toString(16) });
    assert.deepEqual(tb.instructions.map((i) => i.text.replace(/\s+#.*$/, '').replace(/\s+/g, ' ')), qtbs[0].insns.map((i) => text.get(i.pc)));
    // hotpages (loaded by default) hooks a memory callback on every instruction.
    for (const i of tb.instructions) assert.deepEqual(i.instrumentation, [{ plugin: 'hotpages', kind: 'memory callback', detail: 'RW' }]);
    assert.ok(tb.generatedCode.length > 0);
    assert.equal(tb.hotCode, false, 'a TB run once keeps its first code');
    await assert.rejects(request(s, 'tbscope/translationBlock', { pc: '0x4' }), /no translation block/);
  });

  it('hotPages: the page of the loads tiny makes, with its read count', async function () {
    const qemu = requireTool(this, QEMU);
    const qtbs = parseInAsm(run(qemu, ['-d', 'in_asm', example('tiny')]).stderr);
    // The only load: `ld a1,80(a1)` after an auipc whose result qemu prints (`# 0x…`); it runs once per message.
    const all = qtbs.flatMap((t) => t.insns);
    const auipc = all.find((i) => /^auipc/.test(i.text))!;
    const base = Number(/# (0x[0-9a-f]+)/.exec(auipc.text)![1]);
    const off = Number(/^ld\s+a1,(-?\d+)\(a1\)/.exec(all.find((i) => /^ld/.test(i.text))!.text)![1]);
    const page = (base + off) & ~0xfff;
    const messages = run(qemu, [example('tiny')]).stdout.split('\n').filter(Boolean).length;
    await atExit();
    const hp = await request<{ available: boolean; pages: { address: string; reads: number; writes: number }[] }>(s, 'tbscope/hotPages', {});
    assert.ok(hp.available);
    assert.deepEqual(hp.pages, [{ address: '0x' + page.toString(16), reads: messages, writes: 0, readCpus: 1, writeCpus: 0 }]);
  });

  it('callbackTrace: events of the trace plugin, filtered by kind and plugin', async () => {
    await atExit(['hotpages', 'trace,insn=on']);
    const all = await request<{ available: boolean; events: { kind: string; plugin: string; pc: string }[] }>(s, 'tbscope/callbackTrace', {});
    assert.ok(all.available);
    assert.ok(all.events.some((e) => e.kind === 'tb_exec') && all.events.some((e) => e.kind === 'insn_exec') && all.events.some((e) => e.kind === 'mem'));
    const mem = await request<{ events: { kind: string; plugin: string; vaddr: string }[] }>(s, 'tbscope/callbackTrace', { kind: 'mem', plugin: 'hotpages' });
    assert.ok(mem.events.length > 0);
    assert.ok(mem.events.every((e) => e.kind === 'mem' && e.plugin === 'hotpages' && e.vaddr));
  });

  it('plugins: list, unload (TBs flushed) and load while stopped; the loaded plugin reports at exit', async () => {
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('tiny') }, () => s.dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'syscall', condition: 'write' }] }));
    await stopped;
    await s.dc.setExceptionBreakpointsRequest({ filters: [] });
    let list = await request<{ plugins: { id: number; name: string }[] }>(s, 'tbscope/plugins', {});
    assert.deepEqual(list.plugins.map((p) => p.name), ['hotpages']);
    list = await request(s, 'tbscope/plugins', { action: 'unload', name: 'hotpages' });
    assert.deepEqual(list.plugins, []);
    const tbs = await request<{ blocks: Block[] }>(s, 'tbscope/translationBlocks', {});
    assert.equal(tbs.blocks.length, 0);
    list = await request(s, 'tbscope/plugins', { action: 'load', spec: 'bb' });
    assert.deepEqual(list.plugins.map((p) => p.name), ['bb']);
    await assert.rejects(request(s, 'tbscope/plugins', { action: 'load', spec: 'nosuch' }), /nosuch/);
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    await code;
    // Loaded at the first write (tiny.S): then run `addi s0; bnez` 3 times, the 6-instruction
    // message block twice and the 3-instruction exit block once: 6 blocks, 21 instructions.
    assert.match(s.output.console ?? '', /Total: bb's: 6, insns: 21$/m);
  });

  it('pushes tbscope/update at most 4 times a second while running, and at stops', async () => {
    const updates: DebugProtocol.Event[] = [];
    s.dc.on('tbscope/update', (e: DebugProtocol.Event) => updates.push(e));
    await launch(s, { program: loopProgram(), deterministic: false });
    await new Promise((r) => setTimeout(r, 1100));
    const running = updates.filter((u) => u.body.running).length;
    assert.ok(running >= 2 && running <= 5, `${running} updates in 1.1 s`);
    const stopped = s.dc.waitForEvent('stopped');
    await s.dc.pauseRequest({ threadId: 1 });
    await stopped;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(updates[updates.length - 1].body.running, false);
  });
});

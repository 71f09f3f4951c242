// tbscope's own requests (documented in docs/dap.md): the TB cache, one TB in detail (guest
// instructions, per-plugin instrumentation, generated JavaScript), hot pages from the hotpages
// plugin, recent callback events from the trace plugin, and the plugin list with load/unload.
// Each handler takes the request arguments and returns the response body.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { disassemble } from '../emulator/isa/disasm';
import { hotPagesOf, loadPlugin, PluginLoadError, traceBuffer, type PluginManager } from '../emulator/plugins/index';
import type { InsnInstrumentation, TbInstrumentation } from '../emulator/tcg/instrument';
import { TbFlags, type TranslationBlock } from '../emulator/tcg/tb';
import type { Runtime } from './runtime';
import type { SourceMapper } from './sources';
import { frameLocation } from './stack';
import { AdapterError, hex, parseMemoryReference, symbolText } from './target';
import { DEBUGGER_PLUGIN } from './watch';

const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

type Args = Record<string, unknown> | undefined;

function tbSummary(rt: Runtime, tb: TranslationBlock) {
  return {
    pc: hex(tb.pc), symbol: symbolText(rt, tb.pc), insns: tb.insns.length, bytes: tb.size, execCount: tb.execCount,
    order: tb.seq, valid: tb.valid, inRegion: tb.region !== null, hotCode: tb.hot,
    flavour: { oneInsn: !!(tb.flags & TbFlags.ONE_INSN), instrumented: tb.instrumentation !== undefined, execTrace: !!(tb.flags & TbFlags.EXEC_TRACE) },
  };
}

export function translationBlocks(rt: Runtime, args: Args) {
  const blocks = [...rt.machine.tbs()].sort((a, b) => a.seq - b.seq);
  const limit = typeof args?.limit === 'number' ? args.limit : blocks.length;
  return { blocks: blocks.slice(Math.max(0, blocks.length - limit)).map((tb) => tbSummary(rt, tb)), total: blocks.length, translated: rt.machine.stats.tbsTranslated };
}

function pluginName(mgr: PluginManager, id: number): string {
  return mgr.contexts.find((c) => c.id === id)?.name ?? `plugin ${id} (unloaded)`;
}

/** What each plugin attached: exec callbacks (with conditions), inline ops, memory callbacks with R/W. */
function describe(mgr: PluginManager, i: InsnInstrumentation | TbInstrumentation) {
  const out: { plugin: string; kind: string; detail: string }[] = [];
  const rw = (r: number) => (r === 3 ? 'RW' : r === 2 ? 'W' : 'R');
  for (const cb of i.exec) out.push({ plugin: pluginName(mgr, cb.pluginId), kind: cb.cond ? 'exec callback (conditional)' : 'exec callback', detail: `flags ${cb.flags}` });
  for (const op of i.inline) out.push({ plugin: pluginName(mgr, op.pluginId), kind: 'inline op', detail: `${op.op} ${op.imm}` });
  if ('mem' in i) {
    for (const cb of i.mem) out.push({ plugin: pluginName(mgr, cb.pluginId), kind: 'memory callback', detail: rw(cb.rw) });
    for (const op of i.memInline) out.push({ plugin: pluginName(mgr, op.pluginId), kind: 'memory inline op', detail: `${rw(op.rw)} ${op.op} ${op.imm}` });
  }
  return out;
}

export function translationBlock(rt: Runtime, sources: SourceMapper, args: Args) {
  const pc = parseMemoryReference(typeof args?.pc === 'number' ? hex(args.pc) : (args?.pc as string | undefined));
  const tb = rt.machine.tbAt(pc);
  if (!tb) throw new AdapterError(`no translation block starts at ${hex(pc)}`);
  const sym = (a: number) => symbolText(rt, a);
  const instr = tb.instrumentation;
  return {
    ...tbSummary(rt, tb),
    instrumentation: instr ? describe(rt.plugins, instr) : [],
    instructions: tb.insns.map((insn, k) => {
      const loc = frameLocation(rt, sources, insn.pc, true);
      return {
        pc: hex(insn.pc), bytes: insn.size === 2 ? (insn.raw & 0xffff).toString(16).padStart(4, '0') : (insn.raw >>> 0).toString(16).padStart(8, '0'),
        text: disassemble(insn, sym).replace('\t', ' '),
        source: loc.source?.path, line: loc.source ? loc.line : undefined,
        instrumentation: instr ? describe(rt.plugins, instr.insns[k]) : [],
      };
    }),
    trap: tb.trap,
    generatedCode: tb.source,
  };
}

export function hotPages(rt: Runtime, args: Args) {
  const hp = hotPagesOf(rt.plugins);
  if (!hp || !rt.plugins.contexts.some((c) => c.name === 'hotpages')) return { available: false, message: 'the hotpages plugin is not loaded', pages: [] };
  const sortBy = typeof args?.sortBy === 'string' ? args.sortBy : hp.sortBy;
  const key = (p: { reads: number; writes: number; pageAddress: number }) =>
    sortBy === 'reads' ? p.reads : sortBy === 'writes' ? p.writes : sortBy === 'address' ? -p.pageAddress : p.reads + p.writes;
  const pages = [...hp.pages.values()].sort((a, b) => key(b) - key(a) || a.pageAddress - b.pageAddress);
  const limit = typeof args?.limit === 'number' ? args.limit : 50;
  return {
    available: true, pageSize: hp.pageSize, sortBy, total: pages.length,
    pages: pages.slice(0, limit).map((p) => ({ address: hex(p.pageAddress), reads: p.reads, writes: p.writes, readCpus: p.cpuRead, writeCpus: p.cpuWrite })),
  };
}

export function callbackTrace(rt: Runtime, args: Args) {
  const ring = traceBuffer(rt.plugins);
  if (!ring || rt.plugins.tracer === null) return { available: false, message: "the trace plugin is not loaded (add \"trace\" to the launch configuration's plugins)", events: [], total: 0 };
  let events = ring.events().filter((e) => e.plugin !== DEBUGGER_PLUGIN);
  if (typeof args?.kind === 'string') events = events.filter((e) => e.kind === args.kind);
  if (typeof args?.plugin === 'string') events = events.filter((e) => e.plugin === args.plugin);
  if (args?.pc !== undefined) { const pc = parseMemoryReference(String(args.pc)); events = events.filter((e) => e.pc === pc); }
  const limit = typeof args?.limit === 'number' ? args.limit : 256;
  return {
    available: true, total: ring.total,
    events: events.slice(Math.max(0, events.length - limit)).map((e) => ({ kind: e.kind, vcpu: e.vcpu, pc: hex(e.pc), vaddr: e.kind === 'mem' ? hex(e.vaddr) : undefined, plugin: e.plugin })),
  };
}

function pluginList(mgr: PluginManager) {
  return mgr.contexts.filter((c) => !c.dead && c.name !== DEBUGGER_PLUGIN).map((c) => ({ id: c.id, name: c.name, args: c.args }));
}

/** List, or (while stopped) load a -plugin spec / unload by id or name; TBs are flushed as in QEMU. */
export async function plugins(rt: Runtime, args: Args) {
  const action = (args?.action as string | undefined) ?? 'list';
  const mgr = rt.plugins;
  if (action === 'list') return { plugins: pluginList(mgr) };
  if (rt.state === 'running') throw new AdapterError(`cannot ${action} plugins while the guest runs: pause first`);
  if (action === 'load') {
    if (typeof args?.spec !== 'string') throw new AdapterError("tbscope/plugins load: 'spec' (QEMU -plugin syntax) is missing");
    const cwd = rt.config.cwd ?? '.';
    let ctx;
    try {
      ctx = await loadPlugin(mgr, args.spec, { importModule: (p) => importUrl(pathToFileURL(path.resolve(cwd, p)).href) });
    } catch (e) {
      throw e instanceof PluginLoadError ? new AdapterError(e.message.replace(/^tbscope: /, '')) : e;
    }
    return { loaded: { id: ctx.id, name: ctx.name, args: ctx.args }, plugins: pluginList(mgr) };
  }
  if (action === 'unload') {
    const ctx = mgr.contexts.find((c) => c.name !== DEBUGGER_PLUGIN && (c.id === args?.id || c.name === args?.name));
    if (!ctx) throw new AdapterError(`no loaded plugin ${args?.id ?? args?.name}`);
    mgr.schedule(ctx, true);
    mgr.runPendingWork();
    return { plugins: pluginList(mgr) };
  }
  throw new AdapterError(`unknown tbscope/plugins action '${action}' (list, load, unload)`);
}

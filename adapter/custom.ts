// tbscope's own requests (documented in docs/dap.md): the TB cache, one TB in detail (guest
// instructions, per-plugin instrumentation, generated JavaScript), hot pages from the hotpages
// plugin, recent callback events from the trace plugin, and the plugin list with load/unload.
// Each handler takes the request arguments and returns the response body, typed by the one
// definition of these requests, adapter/protocol.ts.

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
import { goToInsns } from './reverse';
import type {
  CallbackTraceArgs, CallbackTraceResponse, HotPagesArgs, HotPagesResponse, HotPagesSort, Instrumentation, MemoryRegion, PluginInfo,
  PluginsArgs, PluginsResponse, RequestName, Requests, SetDataBreakpointsArgs, SetDataBreakpointsResponse, TbSummary, TraceKind, TranslationBlockArgs, TranslationBlockResponse, TranslationBlocksArgs, TranslationBlocksResponse,
} from './protocol';
import { BUILTIN_CATALOG } from '../emulator/plugins/builtin/catalog';

const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** The identity of a TB flavour: pc and cache-key flags (docs/dap.md). */
export const tbId = (tb: TranslationBlock): string => `${hex(tb.pc)}/${tb.flags}`;

function tbSummary(rt: Runtime, sources: SourceMapper, tb: TranslationBlock): TbSummary {
  const loc = frameLocation(rt, sources, tb.pc, true);
  return {
    id: tbId(tb), pc: hex(tb.pc), flags: tb.flags, symbol: symbolText(rt, tb.pc), file: loc.source?.name, userCode: loc.source !== undefined,
    insns: tb.insns.length, bytes: tb.size, execCount: tb.execCount,
    order: tb.seq, valid: tb.valid, inRegion: tb.region !== null, hotCode: tb.hot,
    flavour: { oneInsn: !!(tb.flags & TbFlags.ONE_INSN), instrumented: tb.instrumentation !== undefined, execTrace: !!(tb.flags & TbFlags.EXEC_TRACE) },
  };
}

/** What an incremental client was last sent, per runtime: TB id → the fields that change. */
const sent = new WeakMap<Runtime, Map<string, string>>();
const changeKey = (tb: TranslationBlock): string => `${tb.execCount}/${tb.hot}/${tb.region !== null}/${tb.valid}`;

export function translationBlocks(rt: Runtime, sources: SourceMapper, args: TranslationBlocksArgs = {}): TranslationBlocksResponse {
  let blocks = [...rt.machine.tbs()].sort((a, b) => a.seq - b.seq);
  if (typeof args.limit === 'number') blocks = blocks.slice(Math.max(0, blocks.length - args.limit));
  const total = blocks.length, translated = rt.machine.stats.tbsTranslated;
  if (!args.incremental) return { blocks: blocks.map((tb) => tbSummary(rt, sources, tb)), removed: [], full: true, total, translated };
  const before = sent.get(rt);
  const now = new Map(blocks.map((tb) => [tbId(tb), changeKey(tb)]));
  sent.set(rt, now);
  if (!before) return { blocks: blocks.map((tb) => tbSummary(rt, sources, tb)), removed: [], full: true, total, translated };
  return {
    blocks: blocks.filter((tb) => before.get(tbId(tb)) !== now.get(tbId(tb))).map((tb) => tbSummary(rt, sources, tb)),
    removed: [...before.keys()].filter((id) => !now.has(id)),
    full: false, total, translated,
  };
}

function pluginName(mgr: PluginManager, id: number): string {
  return mgr.contexts.find((c) => c.id === id)?.name ?? `plugin ${id} (unloaded)`;
}

/** What each plugin attached: exec callbacks (with conditions), inline ops, memory callbacks with R/W. */
function describe(mgr: PluginManager, i: InsnInstrumentation | TbInstrumentation): Instrumentation[] {
  const out: Instrumentation[] = [];
  const rw = (r: number) => (r === 3 ? 'RW' : r === 2 ? 'W' : 'R');
  for (const cb of i.exec) out.push({ plugin: pluginName(mgr, cb.pluginId), kind: cb.cond ? 'exec callback (conditional)' : 'exec callback', detail: `flags ${cb.flags}` });
  for (const op of i.inline) out.push({ plugin: pluginName(mgr, op.pluginId), kind: 'inline op', detail: `${op.op} ${op.imm}` });
  if ('mem' in i) {
    for (const cb of i.mem) out.push({ plugin: pluginName(mgr, cb.pluginId), kind: 'memory callback', detail: rw(cb.rw) });
    for (const op of i.memInline) out.push({ plugin: pluginName(mgr, op.pluginId), kind: 'memory inline op', detail: `${rw(op.rw)} ${op.op} ${op.imm}` });
  }
  return out;
}

export function translationBlock(rt: Runtime, sources: SourceMapper, args: TranslationBlockArgs): TranslationBlockResponse {
  const pc = parseMemoryReference(typeof args?.pc === 'number' ? hex(args.pc) : args?.pc);
  const tb = typeof args.flags === 'number'
    ? [...rt.machine.tbs()].find((t) => t.pc === pc && t.flags === args.flags)
    : rt.machine.tbAt(pc) ?? [...rt.machine.tbs()].find((t) => t.pc === pc);
  if (!tb) throw new AdapterError(`no translation block starts at ${hex(pc)}${typeof args.flags === 'number' ? ` with flags ${args.flags}` : ''}`);
  const sym = (a: number) => symbolText(rt, a);
  const instr = tb.instrumentation;
  return {
    ...tbSummary(rt, sources, tb),
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

/** The guest's mappings, named as /proc/self/maps names them, for labelling heat-map regions. */
function memoryRegions(rt: Runtime): MemoryRegion[] {
  const k = rt.proc.kernel, img = rt.proc.image;
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const out: MemoryRegion[] = [{ start: hex(img.program.start), end: hex(img.program.end), kind: 'program', label: `${base(rt.proc.exePath)} (text/data)` }];
  if (img.interp) out.push({ start: hex(img.interp.start), end: hex(img.interp.end), kind: 'interpreter', label: base(img.interp.path) });
  const stack = k.mapNames.find((m) => m.name === '[stack]');
  if (stack) out.push({ start: hex(stack.start), end: hex(stack.end), kind: 'stack', label: 'stack' });
  if (k.brkCur > k.brkStart) out.push({ start: hex(k.brkStart), end: hex(Math.ceil(k.brkCur / 4096) * 4096), kind: 'heap', label: 'heap' });
  for (const m of k.fileMaps.all()) out.push({ start: hex(m.start), end: hex(m.end), kind: 'library', label: base(m.path) });
  return out;
}

export function hotPages(rt: Runtime, args: HotPagesArgs = {}): HotPagesResponse {
  const hp = hotPagesOf(rt.plugins);
  if (!hp || !rt.plugins.contexts.some((c) => c.name === 'hotpages' && !c.dead)) {
    return { available: false, message: 'the hotpages plugin is not loaded', pageSize: 4096, sortBy: 'rw', total: 0, pages: [], regions: [] };
  }
  const sortBy: HotPagesSort = args.sortBy ?? ({ r: 'reads', w: 'writes', a: 'address' } as Record<string, HotPagesSort>)[hp.sortBy] ?? 'rw';
  const key = (p: { reads: number; writes: number; pageAddress: number }) =>
    sortBy === 'reads' ? p.reads : sortBy === 'writes' ? p.writes : sortBy === 'address' ? -p.pageAddress : p.reads + p.writes;
  const pages = [...hp.pages.values()].sort((a, b) => key(b) - key(a) || a.pageAddress - b.pageAddress);
  const limit = typeof args.limit === 'number' ? args.limit : 50;
  return {
    available: true, pageSize: hp.pageSize, sortBy, total: pages.length,
    pages: pages.slice(0, limit).map((p) => ({ address: hex(p.pageAddress), reads: p.reads, writes: p.writes, readCpus: p.cpuRead, writeCpus: p.cpuWrite })),
    regions: memoryRegions(rt),
  };
}

export function callbackTrace(rt: Runtime, args: CallbackTraceArgs = {}): CallbackTraceResponse {
  const ring = traceBuffer(rt.plugins);
  if (!ring || rt.plugins.tracer === null) return { available: false, message: "the trace plugin is not loaded (add \"trace\" to the launch configuration's plugins)", events: [], total: 0 };
  const all = ring.events();
  const first = ring.total - all.length + 1;
  let events = all.map((e, i) => ({ e, seq: first + i })).filter(({ e }) => e.plugin !== DEBUGGER_PLUGIN);
  if (typeof args.since === 'number') events = events.filter(({ seq }) => seq > (args.since as number));
  if (typeof args.kind === 'string') events = events.filter(({ e }) => e.kind === args.kind);
  if (typeof args.plugin === 'string') events = events.filter(({ e }) => e.plugin === args.plugin);
  if (args.pc !== undefined) { const pc = parseMemoryReference(String(args.pc)); events = events.filter(({ e }) => e.pc === pc); }
  const limit = typeof args.limit === 'number' ? args.limit : 256;
  return {
    available: true, total: ring.total,
    events: events.slice(Math.max(0, events.length - limit)).map(({ e, seq }) => ({ seq, kind: e.kind as TraceKind, vcpu: e.vcpu, pc: hex(e.pc), vaddr: e.kind === 'mem' ? hex(e.vaddr) : undefined, plugin: e.plugin })),
  };
}

function pluginList(mgr: PluginManager): PluginInfo[] {
  return mgr.contexts.filter((c) => !c.dead && c.name !== DEBUGGER_PLUGIN).map((c) => ({ id: c.id, name: c.name, args: c.args }));
}

/** List, or (while stopped) load a -plugin spec / unload by id or name; TBs are flushed as in QEMU. */
export async function plugins(rt: Runtime, args: PluginsArgs = {}): Promise<PluginsResponse> {
  const action = args.action ?? 'list';
  const mgr = rt.plugins;
  const answer = (loaded?: PluginInfo): PluginsResponse => ({ plugins: pluginList(mgr), builtins: [...BUILTIN_CATALOG], ...(loaded ? { loaded } : {}) });
  if (action === 'list') return answer();
  if (rt.state === 'running') throw new AdapterError(`cannot ${action} plugins while the guest runs: pause first`);
  if (action === 'load') {
    if (typeof args.spec !== 'string') throw new AdapterError("tbscope/plugins load: 'spec' (QEMU -plugin syntax) is missing");
    const cwd = rt.config.cwd ?? '.';
    let ctx;
    try {
      ctx = await loadPlugin(mgr, args.spec, { importModule: (p) => importUrl(pathToFileURL(path.resolve(cwd, p)).href) });
    } catch (e) {
      throw e instanceof PluginLoadError ? new AdapterError(e.message.replace(/^tbscope: /, '')) : e;
    }
    return answer({ id: ctx.id, name: ctx.name, args: ctx.args });
  }
  if (action === 'unload') {
    const ctx = mgr.contexts.find((c) => c.name !== DEBUGGER_PLUGIN && !c.dead && (c.id === args.id || c.name === args.name));
    if (!ctx) throw new AdapterError(`no loaded plugin ${args.id ?? args.name}`);
    mgr.schedule(ctx, true);
    mgr.runPendingWork();
    return answer();
  }
  throw new AdapterError(`unknown tbscope/plugins action '${String(action)}' (list, load, unload)`);
}

/** What the handlers work on besides their arguments. */
export interface CustomContext {
  rt: Runtime;
  sources: SourceMapper;
  /** The views' own list of data breakpoints (adapter/watch.ts). */
  setViewDataBreakpoints(args: SetDataBreakpointsArgs): SetDataBreakpointsResponse;
}

/** One handler per request of adapter/protocol.ts; a request missing here does not compile. */
export const CUSTOM_HANDLERS: { readonly [K in RequestName]: (ctx: CustomContext, args: Requests[K]['args']) => Requests[K]['body'] | Promise<Requests[K]['body']> } = {
  'tbscope/translationBlocks': (c, a) => translationBlocks(c.rt, c.sources, a),
  'tbscope/translationBlock': (c, a) => translationBlock(c.rt, c.sources, a),
  'tbscope/hotPages': (c, a) => hotPages(c.rt, a),
  'tbscope/callbackTrace': (c, a) => callbackTrace(c.rt, a),
  'tbscope/plugins': (c, a) => plugins(c.rt, a),
  'tbscope/setDataBreakpoints': (c, a) => c.setViewDataBreakpoints(a),
  'tbscope/goto': (c, a) => goToInsns(c.rt, a.instructions),
};

export const isCustomRequest = (command: string): command is RequestName => Object.prototype.hasOwnProperty.call(CUSTOM_HANDLERS, command);

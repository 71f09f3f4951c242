// Client side of tbscope's own DAP requests and events: a typed call over the one definition in
// adapter/protocol.ts, and the shapes the views use (addresses as numbers). No `vscode` import,
// so the view models built on it are unit-tested without an editor.

import type {
  CallbackTraceResponse, HotPagesResponse, MemoryRegion as WireRegion, PluginsResponse, RequestName, Requests,
  TbSummary as WireTb, TranslationBlockResponse,
} from '../adapter/protocol';

export { EVENTS, REQUESTS } from '../adapter/protocol';
export type { BuiltinPlugin, PluginsArgs, UpdateEvent } from '../adapter/protocol';

/** Anything with DAP's customRequest (a vscode.DebugSession). */
export interface RequestTarget { customRequest(command: string, args?: unknown): Thenable<unknown> }

/** Calls a tbscope/* request with its typed arguments; the body is typed by adapter/protocol.ts. */
export async function call<K extends RequestName>(s: RequestTarget, name: K, args: Requests[K]['args']): Promise<Requests[K]['body']> {
  return (await s.customRequest(name, args)) as Requests[K]['body'];
}

/** A guest address from the adapter's "0x…" text. */
export const num = (hex: string | number): number => (typeof hex === 'number' ? hex : Number(hex));

/** Guest address as objdump prints it in a TB listing (lower-case hex, no padding). */
export const hexAddr = (n: number): string => '0x' + n.toString(16);

export interface TbSummary {
  id: string;
  pc: number;
  flags: number;
  symbol?: string;
  file?: string;
  userCode: boolean;
  insns: number;
  bytes: number;
  execCount: number;
  order: number;
  oneInsn: boolean;
  instrumented: boolean;
  hotCode: boolean;
  inRegion: boolean;
}

export const toTbSummary = (b: WireTb): TbSummary => ({
  id: b.id, pc: num(b.pc), flags: b.flags, symbol: b.symbol, file: b.file, userCode: b.userCode, insns: b.insns, bytes: b.bytes,
  execCount: b.execCount, order: b.order, oneInsn: b.flavour.oneInsn, instrumented: b.flavour.instrumented, hotCode: b.hotCode, inRegion: b.inRegion,
});

export interface TbCallback { plugin: string; kind: string; rw?: string }

export interface TbInsn {
  pc: number;
  text: string;
  raw?: string;
  source?: { path: string; line: number };
  callbacks: TbCallback[];
}

export interface TbDetail extends TbSummary {
  instructions: TbInsn[];
  /** Instrumentation on the TB itself (tb exec callbacks, inline ops). */
  callbacks: TbCallback[];
  js: string;
}

const memoryRw = (kind: string, detail: string): string | undefined => (kind.startsWith('memory') ? detail.split(' ')[0] : undefined);

export function toTbDetail(b: TranslationBlockResponse): TbDetail {
  return {
    ...toTbSummary(b),
    callbacks: b.instrumentation.map((c) => ({ plugin: c.plugin, kind: c.kind, rw: memoryRw(c.kind, c.detail) })),
    instructions: b.instructions.map((i) => ({
      pc: num(i.pc), text: i.text, raw: i.bytes,
      source: i.source && i.line ? { path: i.source, line: i.line } : undefined,
      callbacks: i.instrumentation.map((c) => ({ plugin: c.plugin, kind: c.kind, rw: memoryRw(c.kind, c.detail) })),
    })),
    js: b.generatedCode,
  };
}

export interface HotPage { address: number; reads: number; writes: number; cpuRead: number; cpuWrite: number }
export interface MemoryRegion { start: number; end: number; kind: WireRegion['kind']; label: string }

export function toHotPages(r: HotPagesResponse): { pages: HotPage[]; regions: MemoryRegion[]; pageSize: number } {
  return {
    pages: r.pages.map((p) => ({ address: num(p.address), reads: p.reads, writes: p.writes, cpuRead: p.readCpus, cpuWrite: p.writeCpus })),
    regions: r.regions.map((g) => ({ start: num(g.start), end: num(g.end), kind: g.kind, label: g.label })),
    pageSize: r.pageSize,
  };
}

export interface TraceEvent { seq: number; kind: string; vcpu: number; pc: number; vaddr?: number; plugin: string }

export const toTraceEvents = (r: CallbackTraceResponse): TraceEvent[] =>
  r.events.map((e) => ({ seq: e.seq, kind: e.kind, vcpu: e.vcpu, pc: num(e.pc), vaddr: e.vaddr === undefined ? undefined : num(e.vaddr), plugin: e.plugin }));

export interface PluginInfo { id: number; name: string; args: string[] }
export const toPlugins = (r: PluginsResponse): PluginInfo[] => r.plugins.map((p) => ({ id: p.id, name: p.name, args: p.args }));

// Client side of tbscope's own DAP requests and events (docs/dap.md): request names, the shapes
// the views use, and normalisers that turn whatever the adapter sends (numbers or "0x…"
// strings, optional fields, older/alternative field names) into those shapes. No `vscode`
// import, so the view models built on it are unit-tested without an editor.

export const REQ = {
  translationBlocks: 'tbscope/translationBlocks',
  translationBlock: 'tbscope/translationBlock',
  hotPages: 'tbscope/hotPages',
  callbackTrace: 'tbscope/callbackTrace',
  plugins: 'tbscope/plugins',
  setDataBreakpoints: 'tbscope/setDataBreakpoints',
} as const;

/** Every custom event in the tbscope/ namespace means "data behind the views may have changed". */
export const EVENT_PREFIX = 'tbscope/';

export interface TbSummary {
  pc: number;
  symbol?: string;
  insns: number;
  bytes: number;
  execCount: number;
  /** Translation order (0 = first TB translated). */
  order: number;
}

export interface TbCallback { plugin: string; kind: string; rw?: string }

export interface TbInsn {
  pc: number;
  text: string;
  raw?: string;
  source?: { path: string; line: number };
  callbacks: TbCallback[];
}

export interface TbDetail {
  pc: number;
  symbol?: string;
  insns: TbInsn[];
  /** Instrumentation on the TB itself (tb exec callbacks, inline ops). */
  callbacks: TbCallback[];
  js: string;
  flags?: string;
  /** The code has the inline fast paths (promoted after many runs); false: its first code. */
  hotCode?: boolean;
  /** The run loop enters the TB's region instead of this code. */
  inRegion?: boolean;
}

export interface HotPage { address: number; reads: number; writes: number; cpuRead: number; cpuWrite: number }

export interface TraceEvent { kind: string; vcpu: number; pc: number; vaddr?: number; plugin: string; seq: number }

export interface PluginInfo { id?: number; name: string; args: string[] }

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** A guest address or count: number, bigint-as-string, or "0x…" hex string. */
export function num(v: unknown, dflt = 0): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    if (Number.isFinite(n)) return n;
  }
  return dflt;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** First field present among alternative names (the adapter's docs are the authority; these are aliases). */
const pick = (o: Obj, ...keys: string[]): unknown => { for (const k of keys) if (o[k] !== undefined) return o[k]; return undefined; };
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function toTbSummaries(body: unknown): TbSummary[] {
  const list = isObj(body) ? arr(pick(body, 'blocks', 'tbs')) : arr(body);
  return list.filter(isObj).map((b, i) => ({
    pc: num(pick(b, 'pc', 'address')),
    symbol: str(pick(b, 'symbol', 'name')),
    insns: num(pick(b, 'insnCount', 'insns', 'ninsns', 'nInsns')),
    bytes: num(pick(b, 'bytes', 'size')),
    execCount: num(pick(b, 'execCount', 'executions', 'execs', 'count')),
    order: num(pick(b, 'order', 'translationOrder', 'index'), i),
  }));
}

function toCallbacks(v: unknown): TbCallback[] {
  return arr(v).filter(isObj).map((c) => ({
    plugin: str(pick(c, 'plugin', 'pluginName')) ?? String(pick(c, 'pluginId', 'id') ?? '?'),
    kind: str(pick(c, 'kind', 'type')) ?? 'callback',
    // docs/dap.md: `detail` is R/W/RW for memory callbacks, the op for inline ops.
    rw: str(pick(c, 'rw', 'access', 'detail')),
  }));
}

export function toTbDetail(body: unknown): TbDetail | undefined {
  if (!isObj(body)) return undefined;
  // `insns` is the instruction *count* in the summary fields the adapter repeats here.
  const insns = arr(Array.isArray(body.instructions) ? body.instructions : body.insns).filter(isObj).map((i) => {
    const src = pick(i, 'source', 'location');
    const line = num(pick(i, 'line'), 0);
    const path = str(pick(i, 'path', 'file'));
    let source: TbInsn['source'];
    if (isObj(src)) {
      const p = str(pick(src, 'path', 'file')) ?? (isObj(src.source) ? str(src.source.path) : undefined);
      if (p) source = { path: p, line: num(src.line) };
    } else if (typeof src === 'string' && src && line) source = { path: src, line };
    else if (path && line) source = { path, line };
    return {
      pc: num(pick(i, 'pc', 'address')),
      text: str(pick(i, 'disasm', 'text', 'instruction', 'disassembly')) ?? '',
      raw: str(pick(i, 'raw', 'bytes', 'instructionBytes')),
      source,
      callbacks: toCallbacks(pick(i, 'callbacks', 'instrumentation')),
    };
  });
  return {
    pc: num(pick(body, 'pc', 'address')),
    symbol: str(body.symbol),
    insns,
    callbacks: toCallbacks(pick(body, 'instrumentation', 'callbacks')),
    js: str(pick(body, 'generatedCode', 'js', 'javascript', 'code')) ?? '',
    flags: str(body.flags),
    hotCode: typeof body.hotCode === 'boolean' ? body.hotCode : undefined,
    inRegion: typeof body.inRegion === 'boolean' ? body.inRegion : undefined,
  };
}

export function toHotPages(body: unknown): HotPage[] {
  const list = isObj(body) ? arr(pick(body, 'pages')) : arr(body);
  return list.filter(isObj).map((p) => ({
    address: num(pick(p, 'address', 'pageAddress', 'addr')),
    reads: num(p.reads),
    writes: num(p.writes),
    cpuRead: num(pick(p, 'cpuRead', 'rcpus', 'readCpus', 'cpusRead')),
    cpuWrite: num(pick(p, 'cpuWrite', 'wcpus', 'writeCpus', 'cpusWrite')),
  }));
}

export function toTraceEvents(body: unknown): TraceEvent[] {
  const list = isObj(body) ? arr(pick(body, 'events', 'trace')) : arr(body);
  return list.filter(isObj).map((e, i) => ({
    kind: str(e.kind) ?? '?',
    vcpu: num(pick(e, 'vcpu', 'cpu')),
    pc: num(e.pc),
    vaddr: e.vaddr === undefined || e.vaddr === null ? undefined : num(e.vaddr),
    plugin: str(e.plugin) ?? '?',
    seq: num(pick(e, 'seq', 'index'), i),
  }));
}

export function toPlugins(body: unknown): PluginInfo[] {
  const list = isObj(body) ? arr(pick(body, 'plugins')) : arr(body);
  return list.filter(isObj).map((p) => {
    const a = pick(p, 'args', 'arguments');
    return {
      id: p.id === undefined ? undefined : num(p.id),
      name: str(pick(p, 'name', 'path')) ?? '?',
      args: Array.isArray(a) ? a.map(String) : typeof a === 'string' && a ? a.split(',') : [],
    };
  });
}

/** Guest address as objdump prints it in a TB listing (lower-case hex, no padding). */
export const hexAddr = (n: number): string => '0x' + n.toString(16);

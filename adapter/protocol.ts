// The one typed definition of tbscope's own DAP requests and events (the `tbscope/` namespace):
// their names, arguments and response bodies. The adapter's handlers (adapter/custom.ts) are
// typed against `Requests`, the extension's feed and views (extension/protocol.ts) call them
// through the same types, and docs/dap.md documents each one (test/extension/protocol.test.ts
// checks that every name here has its section there). Types only, plus the name tables: no
// imports, so both sides can use it without pulling in the other's dependencies.

/** A guest address as the adapter sends it: lower-case hex with `0x`, no padding. */
export type Hex = string;

/** How a TB was made: the flags that are part of its cache key (pc + flags), as in QEMU's cflags. */
export interface TbFlavour {
  /** One instruction only: made while single-stepping or to stop exactly on an instruction budget. */
  oneInsn: boolean;
  /** Plugins attached callbacks when it was translated. */
  instrumented: boolean;
  /** Made for `-d exec` tracing. */
  execTrace: boolean;
}

export interface TbSummary {
  /** The TB's identity: pc and flavour flags, `"0x10766/1"` (two flavours of one pc are two TBs). */
  id: string;
  pc: Hex;
  /** The cache-key flags (TbFlags bits). */
  flags: number;
  /** `<symbol+off>` text of the pc, when a symbol covers it. */
  symbol?: string;
  /** Source file of the pc (DWARF), base name. */
  file?: string;
  /** The pc is in the program's own code with line info (not libc start-up or a library). */
  userCode: boolean;
  insns: number;
  bytes: number;
  execCount: number;
  /** Translation order: 1 = first TB ever translated. */
  order: number;
  valid: boolean;
  /** The run loop enters the TB's region instead of the TB. */
  inRegion: boolean;
  /** The code has the inline fast paths (generated again after 500 runs outside a region). */
  hotCode: boolean;
  flavour: TbFlavour;
}

export interface TranslationBlocksArgs {
  /** Only the most recently translated `limit` blocks. */
  limit?: number;
  /**
   * Only what changed since this client's previous incremental answer: new TBs and TBs whose
   * count, tier or region changed, plus the ids of TBs that are gone. The first one is full.
   */
  incremental?: boolean;
}
export interface TranslationBlocksResponse {
  blocks: TbSummary[];
  /** With `incremental`: ids no longer in the cache (flushed or invalidated). */
  removed: string[];
  /** False when `blocks` is a delta on top of the previous answer. */
  full: boolean;
  /** TBs in the cache. */
  total: number;
  /** Translations ever made, flushed ones included. */
  translated: number;
}

export interface TranslationBlockArgs {
  pc: Hex | number;
  /** The flavour (TbSummary.flags); without it the TB the run loop would use now. */
  flags?: number;
}
export interface Instrumentation {
  plugin: string;
  kind: 'exec callback' | 'exec callback (conditional)' | 'inline op' | 'memory callback' | 'memory inline op';
  /** `R`/`W`/`RW` for memory callbacks; the op for inline ops; the flags for exec callbacks. */
  detail: string;
}
export interface TbInstruction {
  pc: Hex;
  /** The instruction's bytes as objdump shows them (`4501`, `00a00513`). */
  bytes: string;
  /** objdump's text. */
  text: string;
  /** Source file (local path) and line of the instruction, from DWARF. */
  source?: string;
  line?: number;
  instrumentation: Instrumentation[];
}
export interface TranslationBlockResponse extends TbSummary {
  /** TB-level callbacks and inline ops. */
  instrumentation: Instrumentation[];
  instructions: TbInstruction[];
  /** Set for a block that is a fault (raises the signal if it runs). */
  trap?: unknown;
  /** The JavaScript the TB was compiled to. */
  generatedCode: string;
}

export type HotPagesSort = 'rw' | 'reads' | 'writes' | 'address';
export interface HotPagesArgs { sortBy?: HotPagesSort; limit?: number }
export interface HotPage { address: Hex; reads: number; writes: number; readCpus: number; writeCpus: number }
/** What a range of the guest's address space is, for labelling the heat map. */
export interface MemoryRegion {
  start: Hex;
  end: Hex;
  kind: 'program' | 'interpreter' | 'library' | 'heap' | 'stack' | 'mmap';
  /** `step (text/data)`, `heap`, `stack`, `libc.so.6`, `mmap`. */
  label: string;
}
export interface HotPagesResponse {
  available: boolean;
  /** Why not available. */
  message?: string;
  pageSize: number;
  sortBy: HotPagesSort;
  /** Pages touched in all. */
  total: number;
  pages: HotPage[];
  /** The guest's mappings the pages fall in. */
  regions: MemoryRegion[];
}

export type TraceKind = 'tb_exec' | 'insn_exec' | 'mem';
export interface CallbackTraceArgs {
  kind?: TraceKind;
  plugin?: string;
  pc?: Hex;
  limit?: number;
  /** Only events with `seq` greater than this (what came since the client's last answer). */
  since?: number;
}
export interface TraceEvent {
  /** Position in the whole recording: 1 = first event ever. */
  seq: number;
  kind: TraceKind;
  vcpu: number;
  pc: Hex;
  vaddr?: Hex;
  plugin: string;
}
export interface CallbackTraceResponse {
  available: boolean;
  message?: string;
  /** Events ever recorded. */
  total: number;
  events: TraceEvent[];
}

export interface PluginsArgs {
  action?: 'list' | 'load' | 'unload';
  /** load: QEMU -plugin syntax. */
  spec?: string;
  /** unload: by id or name. */
  id?: number;
  name?: string;
}
export interface PluginInfo { id: number; name: string; args: string[] }
export interface BuiltinPlugin {
  name: string;
  /** One line: what it reports. */
  description: string;
  /** Its QEMU arguments, `name=value|value` each. */
  args: string[];
}
export interface PluginsResponse {
  plugins: PluginInfo[];
  /** load: the plugin just loaded. */
  loaded?: PluginInfo;
  /** The built-in plugins that can be loaded by name. */
  builtins: BuiltinPlugin[];
}

/** DAP's own setDataBreakpoints shapes, repeated here so this module needs no import. */
export interface DataBreakpointSpec { dataId: string; accessType?: 'read' | 'write' | 'readWrite'; condition?: string; hitCondition?: string }
export interface SetDataBreakpointsArgs { breakpoints: DataBreakpointSpec[] }
export interface SetDataBreakpointsResponse { breakpoints: { id?: number; verified: boolean; message?: string }[] }

/** Time travel (docs/time-travel.md): show the guest as it was after `instructions` instructions. */
export interface GotoArgs { instructions: number }
export interface GotoResponse {
  /** Where the guest now is. */
  instructions: number;
  /** How far the run has gone (the live guest); history reaches from 0 to here. */
  present: number;
}

/** Every custom request: its arguments and its response body. */
export interface Requests {
  'tbscope/translationBlocks': { args: TranslationBlocksArgs; body: TranslationBlocksResponse };
  'tbscope/translationBlock': { args: TranslationBlockArgs; body: TranslationBlockResponse };
  'tbscope/hotPages': { args: HotPagesArgs; body: HotPagesResponse };
  'tbscope/callbackTrace': { args: CallbackTraceArgs; body: CallbackTraceResponse };
  'tbscope/plugins': { args: PluginsArgs; body: PluginsResponse };
  'tbscope/setDataBreakpoints': { args: SetDataBreakpointsArgs; body: SetDataBreakpointsResponse };
  'tbscope/goto': { args: GotoArgs; body: GotoResponse };
}
export type RequestName = keyof Requests;

export const REQUESTS: { readonly [K in RequestName as K extends `tbscope/${infer N}` ? N : never]: K } = {
  translationBlocks: 'tbscope/translationBlocks',
  translationBlock: 'tbscope/translationBlock',
  hotPages: 'tbscope/hotPages',
  callbackTrace: 'tbscope/callbackTrace',
  plugins: 'tbscope/plugins',
  setDataBreakpoints: 'tbscope/setDataBreakpoints',
  goto: 'tbscope/goto',
};

/** `tbscope/update`: at most every 250 ms while the guest runs, at every stop, and when it ends. */
export interface UpdateEvent {
  running: boolean;
  /** The guest has ended (exited or was killed by a signal): what the views show is final. */
  ended: boolean;
  /** Guest instructions retired so far. */
  instructions: number;
  /** Translations made so far. */
  translationBlocks: number;
  pc: Hex;
  /** When ended: the exit status as the shell shows it (128+signal for a signal death). */
  exitCode?: number;
}

export interface Events {
  'tbscope/update': UpdateEvent;
}
export type EventName = keyof Events;
export const EVENTS: { readonly [K in EventName as K extends `tbscope/${infer N}` ? N : never]: K } = {
  update: 'tbscope/update',
};

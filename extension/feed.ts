// The one place the views get their data. It follows the active tbscope debug session, and each
// view subscribes to the topic it shows with a "am I visible" test: at a stop (and on the
// adapter's tbscope/update events while the guest runs, ≤ 4 per second) only the topics of
// visible views are fetched, and a view that becomes visible fetches its topic then. The TB list
// and the callback trace are fetched incrementally (what changed since the last answer). At a
// stop the fetch waits a moment so VS Code's own stack/variables requests, which the user is
// waiting for, are answered first. A failed request leaves that topic's data in place.

import * as vscode from 'vscode';
import {
  call, EVENTS, REQUESTS, toHotPages, toPlugins, toTbSummary, toTraceEvents,
  type BuiltinPlugin, type HotPage, type MemoryRegion, type PluginInfo, type TbSummary, type TraceEvent, type UpdateEvent,
} from './protocol';

export const DEBUG_TYPE = 'tbscope';
const MIN_INTERVAL_MS = 250;
/**
 * After a stop, VS Code asks for threads, the stack, scopes and variables, and the user waits
 * for those: the views are fetched once the first variables answer has gone out (or after
 * STOP_WAIT_MS), plus AFTER_STOP_MS for the editor to draw them.
 */
const AFTER_STOP_MS = 150;
const STOP_WAIT_MS = 400;
/** Events the Callback Trace keeps (the adapter's default answer). */
export const TRACE_KEEP = 256;

/** Requests after which the guest runs (VS Code sends no 'continued' event for them). */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue']);

export type Topic = 'tbs' | 'hotPages' | 'trace' | 'plugins';
export type GuestState = 'none' | 'running' | 'stopped' | 'ended';

export interface FeedData {
  hotPages: HotPage[];
  regions: MemoryRegion[];
  /** TB flavours by id. */
  tbs: Map<string, TbSummary>;
  trace: TraceEvent[];
  plugins: PluginInfo[];
  builtins: BuiltinPlugin[];
  state: GuestState;
  /** When ended: the exit status. */
  exitCode?: number;
  /** Guest instructions retired at the last update. */
  instructions?: number;
}

const empty = (): FeedData => ({ hotPages: [], regions: [], tbs: new Map(), trace: [], plugins: [], builtins: [], state: 'none' });

export class SessionFeed implements vscode.Disposable {
  data: FeedData = empty();
  session: vscode.DebugSession | undefined;
  private readonly changed = new vscode.EventEmitter<ReadonlySet<Topic>>();
  /** Fires with the topics whose data changed (all of them when the session changes). */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [this.changed];
  private readonly subscribers = new Map<Topic, Set<() => boolean>>();
  /** Topics whose data is older than the guest's state. */
  private readonly stale = new Set<Topic>();
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private inFlight = false;
  private again = false;
  private readonly stateEmitter = new vscode.EventEmitter<GuestState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly stopEmitter = new vscode.EventEmitter<void>();
  /** Every stop of the followed session (steps included). */
  readonly onDidStop = this.stopEmitter.event;

  constructor() {
    this.subs.push(
      this.stateEmitter, this.stopEmitter,
      vscode.debug.onDidChangeActiveDebugSession((s) => this.follow(s)),
      vscode.debug.onDidStartDebugSession((s) => { if (!this.session) this.follow(s); }),
      vscode.debug.onDidTerminateDebugSession((s) => { if (s === this.session) this.setState('ended'); }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session !== this.session || e.event !== EVENTS.update) return;
        const u = e.body as UpdateEvent;
        this.data.instructions = u.instructions;
        if (u.ended) { this.data.exitCode = u.exitCode; this.setState('ended'); }
        // A stop's update comes with its 'stopped' event, which schedules the fetch itself.
        if (u.running || u.ended) this.invalidate(0);
      }),
      // Stops and continues are DAP events VS Code consumes itself; a tracker sees them too.
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (s) => ({
          onWillReceiveMessage: (m: { type?: string; command?: string }) => {
            if (s === this.session && m.type === 'request' && RESUMING.has(m.command ?? '')) this.setState('running');
          },
          onDidSendMessage: (m: { type?: string; event?: string; command?: string }) => {
            if (s !== this.session) return;
            if (m.type === 'response' && m.command === 'variables' && this.afterStop) { this.afterStop(); return; }
            if (m.type !== 'event') return;
            if (m.event === 'stopped') { this.setState('stopped'); this.stopEmitter.fire(); this.refreshAfterStop(); }
            else if (m.event === 'continued') this.setState('running');
          },
        }),
      }),
    );
    this.follow(vscode.debug.activeDebugSession);
  }

  /** Called by the first variables answer after a stop. */
  private afterStop: (() => void) | undefined;

  /** Marks everything stale now and fetches once VS Code's own stop requests are answered. */
  private refreshAfterStop(): void {
    for (const t of ['tbs', 'hotPages', 'trace', 'plugins'] as const) this.stale.add(t);
    const go = () => { clearTimeout(timer); this.afterStop = undefined; this.schedule(AFTER_STOP_MS); };
    const timer = setTimeout(go, STOP_WAIT_MS);
    this.afterStop = go;
  }

  private setState(s: GuestState): void {
    const was = this.data.state;
    if (was === s || (was === 'ended' && s !== 'ended')) return;
    this.data.state = s;
    // Views only show whether the guest has ended: steps (running ↔ stopped) cost them nothing.
    if (s === 'ended' || was === 'none') this.stateEmitter.fire(s);
  }

  /**
   * A view shows `topic` while `visible()` says so. The view calls `wake(topic)` when it becomes
   * visible, so it is fetched at once if it missed a stop.
   */
  subscribe(topic: Topic, visible: () => boolean): vscode.Disposable {
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, set = new Set());
    set.add(visible);
    return new vscode.Disposable(() => set.delete(visible));
  }

  /** A view of `topic` became visible: fetch it now if it is stale. */
  wake(topic: Topic): void { if (this.stale.has(topic)) this.schedule(0); }

  private wanted(): Topic[] {
    return [...this.stale].filter((t) => [...(this.subscribers.get(t) ?? [])].some((v) => v()));
  }

  private follow(s: vscode.DebugSession | undefined): void {
    if (!s || s.type !== DEBUG_TYPE || s === this.session) return;
    this.session = s;
    this.data = empty();
    void vscode.commands.executeCommand('setContext', 'tbscope.sessionSeen', true);
    this.setState('running');
    this.changed.fire(new Set<Topic>(['tbs', 'hotPages', 'trace', 'plugins']));
    this.invalidate(0);
  }

  /** Everything may have changed: mark all topics stale and fetch the visible ones soon. */
  invalidate(delay = 0): void {
    for (const t of ['tbs', 'hotPages', 'trace', 'plugins'] as const) this.stale.add(t);
    this.schedule(delay);
  }

  /** Fetch soon, at most once per MIN_INTERVAL_MS while running; bursts coalesce. */
  private schedule(delay: number): void {
    if (this.timer) return;
    const throttle = this.data.state === 'running' ? Math.max(0, this.lastRefresh + MIN_INTERVAL_MS - Date.now()) : 0;
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, Math.max(delay, throttle));
  }

  /** Fetches the stale topics of visible views (all stale topics when `all`). */
  async refresh(all = false): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (this.inFlight) { this.again = true; return; }
    const topics = all ? [...this.stale] : this.wanted();
    if (!topics.length) return;
    this.inFlight = true;
    this.lastRefresh = Date.now();
    for (const t of topics) this.stale.delete(t);
    const done = new Set<Topic>();
    try {
      await Promise.all(topics.map(async (t) => {
        try { await this.fetch(s, t); done.add(t); } catch { this.stale.add(t); /* not served now (e.g. the guest is running): keep the old data */ }
      }));
      if (s === this.session && done.size) this.changed.fire(done);
    } finally {
      this.inFlight = false;
      if (this.again) { this.again = false; this.schedule(0); }
    }
  }

  /** Fetches `topic` now if it is stale, visible or not (a view needs another view's data). */
  async ensure(topic: Topic): Promise<void> {
    const s = this.session;
    if (!s || !this.stale.has(topic)) return;
    this.stale.delete(topic);
    try { await this.fetch(s, topic); this.changed.fire(new Set([topic])); } catch { this.stale.add(topic); }
  }

  /** The Refresh button: everything again, from scratch. */
  async reload(): Promise<void> {
    this.data.tbs = new Map();
    this.tbsFull = true;
    this.invalidate(0);
    await this.refresh(true);
  }

  private tbsFull = true;

  private async fetch(s: vscode.DebugSession, t: Topic): Promise<void> {
    const d = this.data;
    if (t === 'tbs') {
      // The adapter keeps what it sent last; the first (or a reload's) answer is full.
      const r = await call(s, REQUESTS.translationBlocks, { incremental: !this.tbsFull });
      if (r.full || this.tbsFull) d.tbs = new Map();
      this.tbsFull = false;
      for (const id of r.removed) d.tbs.delete(id);
      for (const b of r.blocks) d.tbs.set(b.id, toTbSummary(b));
    } else if (t === 'hotPages') {
      const r = toHotPages(await call(s, REQUESTS.hotPages, {}));
      d.hotPages = r.pages;
      d.regions = r.regions;
    } else if (t === 'trace') {
      const since = d.trace.length ? d.trace[d.trace.length - 1].seq : undefined;
      const r = await call(s, REQUESTS.callbackTrace, { since, limit: TRACE_KEEP });
      // A plugin reloaded starts its recording over: then the answer's numbers go back.
      const fresh = toTraceEvents(r);
      d.trace = since !== undefined && r.total >= since ? [...d.trace, ...fresh].slice(-TRACE_KEEP) : fresh;
    } else {
      const r = await call(s, REQUESTS.plugins, {});
      d.plugins = toPlugins(r);
      d.builtins = r.builtins;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subs) d.dispose();
  }
}

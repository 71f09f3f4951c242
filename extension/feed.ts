// The one place the views get their data: follows the active tbscope debug session, refreshes
// on the adapter's tbscope/* update events and on every stop (throttled to ≤ 4 refreshes per
// second, the adapter's own rate), fetches the custom requests in parallel, and tells the views.
// A failed request leaves that view's previous data in place (the adapter may not serve it yet).

import * as vscode from 'vscode';
import {
  EVENT_PREFIX, REQ, toHotPages, toPlugins, toTbSummaries, toTraceEvents,
  type HotPage, type PluginInfo, type TbSummary, type TraceEvent,
} from './protocol';

export const DEBUG_TYPE = 'tbscope';
const MIN_INTERVAL_MS = 250;

export interface FeedData {
  hotPages: HotPage[];
  tbs: TbSummary[];
  trace: TraceEvent[];
  plugins: PluginInfo[];
  /** True while the guest is stopped (plugins can be added/removed). */
  stopped: boolean;
}

const empty = (): FeedData => ({ hotPages: [], tbs: [], trace: [], plugins: [], stopped: false });

export class SessionFeed implements vscode.Disposable {
  data: FeedData = empty();
  session: vscode.DebugSession | undefined;
  private readonly changed = new vscode.EventEmitter<FeedData>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private inFlight = false;
  private again = false;

  constructor() {
    this.subs.push(
      vscode.debug.onDidChangeActiveDebugSession((s) => this.follow(s)),
      vscode.debug.onDidStartDebugSession((s) => { if (!this.session) this.follow(s); }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s === this.session) { this.data.stopped = false; this.session = undefined; this.changed.fire(this.data); }
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session === this.session && e.event.startsWith(EVENT_PREFIX)) this.schedule();
      }),
      // Stops and continues are DAP events VS Code consumes itself; a tracker sees them too.
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (s) => ({
          onDidSendMessage: (m: { type?: string; event?: string }) => {
            if (s !== this.session || m.type !== 'event') return;
            if (m.event === 'stopped') { this.data.stopped = true; this.schedule(); }
            else if (m.event === 'continued') this.data.stopped = false;
          },
        }),
      }),
    );
    this.follow(vscode.debug.activeDebugSession);
  }

  private follow(s: vscode.DebugSession | undefined): void {
    if (!s || s.type !== DEBUG_TYPE || s === this.session) return;
    this.session = s;
    this.data = empty();
    this.changed.fire(this.data);
    this.schedule();
  }

  /** Refresh soon, at most once per MIN_INTERVAL_MS; bursts of events coalesce. */
  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRefresh + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, wait);
  }

  async refresh(): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (this.inFlight) { this.again = true; return; }
    this.inFlight = true;
    this.lastRefresh = Date.now();
    try {
      const ask = async <T>(cmd: string, args: object, shape: (b: unknown) => T, old: T): Promise<T> => {
        try { return shape(await s.customRequest(cmd, args)); } catch { return old; }
      };
      const d = this.data;
      const [hotPages, tbs, trace, plugins] = await Promise.all([
        ask(REQ.hotPages, {}, toHotPages, d.hotPages),
        ask(REQ.translationBlocks, {}, toTbSummaries, d.tbs),
        ask(REQ.callbackTrace, {}, toTraceEvents, d.trace),
        ask(REQ.plugins, {}, toPlugins, d.plugins),
      ]);
      if (s !== this.session) return;
      this.data = { hotPages, tbs, trace, plugins, stopped: d.stopped };
      this.changed.fire(this.data);
    } finally {
      this.inFlight = false;
      if (this.again) { this.again = false; this.schedule(); }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subs) d.dispose();
  }
}

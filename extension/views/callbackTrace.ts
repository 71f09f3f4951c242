// Callback Trace list: the most recent plugin callback events, newest first, filtered by kind
// and plugin (quick picks from the toolbar); selecting one reveals its guest pc's source line
// (DAP disassemble with resolveSymbols gives it), or else the TB that contains it; the row's
// "Open Translation Block" action opens that TB either way.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { tbContaining } from '../model/tbs';
import { filterTrace, traceFacets, traceLabel, type TraceFilter } from '../model/trace';
import { hexAddr, type TraceEvent } from '../protocol';

/** Rows shown at most (newest first): the tree is sent to the editor at every stop. */
const TRACE_ROWS_MAX = 100;

export class CallbackTraceView implements vscode.TreeDataProvider<TraceEvent>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter: TraceFilter = {};
  private readonly subs: vscode.Disposable[] = [this.changed];
  readonly tree: vscode.TreeView<TraceEvent>;

  constructor(private readonly feed: SessionFeed) {
    this.tree = vscode.window.createTreeView('tbscope.callbackTrace', { treeDataProvider: this });
    this.subs.push(
      this.tree,
      feed.subscribe('trace', () => this.tree.visible),
      this.tree.onDidChangeVisibility((e) => { if (e.visible) feed.wake('trace'); }),
      feed.onDidChange((topics) => { if (topics.has('trace')) this.changed.fire(); }),
      feed.onDidChangeState(() => this.changed.fire()),
      vscode.commands.registerCommand('tbscope.trace.openTb', (e?: TraceEvent) => e && this.openTb(e)),
      vscode.commands.registerCommand('tbscope.trace.filter', () => this.pickFilter()),
      vscode.commands.registerCommand('tbscope.trace.clearFilter', () => { this.filter = {}; this.update(); }),
      vscode.commands.registerCommand('tbscope.trace.reveal', (e?: TraceEvent) => e && this.reveal(e)),
      // Selecting an event reveals it (not a TreeItem.command: see TranslationBlocksView).
      this.tree.onDidChangeSelection((s) => { if (s.selection.length === 1) void this.reveal(s.selection[0]); }),
    );
  }

  private update(): void {
    const active = (this.filter.kinds?.size ?? 0) + (this.filter.plugins?.size ?? 0) > 0;
    void vscode.commands.executeCommand('setContext', 'tbscope.traceFiltered', active);
    this.changed.fire();
  }

  getChildren(e?: TraceEvent): TraceEvent[] {
    if (e) return [];
    const matched = filterTrace(this.feed.data.trace, this.filter);
    const rows = matched.slice(0, TRACE_ROWS_MAX);
    const ended = this.feed.data.state === 'ended' ? ' · ended' : '';
    this.tree.description = this.feed.data.trace.length ? `${matched.length} of ${this.feed.data.trace.length}${ended}` : undefined;
    return rows;
  }

  getTreeItem(e: TraceEvent): vscode.TreeItem {
    const { label, description } = traceLabel(e);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    const icon = e.kind === 'mem' ? 'database' : e.kind === 'tb_exec' ? 'symbol-namespace' : 'symbol-operator';
    Object.assign(item, { id: `ev:${e.seq}`, description, tooltip: `#${e.seq} ${label}\n${description}`, contextValue: 'traceEvent', iconPath: new vscode.ThemeIcon(icon) });
    return item;
  }

  private async pickFilter(): Promise<void> {
    const { kinds, plugins } = traceFacets(this.feed.data.trace);
    type Pick = vscode.QuickPickItem & { facet: 'kind' | 'plugin' };
    const items: Pick[] = [
      ...kinds.map((k) => ({ label: k, description: 'kind', facet: 'kind' as const, picked: this.filter.kinds?.has(k) })),
      ...plugins.map((p) => ({ label: p, description: 'plugin', facet: 'plugin' as const, picked: this.filter.plugins?.has(p) })),
    ];
    const chosen = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: 'Show only these kinds / plugins (none = all)' });
    if (!chosen) return;
    this.filter = {
      kinds: new Set(chosen.filter((c) => c.facet === 'kind').map((c) => c.label)),
      plugins: new Set(chosen.filter((c) => c.facet === 'plugin').map((c) => c.label)),
    };
    this.update();
  }

  private async reveal(e: TraceEvent): Promise<void> {
    const s = this.feed.session;
    if (!s) return;
    try {
      const r = await s.customRequest('disassemble', { memoryReference: hexAddr(e.pc), instructionCount: 1, resolveSymbols: true }) as
        { instructions?: { location?: { path?: string | vscode.Uri }; line?: number }[] } | undefined;
      const ins = r?.instructions?.[0];
      // VS Code hands a standard response's source paths to extensions as URIs (text or parts).
      const p = ins?.location?.path;
      const uri = typeof p !== 'string' ? (p ? vscode.Uri.from(p) : undefined) : /^[a-z][\w+.-]*:/i.test(p) ? vscode.Uri.parse(p) : vscode.Uri.file(p);
      if (uri && ins?.line) {
        const line = Math.max(0, ins.line - 1);
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true, preserveFocus: true });
        return;
      }
    } catch (err) { console.log(`tbscope: reveal ${hexAddr(e.pc)}: ${(err as Error).message}`); }
    await this.openTb(e);
  }

  /** The TB holding the event's instruction (the one starting closest before it). */
  private async openTb(e: TraceEvent): Promise<void> {
    await this.feed.ensure('tbs');
    const tb = tbContaining(this.feed.data.tbs.values(), e.pc);
    if (tb) await vscode.commands.executeCommand('tbscope.tb.openAt', tb);
    else void vscode.window.setStatusBarMessage(`tbscope: no translation block holds ${hexAddr(e.pc)} now (flushed?)`, 4000);
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

// Callback Trace list: the plugin callback events since the last stop, newest first, filtered
// by kind and plugin (quick picks from the toolbar); selecting one reveals its guest pc in the
// source (DAP disassemble with resolveSymbols gives the line) or, failing that, its TB.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { filterTrace, traceFacets, traceLabel, type TraceFilter } from '../model/trace';
import { hexAddr, type TraceEvent } from '../protocol';

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
      feed.onDidChange(() => this.changed.fire()),
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
    const rows = filterTrace(this.feed.data.trace, this.filter);
    this.tree.description = this.feed.data.trace.length ? `${rows.length} of ${this.feed.data.trace.length}` : undefined;
    return rows;
  }

  getTreeItem(e: TraceEvent): vscode.TreeItem {
    const { label, description } = traceLabel(e);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    Object.assign(item, { id: `ev:${e.seq}`, description, contextValue: 'traceEvent', iconPath: new vscode.ThemeIcon(e.kind.startsWith('mem') ? 'database' : 'debug-breakpoint-function') });
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
      const r = await s.customRequest('disassemble', { memoryReference: hexAddr(e.pc), instructionCount: 1, resolveSymbols: true });
      const ins = r?.instructions?.[0];
      const path: string | undefined = ins?.location?.path;
      if (path && ins.line) {
        const line = Math.max(0, ins.line - 1);
        await vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(line, 0, line, 0), preview: true, preserveFocus: true });
        return;
      }
    } catch { /* fall through to the TB */ }
    const tb = this.feed.data.tbs.find((t) => e.pc >= t.pc && e.pc < t.pc + Math.max(t.bytes, 1));
    if (tb) await vscode.commands.executeCommand('tbscope.tb.open', { t: 'tb', tb });
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

// Hot Pages tree: pages by access count with a heat bar, sortable from the view toolbar
// (the sort is mirrored in the `tbscope.hotPagesSort` context key so the toolbar shows the
// active choice), with per-page commands: open in the memory view, add a data breakpoint
// (pages with one show the data-breakpoint icon; the toolbar removes them all, and so does
// VS Code's "Remove All Breakpoints"), copy QEMU's hotpages report line.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { hotPageRows, qemuReport, type HotPageRow, type HotPageSort } from '../model/hotPages';
import { call, hexAddr, REQUESTS } from '../protocol';
import { openMemory } from './memory';

const PAGE_SIZE = 4096;

export class HotPagesView implements vscode.TreeDataProvider<HotPageRow>, vscode.Disposable {
  private sort: HotPageSort = 'total';
  private rows: HotPageRow[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly tree: vscode.TreeView<HotPageRow>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly feed: SessionFeed) {
    this.tree = vscode.window.createTreeView('tbscope.hotPages', { treeDataProvider: this, showCollapseAll: false });
    this.subs.push(
      this.tree, this.changed,
      feed.subscribe('hotPages', () => this.tree.visible),
      this.tree.onDidChangeVisibility((e) => { if (e.visible) feed.wake('hotPages'); }),
      feed.onDidChange((topics) => { if (topics.has('hotPages')) this.rebuild(); }),
      feed.onDidChangeState(() => this.rebuild()),
    );
    for (const s of ['total', 'reads', 'writes', 'address'] as const) {
      const cap = s[0].toUpperCase() + s.slice(1);
      this.subs.push(vscode.commands.registerCommand(`tbscope.hotPages.sortBy${cap}`, () => this.setSort(s)));
    }
    this.subs.push(
      vscode.commands.registerCommand('tbscope.hotPages.openMemory', (r?: HotPageRow) => r && openMemory(feed.session, r.address, PAGE_SIZE)),
      vscode.commands.registerCommand('tbscope.hotPages.addDataBreakpoint', (r?: HotPageRow) => r && this.addDataBreakpoint(r)),
      vscode.commands.registerCommand('tbscope.hotPages.copyReport', (r?: HotPageRow) => this.copyReport(r)),
      vscode.commands.registerCommand('tbscope.hotPages.removeDataBreakpoints', () => this.removeDataBreakpoints()),
      // "Remove All Breakpoints" leaves VS Code with none: the user wants ours gone too.
      vscode.debug.onDidChangeBreakpoints((e) => {
        if (e.removed.length && vscode.debug.breakpoints.length === 0 && this.dataBps.bps.length) void this.removeDataBreakpoints();
      }),
    );
    void vscode.commands.executeCommand('setContext', 'tbscope.hotPagesSort', this.sort);
  }

  private setSort(s: HotPageSort): void {
    this.sort = s;
    void vscode.commands.executeCommand('setContext', 'tbscope.hotPagesSort', s);
    this.rebuild();
  }

  private rebuild(): void {
    this.rows = hotPageRows(this.feed.data.hotPages, this.sort, this.feed.data.regions);
    const ended = this.feed.data.state === 'ended' ? ' · ended' : '';
    this.tree.description = this.rows.length ? `${this.rows.length} pages · by ${this.sort}${ended}` : undefined;
    this.changed.fire();
  }

  getChildren(el?: HotPageRow): HotPageRow[] { return el ? [] : this.rows; }
  getParent(): undefined { return undefined; }

  getTreeItem(r: HotPageRow): vscode.TreeItem {
    const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
    item.id = `page:${r.address}`;
    item.description = r.description;
    item.tooltip = r.tooltip;
    item.contextValue = 'hotPage';
    item.iconPath = new vscode.ThemeIcon('flame', new vscode.ThemeColor(r.level >= 5 ? 'charts.red' : r.level >= 3 ? 'charts.orange' : 'charts.yellow'));
    const watched = this.dataBps.session === this.feed.session ? this.dataBps.bps.filter((b) => b.page === r.address) : [];
    if (watched.length) {
      item.iconPath = new vscode.ThemeIcon('debug-breakpoint-data');
      item.tooltip = `${r.tooltip}\nData breakpoint: ${watched.map((b) => b.accessType).join(', ')}`;
    }
    return item;
  }

  /** Select a page (from the heat map). */
  async reveal(address: number): Promise<void> {
    const r = this.rows.find((x) => x.address === address);
    if (r) await this.tree.reveal(r, { select: true, focus: true });
  }

  private async copyReport(r?: HotPageRow): Promise<void> {
    const pages = this.feed.data.hotPages;
    const chosen = r ? pages.filter((p) => p.address === r.address) : pages;
    await vscode.env.clipboard.writeText(qemuReport(chosen));
    void vscode.window.setStatusBarMessage(`tbscope: copied hotpages report (${chosen.length} page${chosen.length === 1 ? '' : 's'})`, 3000);
  }

  /**
   * VS Code has no API to add a data breakpoint, so the adapter is asked directly (DAP
   * dataBreakpointInfo by address, then tbscope/setDataBreakpoints, a list of the adapter's
   * kept apart from VS Code's own data breakpoints so neither replaces the other); breakpoints
   * added this way are kept here, per session, so each request sends the whole list.
   */
  private dataBps: { session?: vscode.DebugSession; bps: { dataId: string; accessType: 'read' | 'write' | 'readWrite'; page: number }[] } = { bps: [] };

  /** Sends the list (the adapter's views list replaces whole) and mirrors it in the view. */
  private async sendDataBreakpoints(s: vscode.DebugSession): Promise<void> {
    await call(s, REQUESTS.setDataBreakpoints, { breakpoints: this.dataBps.bps.map(({ dataId, accessType }) => ({ dataId, accessType })) });
    void vscode.commands.executeCommand('setContext', 'tbscope.hotPagesDataBreakpoints', this.dataBps.bps.length > 0);
    this.changed.fire();
  }

  private async removeDataBreakpoints(): Promise<void> {
    const s = this.dataBps.session, n = this.dataBps.bps.length;
    this.dataBps.bps = [];
    if (s && n) {
      try { await this.sendDataBreakpoints(s); } catch { /* the session has ended */ }
      void vscode.window.setStatusBarMessage(`tbscope: removed ${n} data breakpoint${n === 1 ? '' : 's'} added from Hot Pages`, 3000);
    }
  }

  private async addDataBreakpoint(r: HotPageRow): Promise<void> {
    const s = this.feed.session;
    if (!s) return;
    const access = await vscode.window.showQuickPick(['write', 'read', 'readWrite'], { placeHolder: `Break on access to page ${hexAddr(r.address)}` }) as 'write' | 'read' | 'readWrite' | undefined;
    if (!access) return;
    try {
      const info = await s.customRequest('dataBreakpointInfo', { name: hexAddr(r.address), asAddress: true, bytes: PAGE_SIZE }) as { dataId?: string; description?: string };
      if (!info?.dataId) throw new Error(info?.description ?? 'the adapter cannot watch this address');
      if (this.dataBps.session !== s) this.dataBps = { session: s, bps: [] };
      this.dataBps.bps.push({ dataId: info.dataId, accessType: access, page: r.address });
      await this.sendDataBreakpoints(s);
      void vscode.window.setStatusBarMessage(`tbscope: data breakpoint (${access}) on page ${hexAddr(r.address)}`, 3000);
    } catch (e) {
      void vscode.window.showErrorMessage(`tbscope: could not add a data breakpoint: ${(e as Error).message}`);
    }
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

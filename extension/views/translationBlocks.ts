// Translation Blocks tree: one row per pc (the program's own code first), its flavours under it
// when stepping or breakpoints made more than one (each TB is pc + flags), then guest
// instructions and the plugin callbacks attached to each. Sort (executions, pc, translation
// order) and a symbol/file filter from the toolbar. Expanding a row only shows instructions; the
// row's "Open Translation Block" action opens the read-only TB document (scheme tbscope-tb) in
// the side group, so the source editor's preview tab stays. TB details are fetched on expansion
// and kept until the feed reports TB changes.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import {
  callbackLabel, flavourLabel, groupLabel, insnLabel, renderTbDocument, tbDocPath, tbFromDocPath, tbGroups,
  type TbFilter, type TbGroup, type TbSort,
} from '../model/tbs';
import { call, hexAddr, REQUESTS, toTbDetail, type TbCallback, type TbDetail, type TbInsn, type TbSummary } from '../protocol';

export const TB_SCHEME = 'tbscope-tb';

/** Rows at the top level at most: a tree of hundreds costs every stop; the filter finds the rest. */
export const TB_ROWS_MAX = 100;

type Node =
  | { t: 'more'; hidden: number }
  | { t: 'group'; g: TbGroup }
  | { t: 'tb'; tb: TbSummary }
  | { t: 'insn'; tb: TbSummary; insn: TbInsn }
  | { t: 'cb'; cb: TbCallback; key: string };

const SORT_NAMES: Record<TbSort, string> = { exec: 'executions', pc: 'address', order: 'translation order' };

export class TranslationBlocksView implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.docChanged.event;
  private readonly details = new Map<string, Promise<TbDetail | undefined>>();
  private readonly subs: vscode.Disposable[] = [this.changed, this.docChanged];
  private sort: TbSort = 'exec';
  private filter: TbFilter = {};
  readonly tree: vscode.TreeView<Node>;

  constructor(private readonly feed: SessionFeed) {
    this.tree = vscode.window.createTreeView('tbscope.translationBlocks', { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(
      this.tree,
      feed.subscribe('tbs', () => this.tree.visible),
      this.tree.onDidChangeVisibility((e) => { if (e.visible) feed.wake('tbs'); }),
      feed.onDidChange((topics) => { if (topics.has('tbs')) this.update(); }),
      feed.onDidChangeState(() => this.describe()),
      vscode.workspace.registerTextDocumentContentProvider(TB_SCHEME, this),
      vscode.commands.registerCommand('tbscope.tb.open', (n?: Node) => this.open(n)),
      vscode.commands.registerCommand('tbscope.tb.openAt', (tb?: TbSummary) => tb && this.openTb(tb)),
      vscode.commands.registerCommand('tbscope.tb.revealDisassembly', (n?: Node) => this.revealDisassembly(n)),
      vscode.commands.registerCommand('tbscope.tb.filter', () => this.pickFilter()),
      vscode.commands.registerCommand('tbscope.tb.clearFilter', () => { this.filter = {}; this.update(); }),
      vscode.commands.registerCommand('tbscope.tb.sortBy.exec', () => this.setSort('exec')),
      vscode.commands.registerCommand('tbscope.tb.sortBy.pc', () => this.setSort('pc')),
      vscode.commands.registerCommand('tbscope.tb.sortBy.order', () => this.setSort('order')),
    );
    void vscode.commands.executeCommand('setContext', 'tbscope.tbSort', this.sort);
  }

  private setSort(s: TbSort): void { this.sort = s; this.update(); }

  private update(): void {
    this.details.clear();
    void vscode.commands.executeCommand('setContext', 'tbscope.tbSort', this.sort);
    void vscode.commands.executeCommand('setContext', 'tbscope.tbFiltered', !!this.filter.text);
    this.describe();
    this.changed.fire(undefined);
    // Open TB documents show the TB as it is now (its count, its tier).
    for (const ed of vscode.window.visibleTextEditors) if (ed.document.uri.scheme === TB_SCHEME) this.docChanged.fire(ed.document.uri);
  }

  private describe(): void {
    const n = this.feed.data.tbs.size;
    const ended = this.feed.data.state === 'ended' ? ' · ended' : '';
    this.tree.description = n ? `${n} TBs · by ${SORT_NAMES[this.sort]}${this.filter.text ? ` · “${this.filter.text}”` : ''}${ended}` : undefined;
  }

  private async pickFilter(): Promise<void> {
    const text = await vscode.window.showInputBox({ prompt: 'Show the TBs whose symbol, source file or address contains', value: this.filter.text, placeHolder: 'main, step.c, 0x107' });
    if (text === undefined) return;
    this.filter = { text: text.trim() || undefined };
    this.update();
  }

  private detail(tb: TbSummary): Promise<TbDetail | undefined> {
    let p = this.details.get(tb.id);
    if (!p) {
      const s = this.feed.session;
      p = s ? call(s, REQUESTS.translationBlock, { pc: hexAddr(tb.pc), flags: tb.flags }).then(toTbDetail, () => undefined) : Promise.resolve(undefined);
      this.details.set(tb.id, p);
    }
    return p;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) {
      const groups = tbGroups(this.feed.data.tbs.values(), this.sort, this.filter);
      const rows: Node[] = groups.slice(0, TB_ROWS_MAX).map((g) => ({ t: 'group', g }));
      if (groups.length > TB_ROWS_MAX) rows.push({ t: 'more', hidden: groups.length - TB_ROWS_MAX });
      return rows;
    }
    if (n.t === 'group') {
      if (n.g.flavours.length > 1) return n.g.flavours.map((tb) => ({ t: 'tb', tb }));
      return this.insnNodes(n.g.flavours[0]);
    }
    if (n.t === 'tb') return this.insnNodes(n.tb);
    if (n.t === 'insn') return n.insn.callbacks.map((cb, i) => ({ t: 'cb', cb, key: `${n.tb.id}:${n.insn.pc}:${i}` }));
    return [];
  }

  private async insnNodes(tb: TbSummary): Promise<Node[]> {
    const d = await this.detail(tb);
    return [
      ...(d?.callbacks ?? []).map((cb, i): Node => ({ t: 'cb', cb, key: `${tb.id}:tb:${i}` })),
      ...(d?.instructions ?? []).map((insn): Node => ({ t: 'insn', tb, insn })),
    ];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    if (n.t === 'more') {
      const item = new vscode.TreeItem(`${n.hidden} more pcs…`, C.None);
      Object.assign(item, { id: 'more', description: 'sort or filter to see them', command: { command: 'tbscope.tb.filter', title: 'Filter' }, iconPath: new vscode.ThemeIcon('filter') });
      return item;
    }
    if (n.t === 'group') {
      const { label, description, tooltip } = groupLabel(n.g);
      const item = new vscode.TreeItem(label, C.Collapsed);
      Object.assign(item, { id: n.g.id, description, tooltip, contextValue: 'tb', iconPath: new vscode.ThemeIcon(n.g.userCode ? 'symbol-namespace' : 'library') });
      return item;
    }
    if (n.t === 'tb') {
      const { label, description } = flavourLabel(n.tb);
      const item = new vscode.TreeItem(label, C.Collapsed);
      Object.assign(item, { id: `tb:${n.tb.id}`, description, contextValue: 'tb', iconPath: new vscode.ThemeIcon(n.tb.oneInsn ? 'debug-step-over' : 'symbol-namespace') });
      return item;
    }
    if (n.t === 'insn') {
      const { label, description } = insnLabel(n.insn);
      const item = new vscode.TreeItem(label, n.insn.callbacks.length ? C.Collapsed : C.None);
      Object.assign(item, { id: `insn:${n.tb.id}:${n.insn.pc}`, description, contextValue: 'tbInsn', iconPath: new vscode.ThemeIcon('symbol-operator') });
      if (n.insn.source) item.tooltip = `${n.insn.source.path}:${n.insn.source.line}`;
      return item;
    }
    const item = new vscode.TreeItem(callbackLabel(n.cb), C.None);
    Object.assign(item, { id: `cb:${n.key}`, contextValue: 'tbCallback', iconPath: new vscode.ThemeIcon('plug') });
    return item;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const at = tbFromDocPath(uri.path);
    if (!at) return '; not a translation block address\n';
    const s = this.feed.session;
    const d = s ? await call(s, REQUESTS.translationBlock, { pc: hexAddr(at.pc), flags: at.flags }).then(toTbDetail, () => undefined) : undefined;
    if (!d) return `; translation block ${hexAddr(at.pc)} flags=${at.flags} is not available (no session, or it was flushed)\n`;
    const files = new Map<string, string[] | undefined>();
    await Promise.all([...new Set(d.instructions.flatMap((i) => (i.source ? [i.source.path] : [])))].map(async (p) => {
      try { files.set(p, Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(p))).toString('utf8').split(/\r?\n/)); } catch { files.set(p, undefined); }
    }));
    return renderTbDocument(d, (p, line) => files.get(p)?.[line - 1]);
  }

  private tbOf(n?: Node): TbSummary | undefined {
    const sel = n ?? this.tree.selection[0];
    return sel?.t === 'group' ? sel.g.flavours[0] : sel?.t === 'tb' || sel?.t === 'insn' ? sel.tb : undefined;
  }

  async open(n?: Node): Promise<void> {
    const tb = this.tbOf(n);
    if (tb) await this.openTb(tb);
  }

  /** The TB document beside the source, so the source's preview tab is not replaced. */
  async openTb(tb: TbSummary): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: TB_SCHEME, path: tbDocPath(tb.pc, tb.flags) }));
    await vscode.languages.setTextDocumentLanguage(doc, 'tbscope-tb');
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** VS Code's disassembly view follows the focused frame; it has no public "go to address". */
  private async revealDisassembly(n?: Node): Promise<void> {
    const pc = n?.t === 'insn' ? n.insn.pc : this.tbOf(n)?.pc;
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
    if (pc !== undefined) void vscode.window.setStatusBarMessage(`tbscope: TB at ${hexAddr(pc)}`, 4000);
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

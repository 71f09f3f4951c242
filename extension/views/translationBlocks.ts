// Translation Blocks tree (TB → guest instructions → plugin callbacks attached to each) and the
// read-only "Open Translation Block" documents (scheme tbscope-tb, language tbscope-tb). TB
// details are fetched on expansion and cached until the next feed refresh, since a TB's code
// never changes once translated (a retranslation shows up as a new TB listing).

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { callbackLabel, insnLabel, pcFromTbDocPath, renderTbDocument, sortTbs, tbDocPath, tbLabel } from '../model/tbs';
import { REQ, toTbDetail, type TbCallback, type TbDetail, type TbInsn, type TbSummary } from '../protocol';

export const TB_SCHEME = 'tbscope-tb';

type Node =
  | { t: 'tb'; tb: TbSummary }
  | { t: 'insn'; tbPc: number; insn: TbInsn }
  | { t: 'cb'; cb: TbCallback; key: string };

export class TranslationBlocksView implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly details = new Map<number, Promise<TbDetail | undefined>>();
  private readonly subs: vscode.Disposable[] = [this.changed];
  readonly tree: vscode.TreeView<Node>;

  constructor(private readonly feed: SessionFeed) {
    this.tree = vscode.window.createTreeView('tbscope.translationBlocks', { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(
      this.tree,
      feed.onDidChange((d) => {
        this.details.clear();
        this.tree.description = d.tbs.length ? `${d.tbs.length} TBs` : undefined;
        this.changed.fire(undefined);
      }),
      vscode.workspace.registerTextDocumentContentProvider(TB_SCHEME, this),
      vscode.commands.registerCommand('tbscope.tb.open', (n?: Node) => this.open(n)),
      // Selecting a TB opens it. Not a TreeItem.command: VS Code drops the command behind a row
      // when the tree refreshes, and a row it does not re-render then answers every click with
      // "Actual command not found" (microsoft/vscode#173233).
      this.tree.onDidChangeSelection((e) => { if (e.selection.length === 1 && e.selection[0].t === 'tb') void this.open(e.selection[0]); }),
      // A click on the row that is already selected changes no selection, but it expands or
      // collapses the row: open its document then too (after its tab was closed, say). Collapse
      // only for the selected TB, so "Collapse All" opens at most one.
      this.tree.onDidExpandElement((e) => { if (e.element.t === 'tb') void this.open(e.element); }),
      this.tree.onDidCollapseElement((e) => {
        const sel = this.tree.selection[0];
        if (e.element.t === 'tb' && sel?.t === 'tb' && sel.tb.pc === e.element.tb.pc) void this.open(e.element);
      }),
      vscode.commands.registerCommand('tbscope.tb.revealDisassembly', (n?: Node) => this.revealDisassembly(n)),
    );
  }

  private detail(pc: number): Promise<TbDetail | undefined> {
    let p = this.details.get(pc);
    if (!p) {
      const s = this.feed.session;
      p = s ? Promise.resolve(s.customRequest(REQ.translationBlock, { pc })).then(toTbDetail, () => undefined) : Promise.resolve(undefined);
      this.details.set(pc, p);
    }
    return p;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return sortTbs(this.feed.data.tbs).map((tb) => ({ t: 'tb', tb }));
    if (n.t === 'tb') {
      const d = await this.detail(n.tb.pc);
      return [
        ...(d?.callbacks ?? []).map((cb, i): Node => ({ t: 'cb', cb, key: `${n.tb.pc}:tb:${i}` })),
        ...(d?.insns ?? []).map((insn): Node => ({ t: 'insn', tbPc: n.tb.pc, insn })),
      ];
    }
    if (n.t === 'insn') return n.insn.callbacks.map((cb, i) => ({ t: 'cb', cb, key: `${n.tbPc}:${n.insn.pc}:${i}` }));
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.t === 'tb') {
      const { label, description } = tbLabel(n.tb);
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      Object.assign(item, { id: `tb:${n.tb.pc}`, description, contextValue: 'tb', iconPath: new vscode.ThemeIcon('symbol-namespace') });
      return item;
    }
    if (n.t === 'insn') {
      const { label, description } = insnLabel(n.insn);
      const item = new vscode.TreeItem(label, n.insn.callbacks.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      Object.assign(item, { id: `insn:${n.tbPc}:${n.insn.pc}`, description, contextValue: 'tbInsn', iconPath: new vscode.ThemeIcon('symbol-operator') });
      if (n.insn.source) item.tooltip = `${n.insn.source.path}:${n.insn.source.line}`;
      return item;
    }
    const item = new vscode.TreeItem(callbackLabel(n.cb), vscode.TreeItemCollapsibleState.None);
    Object.assign(item, { id: `cb:${n.key}`, contextValue: 'tbCallback', iconPath: new vscode.ThemeIcon('plug') });
    return item;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const pc = pcFromTbDocPath(uri.path);
    if (pc === undefined) return '; not a translation block address\n';
    const d = await this.detail(pc);
    if (!d) return `; translation block ${uri.path.slice(1)} is not available (no session, or it was flushed)\n`;
    const files = new Map<string, string[] | undefined>();
    await Promise.all([...new Set(d.insns.flatMap((i) => (i.source ? [i.source.path] : [])))].map(async (p) => {
      try { files.set(p, Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(p))).toString('utf8').split(/\r?\n/)); } catch { files.set(p, undefined); }
    }));
    return renderTbDocument(d, (p, line) => files.get(p)?.[line - 1]);
  }

  private pcOf(n?: Node): number | undefined {
    const sel = n ?? this.tree.selection[0];
    return sel?.t === 'tb' ? sel.tb.pc : sel?.t === 'insn' ? sel.tbPc : undefined;
  }

  async open(n?: Node): Promise<void> {
    const pc = this.pcOf(n);
    if (pc === undefined) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: TB_SCHEME, path: tbDocPath(pc) }));
    await vscode.languages.setTextDocumentLanguage(doc, 'tbscope-tb');
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true });
  }

  /** VS Code's disassembly view follows the focused frame; it has no public "go to address". */
  private async revealDisassembly(n?: Node): Promise<void> {
    const pc = n?.t === 'insn' ? n.insn.pc : this.pcOf(n);
    await vscode.commands.executeCommand('debug.action.openDisassemblyView');
    if (pc !== undefined) void vscode.window.setStatusBarMessage(`tbscope: TB at 0x${pc.toString(16)}`, 4000);
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

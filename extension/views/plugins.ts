// Plugins list: the loaded plugins with their arguments; add (QEMU -plugin syntax) and remove
// while the guest is stopped — the adapter flushes TBs so the change takes effect, as in QEMU.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { REQ, type PluginInfo } from '../protocol';

export class PluginsView implements vscode.TreeDataProvider<PluginInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [this.changed];

  constructor(private readonly feed: SessionFeed) {
    this.subs.push(
      vscode.window.createTreeView('tbscope.plugins', { treeDataProvider: this }),
      feed.onDidChange(() => this.changed.fire()),
      vscode.commands.registerCommand('tbscope.plugins.add', () => this.add()),
      vscode.commands.registerCommand('tbscope.plugins.remove', (p?: PluginInfo) => p && this.remove(p)),
    );
  }

  getChildren(p?: PluginInfo): PluginInfo[] { return p ? [] : this.feed.data.plugins; }

  getTreeItem(p: PluginInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    Object.assign(item, { id: `plugin:${p.id ?? p.name}`, description: p.args.join(','), contextValue: 'plugin', iconPath: new vscode.ThemeIcon('extensions') });
    return item;
  }

  private canChange(): vscode.DebugSession | undefined {
    const s = this.feed.session;
    if (!s) { void vscode.window.showWarningMessage('tbscope: start a debug session first.'); return undefined; }
    if (!this.feed.data.stopped) { void vscode.window.showWarningMessage('tbscope: pause the program to change plugins.'); return undefined; }
    return s;
  }

  private async add(): Promise<void> {
    const s = this.canChange();
    if (!s) return;
    const spec = await vscode.window.showInputBox({ prompt: 'Plugin in QEMU -plugin syntax', placeHolder: 'hotblocks,inline=on  or  ./my-plugin.js,k=v' });
    if (!spec) return;
    await this.request(s, { action: 'load', spec }, `loaded ${spec}`);
  }

  private async remove(p: PluginInfo): Promise<void> {
    const s = this.canChange();
    if (s) await this.request(s, { action: 'unload', id: p.id, name: p.name }, `unloaded ${p.name}`);
  }

  private async request(s: vscode.DebugSession, args: object, done: string): Promise<void> {
    try {
      await s.customRequest(REQ.plugins, args);
      void vscode.window.setStatusBarMessage(`tbscope: ${done}`, 3000);
    } catch (e) {
      void vscode.window.showErrorMessage(`tbscope: ${(e as Error).message}`);
    }
    await this.feed.refresh();
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

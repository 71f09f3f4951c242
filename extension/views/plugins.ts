// Plugins list: the loaded plugins with their arguments; add (a pick of the built-ins with what
// each reports and its QEMU arguments, or a path to a .js plugin) and remove while the guest is
// stopped — the adapter flushes TBs so the change takes effect, as in QEMU.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { pluginPicks } from '../model/plugins';
import { call, REQUESTS, type PluginInfo, type PluginsArgs } from '../protocol';

export class PluginsView implements vscode.TreeDataProvider<PluginInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[] = [this.changed];
  private readonly tree: vscode.TreeView<PluginInfo>;

  constructor(private readonly feed: SessionFeed) {
    this.tree = vscode.window.createTreeView('tbscope.plugins', { treeDataProvider: this });
    this.subs.push(
      this.tree,
      feed.subscribe('plugins', () => this.tree.visible),
      this.tree.onDidChangeVisibility((e) => { if (e.visible) feed.wake('plugins'); }),
      feed.onDidChange((topics) => { if (topics.has('plugins')) this.changed.fire(); }),
      vscode.commands.registerCommand('tbscope.plugins.add', () => this.add()),
      vscode.commands.registerCommand('tbscope.plugins.remove', (p?: PluginInfo) => p && this.remove(p)),
    );
  }

  getChildren(p?: PluginInfo): PluginInfo[] { return p ? [] : this.feed.data.plugins; }

  getTreeItem(p: PluginInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    const about = this.feed.data.builtins.find((b) => b.name === p.name);
    Object.assign(item, {
      id: `plugin:${p.id}`, description: p.args.join(','), tooltip: about ? `${p.name}: ${about.description}` : p.name,
      contextValue: 'plugin', iconPath: new vscode.ThemeIcon('extensions'),
    });
    return item;
  }

  private canChange(): vscode.DebugSession | undefined {
    const s = this.feed.session;
    if (!s || this.feed.data.state === 'ended') { void vscode.window.showWarningMessage('tbscope: start a debug session first.'); return undefined; }
    if (this.feed.data.state !== 'stopped') { void vscode.window.showWarningMessage('tbscope: pause the program to change plugins.'); return undefined; }
    return s;
  }

  private async add(): Promise<void> {
    const s = this.canChange();
    if (!s) return;
    await this.feed.ensure('plugins');
    const picked = await vscode.window.showQuickPick(pluginPicks(this.feed.data.builtins, this.feed.data.plugins), {
      placeHolder: 'Plugin to load (QEMU -plugin syntax; arguments can be added next)', matchOnDescription: true, matchOnDetail: true,
    });
    if (!picked) return;
    const spec = await vscode.window.showInputBox({
      prompt: picked.name ? `Arguments for ${picked.name}: ${picked.args || 'none'}` : 'Path to a .js plugin, then its arguments (QEMU -plugin syntax)',
      value: picked.name ?? './', valueSelection: picked.name ? [picked.name.length, picked.name.length] : undefined,
      placeHolder: picked.name ? `${picked.name},k=v` : './my-plugin.js,k=v',
    });
    if (!spec) return;
    await this.request(s, { action: 'load', spec }, `loaded ${spec}`);
  }

  private async remove(p: PluginInfo): Promise<void> {
    const s = this.canChange();
    if (s) await this.request(s, { action: 'unload', id: p.id, name: p.name }, `unloaded ${p.name}`);
  }

  private async request(s: vscode.DebugSession, args: PluginsArgs, done: string): Promise<void> {
    try {
      await call(s, REQUESTS.plugins, args);
      void vscode.window.setStatusBarMessage(`tbscope: ${done}`, 3000);
    } catch (e) {
      void vscode.window.showErrorMessage(`tbscope: ${(e as Error).message}`);
    }
    // The TBs were flushed: everything is fetched again.
    await this.feed.reload();
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

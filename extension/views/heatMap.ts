// Memory Heat Map: page cells coloured by access count (log scale), grouped by the mapping they
// fall in, updating from the feed; a click on a cell selects that page in Hot Pages, a click on a
// group's title zooms into it, and the toolbar shows reads + writes, reads or writes. It lives as
// a webview view in the debug side bar and, for a large view, as an editor panel ("Open Heat Map
// in Editor"). The page script is static (media/heatmap.js) and receives only numbers and the
// mappings' names, under a nonce CSP.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { cellSize, heatRegions } from '../model/heatmap';

type PageMessage = { select?: number; ready?: boolean; size?: { width: number; height: number } };

export class HeatMapView implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly pages = new Set<{ webview: vscode.Webview; visible: () => boolean; size: { width: number; height: number } }>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly feed: SessionFeed,
    private readonly select: (address: number) => void) {
    this.subs.push(
      vscode.window.registerWebviewViewProvider('tbscope.heatMap', this, { webviewOptions: { retainContextWhenHidden: true } }),
      feed.subscribe('hotPages', () => [...this.pages].some((p) => p.visible())),
      feed.onDidChange((topics) => { if (topics.has('hotPages')) this.post(); }),
      feed.onDidChangeState(() => this.post()),
      vscode.commands.registerCommand('tbscope.heatMap.openPanel', () => this.openPanel()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const page = this.attach(view.webview, () => view.visible);
    view.onDidChangeVisibility(() => { if (view.visible) { this.feed.wake('hotPages'); this.post(); } });
    view.onDidDispose(() => this.pages.delete(page));
  }

  private openPanel(): void {
    const panel = vscode.window.createWebviewPanel('tbscope.heatMapPanel', 'Memory Heat Map', vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: true });
    const page = this.attach(panel.webview, () => panel.visible);
    panel.onDidChangeViewState(() => { if (panel.visible) { this.feed.wake('hotPages'); this.post(); } });
    panel.onDidDispose(() => this.pages.delete(page));
    this.feed.wake('hotPages');
  }

  private attach(webview: vscode.Webview, visible: () => boolean) {
    const media = vscode.Uri.joinPath(this.ctx.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [media] };
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'heatmap.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'heatmap.css'));
    webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<link rel="stylesheet" href="${style}"></head><body>
<div id="bar"><span id="modes"></span><span id="status"></span></div>
<p id="empty">No memory accesses yet. Start a tbscope debug session (the hotpages plugin is loaded by default) and step or continue: pages light up as the program reads and writes them.</p>
<div id="map"></div><div id="legend"></div>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
    const page = { webview, visible, size: { width: 300, height: 300 } };
    this.pages.add(page);
    this.subs.push(webview.onDidReceiveMessage((m: PageMessage) => {
      if (typeof m.select === 'number') this.select(m.select);
      if (m.size) { page.size = m.size; this.postTo(page); }
      if (m.ready) this.postTo(page); // the page missed what was posted before its script ran
    }));
    return page;
  }

  private post(): void { for (const p of this.pages) if (p.visible()) this.postTo(p); }

  private postTo(p: { webview: vscode.Webview; size: { width: number; height: number } }): void {
    const regions = heatRegions(this.feed.data.hotPages, this.feed.data.regions);
    const cells = regions.reduce((n, r) => n + r.cells.length, 0);
    const max = Math.max(0, ...this.feed.data.hotPages.map((x) => x.reads + x.writes));
    void p.webview.postMessage({ regions, cell: cellSize(cells, p.size.width, p.size.height), max, ended: this.feed.data.state === 'ended' });
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

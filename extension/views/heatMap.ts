// Memory Heat Map webview view: page cells coloured by access count (log scale), updating live
// from the feed; clicking a cell selects that page in Hot Pages. The page script is static
// (media/heatmap.js) and receives only numbers, under a nonce CSP.

import * as vscode from 'vscode';
import type { SessionFeed } from '../feed';
import { heatRegions } from '../model/heatmap';

export class HeatMapView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: vscode.ExtensionContext, private readonly feed: SessionFeed,
    private readonly select: (address: number) => void) {
    this.subs.push(
      vscode.window.registerWebviewViewProvider('tbscope.heatMap', this, { webviewOptions: { retainContextWhenHidden: true } }),
      feed.onDidChange(() => this.post()),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.ctx.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    const nonce = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const script = view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'heatmap.js'));
    const style = view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'heatmap.css'));
    view.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${view.webview.cspSource}; script-src 'nonce-${nonce}';">
<link rel="stylesheet" href="${style}"></head><body>
<p id="empty">No memory accesses yet. Start a tbscope debug session (the hotpages plugin is loaded by default) and step or continue: pages light up as the program reads and writes them.</p>
<div id="map"></div><div id="legend"></div>
<script nonce="${nonce}" src="${script}"></script></body></html>`;
    this.subs.push(view.webview.onDidReceiveMessage((m: { select?: number; ready?: boolean }) => {
      if (typeof m.select === 'number') this.select(m.select);
      if (m.ready) this.post(); // the page missed what was posted before its script ran
    }));
    view.onDidChangeVisibility(() => this.post());
    this.post();
  }

  private post(): void {
    if (!this.view?.visible) return;
    void this.view.webview.postMessage({ regions: heatRegions(this.feed.data.hotPages) });
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

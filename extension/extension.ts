// tbscope's VS Code extension entry: registrations only (DESIGN.md "extension/ is thin"). The
// debugger, the TB Scope views fed by the adapter's tbscope/* requests and events, the TB
// document provider and the RISC-V assembly language client; everything goes into
// context.subscriptions so deactivation disposes it.

import * as vscode from 'vscode';
import { registerDebugging } from './debug';
import { SessionFeed } from './feed';
import { startLanguageClient } from './languageClient';
import { CallbackTraceView } from './views/callbackTrace';
import { HeatMapView } from './views/heatMap';
import { HotPagesView } from './views/hotPages';
import { MEM_SCHEME, MemoryDocuments } from './views/memory';
import { PluginsView } from './views/plugins';
import { TranslationBlocksView } from './views/translationBlocks';

export function activate(context: vscode.ExtensionContext): void {
  registerDebugging(context);
  const feed = new SessionFeed();
  const hotPages = new HotPagesView(feed);
  context.subscriptions.push(
    feed,
    hotPages,
    new TranslationBlocksView(feed),
    new CallbackTraceView(feed),
    new PluginsView(feed),
    new HeatMapView(context, feed, (a) => void hotPages.reveal(a)),
    vscode.workspace.registerTextDocumentContentProvider(MEM_SCHEME, new MemoryDocuments(() => feed.session)),
    vscode.commands.registerCommand('tbscope.refreshViews', () => feed.refresh()),
  );
  startLanguageClient(context);
}

export function deactivate(): void { /* everything is in context.subscriptions */ }

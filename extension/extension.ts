// tbscope's VS Code extension entry: registrations only (docs/architecture.md: extension/ is registrations only). The
// debugger, the TB Scope views (in the Run and Debug side bar) fed by the adapter's tbscope/*
// requests and events through one feed, the TB and memory document providers and the RISC-V
// assembly language client; everything goes into context.subscriptions so deactivation
// disposes it. Adding a view: docs/architecture.md "Adding a view".

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
  const feed = new SessionFeed();
  registerDebugging(context);
  const hotPages = new HotPagesView(feed);
  const memory = new MemoryDocuments(() => feed.session, feed.onDidStop, () => feed.data.instructions);
  context.subscriptions.push(
    feed,
    hotPages,
    memory,
    new TranslationBlocksView(feed),
    new CallbackTraceView(feed),
    new PluginsView(feed),
    new HeatMapView(context, feed, (a) => void hotPages.reveal(a)),
    vscode.workspace.registerTextDocumentContentProvider(MEM_SCHEME, memory),
    vscode.commands.registerCommand('tbscope.refreshViews', () => feed.reload()),
  );
  startLanguageClient(context);
}

export function deactivate(): void { /* everything is in context.subscriptions */ }

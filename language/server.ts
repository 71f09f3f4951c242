// The RISC-V assembly language server (started by extension/languageClient.ts from
// dist/language-server.js; any LSP client can run it with --stdio). Built on tbscope's assembler
// (emulator/asm): diagnostics as you type, hover from the ISA table, completion, go to
// definition, find references and document symbols. No `vscode` import. Documents are
// assembled in a worker thread (analysis-worker.ts), never on the connection's loop.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis } from './analysis';
import { AnalysisWorker, isAnalysisWorker, runAnalysisWorker } from './analysis-worker';
import * as h from './handlers';

/** Re-analysis waits this long after the last keystroke (assembling is cheap, typing is bursty). */
const DEBOUNCE_MS = 150;

export function startServer(connection: Connection, workerEntry = __filename): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; a: Promise<Analysis> }>();
  const timers = new Map<string, NodeJS.Timeout>();
  const workers = new Map<string, AnalysisWorker>();

  // Assembly runs in a worker thread per document (analysis-worker.ts): the connection and the
  // other documents never wait on it.
  const analysisOf = (doc: TextDocument): Promise<Analysis> => {
    const c = cache.get(doc.uri);
    if (c && c.version === doc.version) return c.a;
    let worker = workers.get(doc.uri);
    if (!worker) workers.set(doc.uri, worker = new AnalysisWorker(workerEntry));
    const a = worker.analyse(doc.getText(), doc.uri.startsWith('file:') ? dirname(fileURLToPath(doc.uri)) : undefined);
    cache.set(doc.uri, { version: doc.version, a });
    return a;
  };
  const published = new Map<string, number>();
  const publish = async (doc: TextDocument): Promise<void> => {
    const version = doc.version;
    const a = await analysisOf(doc);
    // Once per version (open also fires a change), and never for a version already replaced.
    if (doc.version !== version || published.get(doc.uri) === version) return;
    published.set(doc.uri, version);
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: h.diagnostics(a) });
  };
  const withDoc = async <T>(uri: string, fn: (doc: TextDocument, a: Analysis) => T, none: T): Promise<T> => {
    const doc = documents.get(uri);
    return doc ? fn(doc, await analysisOf(doc)) : none;
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: ['.', ' ', ','] },
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
    },
    serverInfo: { name: 'tbscope-riscv-asm' },
  }));

  documents.onDidOpen((e) => void publish(e.document));
  documents.onDidChangeContent((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.set(e.document.uri, setTimeout(() => { timers.delete(e.document.uri); void publish(e.document); }, DEBOUNCE_MS));
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    cache.delete(e.document.uri);
    published.delete(e.document.uri);
    workers.get(e.document.uri)?.dispose();
    workers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => withDoc(p.textDocument.uri, (_d, a) => h.hover(a, p.position), null));
  connection.onCompletion((p) => withDoc(p.textDocument.uri, (d, a) => {
    const line = d.getText({ start: { line: p.position.line, character: 0 }, end: { line: p.position.line + 1, character: 0 } });
    return h.completion(a, p.position, line.replace(/\r?\n$/, ''));
  }, []));
  connection.onDefinition((p) => withDoc(p.textDocument.uri, (_d, a) => h.definition(a, p.position, p.textDocument.uri), null));
  connection.onReferences((p) => withDoc(p.textDocument.uri, (_d, a) => h.references(a, p.position, p.textDocument.uri, p.context.includeDeclaration), []));
  connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, (_d, a) => h.documentSymbols(a), []));

  connection.onShutdown(() => { for (const w of workers.values()) w.dispose(); workers.clear(); });
  documents.listen(connection);
  connection.listen();
}

if (isAnalysisWorker()) runAnalysisWorker();
else if (require.main === module) startServer(createConnection(ProposedFeatures.all));

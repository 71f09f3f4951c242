// The RISC-V assembly language server (started by extension/languageClient.ts from
// dist/language-server.js; any LSP client can run it with --stdio). Built on tbscope's assembler
// (emulator/asm): diagnostics as you type, hover from the ISA table, completion, go to
// definition, find references and document symbols. No `vscode` import.

import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileIncludeReader } from '../emulator/node/host';
import { analyse, type Analysis } from './analysis';
import * as h from './handlers';

/** Re-analysis waits this long after the last keystroke (assembling is cheap, typing is bursty). */
const DEBOUNCE_MS = 150;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; a: Analysis }>();
  const timers = new Map<string, NodeJS.Timeout>();

  const analysisOf = (doc: TextDocument): Analysis => {
    const c = cache.get(doc.uri);
    if (c && c.version === doc.version) return c.a;
    const a = analyse(doc.getText(), doc.uri.startsWith('file:') ? fileIncludeReader(dirname(fileURLToPath(doc.uri))) : undefined);
    cache.set(doc.uri, { version: doc.version, a });
    return a;
  };
  const publish = (doc: TextDocument): void => {
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: h.diagnostics(analysisOf(doc)) });
  };
  const withDoc = <T>(uri: string, fn: (doc: TextDocument, a: Analysis) => T, none: T): T => {
    const doc = documents.get(uri);
    return doc ? fn(doc, analysisOf(doc)) : none;
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

  documents.onDidOpen((e) => publish(e.document));
  documents.onDidChangeContent((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.set(e.document.uri, setTimeout(() => { timers.delete(e.document.uri); publish(e.document); }, DEBOUNCE_MS));
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    cache.delete(e.document.uri);
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

  documents.listen(connection);
  connection.listen();
}

if (require.main === module) startServer(createConnection(ProposedFeatures.all));

// Starts the RISC-V assembly language server (dist/language-server.js, built from
// language/server.ts) over IPC for `riscv-asm` documents.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function startLanguageClient(ctx: vscode.ExtensionContext): void {
  const module = vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'language-server.js').fsPath;
  const server: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const client: LanguageClientOptions = {
    documentSelector: [{ language: 'riscv-asm' }],
    diagnosticCollectionName: 'riscv-asm',
  };
  const lc = new LanguageClient('tbscope.riscvAsm', 'RISC-V Assembly (tbscope)', server, client);
  ctx.subscriptions.push(lc);
  void lc.start();
}

// Opens guest memory: in VS Code's hex editor through the debug memory URI scheme when the Hex
// Editor extension is present, otherwise as a read-only hex dump document filled by DAP
// readMemory — so "open in memory view" works in a bare code-server too. Open dumps are read
// again at every stop (the document provider's change event), and their language
// (tbscope-memory) has no brackets, so the bracket colouriser leaves the ASCII column alone.

import * as vscode from 'vscode';
import { hexDump } from '../model/hexdump';
import { hexAddr } from '../protocol';

export const MEM_SCHEME = 'tbscope-mem';
export const MEM_LANGUAGE = 'tbscope-memory';

export class MemoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [this.changed];

  constructor(private readonly session: () => vscode.DebugSession | undefined, onStop: vscode.Event<unknown>,
    private readonly instructions: () => number | undefined) {
    this.subs.push(onStop(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === MEM_SCHEME && !d.isClosed) this.changed.fire(d.uri);
    }));
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const addr = Number(q.get('addr')), count = Number(q.get('count') ?? 4096);
    const s = this.session();
    if (!s) return '// no tbscope debug session\n';
    try {
      const r = await s.customRequest('readMemory', { memoryReference: hexAddr(addr), offset: 0, count }) as { data?: string; unreadableBytes?: number } | undefined;
      const data = Buffer.from(String(r?.data ?? ''), 'base64');
      const unread = r?.unreadableBytes ? `\n// ${r.unreadableBytes} bytes unreadable\n` : '';
      const n = this.instructions();
      return `// guest memory ${hexAddr(addr)} .. ${hexAddr(addr + count)}${n === undefined ? '' : `, read at instruction ${n}`}\n` + hexDump(addr, data) + unread;
    } catch (e) {
      return `// readMemory failed: ${(e as Error).message}\n`;
    }
  }
}

export async function openMemory(session: vscode.DebugSession | undefined, addr: number, count: number): Promise<void> {
  if (!session) { void vscode.window.showWarningMessage('tbscope: start a debug session first.'); return; }
  if (vscode.extensions.getExtension('ms-vscode.hexeditor')) {
    const uri = vscode.Uri.from({
      scheme: 'vscode-debug-memory', authority: session.id,
      path: `/${encodeURIComponent(hexAddr(addr))}/memory.bin`, query: `?range=0:${count}`,
    });
    await vscode.commands.executeCommand('vscode.openWith', uri, 'hexEditor.hexedit');
    return;
  }
  const uri = vscode.Uri.from({ scheme: MEM_SCHEME, path: `/${hexAddr(addr)}.hex`, query: `addr=${addr}&count=${count}` });
  const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), MEM_LANGUAGE);
  // Beside the source, so that the next stop's source line does not replace it.
  await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
}

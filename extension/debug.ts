// Debugging registrations: the adapter descriptor factory (inline in the extension host by
// default, a separate Node process when `tbscope.adapter.mode` is "process") and the
// configuration provider that lets F5 start a session on a C/asm source or an ELF with no
// launch.json (a .s program is passed as is: the adapter assembles it, adapter/asm-program.ts),
// plus initial configurations for a new launch.json.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from './feed';
import { createInlineAdapter } from './inlineAdapter';
import { classify, elfCandidates, isElf, launchConfigFor } from './model/launchGuess';

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly ctx: vscode.ExtensionContext) {}
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const mode = vscode.workspace.getConfiguration('tbscope').get<string>('adapter.mode', 'inline');
    if (mode === 'process') {
      const script = vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'adapter.js').fsPath;
      // The extension host's own executable runs as plain Node with ELECTRON_RUN_AS_NODE.
      return new vscode.DebugAdapterExecutable(process.execPath, [script], { env: { ELECTRON_RUN_AS_NODE: '1' } });
    }
    return new vscode.DebugAdapterInlineImplementation(createInlineAdapter());
  }
}

async function readHead(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try { return (await vscode.workspace.fs.readFile(uri)).subarray(0, 4); } catch { return undefined; }
}

/** The file the user is looking at: a text editor, or a binary opened in a custom/hex editor. */
function activeResource(): { uri: vscode.Uri; languageId?: string } | undefined {
  const ed = vscode.window.activeTextEditor;
  if (ed) return { uri: ed.document.uri, languageId: ed.document.languageId };
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
  return input?.uri ? { uri: input.uri } : undefined;
}

class ConfigProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ ...launchConfigFor('${workspaceFolder}/bin/program', 'tbscope: launch'), stopOnEntry: true }];
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration):
    Promise<vscode.DebugConfiguration | undefined> {
    if (config.type || config.request || config.name) {
      if (!config.program) { void vscode.window.showErrorMessage("tbscope: the launch configuration needs 'program' (an RV64 ELF or a .s/.S file)."); return undefined; }
      return config;
    }
    // No launch.json: debug what is open.
    const res = activeResource();
    if (!res) { void vscode.window.showErrorMessage('tbscope: open a C or RISC-V assembly file, or an RV64 ELF, then press F5.'); return undefined; }
    const path = res.uri.fsPath;
    const kind = classify(path, res.languageId);
    if (kind === 'asm') return launchConfigFor(path);
    if (kind === 'c') {
      for (const c of elfCandidates(path, folder?.uri.fsPath)) {
        const head = await readHead(vscode.Uri.file(c));
        if (head && isElf(head)) return launchConfigFor(c);
      }
      void vscode.window.showErrorMessage(`tbscope: no RV64 ELF built from ${path} was found (looked in bin/, next to it, build/). `
        + 'Build it with riscv64-linux-gnu-gcc -g, or add a launch.json with "program".');
      return undefined;
    }
    const head = await readHead(res.uri);
    if (head && isElf(head)) return launchConfigFor(path);
    void vscode.window.showErrorMessage(`tbscope: ${path} is not a C, assembly or ELF file.`);
    return undefined;
  }
}

/**
 * A frame without line info (a program without -g, _start, a library) has only a listing for a
 * source (adapter/nosource.ts): when VS Code focuses such a frame, open the Disassembly view at
 * it, as CodeLLDB does. The stackTrace answers tell which frames those are; the focus change
 * comes after VS Code opened the listing, so the Disassembly view ends up in front.
 */
class DisassemblyWithoutSource implements vscode.DebugAdapterTrackerFactory, vscode.Disposable {
  private readonly noSource = new Map<string, Set<number>>();
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(vscode.debug.onDidChangeActiveStackItem((item) => {
      if (item instanceof vscode.DebugStackFrame && this.noSource.get(item.session.id)?.has(item.frameId)) {
        setTimeout(() => void vscode.commands.executeCommand('debug.action.openDisassemblyView'), 100);
      }
    }));
  }

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onDidSendMessage: (m: { type?: string; event?: string; command?: string; body?: { stackFrames?: { id: number; source?: { path?: string }; instructionPointerReference?: string }[] } }) => {
        if (m.type === 'event' && m.event === 'stopped') this.noSource.set(session.id, new Set());
        if (m.type !== 'response' || m.command !== 'stackTrace') return;
        const set = this.noSource.get(session.id) ?? new Set<number>();
        for (const f of m.body?.stackFrames ?? []) if (!f.source?.path && f.instructionPointerReference) set.add(f.id);
        this.noSource.set(session.id, set);
      },
      onExit: () => this.noSource.delete(session.id),
    };
  }

  dispose(): void { for (const d of this.subs) d.dispose(); }
}

export function registerDebugging(ctx: vscode.ExtensionContext): void {
  const provider = new ConfigProvider();
  const disassembly = new DisassemblyWithoutSource();
  ctx.subscriptions.push(
    disassembly,
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, disassembly),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(ctx)),
    // Initial trigger: provideDebugConfigurations fills a new launch.json; resolve runs for every launch.
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.commands.registerCommand('tbscope.debugActiveFile', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const cfg = await provider.resolveDebugConfiguration(folder, { type: '', request: '', name: '' });
      if (cfg) await vscode.debug.startDebugging(folder, cfg);
    }),
  );
}

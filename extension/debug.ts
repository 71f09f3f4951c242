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
 * A stop whose top frame has no source (a program without -g, _start, a library) shows nothing
 * in VS Code: open the Disassembly view there, as CodeLLDB does. The stackTrace answer that
 * starts at frame 0 tells.
 */
const showDisassemblyWithoutSource: vscode.DebugAdapterTrackerFactory = {
  createDebugAdapterTracker: () => {
    const fromTop = new Set<number>();
    return {
      onWillReceiveMessage: (m: { type?: string; command?: string; seq?: number; arguments?: { startFrame?: number } }) => {
        if (m.type === 'request' && m.command === 'stackTrace' && !m.arguments?.startFrame && m.seq !== undefined) fromTop.add(m.seq);
      },
      onDidSendMessage: (m: { type?: string; command?: string; request_seq?: number; success?: boolean; body?: { stackFrames?: { source?: unknown; instructionPointerReference?: string }[] } }) => {
        if (m.type !== 'response' || m.command !== 'stackTrace' || m.request_seq === undefined || !fromTop.delete(m.request_seq)) return;
        const top = m.body?.stackFrames?.[0];
        if (m.success && top && !top.source && top.instructionPointerReference) void vscode.commands.executeCommand('debug.action.openDisassemblyView');
      },
    };
  },
};

export function registerDebugging(ctx: vscode.ExtensionContext): void {
  const provider = new ConfigProvider();
  ctx.subscriptions.push(
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, showDisassemblyWithoutSource),
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

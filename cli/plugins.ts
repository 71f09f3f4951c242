// Loads the -plugin / TBSCOPE_PLUGIN specs for a CLI run and connects the plugin layer to the
// Machine and the Linux process, in QEMU's order: plugins install, then see vCPU init, the run,
// and atexit when the guest ends (exit, signal death, or a plugin ending it). Plugin output goes
// to the log only under -d plugin (QEMU's qemu_plugin_outs is that log item); plugin errors
// always reach stderr.

import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GuestProcess } from '../emulator/linux/process';
import type { Machine } from '../emulator/machine';
import { loadPlugins, PluginLoadError, PluginManager } from '../emulator/plugins/index';
import { attachToMachine, codeSpan } from '../emulator/plugins/machine-binding';
import { CliError } from './options';
import { hostFileWriter } from '../emulator/node/host';

// A real dynamic import() even from the CommonJS bundle, so .mjs plugins load too.
const importUrl = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

export async function loadCliPlugins(
  specs: readonly string[], machine: Machine, proc: GuestProcess,
  out: ((text: string) => void) | undefined, symbolOf: (pc: number) => string,
): Promise<PluginManager> {
  const manager = new PluginManager({
    out: (text) => out?.(text),
    error: (line) => { writeSync(2, line.endsWith('\n') ? line : line + '\n'); },
    writeFile: hostFileWriter(process.cwd()),
  });
  try {
    await loadPlugins(manager, specs, { importModule: (path) => importUrl(pathToFileURL(resolve(path)).href) });
  } catch (e) {
    if (e instanceof PluginLoadError) throw new CliError(e.message.replace(/^tbscope: /, ''));
    throw e;
  }
  attachToMachine(manager, machine, {
    pathToBinary: proc.exePath,
    ...codeSpan(proc.image),
    entryCode: proc.image.programEntry,
    symbolize: (pc) => symbolOf(pc) || null,
  });
  manager.vcpuInit(0);
  return manager;
}

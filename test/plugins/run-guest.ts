// Runs a guest program on the real Machine and Linux layer with plugins attached the way the CLI
// does (attachToMachine + imageExtras, vCPU init, run to exit, atexit), capturing the plugin log
// and plugin errors. Shared by the plugin tests that need a whole program (machine, oracle).

import { createProcess } from '../../emulator/linux/process';
import { Machine } from '../../emulator/machine';
import { createNodeHost } from '../../emulator/node/host';
import { PluginManager } from '../../emulator/plugins/core';
import { attachToMachine, imageExtras } from '../../emulator/plugins/machine-binding';

export interface PluginRun {
  /** Exit status as a shell sees it. */
  status: number;
  /** Everything the plugins wrote with qemu_plugin_outs. */
  log: string;
  /** Plugin error lines (a callback threw, a plugin refused to load …). */
  errors: string[];
  /** The program break at the end (where the brk heap ends). */
  brkEnd: number;
  /** Guest instructions retired, what the guest wrote to stdout, and regions built. */
  instret: number;
  stdout: string;
  regionsBuilt: number;
}

/** Runs `prog` (argv = [prog], empty environment, deterministic) with the plugins `setup` loads. */
export function runWithPlugins(prog: string, setup: (mgr: PluginManager) => void, opts: { regions?: boolean } = {}): PluginRun {
  let log = '', stdout = '';
  const errors: string[] = [];
  const host = createNodeHost({ deterministic: true, stdout: (d) => { stdout += Buffer.from(d).toString('latin1'); }, stderr: () => undefined, log: () => undefined });
  const machine = new Machine();
  machine.regions = opts.regions ?? true;
  const proc = createProcess({ program: prog, argv: [prog], env: [], host, machine, deterministic: true });
  const mgr = new PluginManager({ out: t => { log += t; }, error: l => errors.push(l) });
  setup(mgr);
  attachToMachine(mgr, machine, imageExtras(proc.image, proc.exePath));
  mgr.vcpuInit(0);
  const end = proc.runToExit();
  mgr.atexit();
  return { status: end.status, log, errors, brkEnd: proc.kernel.brkCur, instret: machine.cpu.instret, stdout, regionsBuilt: machine.stats.regionsBuilt };
}

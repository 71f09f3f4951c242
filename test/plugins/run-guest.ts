// Runs a guest program on the real Machine and Linux layer with plugins attached the way the CLI
// does (createGuest + attachPlugins, run to exit, finish: vcpu_exit + atexit), capturing the plugin log
// and plugin errors. Shared by the plugin tests that need a whole program (machine, oracle).

import { createGuest } from '../../emulator/guest';
import { createNodeHost } from '../../emulator/node/host';
import { PluginManager } from '../../emulator/plugins/core';

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
  const guest = createGuest({ program: prog, argv: [prog], env: [], host, deterministic: true });
  const { machine, proc } = guest;
  machine.regions = opts.regions ?? true;
  const mgr = new PluginManager({ out: t => { log += t; }, error: l => errors.push(l) });
  setup(mgr);
  guest.attachPlugins(mgr);
  const end = guest.runToExit();
  guest.finish();
  return { status: end.status, log, errors, brkEnd: proc.kernel.brkCur, instret: machine.instret, stdout, regionsBuilt: machine.stats.regionsBuilt };
}

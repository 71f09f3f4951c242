// The one factory that builds a guest: a Machine (shared memory and TB cache, one vCPU per guest
// thread), the Linux process on it, and the plugins wired in through the Machine's and kernel's
// hook lists. The CLI (cli/engine.ts), the debug adapter (adapter/runtime.ts) and the tests all
// build their guests here, so they run the same emulator the same way.

import { createProcess, type GuestProcess, type ProcessEnd, type ProcessOptions } from './linux/process';
import { Machine, type MachineOptions } from './machine';
import { attachPlugins, imageExtras, pluginsUserExit, type AttachExtras } from './plugins/machine-binding';
import type { PluginManager } from './plugins/core';

export interface GuestOptions extends Omit<ProcessOptions, 'machine'> {
  machine?: MachineOptions;
}

export class Guest {
  readonly machine: Machine;
  readonly proc: GuestProcess;
  plugins?: PluginManager;

  constructor(o: GuestOptions) {
    this.machine = new Machine(o.machine);
    this.proc = createProcess({ ...o, machine: this.machine });
  }

  get kernel(): GuestProcess['kernel'] { return this.proc.kernel; }

  /**
   * Wires loaded plugins in (translate hook, vCPU and syscall hooks); vcpu_init runs for the vCPUs
   * that exist. Extras default to what the program image tells (QEMU's start_code, entry, symbols).
   */
  attachPlugins(mgr: PluginManager, extras: AttachExtras = imageExtras(this.proc.image, this.proc.exePath)): void {
    this.plugins = mgr;
    attachPlugins(mgr, this.machine, this.proc.kernel, extras);
  }

  /** Runs the guest to its end (see GuestProcess.runToExit); finish() afterwards. */
  runToExit(opts?: { sliceInsns?: number }): ProcessEnd { return this.proc.runToExit(opts); }

  /** The end of the process for the plugins: vcpu_exit for every vCPU left, then atexit (once). */
  finish(): void {
    if (this.plugins) pluginsUserExit(this.plugins, this.machine);
  }
}

/** Builds a guest; throws LoadError/ElfError/HostError for programs that cannot be loaded. */
export function createGuest(o: GuestOptions): Guest {
  return new Guest(o);
}

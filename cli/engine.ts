// The one place where the CLI meets the emulator: builds a Machine and a Linux process from the
// options, wires the -d items and plugins to them and runs the guest to its end. Load problems
// the user can fix (missing file, not ELF, wrong machine, no interpreter) become CliErrors.

import { ElfError } from '../emulator/elf/elf';
import { HostError } from '../emulator/host';
import { LoadError } from '../emulator/linux/loader';
import { ReplayDivergence } from '../emulator/record';
import { createProcess, type GuestProcess } from '../emulator/linux/process';
import { Machine } from '../emulator/machine';
import { attachLogs } from './logs';
import { guestIo } from './recording';
import { CliError, type RunOptions } from './options';
import { PluginExit, type PluginManager } from '../emulator/plugins/index';
import { loadCliPlugins } from './plugins';
import { qemuSymbolLookup } from './qemu-symbols';

export interface GuestConfig {
  options: RunOptions;
  /** Full guest argv (argv[0] included) and environment ("K=V"). */
  argv: string[];
  envp: string[];
  /** Where -d output and plugin `outs` go (stderr or the -D file); takes text ending in '\n'. */
  log(text: string): void;
}

export interface GuestRun {
  /** Exit status as a shell sees it (128+signo for a signal death, already reported on stderr). */
  status: number;
  tbsTranslated: number;
  guestInsns: number;
  regionsBuilt: number;
  tbsPromoted: number;
}

/** Load errors are the user's business: one line, no stack. */
function asCliError(e: unknown): unknown {
  if (e instanceof ElfError || e instanceof LoadError) return new CliError(e.message);
  if (e instanceof HostError || e instanceof ReplayDivergence) return new CliError(e.message);
  return e;
}

export async function runGuest(cfg: GuestConfig): Promise<GuestRun> {
  const o = cfg.options;
  const toLine = (line: string) => cfg.log(line.endsWith('\n') ? line : line + '\n');
  const io = guestIo(o, cfg.argv, cfg.envp, toLine);
  const { host, run } = io;
  const machine = new Machine({ oneInsnPerTb: o.oneInsnPerTb, hotCode: o.hotCode });

  let proc: GuestProcess;
  try {
    proc = createProcess({
      program: run.program, argv: run.argv, env: run.envp, host, machine, sysroot: run.sysroot,
      deterministic: run.deterministic, strace: o.log.has('strace'), unimp: o.log.has('unimp'),
    });
  } catch (e) {
    throw asCliError(e);
  }

  const img = proc.image;
  const objects = img.interp ? [img.program, img.interp] : [img.program];
  const symbolOf = qemuSymbolLookup(objects);
  attachLogs(machine, o.log, { symbolOf, symbols: img.symbols }, cfg.log);
  let plugins: PluginManager | undefined;
  if (o.plugins.length) plugins = await loadCliPlugins(o.plugins, machine, proc, o.log.has('plugin') ? cfg.log : undefined, symbolOf);

  let status: number;
  try {
    const end = proc.runToExit();
    if (end.status < 0) throw new Error(`guest stopped unexpectedly (${end.stop.kind})`);
    status = end.status;
  } catch (e) {
    // A plugin ended the emulation (QEMU plugins call exit(), e.g. stoptrigger).
    if (!(e instanceof PluginExit)) throw asCliError(e);
    status = e.code & 0xff;
  }
  // QEMU runs the plugins' atexit callbacks however the guest ended (their reports).
  plugins?.atexit();
  const { tbsTranslated, regionsBuilt, tbsPromoted } = machine.stats;
  const guestInsns = machine.cpu.instret;
  io.finish({ status, insns: guestInsns });
  return { status, tbsTranslated, guestInsns, regionsBuilt, tbsPromoted };
}

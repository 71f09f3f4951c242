// The one place where the CLI meets the emulator: builds a Machine and a Linux process from the
// options, wires the -d items and plugins to them and runs the guest to its end. Load problems
// the user can fix (missing file, not ELF, wrong machine, no interpreter) become CliErrors.

import { ElfError } from '../emulator/elf/elf';
import { HostError } from '../emulator/host';
import { LoadError } from '../emulator/linux/loader';
import { ReplayDivergence } from '../emulator/record';
import { createGuest, type Guest } from '../emulator/guest';
import { attachLogs } from './logs';
import { guestIo } from './recording';
import { CliError, type RunOptions } from './options';
import { PluginExit } from '../emulator/plugins/index';
import { codeSpan } from '../emulator/plugins/machine-binding';
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
  let guest: Guest;
  try {
    guest = createGuest({
      program: run.program, argv: run.argv, env: run.envp, host, sysroot: run.sysroot,
      machine: { oneInsnPerTb: o.oneInsnPerTb, hotCode: o.hotCode },
      deterministic: run.deterministic, strace: o.log.has('strace'), unimp: o.log.has('unimp'),
    });
  } catch (e) {
    throw asCliError(e);
  }
  const { machine, proc } = guest;

  const img = proc.image;
  const objects = img.interp ? [img.program, img.interp] : [img.program];
  const symbolOf = qemuSymbolLookup(objects);
  attachLogs(machine, o.log, { symbolOf, symbols: img.symbols }, cfg.log);
  if (o.plugins.length) {
    const plugins = await loadCliPlugins(o.plugins, o.log.has('plugin') ? cfg.log : undefined);
    guest.attachPlugins(plugins, {
      pathToBinary: proc.exePath, ...codeSpan(proc.image), entryCode: proc.image.programEntry,
      symbolize: (pc) => symbolOf(pc) || null,
    });
  }

  let status: number;
  try {
    const end = guest.runToExit();
    if (end.status < 0) throw new Error(`guest stopped unexpectedly (${end.stop.kind})`);
    status = end.status;
  } catch (e) {
    // A plugin ended the emulation (QEMU plugins call exit(), e.g. stoptrigger).
    if (!(e instanceof PluginExit)) throw asCliError(e);
    status = e.code & 0xff;
  }
  // QEMU runs the plugins' vcpu_exit and atexit callbacks however the guest ended (their reports).
  guest.finish();
  const { tbsTranslated, regionsBuilt, tbsPromoted } = machine.stats;
  const guestInsns = machine.instret;
  io.finish({ status, insns: guestInsns });
  return { status, tbsTranslated, guestInsns, regionsBuilt, tbsPromoted };
}

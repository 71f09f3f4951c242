// tbscope's command-line front end (bin/tbscope runs the bundle of this file): parses the
// qemu-riscv64-style command line, runs the guest, and turns the outcome into an exit status.
// Every failure becomes one line "tbscope: …" and status 1; a stack trace is printed only with
// TBSCOPE_DEBUG=1 (for our bugs, not the user's mistakes).

import { closeSync, openSync, writeSync } from 'node:fs';
import { runGuest } from './engine';
import { CliError, guestEnvironment, logHelp, parseArgs, usage, type RunOptions } from './options';
import { formatStats } from './stats';
import { VERSION } from './version';
import { tuneV8 } from '../emulator/node/v8-tuning';

/**
 * Writes all of a string to a file descriptor synchronously, so exit never loses output. A pipe
 * Node has made non-blocking can refuse with EAGAIN while its reader catches up: retry.
 */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try { off += writeSync(fd, buf, off); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function runProgram(o: RunOptions, hostEnv: NodeJS.ProcessEnv): Promise<number> {
  let logFd = 2;
  if (o.logFile !== undefined) {
    try { logFd = openSync(o.logFile, 'w'); } catch (e) {
      throw new CliError(`cannot open log file '${o.logFile}': ${(e as Error).message}`);
    }
  }
  try {
    const started = process.hrtime.bigint();
    const result = await runGuest({
      options: o,
      argv: [o.argv0 ?? o.program, ...o.args],
      envp: guestEnvironment(hostEnv, o.envOps),
      log: (text) => writeAll(logFd, text),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (o.stats) writeAll(2, formatStats({ ...result, seconds }));
    return result.status;
  } finally {
    if (logFd !== 2) closeSync(logFd);
  }
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cmd = parseArgs(argv, env);
  switch (cmd.kind) {
    case 'help': writeAll(1, usage()); return 0;
    case 'log-help': writeAll(1, logHelp()); return 0;
    case 'version': writeAll(1, `tbscope version ${VERSION}\nRV64GC Linux user-mode emulator, QEMU-TCG style\n`); return 0;
    case 'run': return runProgram(cmd.options, env);
  }
}

async function topLevel(): Promise<void> {
  let status: number;
  tuneV8();
  try {
    status = await main(process.argv.slice(2), process.env);
  } catch (e) {
    const debug = process.env.TBSCOPE_DEBUG === '1';
    if ((e as NodeJS.ErrnoException)?.code === 'EPIPE') {
      // The reader of our stdout went away (`tbscope prog | head`): end the way qemu-riscv64 does,
      // killed by SIGPIPE — silently, status 128+13.
      process.exit(128 + 13);
    }
    if (e instanceof CliError) {
      writeAll(2, `tbscope: ${e.message}\n`);
    } else {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      writeAll(2, `tbscope: internal error: ${msg}${debug ? '' : ' (set TBSCOPE_DEBUG=1 for details)'}\n`);
    }
    if (debug && e instanceof Error && e.stack) writeAll(2, e.stack + '\n');
    status = 1;
  }
  process.exit(status);
}

// This module is the program: bin/tbscope loads it (bundled or through tsx) to run it.
void topLevel();

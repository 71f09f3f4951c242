// -record FILE and -replay FILE for the CLI: which host the guest runs on (the real one, the
// real one with every call logged, or a recording answering every call) and what is written or
// checked when the run ends. Replay prints the recorded program's output again and fails with
// one line when the replayed run ends differently from the recorded one.

import { createNodeHost, writeAll } from '../emulator/node/host';
import { readRecording, RecordingError, writeRecording, type RecordedRun } from '../emulator/node/recording-file';
import { recordHost, replayHost } from '../emulator/record';
import type { HostServices } from '../emulator/host';
import { CliError, type RunOptions } from './options';

export interface GuestIo {
  host: HostServices;
  /** The program as it runs (from the command line, or from the recording on replay). */
  run: RecordedRun;
  /** Called with the run's end: writes the recording, or checks the replay against it. */
  finish(end: { status: number; insns: number }): void;
}

export function guestIo(o: RunOptions, argv: string[], envp: string[], log: (line: string) => void): GuestIo {
  if (o.replayFile !== undefined) {
    let rec;
    try { rec = readRecording(o.replayFile); } catch (e) {
      throw e instanceof RecordingError ? new CliError(e.message) : e;
    }
    const host = replayHost(rec.log, {
      stdout: (d) => writeAll(1, d), stderr: (d) => writeAll(2, d), log,
    });
    return {
      host, run: rec.run,
      finish: (end) => {
        const want = rec.end;
        if (want && (want.status !== end.status || want.insns !== end.insns)) {
          throw new CliError(`replay diverged: the recorded run ended with status ${want.status} after ${want.insns} instructions, the replay with status ${end.status} after ${end.insns}`);
        }
      },
    };
  }
  const run: RecordedRun = { program: o.program, argv, envp, sysroot: o.ldPrefix, deterministic: o.deterministic };
  const real = createNodeHost({ deterministic: o.deterministic, log });
  if (o.recordFile === undefined) return { host: real, run, finish: () => undefined };
  const file = o.recordFile;
  const { host, log: calls } = recordHost(real);
  return {
    host, run,
    finish: (end) => {
      try { writeRecording(file, { run, log: calls, end }); } catch (e) {
        throw new CliError(`cannot write recording '${file}': ${(e as Error).message}`);
      }
    },
  };
}

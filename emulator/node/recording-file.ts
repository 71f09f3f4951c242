// A recording on disk (`tbscope -record FILE`, `-replay FILE`): gzip-compressed JSON holding
// what the run was (program, argv, environment, the options that change execution), the host
// call log of emulator/record.ts, and how it ended (status, instruction count) so a replay can
// tell whether it reproduced the run. Byte arrays are stored as base64, bigints as decimal text.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { HostLog } from '../record';

export const RECORDING_FORMAT = 'tbscope-recording';
export const RECORDING_VERSION = 1;

/** What is needed to start the same guest again. */
export interface RecordedRun {
  program: string;
  argv: string[];
  envp: string[];
  sysroot?: string;
  deterministic: boolean;
}

export interface Recording {
  run: RecordedRun;
  log: HostLog;
  end?: { status: number; insns: number };
}

/** A recording that cannot be read: one line for the user. */
export class RecordingError extends Error {}

export function encodeRecording(r: Recording): Buffer {
  const text = JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION, ...r }, function (this: unknown, _k, v: unknown) {
    if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'bigint') return { $n: v.toString() };
    return v;
  });
  return gzipSync(Buffer.from(text, 'utf8'));
}

export function decodeRecording(data: Uint8Array, name = 'recording'): Recording {
  let obj: { format?: unknown; version?: unknown } & Partial<Recording>;
  try {
    obj = JSON.parse(gunzipSync(data).toString('utf8'), (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        if (typeof o.$b === 'string') return new Uint8Array(Buffer.from(o.$b, 'base64'));
        if (typeof o.$n === 'string') return BigInt(o.$n);
      }
      return v;
    }) as typeof obj;
  } catch {
    throw new RecordingError(`${name}: not a tbscope recording (not gzip-compressed JSON)`);
  }
  if (obj.format !== RECORDING_FORMAT) throw new RecordingError(`${name}: not a tbscope recording`);
  if (obj.version !== RECORDING_VERSION) throw new RecordingError(`${name}: recording format version ${String(obj.version)}, this tbscope reads version ${RECORDING_VERSION}`);
  const run = obj.run, log = obj.log;
  if (!run || typeof run.program !== 'string' || !Array.isArray(run.argv) || !Array.isArray(run.envp) || !log || !Array.isArray(log.calls) || !Array.isArray(log.has)) {
    throw new RecordingError(`${name}: damaged recording (missing run or host call log)`);
  }
  return { run, log, end: obj.end };
}

export function writeRecording(file: string, r: Recording): void {
  writeFileSync(file, encodeRecording(r));
}

export function readRecording(file: string): Recording {
  let data: Buffer;
  try { data = readFileSync(file); } catch (e) {
    throw new RecordingError(`cannot read recording '${file}': ${(e as Error).message}`);
  }
  return decodeRecording(data, file);
}

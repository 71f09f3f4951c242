// Record and replay of everything the guest learns from outside: the determinism boundary of
// time travel. Every input of a run comes through HostServices (files, clocks, stdin, random
// bytes, stdio facts, CPU mask, pid, cwd — the emulator core touches nothing else, see
// docs/time-travel.md), so a run is a pure function of the sequence of host call results.
// recordHost wraps a real host and logs each call's result (and the bytes it produced, for
// reads); replayHost answers the same calls from such a log without touching any host, so
// re-executing a run writes no file twice and its output goes only where the caller says.
// The log is plain data (no host objects) so emulator/node/recording-file.ts can store it.

import { HostError, type HostFile, type HostFs, type HostServices } from './host';

/** One host call: its name, result (or errno), and the bytes it wrote into the caller's buffer. */
export interface HostCall {
  m: string;
  /** Return value (plain data; bigints and byte arrays allowed). */
  r?: unknown;
  /** The call threw HostError with this errno (and message). */
  e?: number;
  msg?: string;
  /** Bytes the call filled into its buffer argument (read, stdin, randomBytes). */
  b?: Uint8Array;
}

export interface HostLog {
  /** Optional HostServices/HostFs members the recorded host had (absent ones stay absent on replay). */
  has: string[];
  calls: HostCall[];
}

/** The replayed run asked the host for something the recorded run did not: replay cannot go on. */
export class ReplayDivergence extends Error {}

const OPTIONAL_SERVICES = ['stdioInfo', 'cpuAffinity', 'pid', 'cwd'] as const;
const OPTIONAL_FS = ['fstat', 'truncate', 'ftruncate', 'chmod', 'fchmod', 'chown', 'fchown', 'utimes', 'futimes', 'statfs', 'symlink', 'link'] as const;
/** HostFs calls whose only arguments are paths and numbers (a HostFile argument needs mapping). */
const PLAIN_FS = ['stat', 'readdir', 'readlink', 'unlink', 'rmdir', 'mkdir', 'rename', 'access', 'readFile',
  'truncate', 'chmod', 'chown', 'utimes', 'statfs', 'symlink', 'link'] as const;
/** HostFs calls taking a HostFile first. */
const FILE_FS = ['fstat', 'ftruncate', 'fchmod', 'fchown', 'futimes'] as const;

type AnyFn = (...a: unknown[]) => unknown;

/** Objects (stat results, directory lists, file contents) are copied into and out of the log. */
const copyOf = (v: unknown): unknown => (typeof v === 'object' && v !== null ? structuredClone(v) : v);

/**
 * Wraps `inner` so that every call's outcome is appended to the returned log. Output (stdout,
 * stderr) and diagnostics (log) are passed through and not recorded: they are not inputs.
 */
export function recordHost(inner: HostServices): { host: HostServices; log: HostLog } {
  const log: HostLog = { has: [], calls: [] };
  const calls = log.calls;
  const record = <T>(m: string, fn: () => T, bytes?: Uint8Array, keep: (r: T) => unknown = copyOf): T => {
    try {
      const r = fn();
      const c: HostCall = { m, r: keep(r) };
      if (bytes) c.b = bytes.slice(0, typeof r === 'number' ? Math.max(0, r) : bytes.length);
      calls.push(c);
      return r;
    } catch (e) {
      if (e instanceof HostError) calls.push({ m, e: e.errno, msg: e.message });
      throw e;
    }
  };
  // Files opened through the recording host are wrapped; the wrapper remembers the real file.
  const real = new WeakMap<HostFile, HostFile>();
  const wrapFile = (f: HostFile): HostFile => {
    const w: HostFile = {
      read: (buf, pos) => record('file.read', () => f.read(buf, pos), buf),
      write: (buf, pos) => record('file.write', () => f.write(buf, pos)),
      close: () => record('file.close', () => f.close()),
    };
    real.set(w, f);
    return w;
  };
  const unwrap = (f: unknown): HostFile => real.get(f as HostFile) ?? (f as HostFile);

  const fsIn = inner.fs as unknown as Record<string, AnyFn | undefined>;
  const fsOut: Record<string, unknown> = {
    open: (p: string, flags: number, mode: number) => wrapFile(record('open', () => inner.fs.open(p, flags, mode), undefined, () => null)),
  };
  for (const name of PLAIN_FS) {
    const fn = fsIn[name];
    if (fn) fsOut[name] = (...a: unknown[]) => record(name, () => fn.apply(inner.fs, a));
  }
  for (const name of FILE_FS) {
    const fn = fsIn[name];
    if (fn) fsOut[name] = (f: unknown, ...a: unknown[]) => record(name, () => fn.call(inner.fs, unwrap(f), ...a));
  }
  for (const name of OPTIONAL_FS) if (fsIn[name]) log.has.push('fs.' + name);

  const host: HostServices = {
    fs: fsOut as unknown as HostFs,
    stdout: (d) => inner.stdout(d),
    stderr: (d) => inner.stderr(d),
    log: (line) => inner.log(line),
    stdin: (buf) => record('stdin', () => inner.stdin(buf), buf),
    realtimeNs: () => record('realtimeNs', () => inner.realtimeNs()),
    monotonicNs: () => record('monotonicNs', () => inner.monotonicNs()),
    randomBytes: (buf) => record('randomBytes', () => inner.randomBytes(buf), buf),
  };
  const svc = inner as unknown as Record<string, AnyFn | undefined>;
  const out = host as unknown as Record<string, unknown>;
  for (const name of OPTIONAL_SERVICES) {
    const fn = svc[name];
    if (!fn) continue;
    log.has.push(name);
    out[name] = (...a: unknown[]) => record(name, () => fn.apply(inner, a));
  }
  return { host, log };
}

export interface ReplaySinks {
  /** Where the replayed guest's output goes (default: nowhere). */
  stdout?(data: Uint8Array): void;
  stderr?(data: Uint8Array): void;
  /** Diagnostics of the replaying emulator (-d strace …). */
  log?(line: string): void;
}

/**
 * A host answering from `log`, in order, without touching anything. A call that differs from the
 * recorded one (another name: the guest took another path) throws ReplayDivergence. Each replay
 * host is a fresh cursor: to re-execute again, make another.
 */
export function replayHost(log: HostLog, sinks: ReplaySinks = {}): HostServices & { position(): number } {
  let next = 0;
  const take = (m: string): HostCall => {
    const c = log.calls[next];
    if (!c) throw new ReplayDivergence(`replay: the recording ends before host call ${next + 1} (${m})`);
    if (c.m !== m) throw new ReplayDivergence(`replay diverged at host call ${next + 1}: the guest asked for ${m}, the recording has ${c.m}`);
    next++;
    if (c.e !== undefined) throw new HostError(c.e, c.msg);
    return c;
  };
  // A copy each time: the caller may change what it gets, and the log is replayed many times.
  const answer = (m: string) => (): unknown => copyOf(take(m).r);
  const fill = (m: string) => (buf: Uint8Array): unknown => {
    const c = take(m);
    if (c.b) buf.set(c.b.subarray(0, buf.length));
    return c.r;
  };
  const file: HostFile = {
    read: fill('file.read') as HostFile['read'],
    write: answer('file.write') as HostFile['write'],
    close: answer('file.close') as HostFile['close'],
  };
  const has = new Set(log.has);
  const fsOut: Record<string, unknown> = {
    open: () => { take('open'); return { ...file }; },
  };
  for (const name of PLAIN_FS) if (!(OPTIONAL_FS as readonly string[]).includes(name) || has.has('fs.' + name)) fsOut[name] = answer(name);
  for (const name of FILE_FS) if (has.has('fs.' + name)) fsOut[name] = answer(name);
  const host: HostServices & { position(): number } = {
    fs: fsOut as unknown as HostFs,
    stdout: (d) => sinks.stdout?.(d),
    stderr: (d) => sinks.stderr?.(d),
    log: (line) => sinks.log?.(line),
    stdin: fill('stdin') as HostServices['stdin'],
    realtimeNs: answer('realtimeNs') as () => bigint,
    monotonicNs: answer('monotonicNs') as () => bigint,
    randomBytes: fill('randomBytes') as HostServices['randomBytes'],
    position: () => next,
  };
  const out = host as unknown as Record<string, unknown>;
  for (const name of OPTIONAL_SERVICES) if (has.has(name)) out[name] = answer(name);
  return host;
}

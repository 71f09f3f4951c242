// Host call recording and replay (emulator/record.ts), in-process: the syscalls fixture (files
// created, appended and read, directories, clocks, getrandom) recorded on the real host with
// real clocks, then replayed twice after its files were deleted. Each replay must produce the
// same output and instruction count and recreate no file; a log with one call changed or cut
// short must stop with ReplayDivergence instead of running on with wrong inputs.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostServices } from '../../emulator/host';
import { createProcess } from '../../emulator/linux/process';
import { Machine } from '../../emulator/machine';
import { createNodeHost } from '../../emulator/node/host';
import { decodeRecording, encodeRecording } from '../../emulator/node/recording-file';
import { recordHost, replayHost, ReplayDivergence, type HostLog } from '../../emulator/record';
import { fixture } from './helpers';

const PROGRAM = fixture('linux-syscalls');

function runOn(host: HostServices): { instret: number; status: number } {
  const machine = new Machine();
  const proc = createProcess({ program: PROGRAM, argv: [PROGRAM], env: ['A=1'], host, machine, deterministic: false });
  const end = proc.runToExit();
  return { instret: machine.cpu.instret, status: end.status };
}

describe('record and replay of host calls', function () {
  this.timeout(60_000);
  let cwd: string;
  let live: { instret: number; status: number; stdout: string };
  let log: HostLog;

  before(function () {
    cwd = mkdtempSync(join(tmpdir(), 'tbscope-rec-'));
    const out: Uint8Array[] = [];
    const rec = recordHost(createNodeHost({ cwd, stdout: (d) => out.push(d.slice()), stderr: () => undefined, log: () => undefined, stdin: () => 0 }));
    live = { ...runOn(rec.host), stdout: Buffer.concat(out).toString('latin1') };
    log = rec.log;
    // What the live run left behind goes; a replay must not bring it back.
    for (const f of readdirSync(cwd)) rmSync(join(cwd, f), { recursive: true, force: true });
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('records files, clocks and random bytes', function () {
    const names = new Set(log.calls.map((c) => c.m));
    for (const m of ['readFile', 'open', 'file.read', 'file.write', 'monotonicNs', 'realtimeNs', 'randomBytes', 'mkdir']) assert.ok(names.has(m), `no ${m} call recorded`);
    assert.ok(live.stdout.includes('getrandom 16'), live.stdout);
  });

  it('replays the same output and instruction count, twice, creating no file', function () {
    // Through the file format too: what -record writes is what -replay reads.
    const stored = decodeRecording(encodeRecording({ run: { program: PROGRAM, argv: [], envp: [], deterministic: false }, log })).log;
    for (const l of [log, stored]) {
      const out: Uint8Array[] = [];
      const host = replayHost(l, { stdout: (d) => out.push(d.slice()) });
      const r = runOn(host);
      assert.equal(Buffer.concat(out).toString('latin1'), live.stdout);
      assert.deepEqual(r, { instret: live.instret, status: live.status });
      assert.equal(host.position(), l.calls.length, 'every recorded call was asked for');
      assert.deepEqual(readdirSync(cwd), []);
    }
  });

  it('stops with ReplayDivergence when the log does not fit the run', function () {
    const clock = log.calls.findIndex((c) => c.m === 'monotonicNs');
    const changed: HostLog = { has: log.has, calls: log.calls.map((c, i) => (i === clock ? { ...c, m: 'realtimeNs' } : c)) };
    assert.throws(() => runOn(replayHost(changed)), (e: unknown) => e instanceof ReplayDivergence && /host call \d+: the guest asked for monotonicNs, the recording has realtimeNs/.test(e.message));
    const short: HostLog = { has: log.has, calls: log.calls.slice(0, clock) };
    assert.throws(() => runOn(replayHost(short)), (e: unknown) => e instanceof ReplayDivergence && /recording ends before host call/.test(e.message));
  });
});

// -record / -replay (docs/time-travel.md) on real programs of ../shared/corpus: each program is
// run live with -record (and the insn plugin), then replayed in an empty folder — no program,
// no data files, no clock — with and without the plugin. The replay must print the same stdout
// and end with the same status and the same guest instruction count (--stats), the insn plugin's
// report must equal the live run's, and the replay must create no file. CoreMark reads the
// clock, so its count repeats only if the recorded clock readings are replayed. Also: bad
// recordings are one-line errors. Skips with the reason when the corpus is missing.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { comparable, corpusCases, corpusDir, runCaseAsync, type CaseRun } from '../support/corpus';
import { cliBundle, concurrently, REPO_ROOT, runAsync, runTbscope, skipBecause } from '../support/oracles';

// Files read and written (SQLite), a large input (minigzip), the clock (CoreMark).
const PROGRAMS = ['sqlite', 'minigzip-compress', 'coremark'];

const insnsOf = (stderr: string): number => Number(/guest instructions:\s+(\d+)/.exec(stderr)?.[1]);
const pluginReport = (stderr: string): string => stderr.split('\n').filter((l) => /insns: \d+$/.test(l)).join('\n');

describe('CLI -record / -replay on the corpus programs', function () {
  this.timeout(900_000);
  const dir = corpusDir(REPO_ROOT);
  const { cases, why } = corpusCases(dir);
  const chosen = cases.filter((c) => PROGRAMS.includes(c.name));
  const work = mkdtempSync(join(tmpdir(), 'tbscope-record-'));
  const runs = new Map<string, { live: CaseRun; replayPlugin: CaseRun; replayPlain: CaseRun; leftFiles: string[] }>();

  before(async function () {
    if (why) skipBecause(this, why);
    const cli = cliBundle();
    const job = concurrently();
    await Promise.all(chosen.map((c) => job(async () => {
      const rec = join(work, `${c.name}.rec`);
      // Generous time limits: three runs of each side by side on a shared machine.
      const live = await runCaseAsync({ ...c, timeoutS: c.timeoutS * 4 }, [process.execPath, cli, '--stats', '-d', 'plugin', '-plugin', 'insn', '-record', rec]);
      // Replays run in an empty folder without the data: whatever they read comes from the recording.
      const empty = mkdtempSync(join(work, `${c.name}-replay-`));
      const replay = async (extra: string[]): Promise<CaseRun> => {
        const r = await runAsync(process.execPath, [cli, '--stats', ...extra, '-replay', rec], { cwd: empty, timeout: c.timeoutS * 4000 });
        return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1, seconds: 0, peakRss: NaN };
      };
      const replayPlugin = await replay(['-d', 'plugin', '-plugin', 'insn']);
      const replayPlain = await replay([]);
      runs.set(c.name, { live, replayPlugin, replayPlain, leftFiles: readdirSync(empty) });
    })));
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  for (const name of PROGRAMS) {
    it(`${name}: the replay prints the same stdout and ends with the same status and instruction count`, function () {
      const r = runs.get(name);
      if (!r) skipBecause(this, `${name} is not in the corpus`);
      const c = chosen.find((k) => k.name === name)!;
      assert.ok(insnsOf(r.live.stderr) > 0, `live run: ${r.live.stderr.slice(-300)}`);
      for (const rep of [r.replayPlugin, r.replayPlain]) {
        assert.equal(rep.status, r.live.status, `replay status (stderr: ${rep.stderr.slice(-300)})`);
        // Everything, timing lines included: the replay reads the recorded clock.
        assert.ok(rep.stdout === r.live.stdout, `replay stdout differs (${comparable(c, rep.stdout).length} vs ${comparable(c, r.live.stdout).length} chars)`);
        assert.equal(insnsOf(rep.stderr), insnsOf(r.live.stderr));
      }
      assert.deepEqual(r.leftFiles, [], 'the replay touched the host file system');
    });

    it(`${name}: a replay with -plugin insn reports the live run's counts`, function () {
      const r = runs.get(name);
      if (!r) skipBecause(this, `${name} is not in the corpus`);
      const live = pluginReport(r.live.stderr);
      assert.match(live, /total insns: \d+/);
      assert.equal(pluginReport(r.replayPlugin.stderr), live);
    });
  }

  it('bad recordings and option mixes are one-line errors', function () {
    const bad = join(work, 'bad.rec');
    writeFileSync(bad, 'hello');
    const cases: [string[], RegExp][] = [
      [['-replay', bad], /^tbscope: .*bad\.rec: not a tbscope recording/],
      [['-replay', join(work, 'missing.rec')], /^tbscope: cannot read recording/],
      [['-replay', bad, '/bin/true'], /^tbscope: -replay takes the program and its arguments from the recording/],
    ];
    writeFileSync(join(work, 'other.rec'), gzipSync(Buffer.from(JSON.stringify({ format: 'tbscope-recording', version: 99 }))));
    cases.push([['-replay', join(work, 'other.rec')], /recording format version 99/]);
    for (const [args, want] of cases) {
      const r = runTbscope(args);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.ok(!existsSync(join(work, 'missing.rec')));
  });
});

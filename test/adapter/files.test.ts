// The launch configuration's `cwd` and `confineFiles` through the real adapter, with
// test/fixtures/adapter/files.c: it prints its working directory and reads/creates files by
// relative and absolute paths. The oracle is qemu-riscv64 run in the same folder: unconfined,
// every line must match; confined, the lines inside the folder must match and every access
// outside it must fail with EACCES where qemu-riscv64 succeeds. Also: terminating a guest that
// still maps a file MAP_SHARED writes its stores back (test/fixtures/linux/mmap-shared.c).

import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, REPO_ROOT, requireTool, run } from '../support/oracles';
import { exitCode, launch, openSession, type Session } from './helpers';
import { scratchDir } from './programs';

const PROGRAM = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'adapter-files');

interface Tree { inside: string; outside: string; args: string[] }

/** A fresh `inside/` (the cwd) and `outside/` folder, each with a file, and the program's arguments. */
function tree(name: string): Tree {
  const root = join(scratchDir(), name);
  rmSync(root, { recursive: true, force: true });
  const inside = join(root, 'inside'), outside = join(root, 'outside');
  mkdirSync(join(inside, 'sub'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(inside, 'data.txt'), 'inside data\nsecond line\n');
  writeFileSync(join(inside, 'sub', 'deep.txt'), 'deep data\n');
  writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
  const args = ['data.txt', 'sub/deep.txt', 'nosuch.txt', join(inside, 'data.txt'), '../outside/secret.txt',
    join(outside, 'secret.txt'), 'w:made.txt', `w:${join(outside, 'made.txt')}`];
  return { inside, outside, args };
}

/** qemu-riscv64's output in the same folder, then the tree reset so the adapter run starts equal. */
function qemuRun(ctx: Mocha.Context, t: Tree): string[] {
  const r = run(requireTool(ctx, QEMU), [PROGRAM, ...t.args], { cwd: t.inside });
  assert.equal(r.status, 0, r.stderr);
  rmSync(join(t.inside, 'made.txt'), { force: true });
  rmSync(join(t.outside, 'made.txt'), { force: true });
  return r.stdout.trimEnd().split('\n');
}

describe('adapter: launch cwd and confineFiles', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  async function adapterRun(t: Tree, extra: Record<string, unknown>): Promise<string[]> {
    const code = exitCode(s);
    await launch(s, { program: PROGRAM, args: t.args, cwd: t.inside, ...extra });
    assert.equal(await code, 0);
    return (s.output.stdout ?? '').trimEnd().split('\n');
  }

  it('runs the guest in `cwd`: getcwd, relative reads and creates as under qemu-riscv64', async function () {
    const t = tree('cwd');
    const want = qemuRun(this, t);
    assert.equal(want[0], `cwd ${t.inside}`);
    assert.deepEqual(await adapterRun(t, {}), want);
    assert.equal(readFileSync(join(t.inside, 'made.txt'), 'utf8'), 'written\n');
    assert.equal(readFileSync(join(t.outside, 'made.txt'), 'utf8'), 'written\n', 'unconfined: writing outside the cwd works');
  });

  it('confineFiles: true keeps the guest inside `cwd` (EACCES outside it, the rest as under qemu-riscv64)', async function () {
    const t = tree('confined');
    const want = qemuRun(this, t);
    const got = await adapterRun(t, { confineFiles: true });
    assert.equal(got.length, want.length);
    const outsideArgs = new Set(['../outside/secret.txt', join(t.outside, 'secret.txt'), join(t.outside, 'made.txt')]);
    for (const [i, line] of got.entries()) {
      const path = /^(?:cwd|read|create) (.*?):? /.exec(want[i])?.[1] ?? '';
      if (outsideArgs.has(path)) {
        assert.doesNotMatch(want[i], /errno/, `qemu-riscv64 can reach ${path}`);
        assert.match(line, new RegExp(`^(read|create) ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: errno 13 \\(Permission denied\\)$`));
      } else {
        assert.equal(line, want[i]);
      }
    }
    assert.equal(readFileSync(join(t.inside, 'made.txt'), 'utf8'), 'written\n');
    assert.ok(!existsSync(join(t.outside, 'made.txt')), 'nothing was created outside the confined folder');
  });

  it('confineFiles: a folder confines to that folder, relative to `cwd`', async function () {
    const t = tree('confined-sub');
    const want = qemuRun(this, t);
    const got = await adapterRun(t, { confineFiles: 'sub' });
    // Only sub/ is reachable: sub/deep.txt reads as under qemu, data.txt in the cwd itself does not.
    const line = (lines: string[], prefix: string) => lines.find((l) => l.startsWith(prefix));
    assert.equal(line(got, 'read sub/deep.txt:'), line(want, 'read sub/deep.txt:'));
    assert.equal(line(got, 'read data.txt:'), 'read data.txt: errno 13 (Permission denied)');
    assert.equal(line(want, 'read data.txt:'), 'read data.txt: inside data');
    assert.ok(!existsSync(join(t.inside, 'made.txt')));
  });

  it('terminate while the guest still maps a file shared: its stores reach the file, as when a process is killed', async () => {
    const dir = join(scratchDir(), 'shared-map');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'f');
    writeFileSync(file, '0123456789abcdef');
    const s = await openSession();
    try {
      // Stopped before exit_group (the exit filter): the last store is done, the mapping still there.
      const stopped = s.dc.waitForEvent('stopped');
      await launch(s, { program: join(REPO_ROOT, 'test', 'fixtures', 'bin', 'linux-mmap-shared'), args: [file] },
        () => s.dc.setExceptionBreakpointsRequest({ filters: ['exit'] }));
      assert.equal((await stopped).body.text, 'exit');
      assert.equal(readFileSync(file, 'latin1'), 'ABC34WEFG9abcdef', 'D is not written back before the end');
      await s.dc.terminateRequest({});
      assert.equal(readFileSync(file, 'latin1'), 'ABCD4WEFG9abcdef');
    } finally { await s.close(); }
  });
});

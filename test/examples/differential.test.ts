// Differential test against qemu-riscv64: every example and every test program in
// test/fixtures/bin runs under both with the same arguments and the same small fixed
// environment, and must produce identical stdout, stderr and exit status. The only allowed
// difference is the "uncaught target signal" report, which QEMU prints only when it can dump
// core — so it is removed from both sides, and required from tbscope when the guest dies.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_ENV, QEMU, REPO_ROOT, SYSROOT, cliBundle, concurrently, findTool, hasSysroot, requireTool, run, runAsync, runTbscope, runTbscopeAsync, skipBecause, testPrograms, type RunResult } from '../support/oracles';

/**
 * Per-program arguments, and for programs that print load addresses the lines where the guest's
 * memory layout legitimately differs (tbscope loads PIEs and the dynamic linker at its own bases,
 * not where QEMU's guest_base arithmetic puts them). Others run with two plain arguments.
 */
const SPECIAL: Record<string, { args?: string[]; layoutLines?: RegExp }> = {
  'examples/bin/exitcode': { args: ['7'] },
  // AT_BASE (auxv 7) is where the interpreter was mapped, AT_ENTRY the PIE's load address + entry.
  'test/fixtures/bin/linux-auxv-dynamic': { layoutLines: /^(auxv 7|AT_ENTRY) .*$/gm },
};
const DEFAULT_ARGS = ['first', 'second arg'];

const SIGNAL_REPORT = /^(qemu|tbscope)(-riscv64)?: uncaught target signal \d+ \([^)]*\)( - core dumped)?\n/m;

function withoutSignalReport(stderr: string): string {
  return stderr.replace(SIGNAL_REPORT, '');
}

function compare(q: RunResult, t: RunResult, layoutLines?: RegExp): void {
  const mask = (text: string) => (layoutLines ? text.replace(layoutLines, (line) => `${line.split(' ')[0]} <layout>`) : text);
  assert.equal(mask(t.stdout), mask(q.stdout), 'stdout');
  assert.equal(withoutSignalReport(t.stderr), withoutSignalReport(q.stderr), 'stderr');
  assert.equal(t.status, q.status, `exit status (tbscope stderr: ${t.stderr.slice(0, 500)})`);
  if (t.status > 128) {
    assert.match(t.stderr, new RegExp(`^tbscope: uncaught target signal ${t.status - 128} `, 'm'), 'signal death is reported in one line');
  }
}

/** The command-line arguments both emulators get for prog, or why it cannot run here. */
function argsFor(prog: { name: string; path: string }): { args: string[] } | { skip: string } {
  // Both get the same -L (QEMU's default prefix differs from ours): dynamically linked
  // programs need it, static ones must not care.
  const opts: string[] = [];
  if (hasSysroot()) opts.push('-L', SYSROOT);
  else if (readFileSync(prog.path).includes('/lib/ld-linux-riscv64')) {
    return { skip: `dynamically linked and ${SYSROOT} is missing (apt-get install libc6-dev-riscv64-cross)` };
  }
  return { args: [...opts, prog.path, ...(SPECIAL[prog.name]?.args ?? DEFAULT_ARGS)] };
}

describe('differential: tbscope vs qemu-riscv64 (stdout, stderr, exit status)', () => {
  const programs = testPrograms();
  const runs = new Map<string, Promise<[RunResult, RunResult]>>();

  // Every program's two runs start here, side by side with one process per core, so the suite
  // takes about its total time / cores; each test then waits for its own pair and compares.
  before(() => {
    const qemu = findTool(QEMU);
    if (!qemu) return;  // each test skips with the reason
    const job = concurrently();
    for (const prog of programs) {
      const a = argsFor(prog);
      if (!('args' in a)) continue;
      // The same environment for both (like `env -i K=V ... cmd`): the guest inherits it.
      const pair = Promise.all([job(() => runAsync(qemu, a.args, { env: FIXED_ENV })), job(() => runTbscopeAsync(a.args, { env: FIXED_ENV }))]);
      pair.catch(() => undefined);  // a failure is reported by the program's own test
      runs.set(prog.name, pair);
    }
  });

  for (const prog of programs) {
    it(prog.name, async function () {
      requireTool(this, QEMU);
      const a = argsFor(prog);
      if (!('args' in a)) skipBecause(this, a.skip);
      const pair = runs.get(prog.name);
      assert.ok(pair, 'started by the before hook');
      const [q, t] = await pair;
      compare(q, t, SPECIAL[prog.name]?.layoutLines);
    });
  }

  it('exit status above 255 wraps like on Linux (exitcode 300 → 44)', function () {
    const qemu = requireTool(this, QEMU);
    const prog = testPrograms().find((p) => p.name === 'examples/bin/exitcode');
    assert.ok(prog, 'examples/bin/exitcode exists');
    const q = run(qemu, [prog.path, '300'], { env: FIXED_ENV });
    compare(q, runTbscope([prog.path, '300'], { env: FIXED_ENV }));
  });

  it('-E / -U change the guest environment exactly as qemu-riscv64 does', function () {
    const qemu = requireTool(this, QEMU);
    const prog = testPrograms().find((p) => p.name === 'examples/bin/printenv');
    assert.ok(prog, 'examples/bin/printenv exists');
    const args = ['-E', 'NEW1=a,NEW2=b=c', '-U', 'HOME', '-E', 'LANG=fr_FR', '-U', 'NOT_SET', '-E', 'EMPTY=', prog.path, 'x'];
    const q = run(qemu, args, { env: FIXED_ENV });
    assert.equal(q.status, 0);
    compare(q, runTbscope(args, { env: FIXED_ENV }));
  });

  it('a reader that goes away (| head) ends the guest like qemu-riscv64: SIGPIPE, status 141', function () {
    const qemu = requireTool(this, QEMU);
    const prog = testPrograms().find((p) => p.name === 'examples/bin/printenv');
    assert.ok(prog);
    // 300 KB of argv lines: far more than a pipe holds, so the guest is still writing when head exits.
    const args = Array.from({ length: 3000 }, (_, i) => `arg${i}-${'x'.repeat(90)}`);
    const viaHead = (cmd: string[], env: Record<string, string>) => run('bash', ['-c', '"$@" | head -c 5; exit ${PIPESTATUS[0]}', 'bash', ...cmd], { env });
    const q = viaHead([qemu, prog.path, ...args], FIXED_ENV);
    const t = viaHead([process.execPath, join(REPO_ROOT, 'bin', 'tbscope'), prog.path, ...args], { ...FIXED_ENV, TBSCOPE_BUNDLE: cliBundle() });
    assert.equal(q.status, 141);
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.stderr, q.stderr);
    assert.equal(t.status, q.status);
  });

  it('-0 sets argv[0] as qemu-riscv64 does', function () {
    const qemu = requireTool(this, QEMU);
    const prog = testPrograms().find((p) => p.name === 'examples/bin/printenv');
    assert.ok(prog);
    const args = ['-0', 'renamed', prog.path, 'y'];
    compare(run(qemu, args, { env: FIXED_ENV }), runTbscope(args, { env: FIXED_ENV }));
  });
});

// The committed RISC-V binaries (examples/bin, bench/bin) must be what their sources and build
// scripts produce today: each script is rerun into a scratch directory with the real cross
// compiler and the results compared byte for byte (the builds are reproducible on purpose).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GCC, REPO_ROOT, hasSysroot, requireTool, skipBecause } from '../support/oracles';

/** The "GCC: (…) x.y.z" string gcc leaves in .comment. */
function compilerOf(path: string): string {
  return /GCC: \([^)]*\) [\d.]+/.exec(readFileSync(path, 'latin1'))?.[0] ?? 'unknown';
}

for (const dir of ['examples', 'bench']) {
  describe(`${dir}/bin is up to date with ${dir}/build.sh`, () => {
    it('rebuilding gives the same bytes', function () {
      this.timeout(300_000);
      requireTool(this, GCC);
      if (!hasSysroot()) skipBecause(this, 'the RISC-V sysroot /usr/riscv64-linux-gnu is missing (apt-get install libc6-dev-riscv64-cross)');
      const out = join(REPO_ROOT, '.tmp', `rebuild-${dir}-${process.pid}`);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      try {
        const r = spawnSync('bash', [join(REPO_ROOT, dir, 'build.sh')], { env: { ...process.env, OUT: out }, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const committed = readdirSync(join(REPO_ROOT, dir, 'bin')).sort();
        // Byte equality only means something with the compiler that made the committed files.
        const made = compilerOf(join(REPO_ROOT, dir, 'bin', committed[0])), fresh = compilerOf(join(out, committed[0]));
        if (made !== fresh) skipBecause(this, `committed binaries were built by "${made}", this machine has "${fresh}"`);
        assert.deepEqual(readdirSync(out).sort(), committed, 'the same set of binaries');
        for (const f of committed) {
          assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(REPO_ROOT, dir, 'bin', f))),
            `${dir}/bin/${f} differs from a fresh build: run npm run build:${dir === 'examples' ? 'examples' : 'bench'}`);
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

describe('examples/step.c breakpoint markers', () => {
  it('has unique // BP:name markers the debugger tests can look up', () => {
    const src = readFileSync(join(REPO_ROOT, 'examples', 'step.c'), 'utf8');
    const names = [...src.matchAll(/\/\/ BP:([\w-]+)/g)].map((m) => m[1]);
    assert.ok(names.length >= 5);
    assert.equal(new Set(names).size, names.length, 'marker names are unique');
    for (const needed of ['main', 'loop', 'add', 'factorial', 'move', 'print', 'end']) assert.ok(names.includes(needed), needed);
  });
});

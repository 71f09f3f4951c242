// bin/tbscope, the package's executable: runnable directly (shebang + exec bit), running the
// bundle when there is one and the TypeScript sources through tsx when there is none.

import { strict as assert } from 'node:assert';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, run } from '../support/oracles';

const BIN = join(REPO_ROOT, 'bin', 'tbscope');

describe('bin/tbscope launcher', () => {
  it('is an executable node script', () => {
    accessSync(BIN, constants.X_OK);
    assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.tbscope, 'bin/tbscope');
  });

  it('runs from the sources when no bundle exists', function () {
    this.timeout(120_000);
    const r = run(BIN, ['-version'], { env: { ...process.env, TBSCOPE_BUNDLE: join(REPO_ROOT, '.tmp', 'no-such-bundle.js') } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tbscope version /);
  });
});

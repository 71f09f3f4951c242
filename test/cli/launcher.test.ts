// bin/tbscope, the package's executable: runnable directly (shebang + exec bit), running the
// bundle when there is one and the TypeScript sources through tsx when there is none.

import { strict as assert } from 'node:assert';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { V8_FLAGS, v8Flags } from '../../emulator/node/v8-tuning';
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

  it('tunes V8 for translated code, and TBSCOPE_V8_FLAGS comes after so it can override', () => {
    assert.ok(V8_FLAGS.some((f) => f.startsWith('--max-inlined-bytecode-size-cumulative=')));
    assert.deepEqual(v8Flags({}), [...V8_FLAGS]);
    assert.deepEqual(v8Flags({ TBSCOPE_V8_FLAGS: ' --max-inlined-bytecode-size=100  --no-lazy-feedback-allocation ' }),
      [...V8_FLAGS, '--max-inlined-bytecode-size=100', '--no-lazy-feedback-allocation']);
  });

  it('passes TBSCOPE_V8_FLAGS to V8 (--trace-opt reports optimizations on stdout)', function () {
    this.timeout(120_000);
    const r = run(BIN, [join(REPO_ROOT, 'examples', 'bin', 'hello-static')], { env: { ...process.env, TBSCOPE_V8_FLAGS: '--trace-opt' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\[(marking|compiling method)/);
    const plain = run(BIN, [join(REPO_ROOT, 'examples', 'bin', 'hello-static')]);
    assert.doesNotMatch(plain.stdout, /\[(marking|compiling method)/);
  });
});

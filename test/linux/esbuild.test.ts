// A real multi-threaded program from the npm registry: @esbuild/linux-riscv64, a static Go
// binary (goroutines on several threads, futexes, epoll/eventfd for its netpoller), fetched with
// `npm pack` into .tmp/ (kept between runs) at the version of this repository's own esbuild.
// `--version` and bundling a two-file project print exactly what qemu-riscv64 prints.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, REPO_ROOT, requireTool, run, runTbscope, skipBecause } from '../support/oracles';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')) as { version: string }).version;
const CACHE = join(REPO_ROOT, '.tmp', `esbuild-linux-riscv64-${VERSION}`);

/** The unpacked package's binary, fetched once; undefined with the reason when npm cannot get it. */
function esbuildBinary(): { path?: string; why?: string } {
  const bin = join(CACHE, 'package', 'bin', 'esbuild');
  if (existsSync(bin)) return { path: bin };
  mkdirSync(CACHE, { recursive: true });
  const pack = spawnSync('npm', ['pack', `@esbuild/linux-riscv64@${VERSION}`, '--silent', '--pack-destination', CACHE], { encoding: 'utf8', timeout: 120_000 });
  const tgz = readdirSync(CACHE).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tgz) return { why: `npm pack @esbuild/linux-riscv64@${VERSION} failed (offline?): ${(pack.stderr || pack.error?.message || '').trim().split('\n').pop()}` };
  const untar = spawnSync('tar', ['xzf', join(CACHE, tgz), '-C', CACHE], { encoding: 'utf8' });
  if (untar.status !== 0 || !existsSync(bin)) return { why: `unpacking ${tgz} failed: ${untar.stderr.trim()}` };
  return { path: bin };
}

describe('linux: esbuild (static Go, several threads) as under qemu-riscv64', function () {
  this.timeout(600_000);
  let esbuild: string;
  before(function () {
    this.timeout(180_000);
    const r = esbuildBinary();
    if (!r.path) skipBecause(this, r.why!);
    esbuild = r.path;
  });

  it('--version', function () {
    const qemu = requireTool(this, QEMU);
    const q = run(qemu, [esbuild, '--version'], { env: {} });
    const t = runTbscope([esbuild, '--version'], { env: {}, timeout: 600_000 });
    assert.equal(q.status, 0);
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.stdout, `${VERSION}\n`);
    assert.equal(t.status, 0, t.stderr);
  });

  it('bundles a small project: same output and status', function () {
    const qemu = requireTool(this, QEMU);
    const dir = join(CACHE, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), 'import { greet } from "./lib.js";\nconsole.log(greet("riscv"));\n');
    writeFileSync(join(dir, 'lib.js'), 'export function greet(name) { return `hello ${name}`; }\nexport const unused = 1;\n');
    const args = [esbuild, 'main.js', '--bundle', '--format=esm'];
    const q = run(qemu, args, { cwd: dir, env: {} });
    const t = runTbscope(args, { cwd: dir, env: {}, timeout: 600_000 });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.match(t.stdout, /function greet\(name\)/);
    assert.equal(t.status, 0, t.stderr);
  });
});

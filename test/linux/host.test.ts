// The Node host (emulator/node/host.ts): Linux errno values from node:fs errors, open flags,
// and confinement of guest file access to one folder (symlinks included).

import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../../emulator/host';
import { createNodeHost } from '../../emulator/node/host';
import { tempDir } from './helpers';

function errnoOf(fn: () => unknown): number {
  try { fn(); } catch (e) { assert.ok(e instanceof HostError, String(e)); return e.errno; }
  assert.fail('no error');
}

describe('node host', () => {
  let d: ReturnType<typeof tempDir>;
  beforeEach(() => { d = tempDir(); });
  afterEach(() => d.cleanup());

  it('maps node:fs errors to Linux errno values', () => {
    const h = createNodeHost();
    assert.equal(errnoOf(() => h.fs.stat(join(d.path, 'nope'), true)), 2);
    writeFileSync(join(d.path, 'f'), '');
    assert.equal(errnoOf(() => h.fs.open(join(d.path, 'f'), 0o100 | 0o200 | 1, 0o644)), 17); // O_CREAT|O_EXCL
    assert.equal(errnoOf(() => h.fs.readdir(join(d.path, 'f'))), 20);
    mkdirSync(join(d.path, 'dir'));
    writeFileSync(join(d.path, 'dir', 'x'), '');
    assert.equal(errnoOf(() => h.fs.rmdir(join(d.path, 'dir'))), 39);
  });

  it('honours Linux open flags (O_APPEND, O_TRUNC) and positioned I/O', () => {
    const h = createNodeHost();
    const p = join(d.path, 'f');
    writeFileSync(p, 'abcdef');
    const f = h.fs.open(p, 1 | 0o2000, 0); // O_WRONLY|O_APPEND
    f.write(new TextEncoder().encode('XY'), null);
    f.close();
    assert.equal(readFileSync(p, 'latin1'), 'abcdefXY');
    const g = h.fs.open(p, 2 | 0o1000, 0); // O_RDWR|O_TRUNC
    g.write(new TextEncoder().encode('12345'), 0);
    const buf = new Uint8Array(3);
    assert.equal(g.read(buf, 1), 3);
    assert.equal(new TextDecoder().decode(buf), '234');
    assert.equal(h.fs.fstat!(g).size, 5);
    g.close();
  });

  it('confineRoot refuses paths outside, including through symlinks; readRoots are read-only', () => {
    const root = join(d.path, 'root'), other = join(d.path, 'other');
    mkdirSync(root); mkdirSync(other);
    writeFileSync(join(other, 'secret'), 's');
    symlinkSync(other, join(root, 'link'));
    const h = createNodeHost({ confineRoot: root, readRoots: [join(d.path, 'ro')] });
    writeFileSync(join(root, 'ok'), 'fine');
    assert.equal(h.fs.stat(join(root, 'ok'), true).size, 4);
    assert.equal(errnoOf(() => h.fs.stat(join(other, 'secret'), true)), 13);
    assert.equal(errnoOf(() => h.fs.open(join(root, 'link', 'secret'), 0, 0)), 13);
    assert.equal(errnoOf(() => h.fs.open(join(root, '..', 'other', 'new'), 0o101, 0o644)), 13);
    mkdirSync(join(d.path, 'ro'));
    writeFileSync(join(d.path, 'ro', 'lib'), 'L');
    h.fs.open(join(d.path, 'ro', 'lib'), 0, 0).close();
    assert.equal(errnoOf(() => h.fs.open(join(d.path, 'ro', 'lib'), 1, 0)), 13);
    assert.equal(errnoOf(() => h.fs.unlink(join(d.path, 'ro', 'lib'))), 13);
  });

  it('captured stdio looks like a pipe to the guest; deterministic clocks are fixed', () => {
    const h = createNodeHost({ stdout: () => undefined, deterministic: true });
    const info = h.stdioInfo!(1);
    assert.equal(info.isatty, false);
    assert.equal(info.stat.mode & 0o170000, 0o010000);
    assert.equal(h.realtimeNs(), h.realtimeNs());
    const a = new Uint8Array(8), b = new Uint8Array(8);
    createNodeHost({ deterministic: true }).randomBytes(a);
    createNodeHost({ deterministic: true }).randomBytes(b);
    assert.deepEqual(a, b);
  });
});

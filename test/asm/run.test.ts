// The linked executables run: the same output and exit status under qemu-riscv64 as GNU's
// build of the same source, and tbscope's own emulator runs them too (when the CLI exists).

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleExecutable } from '../../emulator/asm';
import { QEMU, REPO_ROOT, requireTool, run, skipBecause } from '../support/oracles';
import { runTbscope, tbscopeMissing } from '../support/run-tbscope';
import { AS, gnuBuild, LD } from './gnu';

const PROGRAMS = ['examples/tiny.S', 'test/fixtures/asm/hello.s'];

describe('asm: linked executables run like GNU-built ones', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tbscope-asm-run-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); chmodSync(p, 0o755); return p; };

  for (const prog of PROGRAMS) {
    it(`${prog} under qemu-riscv64`, function () {
      requireTool(this, QEMU); requireTool(this, AS); requireTool(this, LD);
      const src = readFileSync(join(REPO_ROOT, prog), 'utf8');
      const g = gnuBuild(src);
      assert.ok(g.ok, g.stderr);
      const ours = assembleExecutable(src, { file: prog });
      assert.ok(ours.elf, JSON.stringify(ours.asm.diagnostics));
      const base = prog.replace(/\W/g, '_');
      const a = run(QEMU, [write(`${base}.gnu`, g.elf!)]);
      const b = run(QEMU, [write(`${base}.tbscope`, ours.elf)]);
      assert.ok(a.stdout.length > 0, 'the GNU build prints something');
      assert.deepEqual(b, a);
    });

    it(`${prog} under tbscope's emulator`, function () {
      requireTool(this, QEMU);
      const why = tbscopeMissing();
      if (why) skipBecause(this, why);
      const src = readFileSync(join(REPO_ROOT, prog), 'utf8');
      const ours = assembleExecutable(src, { file: prog });
      const p = write(`${prog.replace(/\W/g, '_')}.tbs`, ours.elf!);
      const q = run(QEMU, [p]);
      const t = runTbscope(p, []);
      assert.equal(t.stdout.toString('latin1'), q.stdout);
      assert.equal(t.status, q.status);
    });
  }
});

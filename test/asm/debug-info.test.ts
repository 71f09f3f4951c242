// The line map and its DWARF 5 encoding: every instruction address maps to the same source line
// in our executable as in GNU's `as -g` build of the same file (both decoded by readelf, the
// oracle), and tbscope's own DWARF reader (emulator/debuginfo) reads the same rows.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debugSections } from '../../emulator/debuginfo/forms';
import { parseLineProgram } from '../../emulator/debuginfo/line';
import { assembleExecutable } from '../../emulator/asm';
import { parseElf } from '../../emulator/elf/elf';
import { REPO_ROOT, requireTool } from '../support/oracles';
import { AS, LD } from './gnu';

const READELF = 'riscv64-linux-gnu-readelf';
const PROGRAMS = ['test/fixtures/asm/hello.s', 'examples/tiny.S', 'test/fixtures/asm/far-branches.s'];

/** address → line from `readelf --debug-dump=decodedline` (end-of-sequence rows dropped). */
function decodedLines(elfPath: string): Map<number, number> {
  const r = spawnSync(READELF, ['--debug-dump=decodedline', elfPath], { encoding: 'utf8' });
  const out = new Map<number, number>();
  for (const m of r.stdout.matchAll(/^\S+\s+(\d+)\s+(0x[0-9a-f]+)/gm)) out.set(parseInt(m[2], 16), Number(m[1]));
  return out;
}

/** Line for `addr`: the row with the greatest address <= addr. */
function lineAt(rows: Map<number, number>, addr: number): number | undefined {
  let best: number | undefined, bestAddr = -1;
  for (const [a, l] of rows) if (a <= addr && a > bestAddr) { best = l; bestAddr = a; }
  return best;
}

describe('asm: line map and DWARF .debug_line', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'tbscope-asm-dwarf-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const prog of PROGRAMS) {
    it(`${prog}: same address → line mapping as GNU as -g`, function () {
      requireTool(this, AS); requireTool(this, LD); requireTool(this, READELF);
      const src = readFileSync(join(REPO_ROOT, prog), 'utf8');
      const s = join(dir, 'p.s');
      writeFileSync(s, src);
      const as = spawnSync(AS, ['-g', '-march=rv64gc', '-mno-relax', '-o', join(dir, 'p.o'), s], { encoding: 'utf8' });
      assert.equal(as.status, 0, as.stderr);
      const ld = spawnSync(LD, ['-static', '-nostdlib', '--no-relax', '-Ttext=0x10000', '-o', join(dir, 'gnu'), join(dir, 'p.o')], { encoding: 'utf8' });
      assert.equal(ld.status, 0, ld.stderr);
      const ours = assembleExecutable(src, { file: 'p.s', compDir: dir });
      writeFileSync(join(dir, 'ours'), ours.elf!);
      const gnu = decodedLines(join(dir, 'gnu')), mine = decodedLines(join(dir, 'ours'));
      assert.ok(ours.asm.lines.length > 5);
      for (const row of ours.asm.lines) {
        const want = lineAt(gnu, row.address);
        assert.equal(row.line, want, `line map at 0x${row.address.toString(16)}`);
        assert.equal(lineAt(mine, row.address), want, `our .debug_line at 0x${row.address.toString(16)}`);
      }
    });
  }

  it("tbscope's DWARF reader decodes the line program and file name", () => {
    const src = readFileSync(join(REPO_ROOT, 'test/fixtures/asm/hello.s'), 'utf8');
    const ours = assembleExecutable(src, { file: 'hello.s', compDir: '/work/src' });
    const prog = parseLineProgram(debugSections(parseElf(ours.elf!)), 0);
    assert.equal(prog.version, 5);
    const rows = prog.rows.filter((r) => !r.endSequence);
    assert.equal(prog.files[rows[0].file]?.path, '/work/src/hello.s');
    const byAddr = new Map(rows.map((r) => [r.address, r.line]));
    for (const row of ours.asm.lines) assert.equal(lineAt(byAddr, row.address), row.line);
  });
});

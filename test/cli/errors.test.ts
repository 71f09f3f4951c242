// Every way a user can get the command line or the program file wrong must end in exactly one
// line "tbscope: …" on stderr and exit status 1 — never a stack trace, never a partial run.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, requireTool, runTbscope, type RunResult } from '../support/oracles';

const TMP = join(REPO_ROOT, '.tmp', 'cli-errors');
const TINY = join(REPO_ROOT, 'examples', 'bin', 'tiny');

function assertOneLineError(r: RunResult, mention?: RegExp): void {
  assert.equal(r.status, 1, `exit status (stderr: ${r.stderr})`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.equal(lines[1], '');
  assert.match(lines[0], /^tbscope: \S/);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|node:internal/, 'no stack trace');
  if (mention) assert.match(lines[0], mention);
}

describe('cli: bad input gets one line and status 1', () => {
  before(() => mkdirSync(TMP, { recursive: true }));

  it('unknown option', () => assertOneLineError(runTbscope(['-no-such-option', TINY]), /no-such-option/));
  it('option missing its argument', () => assertOneLineError(runTbscope(['-L']), /missing argument.*'L'/));
  it('-D with no program', () => assertOneLineError(runTbscope(['-D', join(TMP, 'log')])));
  it('unknown -d item', () => assertOneLineError(runTbscope(['-d', 'in_asm,bogus', TINY]), /bogus/));
  it('no program at all', () => assertOneLineError(runTbscope([])));
  it('-E without =', () => assertOneLineError(runTbscope(['-E', 'NOEQUALS', TINY]), /NOEQUALS/));
  it('missing file', () => assertOneLineError(runTbscope([join(TMP, 'does-not-exist')]), /does-not-exist/));
  it('a directory', () => assertOneLineError(runTbscope([TMP]), /cli-errors/));

  it('a text file (not ELF)', () => {
    const p = join(TMP, 'notes.txt');
    writeFileSync(p, 'just some text\n');
    assertOneLineError(runTbscope([p]), /notes\.txt/);
  });

  it('an empty file', () => {
    const p = join(TMP, 'empty');
    writeFileSync(p, '');
    assertOneLineError(runTbscope([p]), /empty/);
  });

  // Cut inside the ELF header, the program headers and the first loadable segment of tiny.
  for (const len of [10, 40, 64, 100, 300]) {
    it(`a RISC-V ELF truncated to ${len} bytes`, () => {
      const p = join(TMP, `tiny-truncated-${len}`);
      writeFileSync(p, readFileSync(TINY).subarray(0, len));
      assertOneLineError(runTbscope([p]), /truncated/);
    });
  }

  it('an x86-64 ELF (/bin/true)', function () {
    if (!existsSync('/bin/true')) this.skip();
    assertOneLineError(runTbscope(['/bin/true']), /x86-64/);
  });

  it('a 32-bit RISC-V ELF', function () {
    // Built on the spot with the GNU tools (the oracle for "what a 32-bit ELF looks like").
    const as = requireTool(this, 'riscv64-linux-gnu-as');
    const ld = requireTool(this, 'riscv64-linux-gnu-ld');
    const src = join(TMP, 'rv32.s'), obj = join(TMP, 'rv32.o'), exe = join(TMP, 'rv32');
    writeFileSync(src, '.globl _start\n_start:\n li a0, 0\n li a7, 93\n ecall\n');
    assert.equal(spawnSync(as, ['-march=rv32i', '-mabi=ilp32', '-o', obj, src]).status, 0);
    assert.equal(spawnSync(ld, ['-m', 'elf32lriscv', '-o', exe, obj]).status, 0);
    assertOneLineError(runTbscope([exe]), /32-bit/);
  });

  it('a relocatable object, not an executable', function () {
    const as = requireTool(this, 'riscv64-linux-gnu-as');
    const src = join(TMP, 'obj.s'), obj = join(TMP, 'obj.o');
    writeFileSync(src, '.globl _start\n_start:\n ecall\n');
    assert.equal(spawnSync(as, ['-o', obj, src]).status, 0);
    assertOneLineError(runTbscope([obj]), /obj\.o/);
  });

  it('an unwritable -D log file', () => assertOneLineError(runTbscope(['-D', join(TMP, 'no', 'such', 'dir', 'log'), TINY]), /log/));

  it('a dynamically linked program whose interpreter is not in the -L sysroot', () => {
    assertOneLineError(runTbscope(['-L', join(TMP, 'empty-sysroot'), join(REPO_ROOT, 'examples', 'bin', 'hello-dynamic')]),
      /ld-linux-riscv64-lp64d\.so\.1/);
  });
});

describe('cli: -h, -help, -version, -d help', () => {
  it('-h lists every option on stdout, status 0', () => {
    const r = runTbscope(['-h']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: tbscope \[options\] program/);
    for (const opt of ['-L path', '-E var=value', '-U var', '-d item', '-D logfile', '-one-insn-per-tb', '-hot-code', '-plugin', '--stats', '-version']) {
      assert.ok(r.stdout.includes(opt), `help mentions ${opt}`);
    }
    assert.equal(runTbscope(['-help']).stdout, r.stdout);
    assert.equal(runTbscope(['--help']).stdout, r.stdout, 'QEMU treats --opt as -opt');
  });

  it('-version prints the package version', () => {
    const r = runTbscope(['-version']);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.status, 0);
    assert.match(r.stdout, new RegExp(`^tbscope version ${pkg.version.replace(/\./g, '\\.')}\\n`));
  });

  it('-d help lists the log items QEMU also has', function () {
    const r = runTbscope(['-d', 'help']);
    assert.equal(r.status, 0);
    const ours = r.stdout.split('\n').slice(1).map((l) => l.split(/\s+/)[0]).filter(Boolean);
    assert.deepEqual(ours.sort(), ['exec', 'in_asm', 'nochain', 'plugin', 'strace', 'unimp']);
    // Every item must mean what it means to qemu-riscv64 (its -d help is the oracle for the names).
    const qemu = requireTool(this, 'qemu-riscv64');
    const q = spawnSync(qemu, ['-d', 'help'], { encoding: 'utf8' }).stdout;
    for (const item of ours) assert.match(q, new RegExp(`^${item}\\s`, 'm'), `qemu has -d ${item}`);
  });
});

// Launching a `.s`/`.S` program directly through the adapter (adapter/asm-program.ts), as any DAP
// client would: the oracle is the same source built by riscv64-linux-gnu-gcc (-g) — its DWARF
// line table (objdump --dwarf=decodedline) says where a line step must land, and qemu-riscv64's
// run of it says what the program prints and how it exits.

import { strict as assert } from 'node:assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { assembleForLaunch, asmElfPath, isAsmPath } from '../../adapter/asm-program';
import { GCC, OBJDUMP, QEMU, REPO_ROOT, requireTool, run, type RunResult } from '../support/oracles';
import { AS, gnuBuild, LD } from '../asm/gnu';
import { exitCode, failure, launch, openSession, source, topFrame, type Session } from './helpers';

/** gcc's build of an assembly source, like examples/build.sh does it (assemble with -g, then link). */
function gccBuild(gcc: string, src: string, dir: string): string {
  const obj = join(dir, 'gcc.o'), exe = join(dir, 'gcc.elf');
  for (const r of [run(gcc, ['-g', '-c', '-o', obj, src]), run(gcc, ['-nostdlib', '-static', '-o', exe, obj])]) {
    assert.equal(r.status, 0, r.stderr);
  }
  return exe;
}

/** The source lines of gcc's line table, in address order. */
function gccLineRows(objdump: string, exe: string): number[] {
  const out = run(objdump, ['--dwarf=decodedline', exe]).stdout;
  return [...out.matchAll(/^\S+\.[sS]\s+(\d+)\s+0x[0-9a-f]+/gm)].map((m) => Number(m[1]));
}

const lineOf = (file: string, text: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

describe('adapter: launching a .s program', function () {
  let s: Session;
  let dir: string;
  beforeEach(async () => { s = await openSession(); dir = mkdtempSync(join(tmpdir(), 'tbscope-asm-launch-')); });
  afterEach(async () => { await s.close(); });

  it('stops at a breakpoint on a .s line, line-steps as gcc\'s line table says, and prints what qemu prints', async function () {
    const gcc = requireTool(this, GCC), objdump = requireTool(this, OBJDUMP), qemu = requireTool(this, QEMU);
    const src = join(dir, 'tiny.S');
    copyFileSync(source('tiny.S'), src);
    const ref = gccBuild(gcc, src, dir);
    const want: RunResult = run(qemu, [ref]);
    const rows = gccLineRows(objdump, ref);
    const bpLine = lineOf(src, '# fd = stdout');
    const at = rows.indexOf(bpLine);
    assert.ok(at >= 0 && at + 2 < rows.length, `gcc's line table has no row for line ${bpLine}: ${rows.join(',')}`);

    const stopped = s.dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    let verified: DebugProtocol.Breakpoint[] = [];
    await launch(s, { program: src }, async () => {
      verified = (await s.dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line: bpLine }] })).body.breakpoints;
    });
    assert.equal((await stopped).body.reason, 'breakpoint');
    let top = await topFrame(s);
    assert.equal(top.source?.path, src);
    assert.equal(top.line, bpLine);
    const bps = (await s.dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line: bpLine }] })).body.breakpoints;
    assert.ok(bps[0].verified || verified[0]?.verified, 'the breakpoint on the .s line is verified');

    // Two line steps land where gcc's line table puts the next rows.
    for (const expected of [rows[at + 1], rows[at + 2]]) {
      const next = s.dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
      await s.dc.nextRequest({ threadId: 1 });
      assert.equal((await next).body.reason, 'step');
      top = await topFrame(s);
      assert.equal(top.line, expected, `after a step: line ${top.line}, gcc's table says ${expected}`);
    }

    // Without the breakpoint the loop runs out: same output and exit status as qemu on gcc's build.
    await s.dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
    const code = exitCode(s);
    await s.dc.continueRequest({ threadId: 1 });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
  });

  it('runs a .S through the preprocessor (#define) like gcc does', async function () {
    const gcc = requireTool(this, GCC), qemu = requireTool(this, QEMU);
    const src = join(dir, 'exit.S');
    writeFileSync(src, [
      '#define STATUS 42', '#define SYS_exit 93',
      '    .text', '    .globl _start', '_start:',
      '#ifdef STATUS', '    li a0, STATUS', '#else', '    li a0, 1', '#endif',
      '    li a7, SYS_exit', '    ecall', '',
    ].join('\n'));
    const want = run(qemu, [gccBuild(gcc, src, dir)]);
    assert.equal(want.status, 42, 'gcc build sanity');
    const code = exitCode(s);
    await launch(s, { program: src });
    assert.equal(await code, want.status);
  });

  it('follows .include next to the launched .s (the fixture exits with the included STATUS, as GNU as + qemu do)', async function () {
    const qemu = requireTool(this, QEMU);
    requireTool(this, AS); requireTool(this, LD);
    const src = join(REPO_ROOT, 'test/fixtures/asm/include-main.s');
    const gnu = gnuBuild(readFileSync(src, 'utf8'), ['-I', dirname(src)]);
    assert.ok(gnu.ok, gnu.stderr);
    const elf = join(dir, 'include-main.gnu');
    writeFileSync(elf, gnu.elf!, { mode: 0o755 });
    const want = run(qemu, [elf]);
    assert.equal(want.status, 7, 'GNU build sanity');
    const code = exitCode(s);
    await launch(s, { program: src });
    assert.equal(await code, want.status);
  });

  it('answers a .s that does not assemble with its file:line:col errors, before running anything', async () => {
    const src = join(dir, 'bad.s');
    writeFileSync(src, '    .globl _start\n_start:\n    addi a0, a0\n');
    const msg = await failure(launch(s, { program: src }));
    assert.match(msg, new RegExp(`${src.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: addi expects 3 operands`));
  });

  it('assembleForLaunch gives an ELF qemu-riscv64 runs like the gcc-built examples/bin/tiny; the ELF path names source and contents', function () {
    const qemu = requireTool(this, QEMU);
    const src = source('tiny.S');
    const r = assembleForLaunch(readFileSync(src, 'utf8'), src);
    assert.ok('elf' in r, 'error' in r ? r.error : '');
    const out = join(dir, 'tiny.elf');
    writeFileSync(out, r.elf, { mode: 0o755 });
    const ours = run(qemu, [out]);
    const ref = run(qemu, [join(source('bin'), 'tiny')]);
    assert.equal(ours.status, ref.status);
    assert.equal(ours.stdout, ref.stdout);
    assert.ok(isAsmPath('/a/b.s') && isAsmPath('/a/b.S') && !isAsmPath('/a/b.c') && !isAsmPath('/a/bin/tiny'));
    const p1 = asmElfPath('/w/x.s', new Uint8Array([1])), p2 = asmElfPath('/w/x.s', new Uint8Array([2]));
    assert.notEqual(p1, p2);
    assert.equal(p1, asmElfPath('/w/x.s', new Uint8Array([1])));
    assert.match(p1, /x\.s-[0-9a-f]{16}\.elf$/);
  });
});

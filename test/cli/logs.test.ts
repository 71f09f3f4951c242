// -d in_asm, -D and --stats checked against qemu-riscv64: the same TBs (start pcs and
// encodings, in translation order) in QEMU's log layout, and the same guest instruction count.

import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStats } from '../../cli/stats';
import { FIXED_ENV, QEMU, REPO_ROOT, SYSROOT, hasSysroot, parseInAsm, qemuRunCounts, requireTool, run, runTbscope, skipBecause } from '../support/oracles';

const TMP = join(REPO_ROOT, '.tmp', 'cli-logs');
const example = (name: string) => join(REPO_ROOT, 'examples', 'bin', name);

/** Column where the mnemonic starts on each instruction line (QEMU's layout is the reference). */
function mnemonicColumns(log: string): number[] {
  return [...log.matchAll(/^(0x[0-9a-f]{16}: {2}[0-9a-f]+\s+)\S/gm)].map((m) => m[1].length);
}

describe('cli: -d in_asm / -D against qemu-riscv64', () => {
  before(() => mkdirSync(TMP, { recursive: true }));

  for (const name of ['tiny', 'tiny-c']) {
    it(`${name}: same TBs in the same order, in QEMU's layout`, function () {
      const qemu = requireTool(this, QEMU);
      const qlog = join(TMP, `${name}.qemu.log`), tlog = join(TMP, `${name}.tbscope.log`);
      const q = run(qemu, ['-d', 'in_asm', '-D', qlog, example(name)], { env: FIXED_ENV });
      const t = runTbscope(['-d', 'in_asm', '-D', tlog, example(name)], { env: FIXED_ENV });
      assert.equal(t.status, q.status);
      assert.equal(t.stdout, q.stdout, '-D keeps the log off stdout');
      assert.equal(t.stderr, q.stderr, '-D keeps the log off stderr');
      const qText = readFileSync(qlog, 'latin1'), tText = readFileSync(tlog, 'latin1');
      const qTbs = parseInAsm(qText), tTbs = parseInAsm(tText);
      assert.ok(qTbs.length > 0);
      const shape = (tbs: typeof qTbs) => tbs.map((tb) => tb.insns.map((i) => `${i.pc.toString(16)}:${i.raw}`).join(' '));
      assert.deepEqual(shape(tTbs), shape(qTbs));
      // QEMU names a TB by the sized function symbol holding it (or nothing): same rule here.
      assert.deepEqual(tTbs.map((tb) => tb.symbol), qTbs.map((tb) => tb.symbol));
      // Same separators and columns as QEMU's log.
      assert.equal((tText.match(/^----------------$/gm) ?? []).length, qTbs.length);
      assert.deepEqual([...new Set(mnemonicColumns(tText))], [...new Set(mnemonicColumns(qText))]);
      assert.match(tText, /^----------------\nIN: .*\n0x/m);
      assert.match(tText, /\n\n$/, 'each block ends with a blank line');
    });
  }

  // Static, non-PIE programs that do not generate code: QEMU places them at the same addresses,
  // so every TB (start, instructions, "IN:" symbol) must be the same, in the same order. This
  // checks QEMU's TB-forming rules (control transfers, ecall, page ends, size limit) end to end.
  for (const name of ['hello-static', 'step', 'segv', 'exitcode', 'printenv']) {
    it(`${name}: every TB equals QEMU's, in translation order`, function () {
      const qemu = requireTool(this, QEMU);
      const args = ['-d', 'in_asm', example(name)];
      const shape = (tbs: ReturnType<typeof parseInAsm>) => tbs.map((tb) => `${tb.symbol}: ${tb.insns.map((i) => `${i.pc.toString(16)}:${i.raw}`).join(' ')}`);
      const q = shape(parseInAsm(run(qemu, args, { env: FIXED_ENV }).stderr));
      const t = shape(parseInAsm(runTbscope(args, { env: FIXED_ENV }).stderr));
      assert.ok(q.length > 100);
      const first = q.findIndex((tb, i) => tb !== t[i]);
      assert.equal(first, -1, `TB #${first} differs:\n  qemu:    ${q[first]}\n  tbscope: ${t[first]}`);
      assert.equal(t.length, q.length);
    });
  }

  for (const name of ['tiny', 'tiny-c']) {
    it(`${name}: -d exec traces the same TB sequence as qemu -d exec,nochain`, function () {
      const qemu = requireTool(this, QEMU);
      const pcs = (log: string) => [...log.matchAll(/^Trace 0: 0x[0-9a-f]+ \[0{16}\/([0-9a-f]{16})\/[0-9a-f]{8}\/[0-9a-f]{8}\] (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
      const q = pcs(run(qemu, ['-d', 'exec,nochain', example(name)], { env: FIXED_ENV }).stderr);
      const t = pcs(runTbscope(['-d', 'exec,nochain', example(name)], { env: FIXED_ENV }).stderr);
      assert.ok(q.length > 3);
      assert.deepEqual(t, q);
    });
  }

  it('tiny: -d strace prints what qemu -d strace prints (pid aside)', function () {
    const qemu = requireTool(this, QEMU);
    const strip = (log: string) => log.replace(/^\d+ /gm, 'PID ');
    const q = run(qemu, ['-d', 'strace', example('tiny')], { env: FIXED_ENV });
    const t = runTbscope(['-d', 'strace', example('tiny')], { env: FIXED_ENV });
    assert.match(q.stderr, /write\(1,/);
    assert.equal(strip(t.stderr), strip(q.stderr));
    assert.equal(t.stdout, q.stdout);
  });

  it('-d without -D writes the log to stderr, the guest output stays on stdout', () => {
    const t = runTbscope(['-d', 'in_asm', example('tiny')], { env: FIXED_ENV });
    assert.equal(t.status, 0);
    assert.equal(t.stdout, 'Hello from tiny!\n'.repeat(3));
    assert.ok(parseInAsm(t.stderr).length > 0);
  });
});

describe('cli: --stats against qemu-riscv64', () => {
  for (const name of ['tiny', 'tiny-c']) {
    it(`${name}: guest instructions and TBs translated equal qemu's`, function () {
      const qemu = requireTool(this, QEMU);
      const ref = qemuRunCounts(qemu, [example(name)]);
      const t = runTbscope(['--stats', example(name)], { env: FIXED_ENV });
      assert.equal(t.status, 0, t.stderr);
      const stats = parseStats(t.stderr);
      assert.ok(stats, `a stats block on stderr:\n${t.stderr}`);
      assert.equal(stats.guestInsns, ref.insns, 'guest instructions');
      assert.equal(stats.tbsTranslated, ref.tbsTranslated, 'TBs translated');
      assert.ok(stats.seconds >= 0 && stats.seconds < 60);
      assert.match(t.stderr, /^ {2}MIPS:\s+\d+\.\d$/m);
    });
  }

  it('reports the code tiers: hot loops head regions; with a callback on every TB (-plugin bb) they are promoted instead', function () {
    // hello-dynamic: ld.so's relocation loops run hundreds of times whatever the environment.
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    const plain = parseStats(runTbscope(['--stats', example('hello-dynamic')], { env: FIXED_ENV }).stderr);
    const perTb = parseStats(runTbscope(['--stats', '-plugin', 'bb', example('hello-dynamic')], { env: FIXED_ENV }).stderr);
    assert.ok(plain && perTb);
    assert.ok(plain.regionsBuilt! > 0, 'regions built');
    assert.equal(plain.tbsPromoted, 0);
    assert.equal(perTb.regionsBuilt, 0, 'TBs with exec callbacks stay out of regions');
    assert.ok(perTb.tbsPromoted! > 0, 'TBs promoted');
    assert.equal(perTb.guestInsns, plain.guestInsns);
  });

  it('-one-insn-per-tb translates one TB per distinct instruction pc (like qemu -one-insn-per-tb)', function () {
    const qemu = requireTool(this, QEMU);
    // QEMU 7.2 spells the option -singlestep; both are accepted by tbscope.
    const q = run(qemu, ['-singlestep', '-d', 'in_asm', example('tiny')], { env: FIXED_ENV });
    const qTbs = parseInAsm(q.stderr);
    assert.ok(qTbs.every((tb) => tb.insns.length === 1));
    const t = runTbscope(['-one-insn-per-tb', '--stats', '-d', 'in_asm', example('tiny')], { env: FIXED_ENV });
    const tTbs = parseInAsm(t.stderr);
    assert.deepEqual(tTbs.map((tb) => tb.insns[0].pc), qTbs.map((tb) => tb.insns[0].pc));
    assert.equal(parseStats(t.stderr)?.tbsTranslated, qTbs.length);
  });
});

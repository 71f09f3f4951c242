// The guest address space as qemu-riscv64 7.2 lays it out (emulator/linux/layout.ts): the
// linux-layout fixture prints where the stack, the program, ld.so, brk and a series of mmap,
// munmap, mremap, malloc and sbrk calls land, static and as a PIE, and the output must equal
// qemu-riscv64's. Then the proof that it matters: Lua hashes addresses, and the corpus' Lua
// cases must execute exactly as many instructions as under qemu-riscv64 (its count from the
// reference plugin in ../shared/qemu-oracle). Skips with the reason when an oracle is missing.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixture, runGuest } from './helpers';
import { concurrently, findTool, hasSysroot, QEMU, REPO_ROOT, requireTool, run, runAsync, runTbscopeAsync, SYSROOT } from '../support/oracles';

describe('linux: address-space layout equal to qemu-riscv64\'s', () => {
  it('static program: stack at 2^38, brk after the bss, mmap/mremap/sbrk addresses', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-layout');
    const q = run(qemu, [path], { env: {} });
    const t = runGuest(path, { env: [] });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.match(t.stdout, /^sp 0x40008/m, 'the stack is where qemu-riscv64 puts it');
  });

  it('PIE: program, brk reserve, stack, ld.so and trampoline at the mmap cursor', function () {
    const qemu = requireTool(this, QEMU);
    if (!hasSysroot()) this.skip();
    const path = fixture('linux-layout-dynamic');
    const q = run(qemu, ['-L', SYSROOT, path], { env: {} });
    const t = runGuest(path, { env: [], sysroot: SYSROOT });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(t.stdout, q.stdout);
    assert.match(t.stdout, /^main 0x4000000/m, 'the PIE is at 2^38');
  });
});

const CORPUS = resolve(REPO_ROOT, '..', 'shared', 'corpus');
const ORACLE_BUILD = resolve(REPO_ROOT, '..', 'shared', 'qemu-oracle', 'build.sh');

interface CorpusCase { name: string; binary: string; args: string[]; data: string }

/**
 * The corpus' Lua test-suite cases of 4-7 M instructions. The others (closure, literals, goto:
 * 18-28 M; calls 245 M; coroutine 950 M; lua-bench 1.5 G) take minutes under tbscope on a loaded
 * machine; these five already differed from qemu-riscv64 by 75-300 instructions each when the
 * stack and mmaps were elsewhere.
 */
const LUA_CASES = new Set(['lua-testes-tpack', 'lua-testes-utf8', 'lua-testes-vararg', 'lua-testes-events', 'lua-testes-bitwise']);

function luaCases(): CorpusCase[] {
  const list = join(CORPUS, 'cases.txt');
  if (!existsSync(list)) return [];
  return readFileSync(list, 'utf8').split('\n').filter((l) => LUA_CASES.has(l.split('|')[0])).map((l) => {
    const [name, binary, args, data] = l.split('|');
    return { name, binary: join(CORPUS, binary), args: args.split(' ').filter(Boolean), data: join(CORPUS, data) };
  });
}

describe('linux: corpus Lua cases execute as many instructions as under qemu-riscv64', function () {
  this.timeout(600000);
  const cases = luaCases();
  const work = mkdtempSync(join(tmpdir(), 'tbscope-layout-'));
  let oracle = '';
  const job = concurrently();
  const results = new Map<string, Promise<{ qemu: string; tbscope: string; qStatus: number | null; tStatus: number | null }>>();

  before(function () {
    if (!cases.length) { console.log(`    skipped: no corpus at ${CORPUS}`); this.skip(); }
    if (!findTool(QEMU) || !findTool('gcc') || spawnSync('pkg-config', ['--exists', 'glib-2.0']).status !== 0 || !existsSync(ORACLE_BUILD)) {
      console.log('    skipped: needs qemu-user, gcc, pkg-config, libglib2.0-dev and ../shared/qemu-oracle');
      this.skip();
    }
    const b = spawnSync('bash', [ORACLE_BUILD, join(work, 'oracle')], { encoding: 'utf8' });
    assert.equal(b.status, 0, `building the oracle plugin failed:\n${b.stderr}`);
    oracle = b.stdout.trim().split('\n').pop()!;
    // Every case runs in a fresh copy of its data folder with `env -i PATH=/usr/bin:/bin`, stdin
    // /dev/null, output to files (the corpus' rules: glibc buffers differently otherwise).
    for (const c of cases) {
      const env = { PATH: '/usr/bin:/bin' };
      const dirs = ['q', 't'].map((w) => { const d = join(work, `${c.name}-${w}`); cpSync(c.data, d, { recursive: true }); return d; });
      const qlog = join(work, `${c.name}.qemu`), tlog = join(work, `${c.name}.tbscope`);
      results.set(c.name, (async () => {
        const q = await job(() => runAsync(QEMU, ['-plugin', oracle, '-d', 'plugin', '-D', qlog, c.binary, ...c.args], { cwd: dirs[0], env, timeout: 300000 }));
        const t = await job(() => runTbscopeAsync(['-plugin', 'insn', '-d', 'plugin', '-D', tlog, c.binary, ...c.args], { cwd: dirs[1], env, timeout: 300000 }));
        const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
        return { qemu: read(qlog), tbscope: read(tlog), qStatus: q.status, tStatus: t.status };
      })());
    }
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  for (const c of cases) {
    it(c.name, async () => {
      const r = await results.get(c.name)!;
      assert.equal(r.tStatus, r.qStatus, 'exit status');
      const want = /^insns (\d+)$/m.exec(r.qemu)?.[1], got = /^total insns: (\d+)$/m.exec(r.tbscope)?.[1];
      assert.ok(want, `no count from qemu-riscv64:\n${r.qemu}`);
      assert.equal(got, want, 'instructions executed');
    });
  }
});

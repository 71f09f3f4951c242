// Plugins against the plugin API's hostile users, each defect found by fuzzing kept as a named
// case: an async install that rejects fails the load (exit 1); a thrown value whose toString
// throws is still reported in one line; every registration checks its callback; one plugin
// cannot attach unbounded instrumentation to a TB (and long runs of callbacks are called from a
// loop in the generated code); cache validates `cores`; drcov writes its file from the CLI and
// from the debugger.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU, REPO_ROOT, requireTool, run, runTbscope } from '../support/oracles';
import { exitCode, launch, openSession } from '../adapter/helpers';

const TINY = join(REPO_ROOT, 'examples', 'bin', 'tiny');
const HELLO = join(REPO_ROOT, 'examples', 'bin', 'hello-static');

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'tbscope-plugins-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function plugin(name: string, source: string): string {
  const p = join(dir, name);
  writeFileSync(p, source);
  return p;
}

function oneLineFailure(r: { status: number; stdout: string; stderr: string }, want: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '', 'the guest did not run');
  assert.match(r.stderr, /^tbscope: [^\n]+\n$/);
  assert.match(r.stderr, want);
}

describe('plugins: hostile plugins', function () {
  this.timeout(60_000);

  it('an async install that rejects fails the load with its message (exit 1)', () => {
    const p = plugin('reject.js', `module.exports = { apiVersion: 7, async install() { throw new Error('no licence for this plugin'); } };\n`);
    oneLineFailure(runTbscope(['-plugin', p, TINY]), /could not load plugin .*reject\.js: no licence for this plugin/);
  });

  it('a thrown object whose toString throws is reported in one line; the guest runs on as under qemu', function () {
    const qemu = requireTool(this, QEMU);
    const p = plugin('nested.js', `module.exports = { apiVersion: 7, install(api) {
      api.registerVcpuTbTransCb(api.id, () => { throw { toString() { throw new Error('nested'); } }; });
    } };\n`);
    const q = run(qemu, [TINY]);
    const t = runTbscope(['-plugin', p, TINY]);
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.status, q.status);
    assert.match(t.stderr, /plugin .*nested\.js: tb_trans callback threw: a thrown object that cannot be shown \(its toString throws\) \(plugin unloaded\)/);
    assert.doesNotMatch(t.stderr, /internal error/);
  });

  it('every registration checks its callback (null is refused at once, naming the function)', () => {
    const p = plugin('nulls.js', `module.exports = { apiVersion: 7, install(api) {
      const tryIt = (name, f) => { try { f(); api.outs(name + ': accepted\\n'); } catch (e) { api.outs(e.message + '\\n'); } };
      for (const n of ['registerVcpuInitCb', 'registerVcpuExitCb', 'registerVcpuIdleCb', 'registerVcpuResumeCb', 'registerVcpuSyscallCb',
        'registerVcpuSyscallRetCb', 'registerVcpuSyscallFilterCb', 'registerFlushCb', 'registerAtexitCb', 'registerVcpuTbTransCb']) tryIt(n, () => api[n](api.id, null));
      let once = false;
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        if (once) return;
        once = true;
        const insn = api.tbGetInsn(tb, 0);
        tryIt('registerVcpuTbExecCb', () => api.registerVcpuTbExecCb(tb, null, 0));
        tryIt('registerVcpuInsnExecCb', () => api.registerVcpuInsnExecCb(insn, 'not a function', 0));
        tryIt('registerVcpuMemCb', () => api.registerVcpuMemCb(insn, undefined, 0, 3));
        tryIt('registerVcpuTbExecCondCb', () => api.registerVcpuTbExecCondCb(tb, 42, 0, 1, api.scoreboardU64(api.scoreboardNew(8)), 0));
      });
    } };\n`);
    const r = runTbscope(['-d', 'plugin', '-plugin', p, TINY]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => /^register/.test(l));
    assert.equal(lines.length, 14, r.stderr);
    for (const l of lines) assert.match(l, /^(register\w+): the callback must be a function, got (null|string|undefined|number)$/);
  });

  it('10,000 exec callbacks on one TB: a clear error, the plugin unloaded, the guest runs on as under qemu', function () {
    const qemu = requireTool(this, QEMU);
    const p = plugin('many.js', `module.exports = { apiVersion: 7, install(api) {
      api.registerVcpuTbTransCb(api.id, (_id, tb) => { for (let i = 0; i < 10000; i++) api.registerVcpuTbExecCb(tb, () => {}, 0); });
    } };\n`);
    const q = run(qemu, [HELLO]);
    const t = runTbscope(['-plugin', p, HELLO], { timeout: 50_000 });
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.status, q.status);
    assert.match(t.stderr, /tb_trans callback threw: registerVcpuTbExecCb: more than 1024 callbacks and inline ops on one TB/);
  });

  it('runs of callbacks called from a loop in generated code run as often as one callback each (plain and -hot-code)', () => {
    const counter = (n: number) => plugin(`count${n}.js`, `module.exports = { apiVersion: 7, install(api) {
      let calls = 0, regs = 0;
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        for (let i = 0; i < ${n}; i++) api.registerVcpuTbExecCb(tb, () => { calls++; }, 0);
        for (let i = 0; i < ${n}; i++) api.registerVcpuInsnExecCb(api.tbGetInsn(tb, 0), () => { regs += api.getRegisters ? 1 : 0; }, 1);
      });
      api.registerAtexitCb(api.id, () => api.outs('calls ' + calls + ' regs ' + regs + '\\n'));
    } };\n`);
    for (const extra of [[], ['-hot-code']]) {
      const one = /calls (\d+) regs (\d+)/.exec(runTbscope(['-d', 'plugin', ...extra, '-plugin', counter(1), TINY]).stderr)!;
      const many = /calls (\d+) regs (\d+)/.exec(runTbscope(['-d', 'plugin', ...extra, '-plugin', counter(20), TINY]).stderr)!;
      assert.ok(Number(one[1]) > 0 && Number(one[2]) > 0, `${one[0]}`);
      assert.equal(Number(many[1]), 20 * Number(one[1]), `${extra} TB callbacks`);
      assert.equal(Number(many[2]), 20 * Number(one[2]), `${extra} R_REGS callbacks`);
    }
  });

  it('cache with cores=0 or cores=-1 is refused at load, as an option error', () => {
    for (const c of ['0', '-1']) oneLineFailure(runTbscope(['-plugin', `cache,cores=${c}`, TINY]), new RegExp(`could not load plugin cache: option parsing failed: cores=${c}`));
  });

  it('drcov writes its coverage file from the CLI (relative to the cwd)', () => {
    const r = runTbscope(['-plugin', 'drcov,filename=cli.drcov', TINY], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(join(dir, 'cli.drcov'), 'latin1');
    assert.match(text, /^DRCOV VERSION: 2\nDRCOV FLAVOR: drcov-64\n/);
    assert.match(text, /BB Table: [1-9]\d* bbs\n/);
  });

  it('drcov writes its coverage file from the debugger (relative to the launch cwd)', async () => {
    const s = await openSession();
    try {
      const code = exitCode(s);
      await launch(s, { program: TINY, cwd: dir, plugins: ['drcov,filename=dap.drcov'] });
      assert.equal(await code, 0);
      for (let i = 0; i < 50 && !existsSync(join(dir, 'dap.drcov')); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(readFileSync(join(dir, 'dap.drcov'), 'latin1'), /^DRCOV VERSION: 2\n[\s\S]*BB Table: [1-9]\d* bbs\n/);
    } finally {
      await s.close();
    }
  });
});

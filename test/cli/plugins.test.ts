// Plugins from the command line: -plugin (repeatable), TBSCOPE_PLUGIN, a .js/.mjs plugin by path,
// -d plugin / -D routing of `outs` (dropped without -d plugin, as in QEMU), one-line errors for
// plugins that cannot load, and counts checked against qemu-riscv64 as the oracle.

import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXED_ENV, QEMU, REPO_ROOT, qemuRunCounts, requireTool, runTbscope } from '../support/oracles';

const TMP = join(REPO_ROOT, '.tmp', 'cli-plugins');
const TINY = join(REPO_ROOT, 'examples', 'bin', 'tiny');
const TINY_C = join(REPO_ROOT, 'examples', 'bin', 'tiny-c');

/** A plugin written from scratch the way docs/plugins.md teaches: counts TBs and instructions inline. */
const COUNTER_PLUGIN = `
export const apiVersion = 7;
export function install(api, args) {
  const tag = (args.find((a) => a.startsWith('tag=')) || 'tag=count').slice(4);
  const sb = api.scoreboardNew(16);
  const tbs = api.scoreboardU64InStruct(sb, 0), insns = api.scoreboardU64InStruct(sb, 8);
  api.registerVcpuTbTransCb(api.id, (_id, tb) => {
    api.registerVcpuTbExecInlinePerVcpu(tb, 0, tbs, 1);
    api.registerVcpuTbExecInlinePerVcpu(tb, 0, insns, api.tbNInsns(tb));
  });
  api.registerAtexitCb(api.id, () => api.outs(tag + ' blocks ' + api.u64Sum(tbs) + ' insns ' + api.u64Sum(insns) + '\\n'));
}
`;

describe('cli: -plugin', () => {
  let plugin: string, pluginCjs: string;
  before(() => {
    mkdirSync(TMP, { recursive: true });
    plugin = join(TMP, 'counter.mjs');
    writeFileSync(plugin, COUNTER_PLUGIN);
    pluginCjs = join(TMP, 'counter.js');
    writeFileSync(pluginCjs, COUNTER_PLUGIN.replace('export const apiVersion = 7;', 'exports.apiVersion = 7;').replace('export function install', 'exports.install = function install'));
  });

  it('a .mjs plugin by path counts what qemu-riscv64 executes (-d plugin → stderr)', function () {
    const qemu = requireTool(this, QEMU);
    for (const prog of [TINY, TINY_C]) {
      const ref = qemuRunCounts(qemu, [prog]);
      const t = runTbscope(['-plugin', plugin, '-d', 'plugin', prog], { env: FIXED_ENV });
      assert.equal(t.status, 0, t.stderr);
      const m = /^count blocks (\d+) insns (\d+)$/m.exec(t.stderr);
      assert.ok(m, `plugin report on stderr:\n${t.stderr}`);
      assert.equal(Number(m[1]), ref.blocks, 'blocks executed');
      assert.equal(Number(m[2]), ref.insns, 'instructions');
    }
  });

  it('a CommonJS .js plugin, with arguments', () => {
    const t = runTbscope(['-plugin', `${pluginCjs},tag=cjs`, '-d', 'plugin', TINY], { env: FIXED_ENV });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, /^cjs blocks \d+ insns \d+$/m);
  });

  it('plugin output is dropped without -d plugin, and goes to the -D file with it', () => {
    const quiet = runTbscope(['-plugin', plugin, TINY], { env: FIXED_ENV });
    assert.equal(quiet.status, 0);
    assert.equal(quiet.stderr, '');
    const log = join(TMP, 'plugin.log');
    const t = runTbscope(['-plugin', plugin, '-d', 'plugin', '-D', log, TINY], { env: FIXED_ENV });
    assert.equal(t.stderr, '');
    assert.equal(t.stdout, 'Hello from tiny!\n'.repeat(3));
    assert.match(readFileSync(log, 'utf8'), /^count blocks \d+ insns \d+$/m);
  });

  it('TBSCOPE_PLUGIN loads plugins too (before -plugin ones), several separated by ":"', () => {
    const t = runTbscope(['-plugin', `${plugin},tag=third`, '-d', 'plugin', TINY],
      { env: { ...FIXED_ENV, TBSCOPE_PLUGIN: `${plugin},tag=first:${pluginCjs},tag=second` } });
    assert.equal(t.status, 0, t.stderr);
    const tags = [...t.stderr.matchAll(/^(\w+) blocks/gm)].map((m) => m[1]);
    assert.deepEqual(tags.sort(), ['first', 'second', 'third']);
  });

  it('the built-in insn plugin agrees with qemu-riscv64', function () {
    const qemu = requireTool(this, QEMU);
    const ref = qemuRunCounts(qemu, [TINY_C]);
    const t = runTbscope(['-plugin', 'insn', '-d', 'plugin', TINY_C], { env: FIXED_ENV });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stderr, new RegExp(`^total insns: ${ref.insns}$`, 'm'));
  });

  for (const [what, spec, mention] of [
    ['an unknown plugin name', 'no-such-plugin', /no-such-plugin/],
    ['a missing plugin file', join(TMP, 'missing.mjs'), /missing\.mjs/],
    ['a malformed argument', 'insn,notkeyvalue', /notkeyvalue/],
  ] as const) {
    it(`${what} is a one-line error with status 1`, () => {
      const t = runTbscope(['-plugin', spec, TINY], { env: FIXED_ENV });
      assert.equal(t.status, 1);
      assert.equal(t.stdout, '');
      assert.match(t.stderr, /^tbscope: [^\n]+\n$/);
      assert.match(t.stderr, mention);
    });
  }
});

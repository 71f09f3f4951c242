// Tests of plugin loading: -plugin spec parsing, built-in names (QEMU file names too), .mjs/.js
// modules by path, API version checks, and the one-line errors for every way loading can fail.

import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  builtinName, importByPath, installModule, loadBuiltin, loadPlugin, loadPlugins, parsePluginSpec, PluginLoadError,
  pluginSpecsFromEnv,
} from '../../emulator/plugins/loader';
import { PluginManager } from '../../emulator/plugins/core';
import { PLUGIN_API_MIN_VERSION, PLUGIN_API_VERSION } from '../../emulator/plugins/types';

/** Asserts a load failure is a PluginLoadError with a single line matching re. */
async function rejectsOneLine(p: Promise<unknown> | (() => unknown), re: RegExp): Promise<void> {
  let err: unknown;
  try { await (typeof p === 'function' ? p() : p); } catch (e) { err = e; }
  assert.ok(err instanceof PluginLoadError, `expected a PluginLoadError, got ${String(err)}`);
  assert.ok(!err.message.includes('\n'), `one line: ${JSON.stringify(err.message)}`);
  assert.match(err.message, re);
}

describe('plugins: loading', () => {
  const host = { importModule: (p: string) => importByPath(pathToFileURL(p).href) };

  it('parses [file=]NAME|PATH[,key=value...] specs', () => {
    assert.deepEqual(parsePluginSpec('hotpages,sortby=reads,pagesize=8192'), { name: 'hotpages', args: ['sortby=reads', 'pagesize=8192'] });
    assert.deepEqual(parsePluginSpec('file=./my.mjs,arg=x=1'), { name: './my.mjs', args: ['x=1'] });
    assert.throws(() => parsePluginSpec(',x=1'), /missing plugin name/);
    assert.throws(() => parsePluginSpec('bb,inline'), /expected key=value/);
    assert.deepEqual(pluginSpecsFromEnv('bb,inline=on:insn'), ['bb,inline=on', 'insn']);
    assert.deepEqual(pluginSpecsFromEnv(undefined), []);
  });

  it('maps QEMU plugin file names onto built-ins', () => {
    for (const n of ['hotpages', 'libhotpages.so', 'contrib/plugins/libhotpages.so', '/usr/lib/qemu/plugins/libhotpages.so']) {
      assert.equal(builtinName(n), 'hotpages', n);
    }
    assert.equal(builtinName('tests/tcg/plugins/libinsn.so'), 'insn');
    assert.equal(builtinName('libnothere.so'), undefined);
  });

  it('loads every built-in by name', () => {
    const mgr = new PluginManager({ writeFile: () => undefined });
    for (const n of ['bb', 'cache', 'cflow', 'drcov', 'execlog', 'hotblocks', 'hotpages', 'howvec', 'insn', 'mem', 'syscall', 'trace']) {
      loadBuiltin(mgr, n);
    }
    loadBuiltin(mgr, 'stoptrigger,icount=10');
    assert.equal(mgr.contexts.length, 13);
  });

  it('unknown plugins and bad arguments give one-line errors', async () => {
    const mgr = new PluginManager();
    await rejectsOneLine(loadPlugin(mgr, 'nosuch'), /could not load plugin nosuch: not a built-in plugin/);
    await rejectsOneLine(loadPlugin(mgr, 'libnosuch.so'), /could not load plugin libnosuch.so/);
    await rejectsOneLine(loadPlugin(mgr, 'hotpages,sortby=sideways'), /^tbscope: could not load plugin hotpages: invalid value to sortby: sideways$/);
    await rejectsOneLine(loadPlugin(mgr, 'bb,inline=perhaps'), /bb: boolean argument parsing failed: inline=perhaps$/);
    await rejectsOneLine(loadPlugin(mgr, 'insn,colour=red'), /insn: option parsing failed: colour=red$/);
    await rejectsOneLine(loadPlugin(mgr, 'mem,inline=on,callback=on'), /can't enable inline and callback counting at the same time/);
    await rejectsOneLine(loadPlugin(mgr, 'stoptrigger'), /'icount' or 'addr' argument missing/);
    await rejectsOneLine(loadPlugin(mgr, 'stoptrigger,icount=-3'), /icount parsing failed: '-3' must be a positive integer/);
    await rejectsOneLine(loadPlugin(mgr, 'cache,dcachesize=1000'), /dcache cannot be constructed from given parameters: cache size must be divisible by block size/);
    await rejectsOneLine(loadPlugin(mgr, 'drcov'), /drcov needs a host that can write files/);
    await rejectsOneLine(loadPlugin(mgr, '/tmp/x.mjs'), /loading plugin files is not available here/);
    assert.equal(mgr.contexts.length, 0, 'failed plugins are not left loaded');
  });

  it('refuses plugins written for an API version out of range, and failing installs', async () => {
    const mgr = new PluginManager();
    const install = () => 0;
    await rejectsOneLine(() => installModule(mgr, 'future', { apiVersion: PLUGIN_API_VERSION + 1, install }, []),
      new RegExp(`plugin requires API version ${PLUGIN_API_VERSION + 1}, but this tbscope supports only up to version ${PLUGIN_API_VERSION}`));
    await rejectsOneLine(() => installModule(mgr, 'old', { apiVersion: PLUGIN_API_MIN_VERSION - 1, install }, []),
      /supports only a minimum version of/);
    await rejectsOneLine(() => installModule(mgr, 'neg', { apiVersion: 7, install: () => -1 }, []), /install returned error code -1/);
    await rejectsOneLine(() => installModule(mgr, 'thrower', { apiVersion: 7, install: () => { throw new Error('nope\nmore'); } }, []),
      /^tbscope: could not load plugin thrower: nope$/);
    assert.equal(mgr.contexts.length, 0);
  });

  it('loads .mjs and .js modules by path and passes args and info', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tbscope-plugin-'));
    const mjs = join(dir, 'count.mjs'), cjs = join(dir, 'old.js'), bad = join(dir, 'bad.mjs'), nover = join(dir, 'nover.mjs');
    writeFileSync(mjs, `export const apiVersion = 7;
      export function install(api, args, info) { globalThis.__tbscopeSeen = { args, target: info.targetName, min: info.version.min, cur: info.version.cur, sys: info.systemEmulation }; }`);
    writeFileSync(cjs, 'module.exports = { apiVersion: 99, install() { return 0; } };');
    writeFileSync(bad, 'export const x = 1;');
    writeFileSync(nover, 'export function install() {}');
    const mgr = new PluginManager();
    await loadPlugins(mgr, [`${mjs},a=1,b=two`], host);
    assert.deepEqual((globalThis as Record<string, unknown>).__tbscopeSeen,
      { args: ['a=1', 'b=two'], target: 'riscv64', min: PLUGIN_API_MIN_VERSION, cur: PLUGIN_API_VERSION, sys: false });
    await rejectsOneLine(loadPlugin(mgr, cjs, host), /requires API version 99/);
    await rejectsOneLine(loadPlugin(mgr, bad, host), /does not export an install\(api, args, info\) function/);
    await rejectsOneLine(loadPlugin(mgr, nover, host), /does not export apiVersion/);
    await rejectsOneLine(loadPlugin(mgr, join(dir, 'missing.mjs'), host), /could not load plugin .*missing\.mjs: /);
  });
});

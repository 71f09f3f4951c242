// package.json's contributions against the code and the files they name: every command used in
// a menu or welcome text is contributed and registered by extension/, every view is created,
// every contributed file exists and parses, the launch schema lists exactly the attributes the
// adapter validates (adapter/config.ts LaunchConfig), and the debugger entry names the bundle.

import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/oracles';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;

function sources(dir: string): string {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')).join('\n');
}
const code = sources('extension');

describe('extension manifest (package.json contributes)', () => {
  it('every contributed command is registered in extension/, every referenced command is contributed', () => {
    const declared = new Set<string>(c.commands.map((x: { command: string }) => x.command));
    for (const cmd of declared) {
      const literal = code.includes(`'${cmd}'`);
      const sortCmd = /^tbscope\.hotPages\.sortBy/.test(cmd) && code.includes('`tbscope.hotPages.sortBy${cap}`');
      assert.ok(literal || sortCmd, `${cmd} is contributed but never registered`);
    }
    const used = Object.values(c.menus).flat().map((m) => (m as { command: string }).command);
    const welcome = c.viewsWelcome.flatMap((w: { contents: string }) => [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
    for (const cmd of [...used, ...welcome]) assert.ok(declared.has(cmd), `${cmd} is used but not contributed`);
  });

  it('every view is created by the extension and explains itself when empty; the views are in Run and Debug', () => {
    const views = c.views.debug as { id: string; type?: string }[];
    assert.deepEqual(Object.keys(c.views), ['debug'], 'the TB Scope views sit where a debugging user looks (issue #13)');
    for (const v of views) assert.ok(code.includes(`'${v.id}'`), `${v.id} is never created`);
    const welcomed = new Set(c.viewsWelcome.map((w: { view: string }) => w.view));
    // The webview draws its own empty text (media/heatmap.js #empty).
    for (const v of views.filter((x) => x.type !== 'webview')) assert.ok(welcomed.has(v.id), `${v.id} has no viewsWelcome`);
  });

  it('every file it names exists (and JSON files parse)', () => {
    const files = [
      ...c.languages.map((l: { configuration: string }) => l.configuration),
      ...c.grammars.map((g: { path: string }) => g.path),
      ...c.snippets.map((s: { path: string }) => s.path),
      pkg.icon,
    ];
    for (const f of files) {
      assert.ok(existsSync(join(REPO_ROOT, f)), `${f} is missing`);
      if (f.endsWith('.json')) JSON.parse(readFileSync(join(REPO_ROOT, f), 'utf8'));
    }
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(c.debuggers[0].program, './dist/adapter.js');
    assert.equal(c.debuggers[0].runtime, 'node');
  });

  it('the launch schema lists exactly the attributes of the adapter LaunchConfig', () => {
    const cfg = readFileSync(join(REPO_ROOT, 'adapter', 'config.ts'), 'utf8');
    const body = /export interface LaunchConfig \{([\s\S]*?)\n\}/.exec(cfg)![1];
    const fields = [...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]).sort();
    const schema = Object.keys(c.debuggers[0].configurationAttributes.launch.properties).sort();
    assert.deepEqual(schema, fields);
  });

  it('breakpoints are allowed in C, C++ and RISC-V assembly', () => {
    assert.deepEqual(c.breakpoints.map((b: { language: string }) => b.language).sort(), ['c', 'cpp', 'riscv-asm']);
  });

  it('launch snippets give each tabstop one default (issue #13: ${1:program} and ${1:bin/program} made one)', () => {
    for (const sn of c.debuggers[0].configurationSnippets as { label: string; body: unknown }[]) {
      const defaults = new Map<string, Set<string>>();
      for (const m of JSON.stringify(sn.body).matchAll(/\$\{(\d+):([^}]*)\}/g)) {
        if (!defaults.has(m[1])) defaults.set(m[1], new Set());
        defaults.get(m[1])!.add(m[2]);
      }
      for (const [n, d] of defaults) assert.equal(d.size, 1, `${sn.label}: tabstop ${n} has defaults ${[...d].join(' and ')}`);
    }
  });
});

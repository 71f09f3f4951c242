// End-to-end test of the packaged extension in a real VS Code (`npm run test:e2e`, run by CI):
// installs tbscope-<version>.vsix into code-server (../shared/tools/install-code-server.sh),
// opens a copy of examples/ with a launch.json, and drives the page with playwright-core and
// headless Chromium: breakpoint at the `BP:loop` marker of step.c, start the session, check it
// stops there, step, check the Hot Pages / Translation Blocks / Callback Trace views show
// entries (and the heat map selects a page); filter the Callback Trace by kind; remove the
// trace plugin from the Plugins view while stopped and add it back (it records again); add a
// data breakpoint on the most written Hot Pages entry and check the stop the adapter reports
// is a write into that page; continue to the end and check the Debug Console shows the
// program's output as qemu-riscv64 prints it; then tiny.S: highlighting, hover and diagnostics
// from the language server, and F5 with no launch configuration on the .s file (the adapter
// assembles it). Screenshots go to test-results/ (old ones are removed first). Skips (exit 0,
// with the reason) when code-server or Chromium is missing, unless TBSCOPE_E2E_REQUIRED=1 (CI
// sets it).
//
//   node scripts/e2e.mjs [--keep] [--screenshot]   (env: CODE_SERVER=entry.js, CHROMIUM=/usr/bin/chromium)
/* global fetch, setTimeout */

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const VSIX = join(root, `tbscope-${pkg.version}.vsix`);
const RESULTS = join(root, 'test-results');
const CODE_SERVER = process.env.CODE_SERVER ?? join(homedir(), '.cache', 'tbscope-code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.TBSCOPE_E2E_REQUIRED === '1';
const KEEP = process.argv.includes('--keep');
/** --screenshot: on success, copy the README's picture (all TB Scope views + a TB) to media/screenshot.png. */
const UPDATE_SCREENSHOT = process.argv.includes('--screenshot');
const README_SHOT = 'trace-filtered';
const STEP_TIMEOUT = 60_000;

function skip(why) {
  console.log(`e2e: SKIPPED — ${why}`);
  process.exit(REQUIRED ? 1 : 0);
}

if (!existsSync(CODE_SERVER)) skip(`code-server not found at ${CODE_SERVER} (run ../shared/tools/install-code-server.sh, or set CODE_SERVER)`);
if (!existsSync(CHROMIUM)) skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
if (!existsSync(VSIX)) skip(`${VSIX} not found (npm run package)`);
const { chromium } = require('playwright-core');

// ---- oracle: what the program prints under qemu-riscv64 -------------------------------------
const examples = join(root, 'examples');
const qemu = spawnSync('qemu-riscv64', [join(examples, 'bin', 'step')], { encoding: 'utf8' });
const expectedOutput = qemu.status === 0 && qemu.stdout.trim() ? qemu.stdout.trim().split('\n')[0] : undefined;
if (!expectedOutput) console.log('e2e: qemu-riscv64 not available; checking the Debug Console for "total=" instead');

/** 1-based line of the first line containing `text` in a source file. */
function lineOf(file, text) {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line with ${text} in ${file}`);
  return i + 1;
}
/** 1-based line of the `BP:name` marker in a source file. */
const markerLine = (file, name) => lineOf(file, `BP:${name}`);
const loopLine = markerLine(join(examples, 'step.c'), 'loop');

// ---- a workspace, user data and extensions folder of our own ---------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'tbscope-e2e-'));
const ws = join(tmp, 'workspace'), userData = join(tmp, 'user-data'), extDir = join(tmp, 'extensions');
cpSync(examples, ws, { recursive: true });
mkdirSync(join(ws, '.vscode'), { recursive: true });
writeFileSync(join(ws, '.vscode', 'launch.json'), JSON.stringify({
  version: '0.2.0',
  configurations: [{ type: 'tbscope', request: 'launch', name: 'tbscope: step', program: '${workspaceFolder}/bin/step', plugins: ['hotpages', 'trace'], deterministic: true }],
}, null, 2));
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'security.workspace.trust.enabled': false,
  'debug.console.closeOnEnd': false, 'debug.internalConsoleOptions': 'openOnSessionStart', 'workbench.enableExperiments': false,
  'update.mode': 'none', 'window.restoreWindows': 'none',
}, null, 2));
mkdirSync(RESULTS, { recursive: true });
// Screenshots of an earlier run would pass for this one's.
for (const f of readdirSync(RESULTS)) if (/^e2e-.*\.png$/.test(f)) rmSync(join(RESULTS, f));

const cs = (args, opts = {}) => spawnSync(process.execPath, [CODE_SERVER, '--user-data-dir', userData, '--extensions-dir', extDir, ...args], { encoding: 'utf8', ...opts });
const inst = cs(['--install-extension', VSIX]);
if (inst.status !== 0) throw new Error(`--install-extension failed:\n${inst.stdout}\n${inst.stderr}`);
console.log(`e2e: installed ${VSIX.split('/').pop()}`);

const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const server = spawn(process.execPath, [CODE_SERVER, '--auth', 'none', '--disable-workspace-trust', '--disable-telemetry',
  '--disable-update-check', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extDir, ws],
{ stdio: ['ignore', 'pipe', 'pipe'], detached: false });
let serverLog = '';
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });

let browser, page, failed = false, shot = 0;
const shots = new Map();
const snap = async (name) => {
  if (!page) return;
  const path = join(RESULTS, `e2e-${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path });
  shots.set(name, path);
};
const step = async (name, fn) => {
  process.stdout.write(`e2e: ${name} … `);
  try { await fn(); console.log('ok'); } catch (e) { console.log('FAILED'); await snap(`failed-${name.replace(/\W+/g, '-')}`).catch(() => {}); throw e; }
};

try {
  await step('code-server answers', async () => {
    const until = Date.now() + STEP_TIMEOUT;
    for (;;) {
      try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) break; } catch { /* not yet */ }
      if (Date.now() > until) throw new Error(`code-server did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(STEP_TIMEOUT);

  /** Runs a command from the palette (F1), by its title. */
  const command = async (title) => {
    const input = page.locator('.quick-input-widget input');
    // F1 is now and then lost while the workbench moves focus (a stop revealing its line): retry.
    for (let i = 0; ; i++) {
      await page.keyboard.press('F1');
      try { await input.waitFor({ state: 'visible', timeout: 3000 }); break; } catch (e) { if (i === 3) throw e; }
    }
    await input.fill(`>${title}`);
    // Click the row whose label is exactly the title (Enter would take the top, maybe a recent one).
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^(?:[A-Za-z ]+: )?${title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\.\\.\\.|…)?$`) }) }).first();
    try { await row.click({ timeout: 15_000 }); } catch (e) {
      const shown = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
      throw new Error(`command '${title}' not in the palette; it shows: ${shown.join(' | ')}`, { cause: e });
    }
  };
  const paneOf = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
  const expand = async (pane) => {
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  };
  const callStackTop = () => page.locator('.debug-call-stack .monaco-list-row').filter({ hasText: 'step.c' }).first();
  /** The line the top frame is stopped at, from the CALL STACK row ("main  step.c  39:5"). */
  const stoppedLine = async () => {
    const t = await callStackTop().innerText();
    const m = /step\.c\s+(\d+):\d+/.exec(t);
    if (!m) throw new Error(`no step.c line in call stack row: ${t}`);
    return Number(m[1]);
  };

  await step('workbench loads the workspace', async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();
    await snap('workbench');
  });

  await step(`breakpoint on step.c:${loopLine} (BP:loop)`, async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill('step.c');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'step.c' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'step.c' }).waitFor();
    await command('Go to Line/Column');
    await page.keyboard.type(String(loopLine));
    await page.keyboard.press('Enter');
    await command('Debug: Toggle Breakpoint');
    await page.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor();
  });

  await step('session starts from launch.json and stops at the breakpoint', async () => {
    await command('Debug: Start Debugging');
    await page.locator('.debug-toolbar').waitFor();
    await callStackTop().waitFor();
    const line = await stoppedLine();
    if (line !== loopLine) throw new Error(`stopped at line ${line}, expected ${loopLine}`);
    await snap('stopped-at-breakpoint');
  });

  await step('step over moves to the next line', async () => {
    await command('Debug: Step Over');
    const until = Date.now() + STEP_TIMEOUT;
    let line = loopLine;
    while (line === loopLine && Date.now() < until) { await page.waitForTimeout(200); line = await stoppedLine().catch(() => loopLine); }
    if (line !== loopLine + 1) throw new Error(`after step over: line ${line}, expected ${loopLine + 1}`);
  });

  await step('TB Scope views show entries', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="TB Scope"], .activitybar [aria-label^="TB Scope"]').first().click();
    for (const view of ['Hot Pages', 'Translation Blocks', 'Callback Trace']) {
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: view }) });
      const header = pane.locator('.pane-header');
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      await pane.locator('.monaco-list-row').first().waitFor({ timeout: STEP_TIMEOUT });
      const n = await pane.locator('.monaco-list-row').count();
      console.log(`\n     ${view}: ${n} rows, first: ${(await pane.locator('.monaco-list-row').first().innerText()).replace(/\s+/g, ' ')}`);
    }
    await snap('tb-scope-views');
  });

  await step('Hot Pages sorts from its toolbar; a Memory Heat Map click selects that page', async () => {
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Hot Pages' }) });
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Sort by Address"]').click();
    await pane.locator('.pane-header', { hasText: 'by address' }).waitFor();
    const heat = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Memory Heat Map' }) });
    const header = heat.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    // Webview views live two iframes deep; the hottest cell is level 7.
    const cell = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('.cell.l7').first();
    const address = Number(await cell.getAttribute('data-address'));
    await cell.click();
    const label = '0x' + address.toString(16).padStart(16, '0');
    await pane.locator('.monaco-list-row.selected', { hasText: label }).waitFor();
    await snap('heat-map-selects-page');
  });

  await step('Open Translation Block shows guest code and generated JavaScript; closed, a click on the row opens it again', async () => {
    const pane = paneOf('Translation Blocks');
    await expand(pane);
    // Selecting a TB opens it (the view does not use TreeItem commands, which VS Code loses
    // when a refresh races the click: "Actual command not found").
    const row = pane.locator('.monaco-list-row').first();
    const tab = page.locator('.tab', { hasText: '.tb' }).first();
    await row.click();
    try { await tab.waitFor({ timeout: 15_000 }); } catch {
      // Seen once in CI, never locally (also not under load): the click opened nothing. Say what
      // the tree showed, then take the row's own "Open Translation Block" action, as a user would.
      const tabs = await page.locator('.tab').allInnerTexts();
      console.log(`\n     no .tb tab 15 s after the click: row selected=${await row.getAttribute('aria-selected')}, ` +
        `row "${(await row.innerText()).replace(/\s+/g, ' ')}", tabs: ${tabs.join(' | ')}; using the row's inline action`);
      await row.hover();
      await row.locator('.action-label[aria-label="Open Translation Block"]').click();
      await tab.waitFor();
    }
    await page.locator('.view-lines', { hasText: 'generated JavaScript' }).first().waitFor();
    await snap('translation-block');
    // Closed, then the same (still selected) row clicked again: the document opens again.
    await command('View: Close Editor');
    await tab.waitFor({ state: 'detached' });
    await row.click();
    await tab.waitFor({ timeout: 15_000 });
  });

  await step('Callback Trace filters by kind from its toolbar', async () => {
    const pane = paneOf('Callback Trace');
    await expand(pane);
    const rows = pane.locator('.monaco-list-row');
    await rows.first().waitFor();
    const firstKind = (await rows.first().innerText()).split(' ')[0];
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Filter by Kind / Plugin"]').click();
    // Rows are "<name> kind" or "<name> plugin" (label and description).
    const kindRows = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-description', { hasText: /^kind$/ }) });
    await kindRows.first().waitFor();
    const kinds = (await kindRows.locator('.label-name').allInnerTexts()).map((k) => k.trim());
    if (kinds.length < 2) throw new Error(`need two event kinds to filter, the pick offers: ${kinds.join(', ')}`);
    // Pick a kind other than the newest event's, so the filter visibly changes the list.
    const kind = kinds.find((k) => k !== firstKind);
    await kindRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${kind}$`) }) }).first().click();
    await page.keyboard.press('Enter');
    // The header's "shown of total" changes once the view has re-rendered with the filter.
    const counts = async () => (/(\d+) of (\d+)/.exec(await pane.locator('.pane-header').innerText()) ?? [0, 0, 0]).slice(1).map(Number);
    const until = Date.now() + STEP_TIMEOUT;
    let c = await counts();
    while (c[0] >= c[1]) {
      if (Date.now() > until) throw new Error(`filter on ${kind}: ${c[0]} of ${c[1]} events shown`);
      await page.waitForTimeout(100);
      c = await counts();
    }
    const [shown, total] = c;
    if (shown === 0) throw new Error(`filter on ${kind} shows no events of ${total}`);
    await pane.locator('.monaco-list-row', { hasText: new RegExp(`^${kind} @`) }).first().waitFor();
    const labels = await rows.allInnerTexts();
    const wrong = labels.filter((l) => !l.startsWith(`${kind} @`));
    if (wrong.length) throw new Error(`filter on ${kind} still shows: ${wrong[0]}`);
    console.log(`\n     ${kind}: ${shown} of ${total} events`);
    await snap('trace-filtered');
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Clear Filter"]').click();
    await pane.locator('.pane-header', { hasText: `${total} of ${total}` }).waitFor();
  });

  await step('Plugins: remove trace while stopped, add it back, and it records again after a step', async () => {
    const pane = paneOf('Plugins');
    await expand(pane);
    const trace = pane.locator('.monaco-list-row', { hasText: /^\s*trace\b/ });
    await trace.first().waitFor();
    await trace.first().hover();
    await trace.first().locator('.action-label[aria-label="Remove Plugin"]').click();
    await trace.first().waitFor({ state: 'detached' });
    await pane.locator('.monaco-list-row', { hasText: 'hotpages' }).first().waitFor();
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Add Plugin"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('trace');
    await page.keyboard.press('Enter');
    await trace.first().waitFor();
    // The re-added plugin is live: a step fills the Callback Trace with its events.
    await command('Debug: Step Over');
    await paneOf('Callback Trace').locator('.monaco-list-row', { hasText: /trace · vCPU/ }).first().waitFor();
    await snap('plugins-re-added');
  });

  await step('Hot Pages: "Add Data Breakpoint on Page" on the most written page; continue stops on a write to it', async () => {
    const pane = paneOf('Hot Pages');
    await expand(pane);
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Sort by Writes"]').click();
    await pane.locator('.pane-header', { hasText: 'by writes' }).waitFor();
    // The list is virtualised and was scrolled by the heat map's selection: back to its top row.
    // (rows above the viewport stay in the DOM under the header, so click the list's top edge).
    await pane.locator('.monaco-list').first().click({ position: { x: 60, y: 8 } });
    await page.keyboard.press('Home');
    const row = pane.locator('.monaco-list-row[data-index="0"]');
    // The header says "by writes" before the rows are re-rendered: wait for the top row to have
    // the most writes of the rows shown.
    const writes = (text) => Number(/W (\d+)/.exec(text)?.[1] ?? -1);
    const until = Date.now() + STEP_TIMEOUT;
    for (;;) {
      const shown = (await pane.locator('.monaco-list-row').allInnerTexts()).map(writes);
      if (shown.length && writes(await row.innerText()) >= Math.max(...shown)) break;
      if (Date.now() > until) throw new Error(`Hot Pages not sorted by writes: ${shown.join(', ')}`);
      await page.waitForTimeout(200);
    }
    await row.hover();
    await row.locator('.action-label[aria-label="Add Data Breakpoint on Page"]').click();
    await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^write$/ }) }).first().click();
    // The page the breakpoint went on, as the extension reports it.
    const status = page.locator('.statusbar-item', { hasText: 'data breakpoint (write) on page' }).first();
    await status.waitFor();
    const pageAddr = Number(/on page (0x[0-9a-f]+)/i.exec(await status.innerText())[1]);
    // The watched page shows the data-breakpoint icon.
    await pane.locator('.monaco-list-row', { hasText: '0x' + pageAddr.toString(16).padStart(16, '0') }).locator('.custom-view-tree-node-item-icon.codicon-debug-breakpoint-data').waitFor();
    await command('Debug: Continue');
    await page.locator('.activitybar .action-item a[aria-label^="Run and Debug"], .activitybar [aria-label^="Run and Debug"]').first().click();
    // The adapter's stop description ("write of N bytes at A by the instruction at P") is the
    // Call Stack's state label (its header, with one thread): the write must fall in the page.
    const state = paneOf('Call Stack').locator('.pane-header', { hasText: /write of \d+ bytes at 0x/i });
    await state.waitFor();
    const m = /write of \d+ bytes at (0x[0-9a-f]+)/i.exec(await state.innerText());
    const addr = Number(m[1].toLowerCase());
    if (addr < pageAddr || addr >= pageAddr + 4096) throw new Error(`stopped on a write to ${m[1]}, outside page 0x${pageAddr.toString(16)}`);
    console.log(`\n     page 0x${pageAddr.toString(16)}: ${m[0]}`);
    await snap('data-breakpoint');
  });

  await step("continue to the end: the Debug Console shows the program's output", async () => {
    // The breakpoint is inside the loop: remove it, or continue stops on the next iteration.
    // "Remove All Breakpoints" also removes the data breakpoint added from Hot Pages (the
    // adapter keeps that one in a list of its own, which the extension clears then).
    await command('Remove All Breakpoints');
    await page.locator('.statusbar-item', { hasText: 'removed 1 data breakpoint added from Hot Pages' }).first().waitFor();
    await command('Debug: Continue');
    const repl = page.locator('.repl');
    const want = expectedOutput ?? 'total=';
    // The console list is virtualised (only visible rows exist): its filter box brings the line into view.
    await page.locator('.repl').waitFor();
    await page.getByPlaceholder(/^Filter \(e\.g\. text/).first().fill(want.slice(0, 40));
    await repl.locator('.monaco-list-row', { hasText: want }).first().waitFor({ timeout: STEP_TIMEOUT });
    await snap('debug-console');
  });
  await step('RISC-V assembly: language mode, highlighting, hover and diagnostics from the language server', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('tiny.S');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tiny.S' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'tiny.S' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'RISC-V Assembly' }).first().waitFor();
    // Hover over the first `ecall` token: the text comes from the ISA table through the server.
    const ecall = page.locator('.view-line span', { hasText: /^ecall$/ }).first();
    await ecall.hover();
    await page.locator('.monaco-hover', { hasText: 'Environment call' }).first().waitFor();
    await snap('asm-hover');
  });

  await step('F5 on tiny.S without a launch configuration: assembled in-process, stops at a breakpoint on its line', async () => {
    const line = lineOf(join(examples, 'tiny.S'), '# fd = stdout');
    await command('Go to Line/Column');
    await page.keyboard.type(String(line));
    await page.keyboard.press('Enter');
    await command('Debug: Toggle Breakpoint');
    await command('tbscope: Debug Active File');
    const row = page.locator('.debug-call-stack .monaco-list-row').filter({ hasText: 'tiny.S' }).first();
    await row.waitFor();
    const m = /tiny\.S\s+(\d+):\d+/.exec(await row.innerText());
    if (!m || Number(m[1]) !== line) throw new Error(`stopped at ${m?.[1]}, expected tiny.S line ${line}`);
    await snap('asm-stopped');
    await command('Remove All Breakpoints');
    await command('Debug: Stop');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
  });

  await step('the language server reports an error as you type', async () => {
    const ecall = page.locator('.view-line span', { hasText: /^ecall$/ }).first();
    // Break a line: the server's diagnostic appears in the Problems panel.
    await page.keyboard.press('Escape');
    await ecall.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' a0');
    await command('Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'ecall' }).first().waitFor();
    await snap('asm-diagnostic');
  });
  console.log('e2e: PASSED');
  if (UPDATE_SCREENSHOT) {
    copyFileSync(shots.get(README_SHOT), join(root, 'media', 'screenshot.png'));
    console.log(`e2e: media/screenshot.png ← ${shots.get(README_SHOT).slice(root.length + 1)}`);
  }
} catch (e) {
  failed = true;
  console.error(`e2e: ${e.stack ?? e}`);
  console.error(`--- code-server log (tail) ---\n${serverLog.split('\n').slice(-40).join('\n')}`);
} finally {
  await browser?.close().catch(() => {});
  server.kill('SIGTERM');
  if (!KEEP) rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

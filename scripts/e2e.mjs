// End-to-end test of the packaged extension in a real VS Code (`npm run test:e2e`, run by CI):
// installs tbscope-<version>.vsix into code-server (../shared/tools/install-code-server.sh),
// opens a copy of examples/ and drives it with playwright-core and headless Chromium through a
// real debugging session, as a user would (scripts/e2e-lib.mjs has the helpers):
//  - step.c: breakpoint at BP:loop, F5; then 20 timed steps mixing line steps (F10, F11,
//    Shift+F11) and instruction steps (F10/F11 in the Disassembly view), and continues to the
//    breakpoint; after every stop the TB Scope views (in Run and Debug) show consistent,
//    non-empty content and no error toast is up;
//  - Translation Blocks: one row per pc, flavours under it, the TB document opened beside the
//    source; Callback Trace: selecting a memory event reveals its step.c line, its row action
//    opens the TB; filter by kind; Plugins: remove trace and add it back from the pick;
//  - Hot Pages → "Add Data Breakpoint on Page", continue stops on a write into that page;
//    "Open in Memory View" shows memory as it is now and again after a step;
//  - continue to the end: the program's output (qemu-riscv64 as the oracle) and the exit
//    message; the views say "ended";
//  - segv.c (no -g): stopOnEntry at _start opens the Disassembly view, Registers in Variables;
//    continue: the crash stops with SIGSEGV and its fault address; then the signal death;
//  - tiny.S: highlighting, hover and diagnostics from the language server, F5 without a launch
//    configuration.
// Step latency (keydown → the Call Stack / Disassembly view showing the new stop, timed in the
// page) is reported; the test fails above a 400 ms median (the goal, 150 ms, is reported).
// Screenshots of each stage and of each view go to test-results/ (old ones removed first);
// --screenshot copies the README's picture to media/screenshot.png. Skips (exit 0, with the
// reason) when code-server or Chromium is missing, unless TBSCOPE_E2E_REQUIRED=1 (CI sets it).
//
//   node scripts/e2e.mjs [--keep] [--screenshot]   (env: CODE_SERVER=entry.js, CHROMIUM=/usr/bin/chromium)

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { installStepTimer, lineOf, makeWorkspace, median, startCodeServer, STEP_TIMEOUT, timedStep, ui } from './e2e-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const VSIX = join(root, `tbscope-${pkg.version}.vsix`);
const RESULTS = join(root, 'test-results');
const CODE_SERVER = process.env.CODE_SERVER ?? join(homedir(), '.cache', 'tbscope-code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REQUIRED = process.env.TBSCOPE_E2E_REQUIRED === '1';
const KEEP = process.argv.includes('--keep');
const UPDATE_SCREENSHOT = process.argv.includes('--screenshot');
const README_SHOT = 'tb-scope-views';
/** Median step latency above which the test fails (the goal is GOAL_MS). */
const LIMIT_MS = 400, GOAL_MS = 150;

function skip(why) {
  console.log(`e2e: SKIPPED — ${why}`);
  process.exit(REQUIRED ? 1 : 0);
}
if (!existsSync(CODE_SERVER)) skip(`code-server not found at ${CODE_SERVER} (run ../shared/tools/install-code-server.sh, or set CODE_SERVER)`);
if (!existsSync(CHROMIUM)) skip(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
if (!existsSync(VSIX)) skip(`${VSIX} not found (npm run package)`);
const { chromium } = require('playwright-core');

// ---- oracle: what the programs print under qemu-riscv64 --------------------------------------
const examples = join(root, 'examples');
const qemu = spawnSync('qemu-riscv64', [join(examples, 'bin', 'step')], { encoding: 'utf8' });
const expectedOutput = qemu.status === 0 && qemu.stdout.trim() ? qemu.stdout.trim().split('\n')[0] : undefined;
if (!expectedOutput) console.log('e2e: qemu-riscv64 not available; checking the Debug Console for "total=" instead');
const stepC = join(examples, 'step.c');
const loopLine = lineOf(stepC, 'BP:loop');

const w = makeWorkspace(examples, [
  { type: 'tbscope', request: 'launch', name: 'tbscope: step', program: '${workspaceFolder}/bin/step', plugins: ['hotpages', 'trace'], deterministic: true },
  { type: 'tbscope', request: 'launch', name: 'tbscope: segv at entry', program: '${workspaceFolder}/bin/segv', plugins: ['hotpages', 'trace'], stopOnEntry: true, deterministic: true },
]);
mkdirSync(RESULTS, { recursive: true });
// Screenshots of an earlier run would pass for this one's.
for (const f of readdirSync(RESULTS)) if (/^e2e-.*\.png$/.test(f)) rmSync(join(RESULTS, f));

let cs, browser, page, failed = false, shot = 0;
const shots = new Map();
const snap = async (name, what) => {
  if (!page) return;
  const path = join(RESULTS, `e2e-${String(++shot).padStart(2, '0')}-${name}.png`);
  await (what ?? page).screenshot({ path });
  shots.set(name, path);
};
const step = async (name, fn) => {
  process.stdout.write(`e2e: ${name} … `);
  try { await fn(); console.log('ok'); } catch (e) { console.log('FAILED'); await snap(`failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {}); throw e; }
};
const latencies = [];

try {
  cs = await startCodeServer(CODE_SERVER, VSIX, w);
  console.log(`e2e: installed ${VSIX.split('/').pop()}, code-server on 127.0.0.1:${cs.port}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.setDefaultTimeout(STEP_TIMEOUT);
  const { command, paneOf, expand, openFile, errorToasts } = ui(page);
  const VIEWS = ['Hot Pages', 'Translation Blocks', 'Callback Trace', 'Plugins'];

  /** The top frame's line in step.c, from the Call Stack ("main  step.c  39:5"). */
  const stoppedLine = async () => {
    const t = await page.locator('.debug-call-stack .stack-frame').first().innerText();
    const m = /step\.c\s+(\d+):\d+/.exec(t);
    if (!m) throw new Error(`no step.c line in the Call Stack's top row: ${t}`);
    return Number(m[1]);
  };

  /**
   * After a stop: each TB Scope view has rows, its header agrees with them, none shows its
   * empty-state text, and no error toast is up. Views update asynchronously: generous wait.
   */
  const checkViews = async (label, { mayBeEmpty = false } = {}) => {
    for (const view of VIEWS) {
      // Early in a program little has run: a view may be empty, and then it says so.
      if (mayBeEmpty && view !== 'Plugins' && !(await paneOf(view).locator('.monaco-list-row').count())) {
        await paneOf(view).locator('.welcome-view-content').waitFor();
        continue;
      }
      const pane = paneOf(view);
      const rows = pane.locator('.monaco-list-row');
      const until = Date.now() + 30_000;
      for (;;) {
        const n = await rows.count();
        const header = (await pane.locator('.pane-header').innerText()).replace(/\s+/g, ' ');
        const welcome = await pane.locator('.welcome-view-content').isVisible().catch(() => false);
        const tbs = /(\d+) TBs/.exec(header);
        const ok = n > 0 && !welcome && (view !== 'Translation Blocks' || (tbs && Number(tbs[1]) > 0));
        if (ok) break;
        if (Date.now() > until) throw new Error(`${label}: ${view} is not consistent: ${n} rows, header "${header}", empty-state text ${welcome ? 'shown' : 'hidden'}`);
        await page.waitForTimeout(200);
      }
    }
    const errors = await errorToasts();
    if (errors.length) throw new Error(`${label}: error notification: ${errors.join(' | ')}`);
    // The whole stack comes in one answer: no "Load More Stack Frames" row that loads nothing.
    if (await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'Load More Stack Frames' }).count()) throw new Error(`${label}: the Call Stack shows "Load More Stack Frames"`);
  };

  const timed = async (key, label) => {
    const r = await timedStep(page, key);
    latencies.push(r.ms);
    await checkViews(`${label} (${key})`);
    return r;
  };

  await step('workbench loads the workspace', async () => {
    await page.goto(`http://127.0.0.1:${cs.port}/?folder=${encodeURIComponent(w.ws)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();
    await installStepTimer(page);
  });

  await step(`breakpoint on step.c:${loopLine} (BP:loop), F5 from launch.json stops there`, async () => {
    await openFile('step.c');
    await command('Go to Line/Column');
    await page.keyboard.type(String(loopLine));
    await page.keyboard.press('Enter');
    await command('Debug: Toggle Breakpoint');
    await page.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first().waitFor();
    await command('Debug: Start Debugging');
    await page.locator('.debug-toolbar').waitFor();
    await page.locator('.debug-call-stack .stack-frame', { hasText: 'step.c' }).first().waitFor();
    const line = await stoppedLine();
    if (line !== loopLine) throw new Error(`stopped at line ${line}, expected ${loopLine}`);
    // Make room in the Run and Debug side bar for the TB Scope views, as a user would.
    for (const p of ['Watch', 'Breakpoints', 'Loaded Scripts']) {
      const header = paneOf(p).locator('.pane-header');
      if (await header.count() && (await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    for (const v of [...VIEWS, 'Memory Heat Map']) await expand(paneOf(v));
    // Locals come first and expanded; main(void) has no Arguments scope.
    await paneOf('Variables').locator('.monaco-list-row', { hasText: /^\s*Locals/ }).first().waitFor();
    if (await paneOf('Variables').locator('.monaco-list-row', { hasText: /^\s*Arguments/ }).count()) throw new Error('an empty Arguments scope is shown');
    await checkViews('at the breakpoint');
    // The README's picture: the TB Scope views with the heat map, Variables folded for room.
    await paneOf('Variables').locator('.pane-header').click();
    await paneOf('Memory Heat Map').locator('.pane-header').click();
    await expand(paneOf('Memory Heat Map'));
    await page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('.cell.l7').first().waitFor();
    await snap(README_SHOT);
    await expand(paneOf('Variables'));
  });

  await step('continue to the breakpoint twice (Locals show the next iteration each time)', async () => {
    for (const i of [1, 2]) {
      await command('Debug: Continue');
      await paneOf('Variables').locator('.monaco-list-row', { hasText: new RegExp(`^\\s*i\\s*=\\s*${i}\\s*$`) }).first().waitFor();
      const line = await stoppedLine();
      if (line !== loopLine) throw new Error(`continue ${i}: stopped at line ${line}`);
      await checkViews(`continue ${i}`);
    }
  });

  await step('20 timed steps: into and out of add, line steps, instruction steps in the Disassembly view', async () => {
    await timed('F11', 'step into add');
    const inAdd = await page.locator('.debug-call-stack .stack-frame').first().innerText();
    if (!/^add/.test(inAdd.trim())) throw new Error(`step into: top frame is "${inAdd}", not add`);
    await timed('Shift+F11', 'step out of add');
    for (let i = 0; i < 6; i++) await timed('F10', `line step ${i + 1}`);
    if ((await stoppedLine()) !== loopLine) throw new Error(`six line steps from the loop line (i = 2) should end on it (i = 4), not on line ${await stoppedLine()}`);
    await command('Open Disassembly View');
    const disasm = page.locator('.disassembly-view');
    await disasm.locator('.codicon-debug-stackframe').first().waitFor();
    // Focus the view on the current instruction's text (its glyph margin would set a breakpoint).
    await disasm.locator('.monaco-list-row', { has: page.locator('.codicon-debug-stackframe') }).locator('.instruction').first().click();
    const before = latencies.length;
    for (let i = 0; latencies.length < 20; i++) {
      const r = await timed(i % 4 === 3 ? 'F11' : 'F10', `instruction step ${i + 1}`);
      if (i === 0 && r.before.split('|')[1] === r.after.split('|')[1]) throw new Error(`an instruction step did not move the current instruction: ${r.after}`);
    }
    console.log(`\n     ${latencies.length} steps (${latencies.length - before} by instruction); median ${median(latencies).toFixed(0)} ms`);
    await snap('instruction-steps');
  });

  await step('Translation Blocks: flavours of one pc listed under it; its TB document opens beside the source', async () => {
    await page.locator('.tab', { hasText: 'step.c' }).first().click();
    const pane = paneOf('Translation Blocks');
    // Steps made one-instruction TBs where plain ones ran: some pc has two flavours.
    const multi = pane.locator('.monaco-list-row', { hasText: /\d+ flavours/ }).first();
    await multi.waitFor({ timeout: 30_000 });
    await multi.click();
    await pane.locator('.monaco-list-row', { hasText: /one instruction \(stepping\)/ }).first().waitFor();
    await pane.locator('.monaco-list-row', { hasText: /^\s*plain/ }).first().waitFor();
    await checkViews('flavours expanded');
    await snap('tb-flavours');
    // The row's action opens the TB document beside the source: step.c stays open.
    await multi.hover();
    await multi.locator('.action-label[aria-label="Open Translation Block"]').click();
    await page.locator('.tab', { hasText: '.tb' }).first().waitFor();
    await page.locator('.view-lines', { hasText: 'generated JavaScript' }).first().waitFor();
    if (!(await page.locator('.tab', { hasText: 'step.c' }).count())) throw new Error('opening a TB replaced the step.c editor');
    await snap('translation-block');
    await multi.click();
  });

  await step('Callback Trace: a memory event reveals its step.c line; its row action opens the TB holding it', async () => {
    const pane = paneOf('Callback Trace');
    await command('View: Close All Editors');
    const mem = pane.locator('.monaco-list-row', { hasText: /^\s*mem @/ }).first();
    await mem.waitFor();
    await mem.click();
    const tab = page.locator('.tab.active', { hasText: /step\.c/ });
    await tab.waitFor({ timeout: 15_000 }).catch(async () => {
      const tabs = await page.locator('.tab').allInnerTexts();
      throw new Error(`selecting "${(await mem.innerText()).replace(/\s+/g, ' ')}" opened ${tabs.join(' | ') || 'nothing'}, not step.c`);
    });
    await mem.hover();
    await mem.locator('.action-label[aria-label="Open Translation Block"]').click();
    await page.locator('.tab', { hasText: '.tb' }).first().waitFor();
    await snap('trace-reveals-source');
    await command('View: Close All Editors');
  });

  await step('Callback Trace filters by kind from its toolbar', async () => {
    const pane = paneOf('Callback Trace');
    const rows = pane.locator('.monaco-list-row');
    await rows.first().waitFor();
    const firstKind = (await rows.first().innerText()).trim().split(' ')[0];
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Filter by Kind / Plugin"]').click();
    const kindRows = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-description', { hasText: /^kind$/ }) });
    await kindRows.first().waitFor();
    const kinds = (await kindRows.locator('.label-name').allInnerTexts()).map((k) => k.trim());
    if (kinds.length < 2) throw new Error(`need two event kinds to filter, the pick offers: ${kinds.join(', ')}`);
    const kind = kinds.find((k) => k !== firstKind);
    await kindRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${kind}$`) }) }).first().click();
    await page.keyboard.press('Enter');
    const counts = async () => (/(\d+) of (\d+)/.exec(await pane.locator('.pane-header').innerText()) ?? [0, 0, 0]).slice(1).map(Number);
    const until = Date.now() + STEP_TIMEOUT;
    let c = await counts();
    while (c[0] >= c[1]) {
      if (Date.now() > until) throw new Error(`filter on ${kind}: ${c[0]} of ${c[1]} events shown`);
      await page.waitForTimeout(100);
      c = await counts();
    }
    await pane.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${kind} @`) }).first().waitFor();
    const wrong = (await rows.allInnerTexts()).filter((l) => !l.trim().startsWith(`${kind} @`));
    if (wrong.length) throw new Error(`filter on ${kind} still shows: ${wrong[0]}`);
    console.log(`\n     ${kind}: ${c[0]} of ${c[1]} events`);
    await snap('trace-filtered');
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Clear Filter"]').click();
    await pane.locator('.pane-header', { hasText: `${c[1]} of ${c[1]}` }).waitFor();
  });

  await step('Plugins: remove trace while stopped, add it back from the pick of built-ins; it records again after a step', async () => {
    const pane = paneOf('Plugins');
    const trace = pane.locator('.monaco-list-row', { hasText: /^\s*trace\b/ });
    await trace.first().waitFor();
    await trace.first().hover();
    await trace.first().locator('.action-label[aria-label="Remove Plugin"]').click();
    await trace.first().waitFor({ state: 'detached' });
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Add Plugin"]').click();
    // The pick lists the built-ins with what they report; the next box takes the arguments.
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'records every plugin callback' }).first();
    await pick.waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'simulated L1' }).first().waitFor();
    await pick.click();
    const input = page.locator('.quick-input-widget input');
    for (const until = Date.now() + STEP_TIMEOUT; (await input.inputValue()) !== 'trace';) {
      if (Date.now() > until) throw new Error(`the arguments box shows "${await input.inputValue()}", not the picked plugin's name`);
      await page.waitForTimeout(100);
    }
    await input.press('Enter');
    await trace.first().waitFor();
    await timed('F10', 'step after re-adding trace');
    await paneOf('Callback Trace').locator('.monaco-list-row', { hasText: /trace · vCPU/ }).first().waitFor();
    await snap('plugins-re-added');
  });

  let pageAddr;
  await step('Hot Pages: "Add Data Breakpoint on Page" on the most written page; continue stops on a write to it', async () => {
    const pane = paneOf('Hot Pages');
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Sort by Writes"]').click();
    await pane.locator('.pane-header', { hasText: 'by writes' }).waitFor();
    await pane.locator('.monaco-list').first().click({ position: { x: 60, y: 8 } });
    await page.keyboard.press('Home');
    const row = pane.locator('.monaco-list-row[data-index="0"]');
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
    const status = page.locator('.statusbar-item', { hasText: 'data breakpoint (write) on page' }).first();
    await status.waitFor();
    pageAddr = Number(/on page (0x[0-9a-f]+)/i.exec(await status.innerText())[1]);
    await pane.locator('.monaco-list-row', { hasText: '0x' + pageAddr.toString(16) }).locator('.custom-view-tree-node-item-icon.codicon-debug-breakpoint-data').waitFor();
    await command('Debug: Continue');
    const state = paneOf('Call Stack').locator('.pane-header', { hasText: /write of \d+ bytes at 0x/i });
    await state.waitFor();
    const m = /write of \d+ bytes at (0x[0-9a-f]+)/i.exec(await state.innerText());
    const addr = Number(m[1].toLowerCase());
    if (addr < pageAddr || addr >= pageAddr + 4096) throw new Error(`stopped on a write to ${m[1]}, outside page 0x${pageAddr.toString(16)}`);
    console.log(`\n     page 0x${pageAddr.toString(16)}: ${m[0]}`);
    await checkViews('data breakpoint');
    await snap('data-breakpoint');
  });

  await step('Open in Memory View shows the page as it is now, and again after the next stop', async () => {
    const pane = paneOf('Hot Pages');
    const row = pane.locator('.monaco-list-row', { hasText: '0x' + pageAddr.toString(16) }).first();
    await row.hover();
    await row.locator('.action-label[aria-label="Open in Memory View"]').click();
    const doc = page.locator('.view-lines', { hasText: 'guest memory' }).first();
    await doc.waitFor();
    // The ASCII column is not painted by the bracket colouriser (the dump has no brackets).
    if (await page.locator('.editor-group-container', { has: doc }).locator('[class*="bracket-highlighting-"]').count()) throw new Error('the memory dump has bracket colours');
    // Its first line says when it was read ("read at instruction N"): it is read again at the next stop.
    const header = async () => (await doc.innerText()).replace(/\u00a0/g, ' ').split('\n')[0];
    const before = await header();
    if (!/read at instruction \d+/.test(before)) throw new Error(`the memory document's header says: ${before}`);
    await command('Debug: Continue');   // the data breakpoint stops at the next write into the page
    await paneOf('Call Stack').locator('.pane-header', { hasText: /write of \d+ bytes at 0x/i }).waitFor();
    const until = Date.now() + 30_000;
    while ((await header()) === before) {
      if (Date.now() > until) throw new Error(`the memory document was not read again at the next stop: ${before}`);
      await page.waitForTimeout(200);
    }
    await snap('memory-view');
    await command('View: Close All Editors');
  });

  await step("continue to the end: the program's output, the exit message, the views marked ended", async () => {
    await command('Remove All Breakpoints');
    await page.locator('.statusbar-item', { hasText: 'removed 1 data breakpoint added from Hot Pages' }).first().waitFor();
    await command('Debug: Continue');
    const repl = page.locator('.repl');
    await repl.waitFor();
    const filter = page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
    for (const want of [expectedOutput ?? 'total=', 'tbscope: program exited with code 0']) {
      await filter.fill(want.slice(0, 40));
      await repl.locator('.monaco-list-row', { hasText: want }).first().waitFor({ timeout: STEP_TIMEOUT });
    }
    await filter.fill('');
    await paneOf('Hot Pages').locator('.pane-header', { hasText: 'ended' }).waitFor();
    await paneOf('Translation Blocks').locator('.pane-header', { hasText: 'ended' }).waitFor();
    await snap('ended');
  });

  await step('segv (no -g), stopOnEntry: _start is focused with its registers, the Disassembly view opens at it', async () => {
    await page.keyboard.press('Escape');
    await command('Debug: Select and Start Debugging');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tbscope: segv at entry' }).first().click();
    await page.locator('.debug-call-stack .stack-frame', { hasText: '_start' }).first().waitFor();
    // Focused: the Variables view shows the frame's scopes, the listing of _start is open.
    await paneOf('Variables').locator('.monaco-list-row', { hasText: /^\s*Registers/ }).first().waitFor();
    await page.locator('.tab', { hasText: '_start (no source)' }).first().waitFor();
    await page.locator('.tab.active', { hasText: 'Disassembly' }).waitFor({ timeout: 30_000 });
    const current = page.locator('.disassembly-view .monaco-list-row', { has: page.locator('.codicon-debug-stackframe') }).first();
    await current.waitFor();
    await checkViews('stop on entry without source', { mayBeEmpty: true });
    await snap('no-source-entry');
    // Instruction steps at _start, still without source.
    await current.locator('.instruction').click();
    for (let i = 0; i < 2; i++) {
      latencies.push((await timedStep(page, 'F10')).ms);
      await checkViews(`instruction step at _start ${i + 1}`, { mayBeEmpty: true });
    }
  });

  await step('segv: continue stops on SIGSEGV with its fault address; continuing ends it with the signal', async () => {
    await command('Debug: Continue');
    const state = paneOf('Call Stack').locator('.pane-header', { hasText: /SIGSEGV/ });
    await state.waitFor();
    const text = await state.innerText();
    if (!/fault address 0x10\b/.test(text)) throw new Error(`the stop does not name the fault address: ${text}`);
    await page.locator('.disassembly-view .codicon-debug-stackframe').first().waitFor();
    await checkViews('crash');
    await snap('crash');
    await command('Debug: Continue');
    const filter = page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
    await filter.fill('terminated by signal');
    await page.locator('.repl .monaco-list-row', { hasText: 'tbscope: program terminated by signal SIGSEGV' }).first().waitFor();
    await filter.fill('');
    await command('View: Close All Editors');
  });

  await step('screenshots of each TB Scope view', async () => {
    for (const v of [...VIEWS, 'Memory Heat Map']) await snap(`view-${v.toLowerCase().replace(/\s+/g, '-')}`, paneOf(v));
  });

  await step('RISC-V assembly: language mode, highlighting, hover and diagnostics from the language server', async () => {
    await openFile('tiny.S');
    await page.locator('.statusbar-item', { hasText: 'RISC-V Assembly' }).first().waitFor();
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
    const row = page.locator('.debug-call-stack .stack-frame').filter({ hasText: 'tiny.S' }).first();
    await row.waitFor();
    const m = /tiny\.S\s+(\d+):\d+/.exec(await row.innerText());
    if (!m || Number(m[1]) !== line) throw new Error(`stopped at ${m?.[1]}, expected tiny.S line ${line}`);
    await checkViews('tiny.S breakpoint', { mayBeEmpty: true });
    await snap('asm-stopped');
    await command('Remove All Breakpoints');
    await command('Debug: Stop');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
  });

  await step('the language server reports an error as you type', async () => {
    const ecall = page.locator('.view-line span', { hasText: /^ecall$/ }).first();
    await page.keyboard.press('Escape');
    await ecall.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' a0');
    await command('Problems: Focus on Problems View');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'ecall' }).first().waitFor();
    await snap('asm-diagnostic');
  });

  const med = median(latencies);
  console.log(`e2e: step latency over ${latencies.length} steps: median ${med.toFixed(0)} ms, min ${Math.min(...latencies).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)} ` +
    `(goal ≤ ${GOAL_MS} ms: ${med <= GOAL_MS ? 'met' : 'not met'}; limit ${LIMIT_MS} ms)`);
  if (latencies.length < 20) throw new Error(`only ${latencies.length} timed steps`);
  if (med > LIMIT_MS) throw new Error(`median step latency ${med.toFixed(0)} ms is above ${LIMIT_MS} ms: ${latencies.map((x) => x.toFixed(0)).join(', ')}`);
  console.log('e2e: PASSED');
  if (UPDATE_SCREENSHOT) {
    copyFileSync(shots.get(README_SHOT), join(root, 'media', 'screenshot.png'));
    console.log(`e2e: media/screenshot.png ← ${shots.get(README_SHOT).slice(root.length + 1)}`);
  }
} catch (e) {
  failed = true;
  console.error(`e2e: ${e.stack ?? e}`);
  if (latencies.length) console.error(`e2e: step latencies so far (ms): ${latencies.map((x) => x.toFixed(0)).join(', ')}`);
  if (cs) console.error(`--- code-server log (tail) ---\n${cs.log.text.split('\n').slice(-40).join('\n')}`);
} finally {
  await browser?.close().catch(() => {});
  cs?.server.kill('SIGTERM');
  if (!KEEP) rmSync(w.tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

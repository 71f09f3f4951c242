// Helpers of the end-to-end test (scripts/e2e.mjs): a workspace copy of examples/ with a
// launch.json, code-server with the packaged .vsix on a free loopback port, and the page-side
// helpers that drive VS Code the way a user does (command palette, side-bar panes, keys), check
// the TB Scope views after a stop, and time a step from its key press to the updated editor
// (measured inside the page: keydown → the Call Stack / Disassembly view showing the new stop).
/* global fetch, setTimeout, document, window, performance, requestAnimationFrame */

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STEP_TIMEOUT = 60_000;

/** 1-based line of the first line containing `text` in a source file. */
export function lineOf(file, text) {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line with ${text} in ${file}`);
  return i + 1;
}

/** A temporary workspace (examples/ + launch.json), user data and extensions folder. */
export function makeWorkspace(examples, configurations) {
  const tmp = mkdtempSync(join(tmpdir(), 'tbscope-e2e-'));
  const ws = join(tmp, 'workspace'), userData = join(tmp, 'user-data'), extDir = join(tmp, 'extensions');
  cpSync(examples, ws, { recursive: true });
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'launch.json'), JSON.stringify({ version: '0.2.0', configurations }, null, 2));
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'security.workspace.trust.enabled': false,
    'debug.console.closeOnEnd': false, 'debug.internalConsoleOptions': 'openOnSessionStart', 'workbench.enableExperiments': false,
    'update.mode': 'none', 'window.restoreWindows': 'none', 'debug.openDebug': 'openOnDebugBreak',
  }, null, 2));
  return { tmp, ws, userData, extDir };
}

/** Installs the .vsix and starts code-server on a free 127.0.0.1 port. */
export async function startCodeServer(entry, vsix, { ws, userData, extDir }) {
  const cs = (args) => spawnSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extDir, ...args], { encoding: 'utf8' });
  const inst = cs(['--install-extension', vsix]);
  if (inst.status !== 0) throw new Error(`--install-extension failed:\n${inst.stdout}\n${inst.stderr}`);
  const port = await new Promise((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
  const server = spawn(process.execPath, [entry, '--auth', 'none', '--disable-workspace-trust', '--disable-telemetry',
    '--disable-update-check', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extDir, ws],
  { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const log = { text: '' };
  server.stdout.on('data', (d) => { log.text += d; });
  server.stderr.on('data', (d) => { log.text += d; });
  const until = Date.now() + STEP_TIMEOUT;
  for (;;) {
    try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`code-server did not start:\n${log.text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, server, log };
}

/** Page helpers bound to one Playwright page. */
export function ui(page) {
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
  const paneOf = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }) }).first();
  const expand = async (pane) => {
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  };
  /** Opens a file by name through Quick Open. */
  const openFile = async (name) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: name }).waitFor();
  };
  /** Error notifications shown now (toasts), as text. */
  const errorToasts = async () => page.locator('.notifications-toasts .notification-toast').filter({ has: page.locator('.codicon-error') }).allInnerTexts();
  return { command, paneOf, expand, openFile, errorToasts };
}

/**
 * Installs the in-page step timer: `__tbscopeArm()` notes the stop shown, `__tbscopeWait()`
 * resolves when, after the next keydown, the stop shown changes (Call Stack top row text or the
 * Disassembly view's current instruction), with the milliseconds between the two, measured by
 * the page's own clock.
 */
export async function installStepTimer(page) {
  await page.evaluate(() => {
    // The top frame's row in the Call Stack ("main step.c 39:14") and the Disassembly view's
    // current instruction (its row's aria-label names the address), when that view is open.
    const signature = () => {
      const row = document.querySelector('.debug-call-stack .stack-frame')?.textContent ?? '';
      const cur = document.querySelector('.disassembly-view .codicon-debug-stackframe');
      const insn = cur?.closest('.monaco-list-row')?.getAttribute('aria-label') ?? '';
      return row ? `${row}|${insn}` : '';
    };
    // Armed before the key is pressed (awaited), so a busy page cannot miss the keydown.
    let armed = null;
    window.addEventListener('keydown', () => { if (armed && armed.tKey === null) armed.tKey = performance.now(); }, true);
    window.__tbscopeArm = () => { armed = { before: signature(), tKey: null }; };
    window.__tbscopeWait = (timeoutMs) => new Promise((resolve) => {
      const a = armed;
      const t0 = performance.now();
      const check = () => {
        const now = signature();
        if (a.tKey !== null && now && now !== a.before) resolve({ ms: performance.now() - a.tKey, before: a.before, after: now });
        else if (performance.now() - t0 > timeoutMs) resolve({ ms: -1, before: a.before, after: now, key: a.tKey !== null });
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  });
}

/** Presses `key` and returns the in-page latency until the stop shown changed. */
export async function timedStep(page, key) {
  // A key pressed while a webview (the heat map) has focus never reaches the workbench.
  await page.evaluate(() => {
    if (document.activeElement?.tagName !== 'IFRAME' && document.activeElement !== document.body) return;
    document.querySelector('.editor-group-container.active .monaco-editor textarea, .disassembly-view .monaco-list')?.focus();
  });
  await page.evaluate(() => window.__tbscopeArm());
  await page.keyboard.press(key);
  const r = await page.evaluate((t) => window.__tbscopeWait(t), STEP_TIMEOUT);
  if (r.ms < 0) throw new Error(`${key}: the stop shown did not change within ${STEP_TIMEOUT / 1000} s (keydown seen: ${r.key}; shows ${JSON.stringify(r.after)})`);
  return r;
}

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };

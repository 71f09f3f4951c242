// Plugin loading (QEMU's plugins/loader.c): `-plugin NAME|PATH[,key=value...]` specs, the
// TBSCOPE_PLUGIN variable, built-ins by name (also QEMU's file names such as libhotpages.so or
// contrib/plugins/libhotpages.so), and .js/.mjs modules by path. Importing a file is host work,
// so the caller passes `importModule` (the CLI resolves the path; the core never touches node:fs).
// Every failure is a PluginLoadError whose message is one line.

import { CbFlags } from '../tcg/instrument';
import { createApi } from './api';
import { errorText } from './error-text';
import { BUILTINS } from './builtin/index';
import type { PluginContext, PluginManager } from './core';
import { PLUGIN_API_MIN_VERSION, PLUGIN_API_VERSION, type PluginModule, type QemuInfo } from './types';

export class PluginLoadError extends Error {}

export interface PluginSpec { name: string; args: string[] }

export interface LoaderHost {
  /** Imports a .js/.mjs module given the path from the spec (resolved by the host). */
  importModule?(path: string): Promise<unknown>;
}

/** Splits "[file=]NAME|PATH[,key=value...]" (QEMU's -plugin syntax; "arg=" prefixes are accepted too). */
export function parsePluginSpec(spec: string): PluginSpec {
  const parts = spec.split(',');
  const name = parts[0].trim().replace(/^file=/, '');
  if (!name) throw new PluginLoadError(`tbscope: bad -plugin argument '${spec}': missing plugin name or path`);
  const args = parts.slice(1).filter(a => a !== '').map(a => a.startsWith('arg=') ? a.slice(4) : a);
  for (const a of args) {
    if (!a.includes('=')) throw new PluginLoadError(`tbscope: bad -plugin argument '${a}' for ${name}: expected key=value`);
  }
  return { name, args };
}

/** TBSCOPE_PLUGIN holds one or more specs separated by ':' (like PATH; the CLI splits the same way). */
export function pluginSpecsFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(':').map(s => s.trim()).filter(Boolean);
}

/** Maps hotpages / libhotpages.so / contrib/plugins/libhotpages.so to a built-in name. */
export function builtinName(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1).replace(/^lib/, '').replace(/\.(so|dll|dylib)$/, '');
  return Object.prototype.hasOwnProperty.call(BUILTINS, base) ? base : undefined;
}

export const isModulePath = (name: string): boolean => /\.(m?js|cjs)$/.test(name);

export function qemuInfo(mgr: PluginManager): QemuInfo {
  return { targetName: mgr.targetName, version: { min: PLUGIN_API_MIN_VERSION, cur: PLUGIN_API_VERSION }, systemEmulation: false };
}

function asModule(name: string, loaded: unknown): PluginModule {
  const m = loaded as Record<string, unknown> | null;
  const candidates = [m, m?.default as Record<string, unknown> | undefined];
  for (const c of candidates) {
    if (c && typeof c.install === 'function') {
      const version = c.apiVersion ?? c.qemu_plugin_version;
      if (typeof version !== 'number') {
        throw new PluginLoadError(`tbscope: could not load plugin ${name}: it does not export apiVersion (the plugin API version it was written for)`);
      }
      return { apiVersion: version, install: c.install as PluginModule['install'] };
    }
  }
  throw new PluginLoadError(`tbscope: could not load plugin ${name}: it does not export an install(api, args, info) function`);
}

/** Takes a plugin whose install failed out of the manager (its registrations die with it). */
function unlink(mgr: PluginManager, ctx: PluginContext): void {
  const at = mgr.contexts.indexOf(ctx);
  if (at >= 0) mgr.contexts.splice(at, 1);
  ctx.dead = true;
}

/** An install that returned a promise (an async install): loadPlugin waits for it. */
const pendingInstalls = new WeakMap<PluginContext, PromiseLike<unknown>>();

/** Installs a plugin module: version check, install(), and vCPU init for vCPUs already running. */
export function installModule(mgr: PluginManager, name: string, module: PluginModule, args: string[]): PluginContext {
  const v = module.apiVersion;
  if (v > PLUGIN_API_VERSION) {
    throw new PluginLoadError(`tbscope: could not load plugin ${name}: plugin requires API version ${v}, but this tbscope supports only up to version ${PLUGIN_API_VERSION}`);
  }
  if (v < PLUGIN_API_MIN_VERSION) {
    throw new PluginLoadError(`tbscope: could not load plugin ${name}: plugin requires API version ${v}, but this tbscope supports only a minimum version of ${PLUGIN_API_MIN_VERSION}`);
  }
  const ctx = mgr.newContext(name, args, module, c => createApi(mgr, c));
  mgr.contexts.push(ctx);
  let rc: unknown;
  try {
    rc = module.install(ctx.api, args.slice(), qemuInfo(mgr));
    if (rc && typeof (rc as PromiseLike<unknown>).then === 'function') {
      pendingInstalls.set(ctx, rc as PromiseLike<unknown>);
      Promise.resolve(rc).then(undefined, () => undefined); // handled by loadPlugin, never "unhandled"
      rc = undefined;
    }
  } catch (e) {
    unlink(mgr, ctx);
    throw new PluginLoadError(`tbscope: could not load plugin ${name}: ${errorText(e)}`);
  }
  if (typeof rc === 'number' && rc !== 0) {
    unlink(mgr, ctx);
    throw new PluginLoadError(`tbscope: could not load plugin ${name}: install returned error code ${rc}`);
  }
  // Loaded into a running guest (the debugger can do that): behave as if the vCPUs started now.
  for (let i = 0; i < mgr.vcpusStarted; i++) {
    for (const cb of ctx.cbs.get('vcpu_init') ?? []) mgr.invoke(ctx, 'vcpu_init', i, CbFlags.RW_REGS_PC, () => cb.fn(i, cb.userdata));
  }
  if (mgr.binding) mgr.requestFlush();
  return ctx;
}

/** Loads a built-in plugin synchronously (no host needed). */
export function loadBuiltin(mgr: PluginManager, spec: string | PluginSpec): PluginContext {
  const s = typeof spec === 'string' ? parsePluginSpec(spec) : spec;
  const b = builtinName(s.name);
  if (!b) throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: no built-in plugin of that name (built-ins: ${Object.keys(BUILTINS).join(', ')})`);
  return installModule(mgr, b, BUILTINS[b], s.args);
}

/** Loads one -plugin spec: a built-in by name, or a .js/.mjs module by path. */
export async function loadPlugin(mgr: PluginManager, spec: string, host: LoaderHost = {}): Promise<PluginContext> {
  const s = parsePluginSpec(spec);
  if (builtinName(s.name)) return loadBuiltin(mgr, s);
  if (!isModulePath(s.name)) {
    throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: not a built-in plugin (${Object.keys(BUILTINS).join(', ')}) nor a .js/.mjs file`);
  }
  if (!host.importModule) throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: loading plugin files is not available here`);
  let loaded: unknown;
  try {
    loaded = await host.importModule(s.name);
  } catch (e) {
    throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: ${errorText(e)}`);
  }
  const ctx = installModule(mgr, s.name, asModule(s.name, loaded), s.args);
  // An async install that rejects fails the load with its message, as a throwing one does.
  const pending = pendingInstalls.get(ctx);
  if (pending) {
    let rc: unknown;
    try { rc = await pending; } catch (e) {
      unlink(mgr, ctx);
      throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: ${errorText(e)}`);
    }
    if (typeof rc === 'number' && rc !== 0) {
      unlink(mgr, ctx);
      throw new PluginLoadError(`tbscope: could not load plugin ${s.name}: install returned error code ${rc}`);
    }
  }
  return ctx;
}

/** Loads every spec in order (-plugin options first, then TBSCOPE_PLUGIN's). */
export async function loadPlugins(mgr: PluginManager, specs: readonly string[], host: LoaderHost = {}): Promise<PluginContext[]> {
  const out: PluginContext[] = [];
  for (const s of specs) out.push(await loadPlugin(mgr, s, host));
  return out;
}

/** A default module importer: dynamic import() of an absolute path or file: URL (no node:fs). */
export const importByPath = (path: string): Promise<unknown> => import(path);

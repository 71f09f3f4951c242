// The launch configuration (documented in docs/launch.md): its shape, and the checks that turn a
// bad configuration into one clear message before any guest code runs (never a hang).

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LaunchConfig {
  /** The RV64 ELF program to run. */
  program: string;
  args?: string[];
  /** Working directory of the guest (default: the program's folder). */
  cwd?: string;
  /** Variables added to (string) or removed from (null) the adapter's own environment. */
  env?: Record<string, string | null>;
  /** Like qemu-riscv64 -L: where PT_INTERP and absolute guest paths are looked up. */
  sysroot?: string;
  stopOnEntry?: boolean;
  /** QEMU -plugin syntax: "hotpages,sortby=reads", "./my-plugin.js,k=v". Default: ["hotpages"]. */
  plugins?: string[];
  /** compile-time path prefix → local path (as in cppdbg). */
  sourceFileMap?: Record<string, string>;
  /** Fixed clock, pid and random bytes, fixed run slices: runs and instruction counts repeat. */
  deterministic?: boolean;
  /** Confine guest file access: true = the cwd, or a folder. The sysroot stays readable. */
  confineFiles?: boolean | string;
}

/** A configuration the user must fix; its message is shown as the launch error. */
export class ConfigError extends Error {}

const isDirectory = (p: string): boolean => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Checks the raw launch arguments and fills in paths (relative paths are taken from `baseDir`). */
export function validateConfig(raw: Record<string, unknown>, baseDir = process.cwd()): LaunchConfig {
  const fail = (m: string): never => { throw new ConfigError(m); };
  if (typeof raw.program !== 'string' || raw.program === '') fail("launch configuration: 'program' (the RV64 ELF file to run) is missing");
  const program = path.resolve(baseDir, raw.program as string);
  if (raw.args !== undefined && !isStringArray(raw.args)) fail("launch configuration: 'args' must be an array of strings");
  if (raw.plugins !== undefined && !isStringArray(raw.plugins)) fail("launch configuration: 'plugins' must be an array of strings in QEMU's -plugin syntax");
  for (const k of ['cwd', 'sysroot'] as const) if (raw[k] !== undefined && typeof raw[k] !== 'string') fail(`launch configuration: '${k}' must be a string`);
  if (raw.env !== undefined) {
    const env = raw.env as Record<string, unknown>;
    if (typeof env !== 'object' || env === null || Array.isArray(env)
      || Object.values(env).some((v) => v !== null && typeof v !== 'string')) {
      fail("launch configuration: 'env' must be an object of strings (null removes a variable)");
    }
  }
  if (raw.confineFiles !== undefined && typeof raw.confineFiles !== 'boolean' && typeof raw.confineFiles !== 'string') {
    fail("launch configuration: 'confineFiles' must be true/false or a folder");
  }
  for (const k of ['stopOnEntry', 'deterministic'] as const) {
    if (raw[k] !== undefined && typeof raw[k] !== 'boolean') fail(`launch configuration: '${k}' must be true or false, not ${JSON.stringify(raw[k])}`);
  }
  const map = raw.sourceFileMap;
  if (map !== undefined && (typeof map !== 'object' || map === null || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string'))) {
    fail("launch configuration: 'sourceFileMap' must be an object of strings (compile-time path prefix -> local path)");
  }
  const cwd = raw.cwd ? path.resolve(baseDir, raw.cwd as string) : path.dirname(program);
  if (raw.cwd && !isDirectory(cwd)) fail(`launch configuration: 'cwd' ${cwd} is not an existing folder`);
  return {
    program,
    args: (raw.args as string[] | undefined) ?? [],
    cwd,
    env: raw.env as LaunchConfig['env'],
    sysroot: raw.sysroot ? path.resolve(baseDir, raw.sysroot as string) : undefined,
    stopOnEntry: !!raw.stopOnEntry,
    plugins: raw.plugins as string[] | undefined,
    sourceFileMap: (raw.sourceFileMap as Record<string, string> | undefined) ?? {},
    deterministic: !!raw.deterministic,
    confineFiles: raw.confineFiles as boolean | string | undefined,
  };
}

/** The guest environment: the adapter's own, with the configuration's changes applied. */
export function guestEnv(cfg: LaunchConfig, base: NodeJS.ProcessEnv): string[] {
  const env = new Map<string, string>();
  if (!cfg.deterministic) for (const [k, v] of Object.entries(base)) if (v !== undefined) env.set(k, v);
  for (const [k, v] of Object.entries(cfg.env ?? {})) {
    if (v === null) env.delete(k); else env.set(k, v);
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

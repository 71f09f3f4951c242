// Small helpers shared by the built-in plugins so their ports stay close to QEMU's C: argument
// tokenising (g_strsplit on '='), QEMU's error texts for bad arguments, printf-style padding,
// and sorting that stands in for g_list_sort over a GHashTable.

import type { PluginApi } from '../types';

/** "key=value" → [key, value] (value undefined when there is no '='), like g_strsplit(opt, "=", 2). */
export function split(opt: string): [string, string | undefined] {
  const i = opt.indexOf('=');
  return i < 0 ? [opt, undefined] : [opt.slice(0, i), opt.slice(i + 1)];
}

/** QEMU's "boolean argument parsing failed: OPT" check; throws (refusing install) when bad. */
export function parseBool(api: PluginApi, opt: string): boolean {
  const [k, v] = split(opt);
  const b = api.boolParse(k, v);
  if (b === undefined) throw new Error(`boolean argument parsing failed: ${opt}`);
  return b;
}

export const optionFailed = (opt: string): Error => new Error(`option parsing failed: ${opt}`);

export const hex = (v: number | bigint, width = 0): string => v.toString(16).padStart(width, '0');
/** %-Nd */
export const left = (v: unknown, width: number): string => String(v).padEnd(width);
/** %Nd */
export const right = (v: unknown, width: number): string => String(v).padStart(width);

/**
 * Sorts like QEMU's g_list_sort over hash-table values with a "descending by key" comparator.
 * QEMU's comparators never return 0, so ties come out in hash order; here ties keep first-seen
 * order, which makes reports reproducible.
 */
export function sortDesc<T>(items: Iterable<T>, key: (t: T) => number | bigint): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a), kb = key(b);
    return ka > kb ? -1 : ka < kb ? 1 : 0;
  });
}

/** C's strtoull(s, NULL, base): base 0 takes a 0x (hex) or leading-0 (octal) prefix; 0 on junk. */
export function strtoull(s: string | undefined, base = 0): number {
  const t = (s ?? '').trim();
  const hexm = /^0[xX]([0-9a-fA-F]+)/.exec(t);
  if ((base === 0 || base === 16) && hexm) return parseInt(hexm[1], 16);
  if (base === 16) { const m = /^[0-9a-fA-F]+/.exec(t); return m ? parseInt(m[0], 16) : 0; }
  const oct = /^0([0-7]+)/.exec(t);
  if (base === 0 && oct) return parseInt(oct[1], 8);
  const dec = /^[+-]?\d+/.exec(t);
  return dec ? Number(dec[0]) : 0;
}

/** glibc prints "(null)" for a NULL %s; QEMU reports rely on that for missing symbols. */
export const cstr = (s: string | null | undefined): string => s ?? '(null)';

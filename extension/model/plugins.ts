// The "Add Plugin" pick: each built-in with what it reports and its QEMU arguments (loaded ones
// marked), then "a .js plugin…". No `vscode` import.

import type { BuiltinPlugin, PluginInfo } from '../protocol';

export interface PluginPick {
  label: string;
  description?: string;
  detail?: string;
  /** The built-in's name; undefined for the .js entry. */
  name?: string;
  /** Its arguments, as a hint. */
  args?: string;
}

export function pluginPicks(builtins: readonly BuiltinPlugin[], loaded: readonly PluginInfo[]): PluginPick[] {
  const on = new Set(loaded.map((p) => p.name));
  return [
    ...builtins.map((b) => ({
      label: b.name, name: b.name, args: b.args.join(' '),
      description: on.has(b.name) ? `${b.description} (loaded)` : b.description,
      detail: b.args.length ? b.args.join('  ') : undefined,
    })),
    { label: '$(file-code) Path to a .js plugin…', description: 'a module exporting install(api, args), as in docs/plugins.md' },
  ];
}

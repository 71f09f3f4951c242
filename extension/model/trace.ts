// View model of the Callback Trace: newest first, filtered by kind and plugin, and the labels
// a row shows. No `vscode` import.

import { hexAddr, type TraceEvent } from '../protocol';

export interface TraceFilter { kinds?: ReadonlySet<string>; plugins?: ReadonlySet<string> }

/** Events newest first, keeping those whose kind and plugin pass the filter (empty set = all). */
export function filterTrace(events: readonly TraceEvent[], f: TraceFilter): TraceEvent[] {
  const ok = (set: ReadonlySet<string> | undefined, v: string) => !set || set.size === 0 || set.has(v);
  return [...events].sort((a, b) => b.seq - a.seq).filter((e) => ok(f.kinds, e.kind) && ok(f.plugins, e.plugin));
}

/** The distinct kinds and plugins present, for the filter pickers. */
export function traceFacets(events: readonly TraceEvent[]): { kinds: string[]; plugins: string[] } {
  return {
    kinds: [...new Set(events.map((e) => e.kind))].sort(),
    plugins: [...new Set(events.map((e) => e.plugin))].sort(),
  };
}

export function traceLabel(e: TraceEvent): { label: string; description: string } {
  const at = e.vaddr === undefined ? '' : ` → ${hexAddr(e.vaddr)}`;
  return { label: `${e.kind} @ ${hexAddr(e.pc)}${at}`, description: `${e.plugin} · vCPU ${e.vcpu}` };
}

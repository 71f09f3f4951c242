// View model of the Translation Blocks tree and the text of the read-only "Open Translation
// Block" document (rendered for the tbscope-tb grammar in syntaxes/). No `vscode` import.

import { hexAddr, type TbCallback, type TbDetail, type TbInsn, type TbSummary } from '../protocol';

export type TbSort = 'exec' | 'pc' | 'order';

/**
 * The TBs that start at one pc: the plain TB and the flavours made for stepping, breakpoints or
 * tracing (each its own TB in the cache, as in QEMU where the key is pc + flags).
 */
export interface TbGroup {
  /** Tree id, unique per pc. */
  id: string;
  pc: number;
  symbol?: string;
  file?: string;
  userCode: boolean;
  /** Plain flavour first, then by translation order. */
  flavours: TbSummary[];
  execCount: number;
  /** The first translation of this pc. */
  order: number;
}

export interface TbFilter {
  /** Case-insensitive text the symbol, file or address must contain. */
  text?: string;
}

/** Groups TB flavours by pc, keeps those the filter passes and sorts: the program's own code first, then by `by`. */
export function tbGroups(tbs: Iterable<TbSummary>, by: TbSort = 'exec', filter: TbFilter = {}): TbGroup[] {
  const byPc = new Map<number, TbSummary[]>();
  for (const t of tbs) {
    const list = byPc.get(t.pc);
    if (list) list.push(t); else byPc.set(t.pc, [t]);
  }
  const needle = filter.text?.trim().toLowerCase();
  const groups: TbGroup[] = [];
  for (const [pc, list] of byPc) {
    const flavours = list.sort((a, b) => Number(a.oneInsn) - Number(b.oneInsn) || a.order - b.order);
    const head = flavours[0];
    const g: TbGroup = {
      id: `pc:${hexAddr(pc)}`, pc, symbol: head.symbol, file: head.file, userCode: flavours.some((f) => f.userCode), flavours,
      execCount: flavours.reduce((n, f) => n + f.execCount, 0), order: Math.min(...flavours.map((f) => f.order)),
    };
    if (needle && ![g.symbol, g.file, hexAddr(pc)].some((v) => v?.toLowerCase().includes(needle))) continue;
    groups.push(g);
  }
  const key = by === 'pc' ? (a: TbGroup, b: TbGroup) => a.pc - b.pc
    : by === 'order' ? (a: TbGroup, b: TbGroup) => a.order - b.order
    : (a: TbGroup, b: TbGroup) => b.execCount - a.execCount || a.pc - b.pc;
  return groups.sort((a, b) => Number(b.userCode) - Number(a.userCode) || key(a, b));
}

/** What a flavour is, in words. */
export function flavourName(t: TbSummary): string {
  const parts = [t.oneInsn ? 'one instruction (stepping)' : 'plain'];
  if (t.instrumented) parts.push('instrumented');
  if (t.hotCode) parts.push('hot code');
  if (t.inRegion) parts.push('in a region');
  return parts.join(', ');
}

const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** A pc's row: where it is first (symbol, else address), the count a user compares next, details in the tooltip. */
export function groupLabel(g: TbGroup): { label: string; description: string; tooltip: string } {
  const head = g.flavours[0];
  return {
    label: g.symbol ?? hexAddr(g.pc),
    description: `×${g.execCount} · ${g.symbol ? hexAddr(g.pc) + ' · ' : ''}${plural(head.insns, 'insn')}${g.flavours.length > 1 ? ` · ${g.flavours.length} flavours` : ''}`,
    tooltip: [
      `Translation block at ${hexAddr(g.pc)}${g.symbol ? ` <${g.symbol}>` : ''}${g.file ? ` (${g.file})` : ''}`,
      `executed ${g.execCount}×, first translated #${g.order}`,
      ...g.flavours.map((f) => `flags=${f.flags}: ${flavourName(f)} · ${plural(f.insns, 'insn')}, ${f.bytes} B · ×${f.execCount} · #${f.order}`),
    ].join('\n'),
  };
}

export function flavourLabel(t: TbSummary): { label: string; description: string } {
  return { label: flavourName(t), description: `×${t.execCount} · ${plural(t.insns, 'insn')} · ${t.bytes} B · flags=${t.flags}` };
}

export function insnLabel(i: TbInsn): { label: string; description: string } {
  const n = i.callbacks.length;
  return { label: `${hexAddr(i.pc)}  ${i.text}`, description: n ? `${n} callback${n === 1 ? '' : 's'}` : '' };
}

export function callbackLabel(c: TbCallback): string {
  return `${c.plugin}: ${c.kind}${c.rw ? ` (${c.rw})` : ''}`;
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/**
 * The TB document: header, guest instructions (with source lines and the plugin instrumentation
 * attached to each), then the generated JavaScript. `sourceLine` supplies source text when the
 * file is readable (the extension reads it; tests pass a map).
 */
export function renderTbDocument(tb: TbDetail, sourceLine?: (path: string, line: number) => string | undefined): string {
  const out: string[] = [];
  out.push(`; Translation block ${hexAddr(tb.pc)}${tb.symbol ? ` <${tb.symbol}>` : ''} flags=${tb.flags} (${flavourName(tb)})`);
  out.push(`; ${tb.instructions.length} guest instruction${tb.instructions.length === 1 ? '' : 's'}`);
  out.push('');
  for (const c of tb.callbacks) out.push(`; on TB entry: @plugin ${callbackLabel(c)}`);
  out.push('== guest code ==');
  let lastSrc = '';
  for (const i of tb.instructions) {
    if (i.source) {
      const key = `${i.source.path}:${i.source.line}`;
      if (key !== lastSrc) {
        const text = sourceLine?.(i.source.path, i.source.line);
        out.push(`// ${baseName(i.source.path)}:${i.source.line}${text !== undefined ? `: ${text.trim()}` : ''}`);
        lastSrc = key;
      }
    }
    out.push(`  ${i.pc.toString(16).padStart(8, ' ')}:\t${i.raw ? `${i.raw}\t` : ''}${i.text}`);
    for (const c of i.callbacks) out.push(`        @plugin ${callbackLabel(c)}`);
  }
  out.push('');
  out.push('== generated JavaScript ==');
  if (tb.hotCode !== undefined) out.push(`// ${tb.hotCode ? 'hot code: inline fast paths (after 500 runs outside a region, or -hot-code)' : "the TB's first code: memory and FPU through helper calls"}`);
  if (tb.inRegion) out.push('// the run loop enters this TB through its region, whose code this is not');
  out.push(tb.js || '// (not available)');
  return out.join('\n') + '\n';
}

/** URI path of a TB flavour's document ("/0x10078-f2.tb"), and back. */
export const tbDocPath = (pc: number, flags: number): string => `/${hexAddr(pc)}-f${flags}.tb`;
export function tbFromDocPath(path: string): { pc: number; flags: number } | undefined {
  const m = /\/(0x[0-9a-f]+)-f(\d+)\.tb$/i.exec(path);
  return m ? { pc: Number(m[1]), flags: Number(m[2]) } : undefined;
}

/**
 * The TB to show for a pc that is inside a block (a trace event's instruction): of the flavours
 * containing it, one starting closest before it (so its own symbol's block, not an earlier
 * block that runs on into it), the plain flavour before a one-instruction one.
 */
export function tbContaining(tbs: Iterable<TbSummary>, pc: number): TbSummary | undefined {
  let best: TbSummary | undefined;
  for (const t of tbs) {
    if (pc < t.pc || pc >= t.pc + Math.max(t.bytes, 1)) continue;
    if (!best || t.pc > best.pc || (t.pc === best.pc && Number(t.oneInsn) < Number(best.oneInsn))) best = t;
  }
  return best;
}

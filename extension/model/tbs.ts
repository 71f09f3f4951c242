// View model of the Translation Blocks tree and the text of the read-only "Open Translation
// Block" document (rendered for the tbscope-tb grammar in syntaxes/). No `vscode` import.

import { hexAddr, type TbCallback, type TbDetail, type TbInsn, type TbSummary } from '../protocol';

export type TbSort = 'order' | 'exec' | 'pc';

export function sortTbs(tbs: readonly TbSummary[], by: TbSort = 'exec'): TbSummary[] {
  const cmp = by === 'pc' ? (a: TbSummary, b: TbSummary) => a.pc - b.pc
    : by === 'order' ? (a: TbSummary, b: TbSummary) => a.order - b.order
    : (a: TbSummary, b: TbSummary) => b.execCount - a.execCount || a.pc - b.pc;
  return [...tbs].sort(cmp);
}

export function tbLabel(t: TbSummary): { label: string; description: string } {
  return {
    label: `${hexAddr(t.pc)}${t.symbol ? ` <${t.symbol}>` : ''}`,
    description: `${t.insns} insn${t.insns === 1 ? '' : 's'} · ${t.bytes} B · ×${t.execCount}`,
  };
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
  out.push(`; Translation block ${hexAddr(tb.pc)}${tb.symbol ? ` <${tb.symbol}>` : ''}${tb.flags ? ` flags=${tb.flags}` : ''}`);
  out.push(`; ${tb.insns.length} guest instruction${tb.insns.length === 1 ? '' : 's'}`);
  out.push('');
  for (const c of tb.callbacks) out.push(`; on TB entry: @plugin ${callbackLabel(c)}`);
  out.push('== guest code ==');
  let lastSrc = '';
  for (const i of tb.insns) {
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

/** URI path of a TB document ("/0x10078.tb"), and back. */
export const tbDocPath = (pc: number): string => `/${hexAddr(pc)}.tb`;
export function pcFromTbDocPath(path: string): number | undefined {
  const m = /\/(0x[0-9a-f]+)\.tb$/i.exec(path);
  return m ? Number(m[1]) : undefined;
}

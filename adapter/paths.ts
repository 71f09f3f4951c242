// C access paths into DWARF variables — `p.x`, `pp->name`, `table[2]`, `ptr[3]`, `*ptr`, `*q.next` — for
// evaluate (watch, hover, the Debug Console) and for the evaluateName of expanded members,
// elements and pointees (so "Add to Watch" on a child works). Paths walk the same ValueNode
// tree the Variables view shows, so values and formatting are the view's.

import type { ValueNode } from '../emulator/debuginfo/index';

/** `*`-prefixes, a name, then `.m` / `->m` / `[N]` steps; undefined when `expr` is not such a path. */
const PATH = /^\s*(\**)\s*([A-Za-z_]\w*)((?:\s*(?:\.|->)\s*[A-Za-z_]\w*|\s*\[\s*\d+\s*\])*)\s*$/;
const STEP = /(\.|->)\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\]/g;

/** Whether `expr` has the shape of a variable path (a bare name included). */
export const isPath = (expr: string): boolean => PATH.test(expr);

/** The object a pointer node points to (its one child), if it can be read. */
function pointee(n: ValueNode): ValueNode | undefined {
  return n.pointee !== undefined && n.childCount === 1 && n.children()[0]?.name.startsWith('*') ? n.children()[0] : undefined;
}

/** A member by name or an array element by index. */
function child(n: ValueNode, step: { member?: string; index?: number }): ValueNode | undefined {
  if (step.member !== undefined) return n.children().find((c) => c.name === step.member);
  const i = step.index!;
  if (n.pointee !== undefined) return i === 0 ? pointee(n) : n.element?.(i);
  return i < n.childCount ? n.children(i, 1)[0] : undefined;
}

/** Resolves a path against the frame's variables (`root` finds a variable by name). */
export function resolvePath(expr: string, root: (name: string) => ValueNode | undefined): ValueNode | undefined {
  const m = PATH.exec(expr);
  if (!m) return undefined;
  let n = root(m[2]);
  for (const s of m[3].matchAll(STEP)) {
    if (!n) return undefined;
    if (s[1] === '->') { n = pointee(n); if (!n) return undefined; }
    n = s[2] !== undefined ? child(n, { member: s[2] }) : child(n, { index: Number(s[3]) });
  }
  for (let k = 0; k < m[1].length && n; k++) n = pointee(n);
  return n;
}

/** The path of a child shown under `parentPath` (members, `[i]` elements, the `*name` pointee). */
export function childPath(parentPath: string, childName: string): string {
  if (childName.startsWith('[')) return `${parentPath}${childName}`;
  if (childName.startsWith('*')) return `*${parentPath}`;
  // A member of a pointee `*P` is `P->m`; postfix steps bind tighter than `*`, so `*P.m` would be wrong.
  const deref = /^\*([^*].*)$/.exec(parentPath);
  return deref && isPath(deref[1]) ? `${deref[1]}->${childName}` : `${parentPath}.${childName}`;
}

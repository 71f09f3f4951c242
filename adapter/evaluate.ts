// evaluate (watch, hover, Debug Console): a DWARF variable by name or access path (`p.x`,
// `q->name`, `table[2]`, `table[i + 1]`, `ptr[3]`, `(*p).x`, `*ptr`) shows as the Variables view
// shows it (expandable); anything else
// goes through the expression evaluator with the selected frame's registers, where variables and
// paths take their numeric values and `&name` their addresses.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ValueNode } from '../emulator/debuginfo/index';
import { evaluateExpression, formatValue, normalizeAccess, type EvalEnv, type Value } from './expr';
import type { Runtime } from './runtime';
import { resolvePath } from './paths';
import type { Frame, StackCache } from './stack';
import { evalEnv, hex, readBytes, symbolText } from './target';
import type { Variables } from './variables';

/** A variable's value for arithmetic, from its display text (integers, pointers, floats, chars). */
function nodeValue(n: ValueNode): Value | undefined {
  const t = n.value.trim();
  let m = /^(-?\d+)(?:\s|$)/.exec(t);
  if (m && !/[.eE]/.test(t.split(/\s/)[0])) return { kind: 'int', v: BigInt(m[1]), size: 8, signed: true };
  m = /^(0x[0-9a-fA-F]+)/.exec(t);
  if (m) return { kind: 'int', v: BigInt(m[1]), size: 8, signed: false, isAddr: true };
  if (/^-?(\d+\.?\d*(e[-+]?\d+)?|inf|nan)$/i.test(t)) return { kind: 'float', v: Number(t), size: 8 };
  if (n.address !== undefined) return { kind: 'int', v: BigInt(n.address), size: 8, signed: false, isAddr: true };
  return undefined;
}

/** File-scope DWARF variables (as gdb, a global's name means its value, not its address). */
function globals(rt: Runtime, frame: Frame): ValueNode[] {
  try {
    return rt.debugInfo?.hasDebugInfo ? rt.debugInfo.globalValues({
      readReg: (r) => frame.regs(r), readMem: (a, n) => readBytes(rt, a, n), symbolize: (a) => symbolText(rt, a),
    }, rt.proc.image.program.bias) : [];
  } catch { return []; }
}

/** The expression environment of a frame: its DWARF variables by name (locals, arguments, globals), then registers and symbols. */
export function frameEnv(rt: Runtime, frame: Frame, vars: Variables): { env: EvalEnv; find(name: string): ValueNode | undefined } {
  let fv: ReturnType<Variables['frameValues']> | null = null;
  let gv: ValueNode[] | undefined;
  const root = (name: string) => {
    if (fv === null) fv = vars.frameValues(rt, frame);
    return fv?.locals.find((n) => n.name === name) ?? fv?.params.find((n) => n.name === name)
      ?? (gv ??= globals(rt, frame)).find((n) => n.name === name);
  };
  const find = (path: string) => resolvePath(path, root);
  const env = evalEnv(rt, frame.regs, frame.pc, (name) => { const n = find(name); return n && nodeValue(n); });
  // &variable: its address when it lives in memory; &symbol: the symbol's address.
  env.address = (name) => { const n = find(name); return n ? n.address : env.symbol(name); };
  return { env, find };
}

export function evaluate(rt: Runtime, frames: StackCache, vars: Variables, args: DebugProtocol.EvaluateArguments): DebugProtocol.EvaluateResponse['body'] {
  const frame = frames.get(rt, args.frameId);
  const { env, find } = frameEnv(rt, frame, vars);
  const expr = normalizeAccess(args.expression.trim(), env);
  const node = find(expr);
  if (node) {
    const v = vars.nodeVar(node, expr);
    return { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
  }
  const v = evaluateExpression(expr, env);
  const result = formatValue(v);
  return {
    result, variablesReference: 0,
    type: v.kind === 'float' ? 'double' : v.isAddr ? 'address' : v.signed ? `int${v.size * 8}_t` : `uint${v.size * 8}_t`,
    memoryReference: v.kind === 'int' && v.isAddr ? hex(BigInt.asUintN(64, v.v)) : undefined,
  };
}

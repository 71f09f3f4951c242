// evaluate (watch, hover, Debug Console): a DWARF variable by name or access path (`p.x`,
// `q->name`, `table[2]`, `table[i + 1]`, `ptr[3]`, `(*p).x`, `*ptr`) shows as the Variables view
// shows it (expandable); anything else
// goes through the expression evaluator with the selected frame's registers, where variables and
// paths take their numeric values and `&name` their addresses.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ValueNode } from '../emulator/debuginfo/index';
import { consoleCommand } from './console';
import { evaluateExpression, formatValue, normalizeAccess, toBig, xRegister, type EvalEnv, type Value } from './expr';
import type { Runtime } from './runtime';
import { resolvePath } from './paths';
import type { Frame, StackCache } from './stack';
import { AdapterError, evalEnv, hex, readBytes, symbolText } from './target';
import { storeNode, typeSize, type Variables } from './variables';

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
  env.sizeOf = (name) => { const n = find(name); return n ? n.size ?? typeSize(n.type) : undefined; };
  return { env, find };
}

/** `lhs = rhs` (one `=`, not `==`, `<=`, `>=`, `!=`), or undefined. */
function assignment(text: string): { lhs: string; rhs: string } | undefined {
  const m = /^([^=]*[^=<>!])=(?!=)(.*)$/.exec(text);
  return m && m[1].trim() && m[2].trim() ? { lhs: m[1].trim(), rhs: m[2].trim() } : undefined;
}

/** Stores `rhs` into a variable in memory or a register of the top frame, as gdb's `print x = 42`. */
function assign(rt: Runtime, frame: Frame, frames: StackCache, vars: Variables, env: EvalEnv, find: (p: string) => ValueNode | undefined, lhs: string, rhs: string): string {
  const v = evaluateExpression(rhs, env);
  const path = normalizeAccess(lhs, env);
  const node = find(path);
  if (node) {
    storeNode(rt, node, v);
    const again = frameEnv(rt, frame, vars).find(path);
    return again?.value ?? formatValue(v);
  }
  const reg = lhs.replace(/^\$/, '');
  const x = reg === 'pc' ? -2 : xRegister(reg);
  if (x === -1) throw new AdapterError(`cannot assign to '${lhs}': not a variable in memory or an integer register`);
  if (!frame.isTop) throw new AdapterError('registers can be changed in the top frame only');
  if (x === 0) throw new AdapterError('zero (x0) is hard-wired to 0');
  if (x === -2) rt.machine.cpu.pc = Number(BigInt.asUintN(64, toBig(v)));
  else rt.machine.cpu.setX(x, toBig(v));
  frames.invalidate();
  return hex(BigInt.asUintN(64, x === -2 ? BigInt(rt.machine.cpu.pc) : rt.machine.cpu.getX(x)));
}

export function evaluate(rt: Runtime, frames: StackCache, vars: Variables, args: DebugProtocol.EvaluateArguments): DebugProtocol.EvaluateResponse['body'] {
  const frame = frames.get(rt, args.frameId);
  const { env, find } = frameEnv(rt, frame, vars);
  if (args.context === 'repl') {
    const out = consoleCommand(rt, env, args.expression, (name) => find(name) !== undefined);
    if (out !== undefined) return { result: out, variablesReference: 0 };
  }
  const asg = assignment(args.expression.trim());
  if (asg) {
    if (args.context === 'hover' || args.context === 'watch') throw new AdapterError('an assignment changes the program: type it in the Debug Console');
    return { result: assign(rt, frame, frames, vars, env, find, asg.lhs, asg.rhs), variablesReference: 0 };
  }
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

// scopes / variables / setVariable: the Registers scope (pc, x0–x31 under ABI names, fcsr,
// fflags, frm), the FP Registers scope (f0–f31, each as float / double / raw bits), and the
// Arguments and Locals scopes from DWARF when the program has them. Variable references are
// handed out per stop and forgotten when the guest resumes.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { ABI_NAMES, FP_ABI_NAMES } from '../emulator/cpu/state';
import type { ValueNode } from '../emulator/debuginfo/index';
import { evaluateExpression, formatValue, toBig, type Value } from './expr';
import { childPath } from './paths';
import type { Runtime } from './runtime';
import type { Frame, StackCache } from './stack';
import { AdapterError, evalEnv, hex, readBytes, symbolText } from './target';

type Container =
  | { kind: 'regs'; frame: Frame }
  | { kind: 'fregs' }
  | { kind: 'freg'; r: number }
  | { kind: 'nodes'; nodes: ValueNode[]; frame?: Frame }
  | { kind: 'node'; node: ValueNode; path: string };

const f64 = new DataView(new ArrayBuffer(8));
function bitsToDouble(bits: bigint): number { f64.setBigUint64(0, BigInt.asUintN(64, bits), true); return f64.getFloat64(0, true); }
function bitsToFloat(bits: number): number { f64.setUint32(0, bits >>> 0, true); return f64.getFloat32(0, true); }
function doubleToBits(v: number): bigint { f64.setFloat64(0, v, true); return f64.getBigUint64(0, true); }
function floatToBits(v: number): number { f64.setFloat32(0, v, true); return f64.getUint32(0, true); }
const numText = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

export class Variables {
  private next = 1;
  private readonly handles = new Map<number, Container>();

  reset(): void { this.handles.clear(); this.next = 1; }

  private handle(c: Container): number { const id = this.next++; this.handles.set(id, c); return id; }

  private get(ref: number): Container {
    const c = this.handles.get(ref);
    if (!c) throw new AdapterError(`unknown variablesReference ${ref}`);
    return c;
  }

  scopes(rt: Runtime, frame: Frame): DebugProtocol.Scope[] {
    const out: DebugProtocol.Scope[] = [];
    const fv = this.frameValues(rt, frame);
    // Locals first: VS Code expands the first scope. Arguments only when the function has some.
    if (fv) {
      out.push({ name: 'Locals', presentationHint: 'locals', variablesReference: this.handle({ kind: 'nodes', nodes: fv.locals, frame }), expensive: false });
      if (fv.params.length) out.push({ name: 'Arguments', presentationHint: 'arguments', variablesReference: this.handle({ kind: 'nodes', nodes: fv.params, frame }), expensive: false });
    }
    out.push({ name: 'Registers', presentationHint: 'registers', variablesReference: this.handle({ kind: 'regs', frame }), expensive: false });
    out.push({ name: 'FP Registers', presentationHint: 'registers', variablesReference: this.handle({ kind: 'fregs' }), expensive: false });
    return out;
  }

  frameValues(rt: Runtime, frame: Frame): { params: ValueNode[]; locals: ValueNode[] } | undefined {
    const di = rt.debugInfo;
    if (!di?.hasDebugInfo) return undefined;
    const bias = rt.proc.image.program.bias;
    try {
      const fv = di.frameValues(frame.pc - bias, {
        readReg: (r) => frame.regs(r),
        readMem: (a, n) => readBytes(rt, a, n),
        symbolize: (a) => symbolText(rt, a),
      }, frame.isTop, bias);
      return fv && { params: fv.params, locals: fv.locals };
    } catch { return undefined; }
  }

  variables(rt: Runtime, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const c = this.get(args.variablesReference);
    const cpu = rt.machine.cpu;
    switch (c.kind) {
      case 'regs': {
        const regs = c.frame.regs;
        const v: DebugProtocol.Variable[] = [{ name: 'pc', value: hex(c.frame.pc), evaluateName: '$pc', variablesReference: 0, memoryReference: hex(c.frame.pc), type: 'pc' }];
        for (let r = 0; r < 32; r++) {
          const val = BigInt.asUintN(64, regs(r));
          v.push({ name: ABI_NAMES[r], value: hex(val), type: `x${r}`, evaluateName: `$${ABI_NAMES[r]}`, variablesReference: 0, memoryReference: hex(val) });
        }
        v.push({ name: 'fcsr', value: hex(cpu.fcsr), variablesReference: 0 });
        v.push({ name: 'fflags', value: hex(cpu.fflags), variablesReference: 0 });
        v.push({ name: 'frm', value: String(cpu.frm), variablesReference: 0 });
        return v;
      }
      case 'fregs':
        return FP_ABI_NAMES.map((name, r) => ({ name, value: this.fText(rt, r), type: `f${r}`, evaluateName: `$${name}`, variablesReference: this.handle({ kind: 'freg', r }) }));
      case 'freg': {
        const bits = cpu.getF64Bits(c.r);
        return [
          { name: 'float', value: numText(bitsToFloat(Number(bits & 0xffffffffn))), variablesReference: 0 },
          { name: 'double', value: numText(bitsToDouble(bits)), variablesReference: 0 },
          { name: 'raw', value: '0x' + bits.toString(16).padStart(16, '0'), variablesReference: 0 },
        ];
      }
      case 'nodes': return c.nodes.map((n) => this.nodeVar(n));
      case 'node': return c.node.children(args.start, args.count).map((n) => this.nodeVar(n, childPath(c.path, n.name)));
    }
  }

  /** A NaN-boxed single shows as float, anything else as double. */
  private fText(rt: Runtime, r: number): string {
    const bits = rt.machine.cpu.getF64Bits(r);
    if (bits >> 32n === 0xffffffffn) return numText(bitsToFloat(Number(bits & 0xffffffffn))) + 'f';
    return numText(bitsToDouble(bits));
  }

  /** A value as a DAP variable; `path` is how evaluate finds it again (its evaluateName). */
  nodeVar(n: ValueNode, path = n.name): DebugProtocol.Variable {
    const ref = n.pointee ?? n.address;
    return {
      name: n.name, value: n.value, type: n.type, evaluateName: path,
      variablesReference: n.childCount > 0 ? this.handle({ kind: 'node', node: n, path }) : 0,
      indexedVariables: n.childCount > 1 ? n.childCount : undefined,
      memoryReference: ref !== undefined ? hex(ref) : undefined,
    };
  }

  /** Address and size of a variable in a container (data breakpoints on variables and pointer values). */
  addressOf(rt: Runtime, ref: number, name: string): { addr: number; len: number } | undefined {
    const c = this.handles.get(ref);
    if (!c) return undefined;
    if (c.kind === 'regs') {
      // A register holding a pointer: watch what it points to (8 bytes).
      const r = (ABI_NAMES as readonly string[]).indexOf(name);
      return r > 0 ? { addr: Number(BigInt.asUintN(64, c.frame.regs(r))), len: 8 } : undefined;
    }
    const nodes = c.kind === 'nodes' ? c.nodes : c.kind === 'node' ? c.node.children() : [];
    const n = nodes.find((x) => x.name === name);
    if (n?.address === undefined) return undefined;
    return { addr: n.address, len: typeSize(n.type) };
  }

  /** Writes a register (top frame only); returns the new display value. */
  setVariable(rt: Runtime, frames: StackCache, args: DebugProtocol.SetVariableArguments): DebugProtocol.SetVariableResponse['body'] {
    const c = this.get(args.variablesReference);
    const cpu = rt.machine.cpu;
    const value = (): Value => evaluateExpression(args.value, evalEnv(rt));
    if (c.kind === 'regs') {
      if (!c.frame.isTop) throw new AdapterError('registers can be changed in the top frame only');
      const name = args.name;
      if (name === 'pc') { cpu.pc = Number(BigInt.asUintN(64, toBig(value()))); frames.invalidate(); return { value: hex(cpu.pc) }; }
      if (name === 'fcsr') { cpu.fcsr = Number(toBig(value()) & 0xffn); return { value: hex(cpu.fcsr) }; }
      if (name === 'fflags') { cpu.fflags = Number(toBig(value()) & 0x1fn); return { value: hex(cpu.fflags) }; }
      if (name === 'frm') { cpu.frm = Number(toBig(value()) & 7n); return { value: String(cpu.frm) }; }
      const r = (ABI_NAMES as readonly string[]).indexOf(name);
      if (r < 0) throw new AdapterError(`no register named '${name}'`);
      if (r === 0) throw new AdapterError('zero (x0) is hard-wired to 0');
      cpu.setX(r, toBig(value()));
      frames.invalidate();
      return { value: hex(BigInt.asUintN(64, cpu.getX(r))) };
    }
    if (c.kind === 'fregs' || c.kind === 'freg') {
      const r = c.kind === 'freg' ? c.r : (FP_ABI_NAMES as readonly string[]).indexOf(args.name);
      if (r < 0) throw new AdapterError(`no register named '${args.name}'`);
      const what = c.kind === 'freg' ? args.name : 'double';
      const v = value();
      const num = v.kind === 'float' ? v.v : Number(BigInt.asIntN(64, v.v));
      if (what === 'raw') cpu.setF64Bits(r, BigInt.asUintN(64, toBig(v)));
      else if (what === 'float') cpu.setF64Bits(r, 0xffffffff00000000n | BigInt(floatToBits(num)));
      else if (what === 'double') cpu.setF64Bits(r, doubleToBits(num));
      else throw new AdapterError(`no field '${args.name}'`);
      const bits = cpu.getF64Bits(r);
      const shown = what === 'raw' ? '0x' + bits.toString(16).padStart(16, '0') : what === 'float' ? numText(bitsToFloat(Number(bits & 0xffffffffn))) : numText(bitsToDouble(bits));
      return { value: shown };
    }
    return this.setInMemory(rt, c, args.name, value);
  }

  /** A source variable that lives in memory, of a scalar type: the value is stored there. */
  private setInMemory(rt: Runtime, c: Container, name: string, value: () => Value): DebugProtocol.SetVariableResponse['body'] {
    const nodes = c.kind === 'nodes' ? c.nodes : c.kind === 'node' ? c.node.children() : [];
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new AdapterError(`no variable named '${name}'`);
    const v = value();
    storeNode(rt, n, v);
    // Re-read through DWARF so the display is exactly what the Variables view will show.
    const frame = c.kind === 'nodes' ? c.frame : undefined;
    const fresh = frame && this.frameValues(rt, frame);
    const again = fresh && [...fresh.params, ...fresh.locals].find((x) => x.name === name);
    return { value: again?.value ?? formatValue(v) };
  }
}

/** Stores a value into a scalar source variable in memory (setVariable, `x = 42` in evaluate). */
export function storeNode(rt: Runtime, n: ValueNode, v: Value): void {
  if (n.address === undefined || n.childCount > 0 && !/\*$/.test(n.type)) {
    throw new AdapterError(`'${n.name}' is not a scalar in memory (register variables and aggregates cannot be changed yet)`);
  }
  const size = typeSize(n.type);
  const bytes = new Uint8Array(size);
  const dv = new DataView(bytes.buffer);
  if (/\b(float|double)$/.test(n.type) && !/\*$/.test(n.type)) {
    const num = v.kind === 'float' ? v.v : Number(BigInt.asIntN(64, v.v));
    if (size === 4) dv.setFloat32(0, num, true); else dv.setFloat64(0, num, true);
  } else {
    const bits = BigInt.asUintN(64, toBig(v));
    for (let i = 0; i < size; i++) bytes[i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  }
  rt.machine.mem.write(n.address, bytes, true);
  rt.machine.invalidateRange(n.address, size);
}

/** Size of a C type from its gdb-style name (data breakpoints); unknown aggregates: 8 bytes. */
export function typeSize(type: string): number {
  if (/\*$/.test(type)) return 8;
  const t = type.replace(/\b(const|volatile)\b/g, '').trim();
  if (/\bchar$|int8_t$|_Bool|^bool$/.test(t)) return 1;
  if (/\bshort\b|int16_t$/.test(t)) return 2;
  if (/\blong\b|int64_t$|size_t$|double$/.test(t)) return 8;
  if (/\bint$|int32_t$|float$|^unsigned$|^enum /.test(t)) return 4;
  const arr = /\[(\d+)\]$/.exec(t);
  if (arr) return Math.min(Number(arr[1]) * typeSize(t.slice(0, t.lastIndexOf('['))), 4096);
  return 8;
}

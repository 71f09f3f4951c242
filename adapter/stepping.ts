// next / stepIn / stepOut as RunModes for the runtime. Instruction granularity: one instruction;
// `next` runs a call (jal/jalr writing ra or t0) to its return address with the stack no deeper
// than before (recursion-safe). Line granularity (DWARF): single-steps until the pc reaches the
// start of a row of another line, stepping over calls for `next` and over code without line
// information for `stepIn`. stepOut runs to the caller's return address with sp at the caller's.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { decodeWord } from '../emulator/isa/decode';
import type { Insn } from '../emulator/isa/insn';
import type { LineLocation } from '../emulator/debuginfo/index';
import type { RunMode, Runtime } from './runtime';
import type { StackCache } from './stack';
import { AdapterError, readBytes } from './target';

export type StepKind = 'in' | 'over' | 'out';

function insnAt(rt: Runtime, pc: number): Insn | undefined {
  const b = readBytes(rt, pc, 2);
  if (!b) return undefined;
  const lo = b[0] | (b[1] << 8);
  if ((lo & 3) !== 3) return decodeWord(pc, lo);
  const h = readBytes(rt, pc + 2, 2);
  return h ? decodeWord(pc, (lo | ((h[0] | (h[1] << 8)) << 16)) >>> 0) : undefined;
}

/** A call: jal/jalr that links through ra or t0 (the psABI's alternate link register). */
export function isCall(i: Insn | undefined): boolean {
  return !!i && (i.op === 'jal' || i.op === 'jalr') && (i.rd === 1 || i.rd === 5);
}

function lineAt(rt: Runtime, pc: number): LineLocation | undefined {
  return rt.debugInfo?.addrToLine(pc - rt.proc.image.program.bias);
}

export function stepMode(rt: Runtime, frames: StackCache, kind: StepKind, granularity: DebugProtocol.SteppingGranularity | undefined): RunMode {
  const cpu = rt.machine.cpu;
  const sp = () => cpu.getXNum(2);
  if (kind === 'out') {
    const all = frames.all(rt);
    const caller = all[1];
    if (!caller) throw new AdapterError('no caller frame to step out to');
    return { kind: 'until', tid: rt.currentTid, target: caller.pc, minSp: caller.cfa ?? sp() + 1 };
  }
  const start = lineAt(rt, rt.pc);
  const byLine = granularity !== 'instruction' && start !== undefined;
  if (!byLine) {
    const i = insnAt(rt, rt.pc);
    if (kind === 'over' && isCall(i)) return { kind: 'until', tid: rt.currentTid, target: rt.pc + i!.size, minSp: sp() };
    return { kind: 'stepInsn' };
  }
  let prev = rt.pc;
  let prevInsn = insnAt(rt, prev);
  let prevSp = sp();
  const mode: RunMode = {
    kind: 'stepWhile',
    next: (pc) => {
      const called = isCall(prevInsn) && pc !== prev + (prevInsn?.size ?? 4);
      const retTo = prev + (prevInsn?.size ?? 4), spAtCall = prevSp;
      prev = pc; prevInsn = insnAt(rt, pc); prevSp = sp();
      if (called && (kind === 'over' || !lineAt(rt, pc))) {
        // Run the callee to its return, then go on stepping this line.
        return { kind: 'until', tid: rt.currentTid, target: retTo, minSp: spAtCall, then: mode };
      }
      if (called) {
        // Stepped into a function with line info: stop after its prologue, as gdb does.
        const bias = rt.proc.image.program.bias;
        const fn = rt.debugInfo?.functionAt(pc - bias);
        const body = fn && fn.lo + bias === pc ? rt.debugInfo!.afterPrologue(fn) + bias : pc;
        return body !== pc ? { kind: 'until', tid: rt.currentTid, target: body, minSp: 0 } : 'stop';
      }
      const loc = lineAt(rt, pc);
      if (!loc) return 'step';
      const moved = loc.line !== start!.line || loc.file !== start!.file;
      return moved && loc.isStmt && pc === loc.address + rt.proc.image.program.bias ? 'stop' : 'step';
    },
  };
  return mode;
}

// The expression context of one stack frame: its registers, memory, CFA (from CFI), frame base
// (DW_AT_frame_base of its function) and entry values. DW_OP_entry_value — what gcc -Og writes
// for a parameter whose register has been reused — is answered the way gdb does it: unwind to
// the caller, find the call site whose return address is this frame's return address, and
// evaluate the matching DW_TAG_call_site_parameter's DW_AT_call_value in the caller's frame.

import type { FrameIndex } from './cfi';
import { evaluateValue, type ExprContext } from './expr';
import { attrNumber, type Die } from './info';
import type { ScopeIndex } from './scopes';
import { rulesAt, type ReadMem, type ReadReg, unwindStep } from './unwind';

const DW_TAG_call_site = 0x48, DW_TAG_call_site_parameter = 0x49;
const DW_TAG_GNU_call_site = 0x4109, DW_TAG_GNU_call_site_parameter = 0x410a;
const DW_AT_location = 0x02, DW_AT_low_pc = 0x11, DW_AT_call_return_pc = 0x7d, DW_AT_call_value = 0x7e;
const DW_AT_GNU_call_site_value = 0x2111;
/** How many callers an entry value may chase (a caller's call value may itself be an entry value). */
const MAX_ENTRY_DEPTH = 16;

/** Call-site DIEs by return address (DWARF 5 DW_AT_call_return_pc; GNU DWARF 4 DW_AT_low_pc). */
export function indexCallSites(dies: Iterable<Die>): Map<number, Die> {
  const out = new Map<number, Die>();
  for (const d of dies) {
    if (d.tag === DW_TAG_call_site) {
      const ret = attrNumber(d, DW_AT_call_return_pc);
      if (ret !== undefined) out.set(ret, d);
    } else if (d.tag === DW_TAG_GNU_call_site) {
      const ret = attrNumber(d, DW_AT_low_pc);
      if (ret !== undefined) out.set(ret, d);
    }
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface FrameSources { frames: FrameIndex; scopes: ScopeIndex; callSites: Map<number, Die> }

/** CFA of the frame at pc (isTop false: pc is a return address, looked up at pc-1). */
export function cfaOf(frames: FrameIndex, pc: number, readReg: ReadReg, readMem: ReadMem, isTop: boolean): bigint | undefined {
  const at = isTop ? pc : pc - 1;
  const fde = frames.find(at);
  if (!fde) return undefined;
  const rules = rulesAt(fde, at);
  return rules.cfa.expr ? evaluateValue(rules.cfa.expr, { readReg, readMem }) : BigInt.asUintN(64, readReg(rules.cfa.reg) + BigInt(rules.cfa.offset));
}

/**
 * Expression context of the frame whose pc (a link address) and registers are given. `bias` is
 * the load bias of a PIE: register and memory values are load addresses, so a return address
 * read while chasing an entry value is turned back into a link address before the call-site
 * lookup, and DW_OP_addr operands get the bias added.
 */
export function frameContext(src: FrameSources, pc: number, readReg: ReadReg, readMem: ReadMem, isTop: boolean, bias = 0, depth = 0): ExprContext {
  const lookupPc = isTop ? pc : pc - 1;
  const ctx: ExprContext = {
    readReg, readMem, addrBias: bias,
    cfa: () => {
      const c = cfaOf(src.frames, pc, readReg, readMem, isTop);
      if (c === undefined) throw new Error('no call frame information for this pc');
      return c;
    },
    frameBase: () => {
      const fn = src.scopes.functionAt(lookupPc);
      const fb = fn && src.scopes.frameBaseAt(fn, lookupPc);
      if (!fb) throw new Error('no frame base');
      return evaluateValue(fb, ctx);
    },
    entryValue: (expr) => {
      if (depth >= MAX_ENTRY_DEPTH) return undefined;
      try {
        const caller = unwindStep(src.frames, pc, readReg, readMem, isTop);
        const site = caller && src.callSites.get(caller.pc - bias);
        if (!caller || !site) return undefined;
        const param = site.children.find((c) => (c.tag === DW_TAG_call_site_parameter || c.tag === DW_TAG_GNU_call_site_parameter)
          && c.attrs.get(DW_AT_location) instanceof Uint8Array && sameBytes(c.attrs.get(DW_AT_location) as Uint8Array, expr));
        const value = param && (param.attrs.get(DW_AT_call_value) ?? param.attrs.get(DW_AT_GNU_call_site_value));
        if (!(value instanceof Uint8Array)) return undefined;
        const regs = caller.regs;
        const callerCtx = frameContext(src, caller.pc - bias, (r) => (r === 0 ? 0n : regs.get(r) ?? 0n), readMem, false, bias, depth + 1);
        return evaluateValue(value, callerCtx);
      } catch {
        return undefined;
      }
    },
  };
  return ctx;
}

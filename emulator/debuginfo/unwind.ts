// Stack unwinding: runs an FDE's CFA program (DWARF 5 section 6.4.2: DW_CFA_advance_loc,
// def_cfa*, offset*, restore*, remember/restore_state, expressions) up to a pc to get the rules
// for that frame, then computes the caller's registers (pc from ra, sp = CFA, saved s-registers
// from their slots). A frame-pointer walk (s0 chain, RISC-V psABI frame layout) is the fallback
// for code without CFI. Registers are DWARF numbers (x0–x31 = 0–31, f0–f31 = 32–63).

import type { Fde, FrameIndex } from './cfi';
import { evaluate, evaluateValue, type ExprContext } from './expr';
import { unwindStepPrologue } from './prologue';
import { ByteReader, DwarfError } from './reader';

export type RegRule =
  | { kind: 'same' } | { kind: 'undefined' }
  | { kind: 'offset'; n: number } | { kind: 'valOffset'; n: number }
  | { kind: 'register'; reg: number }
  | { kind: 'expr'; e: Uint8Array } | { kind: 'valExpr'; e: Uint8Array };

export type CfaRule = { reg: number; offset: number; expr?: undefined } | { expr: Uint8Array };

export interface FrameRules { cfa: CfaRule; regs: Map<number, RegRule>; raReg: number }

interface RowState { cfa: CfaRule; regs: Map<number, RegRule> }

function runProgram(insns: Uint8Array, fde: Fde, pc: number, state: RowState, initial: RowState | undefined, startLoc: number): number {
  const cie = fde.cie;
  const r = new ByteReader(insns);
  const stack: RowState[] = [];
  let loc = startLoc;
  const advance = (delta: number): boolean => { loc += delta * cie.codeAlign; return loc > pc; };
  const restore = (reg: number): void => {
    const rule = initial?.regs.get(reg);
    if (rule) state.regs.set(reg, rule); else state.regs.delete(reg);
  };
  const setCfa = (reg: number | undefined, offset: number | undefined): void => {
    const old = state.cfa.expr ? { reg: 2, offset: 0 } : state.cfa;
    state.cfa = { reg: reg ?? old.reg, offset: offset ?? old.offset };
  };
  while (!r.atEnd) {
    const op = r.u8();
    const hi = op & 0xc0, low = op & 0x3f;
    if (hi === 0x40) { if (advance(low)) return loc; continue; } // advance_loc
    if (hi === 0x80) { state.regs.set(low, { kind: 'offset', n: r.uleb() * cie.dataAlign }); continue; } // offset
    if (hi === 0xc0) { restore(low); continue; } // restore
    switch (op) {
      case 0x00: break; // nop
      case 0x01: loc = r.uN(cie.addrSize) + (fde.bias ?? 0); if (loc > pc) return loc; break; // set_loc
      case 0x02: if (advance(r.u8())) return loc; break;
      case 0x03: if (advance(r.u16())) return loc; break;
      case 0x04: if (advance(r.u32())) return loc; break;
      case 0x05: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: r.uleb() * cie.dataAlign }); break; }
      case 0x06: restore(r.uleb()); break;
      case 0x07: state.regs.set(r.uleb(), { kind: 'undefined' }); break;
      case 0x08: state.regs.set(r.uleb(), { kind: 'same' }); break;
      case 0x09: { const reg = r.uleb(); state.regs.set(reg, { kind: 'register', reg: r.uleb() }); break; }
      case 0x0a: stack.push({ cfa: state.cfa, regs: new Map(state.regs) }); break; // remember_state
      case 0x0b: { // restore_state
        const s = stack.pop();
        if (!s) throw new DwarfError('DW_CFA_restore_state without remember_state');
        state.cfa = s.cfa; state.regs = s.regs;
        break;
      }
      case 0x0c: { const reg = r.uleb(); setCfa(reg, r.uleb()); break; } // def_cfa
      case 0x0d: setCfa(r.uleb(), undefined); break; // def_cfa_register
      case 0x0e: setCfa(undefined, r.uleb()); break; // def_cfa_offset
      case 0x0f: state.cfa = { expr: r.block(r.uleb()) }; break; // def_cfa_expression
      case 0x10: { const reg = r.uleb(); state.regs.set(reg, { kind: 'expr', e: r.block(r.uleb()) }); break; }
      case 0x11: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: r.sleb() * cie.dataAlign }); break; }
      case 0x12: { const reg = r.uleb(); setCfa(reg, r.sleb() * cie.dataAlign); break; } // def_cfa_sf
      case 0x13: setCfa(undefined, r.sleb() * cie.dataAlign); break; // def_cfa_offset_sf
      case 0x14: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', n: r.uleb() * cie.dataAlign }); break; }
      case 0x15: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', n: r.sleb() * cie.dataAlign }); break; }
      case 0x16: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valExpr', e: r.block(r.uleb()) }); break; }
      case 0x2e: r.uleb(); break; // GNU_args_size
      case 0x2f: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', n: -r.uleb() * cie.dataAlign }); break; }
      default: throw new DwarfError(`unsupported DW_CFA opcode 0x${op.toString(16)}`);
    }
  }
  return loc;
}

/** The CFA and register rules in effect at `pc` inside `fde`. */
export function rulesAt(fde: Fde, pc: number): FrameRules {
  const state: RowState = { cfa: { reg: 2, offset: 0 }, regs: new Map() };
  runProgram(fde.cie.initial, fde, Infinity, state, undefined, fde.lo);
  const initial: RowState = { cfa: state.cfa, regs: new Map(state.regs) };
  runProgram(fde.instructions, fde, pc, state, initial, fde.lo);
  return { cfa: state.cfa, regs: state.regs, raReg: fde.cie.raReg };
}

export type ReadReg = (reg: number) => bigint;
export type ReadMem = (addr: number, size: number) => bigint | undefined;

export interface CallerFrame {
  /** Return address: the caller's pc (the instruction after the call). */
  pc: number;
  /** Canonical frame address of the callee (= caller's sp). */
  cfa: number;
  /** Caller's registers as far as known (x1–x31; sp = CFA). */
  regs: Map<number, bigint>;
  method: 'cfi' | 'fp' | 'prologue';
}

const M64 = (1n << 64n) - 1n;

/**
 * One unwinding step with CFI. `pc` is the frame's pc; pass `isTop = false` for caller frames
 * (their pc is a return address, so the lookup uses pc-1: the call may be a function's last
 * instruction). undefined when no FDE covers pc or the return address is undefined (outermost frame).
 */
export function unwindStep(index: FrameIndex, pc: number, readReg: ReadReg, readMem: ReadMem, isTop = true): CallerFrame | undefined {
  const fde = index.find(isTop ? pc : pc - 1);
  if (!fde) return undefined;
  const rules = rulesAt(fde, isTop || fde.cie.signalFrame ? pc : pc - 1);
  const ctx: ExprContext = { readReg, readMem };
  const cfa = rules.cfa.expr ? evaluateValue(rules.cfa.expr, ctx) : (readReg(rules.cfa.reg) + BigInt(rules.cfa.offset)) & M64;
  const mem = (addr: bigint): bigint => {
    const v = readMem(Number(addr & M64), 8);
    if (v === undefined) throw new DwarfError(`cannot read saved register at 0x${(addr & M64).toString(16)}`);
    return v;
  };
  const regs = new Map<number, bigint>();
  const ra = rules.raReg;
  for (let reg = 1; reg < 64; reg++) {
    const rule = rules.regs.get(reg);
    if (!rule || rule.kind === 'same') { if (reg !== ra) regs.set(reg, readReg(reg)); continue; }
    switch (rule.kind) {
      case 'undefined': break;
      case 'offset': regs.set(reg, mem(cfa + BigInt(rule.n))); break;
      case 'valOffset': regs.set(reg, (cfa + BigInt(rule.n)) & M64); break;
      case 'register': regs.set(reg, readReg(rule.reg)); break;
      case 'expr': {
        const loc = evaluate(rule.e, { ...ctx, cfa: () => cfa }, [cfa]);
        if (loc.kind === 'memory') regs.set(reg, mem(BigInt(loc.addr)));
        break;
      }
      case 'valExpr': regs.set(reg, evaluateValue(rule.e, { ...ctx, cfa: () => cfa }, [cfa])); break;
    }
  }
  regs.set(2, cfa);
  const retAddr = regs.get(ra);
  // ra without a rule in a leaf function still holds the return address.
  const callerPc = retAddr ?? (rules.regs.has(ra) ? undefined : readReg(ra));
  if (callerPc === undefined || callerPc === 0n) return undefined;
  regs.set(ra, callerPc);
  return { pc: Number(callerPc & M64), cfa: Number(cfa), regs, method: 'cfi' };
}

/** How far above sp a frame pointer may point and still be taken for one (s0 as a scratch register often points at data). */
const FP_MAX_FRAME = 0x100000n;

/**
 * Frame-pointer step (code built with a frame pointer, no CFI): RISC-V gcc keeps s0 = CFA,
 * the saved ra at s0-8 and the caller's s0 at s0-16. A heuristic: leaf functions that save no
 * ra break it, so it is only the fallback, and an s0 that is not just above sp (code without a
 * frame pointer uses s0 for anything: in glibc's exit path it points into libc's data, which
 * qemu-riscv64's layout puts above the stack) is not taken for one.
 */
export function unwindStepFp(readReg: ReadReg, readMem: ReadMem): CallerFrame | undefined {
  const fp = readReg(8) & M64, sp = readReg(2) & M64;
  if (fp === 0n || fp & 7n || fp < sp || fp - sp > FP_MAX_FRAME) return undefined;
  const ra = readMem(Number(fp - 8n), 8), oldFp = readMem(Number(fp - 16n), 8);
  if (ra === undefined || oldFp === undefined || ra === 0n) return undefined;
  const regs = new Map<number, bigint>();
  for (let reg = 1; reg < 64; reg++) regs.set(reg, readReg(reg));
  regs.set(2, fp); regs.set(8, oldFp); regs.set(1, ra);
  return { pc: Number(ra), cfa: Number(fp), regs, method: 'fp' };
}

export interface StackFrameInfo { pc: number; regs: ReadReg; cfa?: number; method: 'top' | CallerFrame['method'] }

/**
 * Walks the stack from the current registers: CFI where there is an FDE; elsewhere the
 * prologue of the function (when `functionStart` can name its entry, e.g. from ELF symbols),
 * then frame pointers.
 */
export function backtrace(index: FrameIndex, pc: number, readReg: ReadReg, readMem: ReadMem, maxFrames = 64,
  functionStart?: (pc: number) => number | undefined): StackFrameInfo[] {
  const frames: StackFrameInfo[] = [{ pc, regs: readReg, method: 'top' }];
  let cur = { pc, readReg, isTop: true };
  let lastSp = -1n;
  while (frames.length < maxFrames) {
    let next: CallerFrame | undefined;
    try {
      next = unwindStep(index, cur.pc, cur.readReg, readMem, cur.isTop);
      if (!next && !index.find(cur.isTop ? cur.pc : cur.pc - 1)) {
        const start = functionStart?.(cur.isTop ? cur.pc : cur.pc - 1);
        if (start !== undefined) next = unwindStepPrologue(cur.pc, start, cur.readReg, readMem, cur.isTop);
        next ??= unwindStepFp(cur.readReg, readMem);
      }
    } catch { next = undefined; }
    // The stack grows down: a caller's sp is at or above the callee's (equal for a function
    // that has not made a frame yet); the same pc at the same sp again means the walk is looping.
    const sp = cur.readReg(2);
    if (!next || BigInt(next.cfa) < sp || (BigInt(next.cfa) === lastSp && next.pc === cur.pc)) break;
    lastSp = BigInt(next.cfa);
    const regs = next.regs;
    const rr: ReadReg = (r) => (r === 0 ? 0n : regs.get(r) ?? 0n);
    frames.push({ pc: next.pc, regs: rr, cfa: next.cfa, method: next.method });
    cur = { pc: next.pc, readReg: rr, isTop: false };
  }
  return frames;
}

// A tiny stand-in for the Machine that runs a scripted program through the plugin layer the way
// the translator does: translate each TB once through the TranslateHook, then on every execution
// run TB exec callbacks (conditional ones checked), TB inline ops, and per instruction its exec
// callbacks, inline ops, and after each scripted memory access the memory callbacks and memory
// inline ops whose R/W filter matches. Lets the plugin tests count exactly what should happen.

import { CpuState } from '../../emulator/cpu/state';
import { decodeWord } from '../../emulator/isa/decode';
import type { Insn } from '../../emulator/isa/insn';
import { Memory } from '../../emulator/memory/memory';
import { PROT_READ, PROT_WRITE } from '../../emulator/memory/types';
import { PluginManager, PluginSetPc, type PluginManagerOptions } from '../../emulator/plugins/core';
import { makeMeminfo } from '../../emulator/plugins/meminfo';
import { CondOp, MemRW, type ExecCallback, type InlineOp, type TbInstrumentation } from '../../emulator/tcg/instrument';

export interface FakeAccess { addr: number; sizeShift: number; store: boolean; signed?: boolean; value?: bigint }
export interface FakeInsn { insn: Insn; mem?: FakeAccess[] }
export interface FakeTb { pc: number; insns: FakeInsn[] }

/** Encodes `addi x0,x0,0`-style words into an instruction at pc (decoded by the real decoder). */
export function insnAt(pc: number, word: number): Insn {
  const i = decodeWord(pc, word);
  if (!i) throw new Error(`cannot decode 0x${word.toString(16)}`);
  return i;
}

/** A straight-line TB of `n` 4-byte instructions at pc (addi a0,a0,1 … ending with jal x0,0). */
export function simpleTb(pc: number, n: number, mem: (i: number) => FakeAccess[] | undefined = () => undefined): FakeTb {
  const insns: FakeInsn[] = [];
  for (let i = 0; i < n; i++) {
    const word = i === n - 1 ? 0x0000006f : 0x00150513;  // jal x0,0 / addi a0,a0,1
    insns.push({ insn: insnAt(pc + 4 * i, word), mem: mem(i) });
  }
  return { pc, insns };
}

function condHolds(cb: ExecCallback, vcpu: number): boolean {
  if (!cb.cond) return true;
  const { entry, op, imm } = cb.cond;
  const v = entry.array[entry.index + vcpu * entry.stride];
  switch (op) {
    case CondOp.NEVER: return false;
    case CondOp.ALWAYS: return true;
    case CondOp.EQ: return v === imm;
    case CondOp.NE: return v !== imm;
    case CondOp.LT: return v < imm;
    case CondOp.LE: return v <= imm;
    case CondOp.GT: return v > imm;
    case CondOp.GE: return v >= imm;
  }
  return false;
}

function inline(op: InlineOp, vcpu: number): void {
  const { array, index, stride } = op.entry, at = index + vcpu * stride;
  array[at] = op.op === 'add' ? BigInt.asUintN(64, array[at] + op.imm) : op.imm;
}

export class FakeMachine {
  readonly cpu = new CpuState(0);
  readonly mem = new Memory();
  readonly plugins: PluginManager;
  readonly translated = new Map<number, TbInstrumentation | undefined>();
  translations = 0;
  flushes = 0;
  setPcs: number[] = [];

  constructor(readonly tbs: FakeTb[], opts: PluginManagerOptions = {}) {
    this.plugins = new PluginManager(opts);
    this.mem.map(0x10000, 0x10000, PROT_READ | PROT_WRITE);
    this.plugins.attach({
      cpu: () => this.cpu, memory: this.mem,
      flushTbs: () => { this.translated.clear(); this.flushes++; },
      requestExit: () => { /* run() polls hasPendingWork between TBs */ },
      pathToBinary: '/fake/prog', startCode: 0x1000, endCode: 0x2000, entryCode: 0x1000,
      symbolize: pc => (pc === 0x1000 ? 'main' : null),
    });
  }

  start(): void { this.plugins.vcpuInit(0); }

  /** Executes TBs by index, in order; each TB runs completely. */
  run(schedule: number[]): void {
    const vcpu = 0, mgr = this.plugins;
    for (const idx of schedule) {
      if (mgr.hasPendingWork) mgr.runPendingWork();
      const tb = this.tbs[idx];
      if (!this.translated.has(tb.pc)) {
        this.translations++;
        this.translated.set(tb.pc, mgr.translate({ pc: tb.pc, insns: tb.insns.map(i => i.insn), flags: 0 }));
      }
      const instr = this.translated.get(tb.pc);
      try {
        this.execTb(tb, instr, vcpu);
      } catch (e) {
        if (e instanceof PluginSetPc) { this.setPcs.push(e.pc); continue; }
        throw e;
      }
    }
  }

  private execTb(tb: FakeTb, instr: TbInstrumentation | undefined, vcpu: number): void {
    const mgr = this.plugins;
    if (instr) {
      for (const cb of instr.exec) if (condHolds(cb, vcpu)) cb.fn(vcpu, cb.userdata);
      for (const op of instr.inline) inline(op, vcpu);
    }
    tb.insns.forEach((fi, n) => {
      const ii = instr?.insns[n];
      this.cpu.pc = fi.insn.pc;
      if (ii) {
        for (const cb of ii.exec) if (condHolds(cb, vcpu)) cb.fn(vcpu, cb.userdata);
        for (const op of ii.inline) inline(op, vcpu);
      }
      this.cpu.instret++;
      for (const a of fi.mem ?? []) {
        if (!ii) continue;
        const rw = a.store ? MemRW.W : MemRW.R;
        const v = a.value ?? 0n;
        mgr.memValue.lo = Number(BigInt.asIntN(32, v)); mgr.memValue.hi = Number(BigInt.asIntN(32, v >> 32n));
        const info = makeMeminfo(a.sizeShift, !!a.signed, a.store);
        for (const cb of ii.mem) if (cb.rw & rw) cb.fn(vcpu, info, a.addr, cb.userdata);
        for (const op of ii.memInline) if (op.rw & rw) inline(op, vcpu);
      }
    });
  }

  exit(): void { this.plugins.atexit(); }
}

/** Collects everything plugins print through outs, and one-line errors. */
export function capture(): { out: string[]; err: string[]; files: Map<string, Uint8Array>; opts: PluginManagerOptions } {
  const out: string[] = [], err: string[] = [], files = new Map<string, Uint8Array>();
  return { out, err, files, opts: { out: s => out.push(s), error: l => err.push(l), writeFile: (p, d) => files.set(p, d) } };
}

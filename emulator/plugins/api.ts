// The public plugin API (QEMU's plugins/api.c): one object per loaded plugin implementing every
// qemu_plugin_* function in TypeScript naming. Registration functions check their handles and
// feed the instrumentation that the translator compiles; query functions enforce QEMU's rules
// on callback flags (registers need R_REGS/RW_REGS, set_pc needs RW_REGS_PC).

import { disassemble } from '../isa/disasm';
import { GuestFault } from '../memory/types';
import { CbFlags, CondOp, MemRW } from '../tcg/instrument';
import type { ExecCallback, InlineOp, U64Entry } from '../tcg/instrument';
import { PluginSetPc, type PluginContext, type PluginManager } from './core';
import { checkCallback, checkInsn, checkTb, countInstrumentation, type InsnHandle, type TbHandle } from './handles';
import * as mi from './meminfo';
import { readReg, registerDescriptors, writeReg } from './registers';
import { Scoreboard } from './scoreboard';
import { InlineOpKind, MemValueType, type MemValue, type PluginApi, type PluginU64 } from './types';

const u64 = (v: bigint | number): bigint => BigInt.asUintN(64, BigInt(v));

function checkEntry(e: PluginU64, fn: string): U64Entry {
  if (!e || !(e.score instanceof Scoreboard)) throw new Error(`${fn}: entry is not a scoreboard u64 (use scoreboardU64)`);
  if (e.score.freed) throw new Error(`${fn}: scoreboard was freed`);
  e.score.checkOffset(e.offset);
  return e.score.entry(e.offset);
}

function checkFlags(flags: CbFlags, fn: string): CbFlags {
  if (![CbFlags.NO_REGS, CbFlags.R_REGS, CbFlags.RW_REGS, CbFlags.RW_REGS_PC].includes(flags)) {
    throw new Error(`${fn}: bad callback flags ${flags}`);
  }
  return flags;
}

function checkRw(rw: MemRW, fn: string): MemRW {
  if (rw !== MemRW.R && rw !== MemRW.W && rw !== MemRW.RW) throw new Error(`${fn}: bad memory access kind ${rw}`);
  return rw;
}

function inlineOp(op: InlineOpKind, entry: U64Entry, imm: bigint | number, pluginId: number, fn: string): InlineOp {
  if (op !== InlineOpKind.ADD_U64 && op !== InlineOpKind.STORE_U64) throw new Error(`${fn}: bad inline op ${op}`);
  return { op: op === InlineOpKind.ADD_U64 ? 'add' : 'store', entry, imm: u64(imm), pluginId };
}

/** Parses "on|yes|true|y" / "off|no|false|n" like QEMU's qapi_bool_parse; undefined if neither. */
export function boolParse(name: string, val: string | undefined): boolean | undefined {
  if (!name || val === undefined) return undefined;
  if (['on', 'yes', 'true', 'y'].includes(val)) return true;
  if (['off', 'no', 'false', 'n'].includes(val)) return false;
  return undefined;
}

/**
 * Adds an exec callback keeping QEMU's order. QEMU runs a TB's (or an instruction's) callbacks
 * and inline ops in the order they were registered; the translator emits exec callbacks before
 * inline ops. So inline ops registered before a callback (stoptrigger: ADD, then a conditional
 * callback on the sum) become equivalent callbacks placed ahead of it; trailing inline ops stay
 * inline and free.
 */
function pushExec(target: { exec: ExecCallback[]; inline: InlineOp[] }, cb: ExecCallback): void {
  for (const op of target.inline.splice(0)) {
    const { array, index, stride } = op.entry, imm = op.imm;
    const fn = op.op === 'add'
      ? (vcpu: number) => { const a = array, i = index + vcpu * stride; a[i] = BigInt.asUintN(64, a[i] + imm); }
      : (vcpu: number) => { array[index + vcpu * stride] = imm; };
    target.exec.push({ fn, userdata: undefined, flags: CbFlags.NO_REGS, pluginId: op.pluginId });
  }
  target.exec.push(cb);
}

export function createApi(mgr: PluginManager, ctx: PluginContext): PluginApi {
  const self = (id: number, fn: string) => {
    if (id !== ctx.id) mgr.byId(id);
    if (ctx.dead) throw new Error(`${fn}: plugin ${ctx.name} is unloaded`);
    return mgr.byId(id);
  };
  const exec = (target: TbHandle | InsnHandle, kind: 'tb_exec' | 'insn_exec', fn: ExecCallback['fn'], flags: CbFlags,
    userdata: unknown, cond?: ExecCallback['cond']): ExecCallback => {
    const name = kind === 'tb_exec' ? 'registerVcpuTbExecCb' : 'registerVcpuInsnExecCb';
    checkCallback(fn, name);
    countInstrumentation(target, name);
    return { fn: mgr.wrapExec(ctx, target, kind, fn, flags), userdata, flags, pluginId: ctx.id, cond };
  };
  /** register*ExecCondCb: NEVER registers nothing, ALWAYS is an unconditional callback. */
  const condExec = (target: TbHandle | InsnHandle, kind: 'tb_exec' | 'insn_exec',
    fn: string, cb: ExecCallback['fn'], flags: CbFlags, cond: CondOp, entry: PluginU64, imm: bigint | number, ud: unknown): void => {
    checkCallback(cb, fn);
    if (cond === CondOp.NEVER) return;
    const c = cond === CondOp.ALWAYS ? undefined : { entry: checkEntry(entry, fn), op: cond, imm: u64(imm) };
    pushExec(target.instr, exec(target, kind, cb, checkFlags(flags, fn), ud, c));
  };
  const cpu = (fn: string) => {
    const vcpu = mgr.currentVcpu();
    if (vcpu < 0 || !mgr.binding) throw new Error(`${fn}: only available in a vCPU callback`);
    return mgr.binding.cpu(vcpu);
  };
  const memory = (fn: string) => {
    if (!mgr.binding) throw new Error(`${fn}: no guest is running`);
    return mgr.binding.memory;
  };
  const mkStatic = (kind: Parameters<PluginManager['addStatic']>[1], name: string) =>
    (id: number, cb: (...a: never[]) => unknown, userdata?: unknown) => {
      const c = self(id, name);
      checkCallback(cb, name);
      return mgr.addStatic(c, kind, { fn: cb, userdata });
    };

  const api: PluginApi = {
    id: ctx.id,
    uninstall: (id, cb, ud) => mgr.schedule(self(id, 'uninstall'), true, cb && (() => cb(ud))),
    reset: (id, cb, ud) => mgr.schedule(self(id, 'reset'), false, cb && (() => cb(ud))),
    registerVcpuInitCb: mkStatic('vcpu_init', 'registerVcpuInitCb'),
    registerVcpuExitCb: mkStatic('vcpu_exit', 'registerVcpuExitCb'),
    registerVcpuIdleCb: mkStatic('vcpu_idle', 'registerVcpuIdleCb'),
    registerVcpuResumeCb: mkStatic('vcpu_resume', 'registerVcpuResumeCb'),
    registerVcpuDisconCb: (id, type, cb) => {
      const c = self(id, 'registerVcpuDisconCb');
      checkCallback(cb, 'registerVcpuDisconCb');
      return mgr.addStatic(c, 'vcpu_discon', { fn: cb, userdata: undefined, discon: type });
    },
    registerVcpuTbTransCb: mkStatic('tb_trans', 'registerVcpuTbTransCb'),
    registerVcpuSyscallCb: mkStatic('syscall', 'registerVcpuSyscallCb'),
    registerVcpuSyscallRetCb: mkStatic('syscall_ret', 'registerVcpuSyscallRetCb'),
    registerVcpuSyscallFilterCb: mkStatic('syscall_filter', 'registerVcpuSyscallFilterCb'),
    registerFlushCb: mkStatic('flush', 'registerFlushCb'),
    registerAtexitCb: mkStatic('atexit', 'registerAtexitCb'),
    vcpuForEach: (id, cb, ud) => {
      const c = self(id, 'vcpuForEach');
      for (let i = 0; i < mgr.vcpusStarted; i++) mgr.invoke(c, 'vcpu_for_each', i, CbFlags.RW_REGS_PC, () => cb(i, ud));
    },

    registerVcpuTbExecCb: (tb, cb, flags, ud) => {
      const t = checkTb(tb, 'registerVcpuTbExecCb');
      pushExec(t.instr, exec(t, 'tb_exec', cb, checkFlags(flags, 'registerVcpuTbExecCb'), ud));
    },
    registerVcpuTbExecCondCb: (tb, cb, flags, cond, entry, imm, ud) => {
      const fn = 'registerVcpuTbExecCondCb';
      condExec(checkTb(tb, fn), 'tb_exec', fn, cb, flags, cond, entry, imm, ud);
    },
    registerVcpuTbExecInlinePerVcpu: (tb, op, entry, imm) => {
      const fn = 'registerVcpuTbExecInlinePerVcpu', t = checkTb(tb, fn);
      countInstrumentation(t, fn);
      t.instr.inline.push(inlineOp(op, checkEntry(entry, fn), imm, ctx.id, fn));
    },
    registerVcpuInsnExecCb: (insn, cb, flags, ud) => {
      const i = checkInsn(insn, 'registerVcpuInsnExecCb');
      pushExec(i.instr, exec(i, 'insn_exec', cb, checkFlags(flags, 'registerVcpuInsnExecCb'), ud));
    },
    registerVcpuInsnExecCondCb: (insn, cb, flags, cond, entry, imm, ud) => {
      const fn = 'registerVcpuInsnExecCondCb';
      condExec(checkInsn(insn, fn), 'insn_exec', fn, cb, flags, cond, entry, imm, ud);
    },
    registerVcpuInsnExecInlinePerVcpu: (insn, op, entry, imm) => {
      const fn = 'registerVcpuInsnExecInlinePerVcpu', i = checkInsn(insn, fn);
      countInstrumentation(i, fn);
      i.instr.inline.push(inlineOp(op, checkEntry(entry, fn), imm, ctx.id, fn));
    },
    registerVcpuMemCb: (insn, cb, flags, rw, ud) => {
      const fn = 'registerVcpuMemCb', i = checkInsn(insn, fn);
      const f = checkFlags(flags, fn);
      checkCallback(cb, fn);
      countInstrumentation(i, fn);
      i.instr.mem.push({
        fn: mgr.wrapMem(ctx, i, cb, f), userdata: ud, flags: f, rw: checkRw(rw, fn), pluginId: ctx.id, direct: mgr.directMem(ctx, cb, f),
      });
    },
    registerVcpuMemInlinePerVcpu: (insn, rw, op, entry, imm) => {
      const fn = 'registerVcpuMemInlinePerVcpu', i = checkInsn(insn, fn);
      countInstrumentation(i, fn);
      i.instr.memInline.push({ ...inlineOp(op, checkEntry(entry, fn), imm, ctx.id, fn), rw: checkRw(rw, fn) });
    },

    tbNInsns: tb => checkTb(tb, 'tbNInsns').desc.insns.length,
    tbVaddr: tb => checkTb(tb, 'tbVaddr').desc.pc,
    tbGetInsn: (tb, idx) => checkTb(tb, 'tbGetInsn').insn(idx),
    insnData: (insn, len) => {
      const i = checkInsn(insn, 'insnData').insn;
      const bytes = new Uint8Array(i.size);
      for (let b = 0; b < i.size; b++) bytes[b] = (i.raw >>> (8 * b)) & 0xff;
      return bytes.subarray(0, Math.min(len ?? i.size, i.size));
    },
    insnSize: insn => checkInsn(insn, 'insnSize').insn.size,
    insnVaddr: insn => checkInsn(insn, 'insnVaddr').insn.pc,
    // User mode: guest memory is the host view of itself, so the "host address" is the vaddr.
    insnHaddr: insn => checkInsn(insn, 'insnHaddr').insn.pc,
    insnDisas: insn => {
      const i = checkInsn(insn, 'insnDisas').insn;
      if (i.illegal) return 'illegal';   // QEMU's RISC-V disassembler names undecodable bits so
      return mgr.binding?.disassemble?.(i) ?? disassemble(i);
    },
    insnSymbol: insn => mgr.binding?.symbolize?.(checkInsn(insn, 'insnSymbol').insn.pc) ?? null,

    memSizeShift: info => mi.meminfoSizeShift(info),
    memIsSignExtended: info => mi.meminfoIsSignExtended(info),
    memIsBigEndian: info => mi.meminfoIsBigEndian(info),
    memIsStore: info => mi.meminfoIsStore(info),
    memGetValue: info => {
      const cur = mgr.currentMemInfo();
      if (cur < 0 || cur !== info) throw new Error('memGetValue: only valid inside the memory callback that received this meminfo');
      return memValue(mgr.memValue.lo, mgr.memValue.hi, mi.meminfoSizeShift(info));
    },
    getHwaddr: () => null,
    hwaddrIsIo: () => false,
    hwaddrPhysAddr: () => 0,
    hwaddrDeviceName: () => 'invalid',
    translateVaddr: () => null,
    readMemoryHwaddr: () => null,
    writeMemoryHwaddr: () => false,

    getRegisters: () => registerDescriptors(),
    readRegister: handle => {
      const c = cpu('readRegister');
      return mgr.curFlags === CbFlags.NO_REGS ? null : readReg(c, handle);
    },
    writeRegister: (handle, data) => {
      const c = cpu('writeRegister');
      return mgr.curFlags === CbFlags.RW_REGS || mgr.curFlags === CbFlags.RW_REGS_PC ? writeReg(c, handle, data) : false;
    },
    readMemoryVaddr: (addr, len) => {
      if (!(len > 0)) return null;
      try { return memory('readMemoryVaddr').read(addr, len); } catch (e) { if (e instanceof GuestFault) return null; throw e; }
    },
    writeMemoryVaddr: (addr, data) => {
      try { memory('writeMemoryVaddr').write(addr, data); return true; } catch (e) { if (e instanceof GuestFault) return false; throw e; }
    },
    setPc: vaddr => {
      const c = cpu('setPc');
      if (mgr.curFlags !== CbFlags.RW_REGS_PC) throw new Error('setPc: the callback was not registered with CbFlags.RW_REGS_PC');
      c.pc = vaddr;
      throw new PluginSetPc(vaddr);
    },

    scoreboardNew: size => {
      const s = new Scoreboard(size, Math.max(1, mgr.vcpusStarted));
      mgr.scoreboards.add(s);
      return s;
    },
    scoreboardFree: s => { s.freed = true; mgr.scoreboards.delete(s); },
    scoreboardFind: (s, vcpu) => {
      const at = s.slot(vcpu, 0);
      return s.array.subarray(at, at + s.stride);
    },
    scoreboardU64: s => ({ score: s, offset: 0 }),
    scoreboardU64InStruct: (s, offset) => { s.checkOffset(offset); return { score: s, offset }; },
    u64Add: (e, vcpu, v) => { const a = e.score.array, at = e.score.slot(vcpu, e.offset); a[at] = BigInt.asUintN(64, a[at] + u64(v)); },
    u64Get: (e, vcpu) => e.score.array[e.score.slot(vcpu, e.offset)],
    u64Set: (e, vcpu, v) => { e.score.array[e.score.slot(vcpu, e.offset)] = u64(v); },
    u64Sum: e => {
      let sum = 0n;
      for (let v = 0; v < Math.max(1, mgr.vcpusStarted) && v < e.score.capacity; v++) sum += e.score.array[e.score.slot(v, e.offset)];
      return BigInt.asUintN(64, sum);
    },

    requestTimeControl: () => {
      if (mgr.timeControlOwner !== null) return null;
      mgr.timeControlOwner = ctx.id;
      return Object.freeze({ timeControl: ctx.id });
    },
    updateNs: () => { /* user mode: time comes from the host, as in qemu-user */ },
    numVcpus: () => mgr.vcpusStarted,
    outs: s => mgr.out(String(s)),
    boolParse,
    pathToBinary: () => mgr.binding?.pathToBinary ?? null,
    startCode: () => mgr.binding?.startCode ?? 0,
    endCode: () => mgr.binding?.endCode ?? 0,
    entryCode: () => mgr.binding?.entryCode ?? 0,
  };
  return api;
}

/** Decodes the MemValueSlot for a given access size (unsigned, like QEMU's union). */
export function memValue(lo: number, hi: number, sizeShift: number): MemValue {
  switch (sizeShift) {
    case 0: return { type: MemValueType.U8, value: lo & 0xff };
    case 1: return { type: MemValueType.U16, value: lo & 0xffff };
    case 2: return { type: MemValueType.U32, value: lo >>> 0 };
    default: return { type: MemValueType.U64, value: (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) };
  }
}

// Data breakpoints (read / write / read-write on address ranges), built on the plugin layer's
// memory callbacks like any QEMU plugin: while at least one is set, an internal plugin
// ("tbscope-debugger") attaches a memory callback to every instruction that accesses memory and,
// to the instruction after each such one in a TB, an exec callback that leaves the TB when the
// access hit (qemu_plugin_set_pc to itself), so the stop is exactly after the accessing
// instruction (one at the end of a TB stops at the TB boundary through a pause request). Memory
// written by system calls is not seen (plugins do not see it either). No data breakpoint: the
// plugin is unloaded and costs nothing.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { CbFlags, CondOp, MemRW } from '../emulator/tcg/instrument';
import { installModule, meminfoIsStore, meminfoSizeShift, type PluginContext, type PluginModule } from '../emulator/plugins/index';
import type { PluginInsn } from '../emulator/plugins/types';
import { decode } from '../emulator/isa/decode';
import { ISA } from '../emulator/isa/table';
import { evaluateExpression, isTrue, toBig, type EvalEnv } from './expr';
import type { Runtime, RuntimeStop } from './runtime';
import { AdapterError, hex } from './target';
import { hitConditionMet, hitConditionProblem } from './breakpoints';
import { ADDR_LIMIT } from '../emulator/memory/memory';

export const DEBUGGER_PLUGIN = 'tbscope-debugger';

interface Watch { id: number; addr: number; len: number; access: DebugProtocol.DataBreakpointAccessType; condition?: string; hitCondition?: string; hits: number }
export interface Hit { pc: number; vaddr: number; size: number; store: boolean }

/** dataId text: "0x<addr>/<len>". */
export function dataId(addr: number, len: number): string { return `${hex(addr)}/${len}`; }

/** Largest watched range (a data breakpoint is compared with every memory access). */
const MAX_WATCH_BYTES = 1 << 20;
const ACCESS_TYPES: readonly string[] = ['read', 'write', 'readWrite'];

/** Why a range cannot be watched, or undefined. */
function rangeProblem(addr: bigint, len: bigint): string | undefined {
  if (len < 1n || len > BigInt(MAX_WATCH_BYTES)) return `a data breakpoint watches 1 to ${MAX_WATCH_BYTES} bytes, not ${len}`;
  if (addr + len > BigInt(ADDR_LIMIT)) return `0x${addr.toString(16)} is outside the guest's address space (below 0x${ADDR_LIMIT.toString(16)})`;
  return undefined;
}

/** A data breakpoint's range, or why it cannot be watched. */
function parseDataId(id: string): { addr: number; len: number } | string {
  const m = /^(0x[0-9a-f]{1,16})\/(\d{1,10})$/i.exec(id);
  if (!m) return `bad dataId '${id}' (expected 0x<address>/<bytes>)`;
  return rangeProblem(BigInt(m[1]), BigInt(m[2])) ?? { addr: Number(m[1]), len: Number(m[2]) };
}

export class DataBreakpoints {
  /** envOf: the expression environment at the stop (conditions; info() for names). */
  constructor(private readonly envOf: (rt: Runtime) => EvalEnv) {}

  /**
   * Two lists, each replaced whole by its own request (DAP's rule): VS Code's data breakpoints
   * (setDataBreakpoints) and those the tbscope views add (tbscope/setDataBreakpoints, e.g.
   * Hot Pages), so neither replaces the other. Both are watched.
   */
  private lists: Record<'client' | 'views', Watch[]> = { client: [], views: [] };
  /** Both lists (read on every memory access while set: kept as one array). */
  private watches: Watch[] = [];
  private nextId = 1;
  private ctx?: PluginContext;
  private hits: Hit[] = [];
  private rt?: Runtime;
  /** Clears the plugin's "access hit" flag (an access at the end of a TB stops through the pause). */
  private clearHit = (): void => {};

  apply(rt: Runtime): void {
    this.rt = rt;
    this.ctx = undefined;
    this.hits = [];
    this.clearHit = () => {};
    rt.watchHit = () => this.take();
    for (const w of this.watches) w.hits = 0;
    this.sync();
  }

  /** dataBreakpointInfo for an address expression (asAddress, or an expression/variable with an address). */
  info(rt: Runtime | undefined, args: DebugProtocol.DataBreakpointInfoArguments, resolved?: { addr: number; len: number }): DebugProtocol.DataBreakpointInfoResponse['body'] {
    const accessTypes: DebugProtocol.DataBreakpointAccessType[] = ['write', 'read', 'readWrite'];
    if (resolved) return { dataId: dataId(resolved.addr, resolved.len), description: `${args.name} (${resolved.len} bytes at ${hex(resolved.addr)})`, accessTypes, canPersist: true };
    if (!rt) return { dataId: null, description: 'the program is not running' };
    try {
      const big = BigInt.asUintN(64, toBig(evaluateExpression(args.name, this.envOf(rt))));
      const len = args.bytes ?? 4;
      const bad = rangeProblem(big, BigInt(len));
      if (bad) return { dataId: null, description: bad };
      const addr = Number(big);
      return { dataId: dataId(addr, len), description: `${len} bytes at ${hex(addr)}`, accessTypes, canPersist: true };
    } catch (e) {
      return { dataId: null, description: (e as Error).message };
    }
  }

  /** Replaces one list (`client`: the standard request; `views`: tbscope/setDataBreakpoints). */
  set(args: DebugProtocol.SetDataBreakpointsArguments, list: 'client' | 'views' = 'client'): DebugProtocol.Breakpoint[] {
    if (!Array.isArray(args?.breakpoints)) throw new AdapterError('setDataBreakpoints needs a breakpoints array');
    // Each breakpoint is verified, or unverified with the reason (the others still apply).
    const answers = args.breakpoints.map((b): Watch | string => {
      const range = typeof b?.dataId === 'string' ? parseDataId(b.dataId) : `a data breakpoint needs a 'dataId' string`;
      if (typeof range === 'string') return range;
      const access = b.accessType ?? 'write';
      if (!ACCESS_TYPES.includes(access)) return `accessType must be read, write or readWrite, not '${access}'`;
      const bad = typeof b.hitCondition === 'string' ? hitConditionProblem(b.hitCondition) : undefined;
      if (bad) return bad;
      return { id: this.nextId++, ...range, access, condition: b.condition, hitCondition: b.hitCondition, hits: 0 };
    });
    const watches = answers.filter((w): w is Watch => typeof w !== 'string');
    this.lists[list] = watches;
    this.watches = [...this.lists.client, ...this.lists.views];
    this.sync();
    return answers.map((w) => typeof w === 'string'
      ? { verified: false, message: w }
      : { id: w.id, verified: true, message: `${w.access} ${w.len} bytes at ${hex(w.addr)}` });
  }

  /** Loads the internal plugin while watches exist, unloads it when none are left (TBs flushed either way). */
  private sync(): void {
    const rt = this.rt;
    if (!rt) return;
    if (this.watches.length && !this.ctx) this.ctx = installModule(rt.plugins, DEBUGGER_PLUGIN, this.module(rt), []);
    else if (!this.watches.length && this.ctx) {
      const ctx = this.ctx;
      this.ctx = undefined;
      this.clearHit = () => {};
      rt.plugins.schedule(ctx, true);
      if (rt.state !== 'running') rt.plugins.runPendingWork();
    }
  }

  private module(rt: Runtime): PluginModule {
    return accessWatchModule({
      watches: () => this.watches, hit: (h) => this.hits.push(h), pause: () => rt.machine.requestPause(),
      setClear: (clear) => { this.clearHit = clear; },
    });
  }

  /** The ranges watched for writes (reverse continue looks for the last write to them). */
  writeRanges(): { addr: number; len: number }[] {
    return this.watches.filter((w) => w.access !== 'read').map((w) => ({ addr: w.addr, len: w.len }));
  }

  /** The stop for the accesses seen since the last check (conditions and hit counts applied), if any. */
  private take(): RuntimeStop | undefined {
    const hits = this.hits.splice(0);
    this.clearHit();
    const rt = this.rt!;
    for (const h of hits) {
      for (const w of this.watches) {
        if (!(h.vaddr < w.addr + w.len && h.vaddr + h.size > w.addr)) continue;
        if (!(w.access === 'readWrite' || (w.access === 'write') === h.store)) continue;
        try { if (w.condition && !isTrue(evaluateExpression(w.condition, this.envOf(rt)))) continue; } catch { /* a broken condition stops */ }
        w.hits++;
        if (w.hitCondition && !hitConditionMet(w.hitCondition, w.hits)) continue;
        const what = `${h.store ? 'write' : 'read'} of ${h.size} bytes at ${hex(h.vaddr)} by the instruction at ${hex(h.pc)}`;
        return { reason: 'data breakpoint', description: what, text: what, hitBreakpointIds: [w.id] };
      }
    }
    return undefined;
  }
}

/** What the access-watching plugin reports to: the ranges, the hits, and the machine to pause. */
export interface AccessWatch {
  /** Read on every memory access: keep it one array. */
  watches(): readonly { addr: number; len: number; access: DebugProtocol.DataBreakpointAccessType }[];
  hit(h: Hit): void;
  pause(): void;
  /** Receives the function that clears the "access hit" flag after a stop. */
  setClear(clear: () => void): void;
}

/**
 * The internal plugin behind data breakpoints (see the header): used by DataBreakpoints on the
 * live guest and by adapter/reverse.ts on a replayed one ("who wrote this").
 */
export function accessWatchModule(w: AccessWatch): PluginModule {
  return {
    apiVersion: 7,
    install: (api) => {
      // Per vCPU: 1 while an access hit and the TB has not been left yet. The exec callbacks
      // are conditional on it, so the generated code only tests it until a hit.
      const hit = api.scoreboardU64(api.scoreboardNew(8));
      w.setClear(() => api.u64Set(hit, 0, 0));
      const onHit = (vcpu: number, vaddr: number, size: number, store: boolean, pc: unknown): void => {
        w.hit({ pc: pc as number, vaddr, size, store });
        api.u64Set(hit, vcpu, 1);
        w.pause();
      };
      // Runs on every access: kept small (the hit out of line, an indexed loop: for-of adds
      // the iterator protocol's bytecode) so V8 inlines it into the translated code
      // (emulator/node/v8-tuning.ts caps an inlined function at 250 bytes of bytecode).
      const onMem = (vcpu: number, info: number, vaddr: number, pc: unknown) => {
        const size = 1 << meminfoSizeShift(info), store = meminfoIsStore(info), ws = w.watches();
        for (let i = 0; i < ws.length; i++) {
          const r = ws[i];
          if (vaddr < r.addr + r.len && vaddr + size > r.addr && (r.access === 'readWrite' || (r.access === 'write') === store)) {
            onHit(vcpu, vaddr, size, store, pc);
            return;
          }
        }
      };
      const leaveIfHit = (vcpu: number, pc: unknown) => { api.u64Set(hit, vcpu, 0); api.setPc(pc as number); };
      // Loads, stores, LR/SC and AMOs, from the ISA table (an undecodable word counts: it traps).
      const accessesMemory = (insn: PluginInsn): boolean => {
        const b = api.insnData(insn);
        const d = decode(api.insnVaddr(insn), b[0] | (b[1] << 8), b.length > 2 ? b[2] | (b[3] << 8) : 0);
        const f = d && ISA[d.op].flags;
        return !f || !!(f.load || f.store || f.amo);
      };
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        let afterAccess = false;
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          const insn = api.tbGetInsn(tb, i);
          if (afterAccess) api.registerVcpuInsnExecCondCb(insn, leaveIfHit, CbFlags.RW_REGS_PC, CondOp.NE, hit, 0, api.insnVaddr(insn));
          afterAccess = accessesMemory(insn);
          if (afterAccess) api.registerVcpuMemCb(insn, onMem, CbFlags.NO_REGS, MemRW.RW, api.insnVaddr(insn));
        }
      });
    },
  };
}

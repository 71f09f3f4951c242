// tbscope's own `trace` plugin: records callback events — kind (tb_exec, insn_exec, mem),
// vCPU, pc, memory address and the plugin whose callback ran — into a bounded ring buffer the
// debugger's views read through traceBuffer(). It installs the manager-wide observer, so the
// callbacks of every loaded plugin are recorded, plus its own hooks chosen by its arguments:
// tb=on|off (default on), insn=on|off (default off), mem=on|off (default on), size=N (4096).

import { CbFlags, MemRW } from '../../tcg/instrument';
import { managerOf, type PluginManager, type TraceEvent } from '../core';
import type { PluginModule } from '../types';
import { optionFailed, parseBool, split, strtoull } from './util';

/** Fixed-capacity ring of the most recent events (oldest are overwritten). */
export class TraceRing {
  private buf: TraceEvent[] = [];
  private next = 0;
  /** Events ever recorded (including overwritten ones). */
  total = 0;
  constructor(readonly capacity: number) {}
  push(e: TraceEvent): void {
    if (this.buf.length < this.capacity) this.buf.push(e);
    else this.buf[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
    this.total++;
  }
  /** Recorded events, oldest first. */
  events(): TraceEvent[] {
    return this.buf.length < this.capacity ? this.buf.slice() : [...this.buf.slice(this.next), ...this.buf.slice(0, this.next)];
  }
  clear(): void { this.buf = []; this.next = 0; this.total = 0; }
}

const rings = new WeakMap<PluginManager, TraceRing>();

/** The ring buffer of the `trace` plugin loaded into `mgr`, if any (for the debugger). */
export function traceBuffer(mgr: PluginManager): TraceRing | undefined { return rings.get(mgr); }

export const trace: PluginModule = {
  apiVersion: 7,
  install(api, args) {
    let tb = true, insn = false, mem = true, size = 4096;
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'tb') tb = parseBool(api, opt);
      else if (k === 'insn') insn = parseBool(api, opt);
      else if (k === 'mem') mem = parseBool(api, opt);
      else if (k === 'size') { size = strtoull(v, 10); if (size < 1) throw new Error(`trace: size must be a positive number, got '${v}'`); }
      else throw optionFailed(opt);
    }
    const mgr = managerOf(api);
    const ring = new TraceRing(size);
    rings.set(mgr, ring);
    mgr.tracer = e => ring.push(e);
    mgr.tracerOwner = api.id;
    const nothing = () => { /* the observer records the event */ };

    if (tb || insn || mem) {
      api.registerVcpuTbTransCb(api.id, (_id, h) => {
        if (tb) api.registerVcpuTbExecCb(h, nothing, CbFlags.NO_REGS);
        const n = api.tbNInsns(h);
        for (let i = 0; i < n; i++) {
          const ih = api.tbGetInsn(h, i);
          if (insn) api.registerVcpuInsnExecCb(ih, nothing, CbFlags.NO_REGS);
          if (mem) api.registerVcpuMemCb(ih, nothing, CbFlags.NO_REGS, MemRW.RW);
        }
      });
    }
    api.registerAtexitCb(api.id, () => {
      api.outs(`trace: ${ring.total} callback events, last ${ring.events().length} kept\n`);
    });
  },
};

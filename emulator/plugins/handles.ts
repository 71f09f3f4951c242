// The opaque handles QEMU gives tb_trans callbacks (struct qemu_plugin_tb / qemu_plugin_insn).
// Each one points at the instrumentation being collected for the TB under translation, and is
// invalidated when the callback returns — a plugin that keeps one and uses it later gets a
// clear error instead of silently instrumenting a TB that has already been compiled.

import type { Insn } from '../isa/insn';
import type { InsnInstrumentation, TbDescription, TbInstrumentation } from '../tcg/instrument';
import type { PluginInsn, PluginTb } from './types';
import type { PluginContext } from './core';

/** Where a dynamic callback attaches: its guest pc is known at registration time. */
export interface DynamicTarget { readonly pc: number }

/**
 * Most callbacks and inline ops one plugin may attach to one TB (its own and its
 * instructions'). QEMU has no limit, but here each costs a closure kept with the TB: 10,000 per
 * TB ran a V8 heap out of memory. A plugin going over gets a clear error (and is unloaded).
 */
export const MAX_INSTRUMENTATION_PER_TB = 1024;

export class TbHandle implements PluginTb, DynamicTarget {
  declare readonly __tb: true;
  valid = true;
  /** Callbacks and inline ops this plugin attached to the TB so far. */
  attached = 0;
  private insnHandles: (InsnHandle | undefined)[] = [];

  constructor(readonly desc: TbDescription, readonly instr: TbInstrumentation, readonly ctx: PluginContext) {}

  get pc(): number { return this.desc.pc; }

  insn(idx: number): InsnHandle {
    if (!Number.isInteger(idx) || idx < 0 || idx >= this.desc.insns.length) {
      throw new Error(`tbGetInsn: index ${idx} out of range (TB has ${this.desc.insns.length} instructions)`);
    }
    return this.insnHandles[idx] ??= new InsnHandle(this, this.desc.insns[idx], this.instr.insns[idx]);
  }

  invalidate(): void {
    this.valid = false;
    for (const h of this.insnHandles) if (h) h.valid = false;
  }
}

export class InsnHandle implements PluginInsn, DynamicTarget {
  declare readonly __insn: true;
  valid = true;
  constructor(readonly tb: TbHandle, readonly insn: Insn, readonly instr: InsnInstrumentation) {}
  get pc(): number { return this.insn.pc; }
}

/** Counts one more callback or inline op on the TB of `h`, refusing more than MAX_INSTRUMENTATION_PER_TB. */
export function countInstrumentation(h: TbHandle | InsnHandle, fn: string): void {
  const tb = h instanceof TbHandle ? h : h.tb;
  if (++tb.attached > MAX_INSTRUMENTATION_PER_TB) {
    throw new Error(`${fn}: more than ${MAX_INSTRUMENTATION_PER_TB} callbacks and inline ops on one TB (at 0x${tb.pc.toString(16)})`);
  }
}

/** A callback argument must be a function (checked at registration, as QEMU's API asserts). */
export function checkCallback(cb: unknown, fn: string): void {
  if (typeof cb !== 'function') throw new Error(`${fn}: the callback must be a function, got ${cb === null ? 'null' : typeof cb}`);
}

/** Checks a tb handle (API functions call this first). */
export function checkTb(tb: PluginTb, fn: string): TbHandle {
  if (!(tb instanceof TbHandle)) throw new Error(`${fn}: not a TB handle`);
  if (!tb.valid) throw new Error(`${fn}: TB handle used after the tb_trans callback that received it returned`);
  return tb;
}

export function checkInsn(insn: PluginInsn, fn: string): InsnHandle {
  if (!(insn instanceof InsnHandle)) throw new Error(`${fn}: not an instruction handle`);
  if (!insn.valid) throw new Error(`${fn}: instruction handle used after the tb_trans callback that received it returned`);
  return insn;
}

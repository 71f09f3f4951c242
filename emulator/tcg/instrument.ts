// The contract between the plugin layer (emulator/plugins/) and the translator (emulator/tcg/):
// when a TB is translated, the translator asks the plugin layer what to attach (QEMU's
// tb_trans), and compiles exactly that into the TB's code. An empty instrumentation costs
// nothing at run time. Order inside a TB follows QEMU: TB exec callbacks and TB inline ops
// first; then per instruction: its exec callbacks / inline ops / conditional callbacks, the
// instruction itself, and after each *successful* memory access its memory callbacks and
// memory inline ops (faulting accesses are invisible to plugins).

import type { Insn } from '../isa/insn';

/** QEMU's qemu_plugin_cb_flags: what a callback may do to registers. */
export const enum CbFlags { NO_REGS = 0, R_REGS = 1, RW_REGS = 2, RW_REGS_PC = 3 }
/** QEMU's qemu_plugin_mem_rw. */
export const enum MemRW { R = 1, W = 2, RW = 3 }
/** QEMU's qemu_plugin_cond. Comparisons are unsigned 64-bit. */
export const enum CondOp { NEVER = 0, ALWAYS = 1, EQ = 2, NE = 3, LT = 4, LE = 5, GT = 6, GE = 7 }

/** One u64 per vCPU inside a scoreboard: element (index + vcpu * stride) of `array`. */
export interface U64Entry { array: BigUint64Array; index: number; stride: number }

export interface InlineOp { op: 'add' | 'store'; entry: U64Entry; imm: bigint; pluginId: number }

export interface ExecCallback {
  fn: (vcpuIndex: number, userdata: unknown) => void;
  userdata: unknown;
  flags: CbFlags;
  pluginId: number;
  /** Conditional callback (register_vcpu_*_exec_cond_cb): runs only when entry <op> imm. */
  cond?: { entry: U64Entry; op: CondOp; imm: bigint };
}

export interface MemCallback {
  /** vaddr is the guest virtual address; info is QEMU's meminfo encoding (size shift, sign, endianness, store). */
  fn: (vcpuIndex: number, info: number, vaddr: number, userdata: unknown) => void;
  userdata: unknown;
  flags: CbFlags;
  rw: MemRW;
  pluginId: number;
  /** Optional fast path, used by the translator instead of `fn` when present (see DirectMemCallback). */
  direct?: DirectMemCallback;
}

/**
 * A NO_REGS memory callback the translator may call without the full wrapper, so V8 can inline
 * the plugin's function into the TB. Generated code does
 *   MV.info = info; call(vcpu, info, vaddr, userdata);
 * with info a literal and vcpu the running vCPU's index (VCPU), where `call` is the plugin's function inside a try/catch that
 * reports and unloads a plugin that throws. The TB then goes on: the unload flushes the TBs
 * before the next one runs, and `call` skips the dead plugin's later callbacks in this one (it
 * does the same when the plugin's generation ends any other way). MV.info marks the memory
 * callback running for the plugin API (MemValueSlot.info); it is left set until the TB exits,
 * which resets it, since no other plugin code runs in between without its own marker.
 * `owner` and `generation` identify the plugin generation the wrapper was made for.
 */
export interface DirectMemCallback {
  call: MemCallback['fn'];
  owner: { generation: number };
  generation: number;
}

export interface MemInlineOp extends InlineOp { rw: MemRW }

export interface InsnInstrumentation {
  exec: ExecCallback[];
  inline: InlineOp[];
  mem: MemCallback[];
  memInline: MemInlineOp[];
}

export interface TbInstrumentation {
  exec: ExecCallback[];
  inline: InlineOp[];
  /** One entry per guest instruction of the TB, same order. */
  insns: InsnInstrumentation[];
}

/** What the translator hands to the plugin layer at translation time (QEMU's struct qemu_plugin_tb). */
export interface TbDescription { pc: number; insns: readonly Insn[]; flags: number }

/**
 * Called once per translation (QEMU's tb_trans). Returns undefined when no plugin wants anything,
 * which keeps the TB free of instrumentation.
 */
export type TranslateHook = (tb: TbDescription) => TbInstrumentation | undefined;

/**
 * The value of the memory access being reported to a memory callback (qemu_plugin_mem_get_value),
 * set by generated code just before it calls the callbacks. 128-bit values never occur on RV64GC.
 */
export interface MemValueSlot {
  /** The value's low 32 bits, and its high 32 bits for 8-byte accesses (unset for smaller ones). */
  lo: number; hi: number;
  /** From a direct memory callback to the end of its TB: that callback's meminfo (else -1 or absent). */
  info?: number;
  /** The vCPU running the generated code that writes this slot (Machine.switchTo keeps it current). */
  vcpu?: number;
}

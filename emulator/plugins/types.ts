// Public types of tbscope's plugin API: the TypeScript face of QEMU's qemu-plugin.h (API v7).
// Plugins see only these types; the handles are opaque objects that the API validates on every
// use, because (as in QEMU) a tb/insn handle is only meaningful inside the callback that got it.

import type { CbFlags, CondOp, MemRW } from '../tcg/instrument';
import type { Scoreboard } from './scoreboard';

export { CbFlags, CondOp, MemRW } from '../tcg/instrument';

/** QEMU_PLUGIN_VERSION of the API mirrored here, and the oldest version a plugin may declare. */
export const PLUGIN_API_VERSION = 7;
export const PLUGIN_API_MIN_VERSION = 2;

/** QEMU's qemu_plugin_op. */
export const enum InlineOpKind { ADD_U64 = 0, STORE_U64 = 1 }

/** QEMU's qemu_plugin_mem_value_type. */
export const enum MemValueType { U8 = 0, U16 = 1, U32 = 2, U64 = 3, U128 = 4 }

/** QEMU's qemu_plugin_discon_type (bit set). */
export const enum DisconType { INTERRUPT = 1, EXCEPTION = 2, HOSTCALL = 4, ALL = -1 }

/** qemu_info_t. */
export interface QemuInfo {
  targetName: string;
  version: { min: number; cur: number };
  systemEmulation: boolean;
  system?: { smpVcpus: number; maxVcpus: number };
}

/** qemu_plugin_mem_value: the value loaded or stored, as an unsigned number (u64 as bigint). */
export interface MemValue {
  type: MemValueType;
  /** Unsigned value; bigint for U64 so no bits are lost. */
  value: number | bigint;
}

/** qemu_plugin_u64: one u64 inside each vCPU's entry of a scoreboard (offset in bytes). */
export interface PluginU64 { score: Scoreboard; offset: number }

/** qemu_plugin_reg_descriptor. */
export interface RegDescriptor {
  handle: RegHandle;
  name: string;
  feature: string;
  isReadonly: boolean;
}

/** Opaque register handle (qemu_plugin_register). */
export interface RegHandle { readonly __reg: number }

/** Opaque TB handle (qemu_plugin_tb) — valid only inside the tb_trans callback that received it. */
export interface PluginTb { readonly __tb: true }
/** Opaque instruction handle (qemu_plugin_insn) — valid only inside that tb_trans callback. */
export interface PluginInsn { readonly __insn: true }
/** qemu_plugin_hwaddr: always null in user mode, so only the type exists. */
export type PluginHwaddr = null;

export type VcpuSimpleCb = (vcpuIndex: number, userdata: unknown) => void;
export type VcpuUdataCb = (vcpuIndex: number, userdata: unknown) => void;
export type UdataCb = (userdata: unknown) => void;
export type SimpleCb = (id: number, userdata?: unknown) => void;
export type TbTransCb = (id: number, tb: PluginTb, userdata: unknown) => void;
export type VcpuMemCb = (vcpuIndex: number, info: number, vaddr: number, userdata: unknown) => void;
export type DisconCb = (id: number, vcpuIndex: number, type: DisconType, fromPc: number, toPc: number) => void;
/** Syscall arguments are raw 64-bit register values (bigint, unsigned). */
export type SyscallCb = (id: number, vcpuIndex: number, num: number, a1: bigint, a2: bigint, a3: bigint,
  a4: bigint, a5: bigint, a6: bigint, a7: bigint, a8: bigint) => void;
export type SyscallRetCb = (id: number, vcpuIndex: number, num: number, ret: number) => void;
/** Returns true to skip the syscall; then `sysret.value` is what the guest sees (QEMU's *sysret). */
export type SyscallFilterCb = (id: number, vcpuIndex: number, num: number, a1: bigint, a2: bigint, a3: bigint,
  a4: bigint, a5: bigint, a6: bigint, a7: bigint, a8: bigint, sysret: { value: bigint }) => boolean;

/**
 * The plugin API, one method per qemu_plugin_* function (see docs/plugins.md for the mapping).
 * Plugins receive it in `install(api, args, info)`.
 */
export interface PluginApi {
  readonly id: number;
  // lifecycle
  uninstall(id: number, cb?: UdataCb, userdata?: unknown): void;
  reset(id: number, cb?: UdataCb, userdata?: unknown): void;
  // static callbacks
  registerVcpuInitCb(id: number, cb: VcpuSimpleCb, userdata?: unknown): void;
  registerVcpuExitCb(id: number, cb: VcpuSimpleCb, userdata?: unknown): void;
  registerVcpuIdleCb(id: number, cb: VcpuSimpleCb, userdata?: unknown): void;
  registerVcpuResumeCb(id: number, cb: VcpuSimpleCb, userdata?: unknown): void;
  registerVcpuDisconCb(id: number, type: DisconType, cb: DisconCb): void;
  registerVcpuTbTransCb(id: number, cb: TbTransCb, userdata?: unknown): void;
  registerVcpuSyscallCb(id: number, cb: SyscallCb): void;
  registerVcpuSyscallRetCb(id: number, cb: SyscallRetCb): void;
  registerVcpuSyscallFilterCb(id: number, cb: SyscallFilterCb): void;
  registerFlushCb(id: number, cb: UdataCb, userdata?: unknown): void;
  registerAtexitCb(id: number, cb: UdataCb, userdata?: unknown): void;
  vcpuForEach(id: number, cb: VcpuSimpleCb, userdata?: unknown): void;
  // dynamic callbacks (from tb_trans only)
  registerVcpuTbExecCb(tb: PluginTb, cb: VcpuUdataCb, flags: CbFlags, userdata?: unknown): void;
  registerVcpuTbExecCondCb(tb: PluginTb, cb: VcpuUdataCb, flags: CbFlags, cond: CondOp, entry: PluginU64, imm: bigint | number, userdata?: unknown): void;
  registerVcpuTbExecInlinePerVcpu(tb: PluginTb, op: InlineOpKind, entry: PluginU64, imm: bigint | number): void;
  registerVcpuInsnExecCb(insn: PluginInsn, cb: VcpuUdataCb, flags: CbFlags, userdata?: unknown): void;
  registerVcpuInsnExecCondCb(insn: PluginInsn, cb: VcpuUdataCb, flags: CbFlags, cond: CondOp, entry: PluginU64, imm: bigint | number, userdata?: unknown): void;
  registerVcpuInsnExecInlinePerVcpu(insn: PluginInsn, op: InlineOpKind, entry: PluginU64, imm: bigint | number): void;
  registerVcpuMemCb(insn: PluginInsn, cb: VcpuMemCb, flags: CbFlags, rw: MemRW, userdata?: unknown): void;
  registerVcpuMemInlinePerVcpu(insn: PluginInsn, rw: MemRW, op: InlineOpKind, entry: PluginU64, imm: bigint | number): void;
  // TB / instruction introspection
  tbNInsns(tb: PluginTb): number;
  tbVaddr(tb: PluginTb): number;
  tbGetInsn(tb: PluginTb, idx: number): PluginInsn;
  insnData(insn: PluginInsn, len?: number): Uint8Array;
  insnSize(insn: PluginInsn): number;
  insnVaddr(insn: PluginInsn): number;
  insnHaddr(insn: PluginInsn): number;
  insnDisas(insn: PluginInsn): string;
  insnSymbol(insn: PluginInsn): string | null;
  // memory access introspection
  memSizeShift(info: number): number;
  memIsSignExtended(info: number): boolean;
  memIsBigEndian(info: number): boolean;
  memIsStore(info: number): boolean;
  memGetValue(info: number): MemValue;
  getHwaddr(info: number, vaddr: number): PluginHwaddr;
  hwaddrIsIo(haddr: PluginHwaddr): boolean;
  hwaddrPhysAddr(haddr: PluginHwaddr): number;
  hwaddrDeviceName(haddr: PluginHwaddr): string;
  translateVaddr(vaddr: number): number | null;
  readMemoryHwaddr(addr: number, len: number): Uint8Array | null;
  writeMemoryHwaddr(addr: number, data: Uint8Array): boolean;
  // registers and memory of the current vCPU
  getRegisters(): RegDescriptor[];
  readRegister(handle: RegHandle): Uint8Array | null;
  writeRegister(handle: RegHandle, data: Uint8Array): boolean;
  readMemoryVaddr(addr: number, len: number): Uint8Array | null;
  writeMemoryVaddr(addr: number, data: Uint8Array): boolean;
  setPc(vaddr: number): never;
  // scoreboards
  scoreboardNew(elementSize: number): Scoreboard;
  scoreboardFree(score: Scoreboard): void;
  scoreboardFind(score: Scoreboard, vcpuIndex: number): BigUint64Array;
  scoreboardU64(score: Scoreboard): PluginU64;
  scoreboardU64InStruct(score: Scoreboard, offset: number): PluginU64;
  u64Add(entry: PluginU64, vcpuIndex: number, added: bigint | number): void;
  u64Get(entry: PluginU64, vcpuIndex: number): bigint;
  u64Set(entry: PluginU64, vcpuIndex: number, value: bigint | number): void;
  u64Sum(entry: PluginU64): bigint;
  // misc
  requestTimeControl(): object | null;
  updateNs(handle: object, time: bigint | number): void;
  numVcpus(): number;
  outs(s: string): void;
  boolParse(name: string, val: string | undefined): boolean | undefined;
  pathToBinary(): string | null;
  startCode(): number;
  endCode(): number;
  entryCode(): number;
}

/** What a plugin module exports (a .js/.mjs file, or a built-in). */
export interface PluginModule {
  /** QEMU's qemu_plugin_version: the API version the plugin was written for. */
  apiVersion: number;
  /** qemu_plugin_install: return non-zero (or throw) to refuse loading. */
  install(api: PluginApi, args: string[], info: QemuInfo): number | void;
}

// Delivering a signal to a guest handler and returning from it, as RISC-V Linux does
// (arch/riscv/kernel/signal.c): an rt_sigframe {siginfo; ucontext} is pushed on the stack (or
// the sigaltstack), the handler is entered with a0 = signo, a1 = &info, a2 = &uc and ra
// pointing at a two-instruction trampoline (li a7,139; ecall = rt_sigreturn) — Linux keeps it
// in the vDSO, QEMU and we in a page of our own — and rt_sigreturn restores the saved context.

import type { CpuState } from '../cpu/state';
import type { GuestMemory } from '../memory/types';
import type { LinuxKernel } from './kernel';

const SA_ONSTACK = 0x08000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
const SS_ONSTACK = 1, SS_DISABLE = 2;

// rt_sigframe layout: siginfo (128 bytes), then ucontext: uc_flags, uc_link, uc_stack (24),
// uc_sigmask (8), padding to 1024 bits of mask, and the 16-byte aligned mcontext at +176:
// 32 u64 gregs (gregs[0] = pc, gregs[i] = x[i]), then the FP state (f[32] u64, fcsr u32).
// Linux keeps the FP state in a 528-byte union (room for the Q extension), QEMU's
// target_sigcontext only the D state: its frame is 832 bytes, not Linux's 1088, and we take
// QEMU's size so a handler's stack (and the pages it touches) is where it is under qemu-riscv64.
const INFO = 0, UC = 128, UC_STACK = UC + 16, UC_SIGMASK = UC + 40, MCTX = UC + 176, FPREGS = MCTX + 256;
const FRAME_SIZE = 832;

/** Maps the trampoline page at `at` (read + execute; the loader chooses where, as QEMU's does). */
export function mapSigreturnTrampoline(mem: GuestMemory, at: number): void {
  mem.map(at, 4096, 1 | 4);
  const code = new Uint8Array(8);
  const dv = new DataView(code.buffer);
  dv.setUint32(0, 0x08b00893, true); // li a7, 139 (addi a7, zero, 139)
  dv.setUint32(4, 0x00000073, true); // ecall
  mem.write(at, code, true);
}

export interface SigInfo {
  /** si_code: SI_USER (0) / SI_TKILL (-6) for kill/tgkill; SEGV_MAPERR (1) etc. for faults. */
  code: number;
  /** Fault address (SIGSEGV/SIGBUS/SIGILL/SIGTRAP/SIGFPE). */
  addr?: number;
  /** Sender pid (kill). */
  pid?: number;
  /** A POSIX timer's si_timerid, si_overrun and si_value (SI_TIMER). */
  timer?: { id: number; overrun: number; value: bigint };
}

/** The 128-byte siginfo_t of a signal (the frame's first part; rt_sigtimedwait's result). */
export function encodeSiginfo(signo: number, info: SigInfo): Uint8Array {
  const bytes = new Uint8Array(128);
  const dv = new DataView(bytes.buffer);
  dv.setInt32(0, signo, true);
  dv.setInt32(8, info.code, true);
  if (info.addr !== undefined) dv.setBigUint64(16, BigInt(info.addr), true);
  else if (info.timer) {
    dv.setInt32(16, info.timer.id, true);
    dv.setInt32(20, info.timer.overrun, true);
    dv.setBigUint64(24, BigInt.asUintN(64, info.timer.value), true);
  } else if (info.pid !== undefined) dv.setInt32(16, info.pid, true);
  return bytes;
}

function saveRegs(cpu: CpuState, pc: number, dv: DataView, at: number): void {
  dv.setBigUint64(at, BigInt(pc), true);
  for (let r = 1; r < 32; r++) dv.setBigUint64(at + 8 * r, BigInt.asUintN(64, cpu.getX(r)), true);
  for (let r = 0; r < 32; r++) dv.setBigUint64(FPREGS + 8 * r, cpu.getF64Bits(r), true);
  dv.setUint32(FPREGS + 256, cpu.fcsr, true);
}

/**
 * Enters the handler of `signo` (which must be a guest function). `resumePc` is where the
 * interrupted code continues after the handler returns: the faulting instruction for a fault,
 * the instruction after the ecall for a signal raised by a syscall.
 */
export function deliverToHandler(k: LinuxKernel, signo: number, info: SigInfo, resumePc: number): void {
  const cpu = k.cpu;
  const act = new DataView(k.sigactions.get(signo)!.buffer);
  const handler = Number(act.getBigUint64(0, true)), flags = Number(act.getBigUint64(8, true) & 0xffffffffn);
  const mask = act.getBigUint64(16, true);
  const alt = new DataView(k.altstack.buffer);
  const altSp = Number(alt.getBigUint64(0, true)), altSize = Number(alt.getBigUint64(16, true));
  const altOn = (alt.getInt32(8, true) & SS_DISABLE) === 0 && altSize > 0;
  let sp = cpu.getXNum(2);
  const onAlt = altOn && sp > altSp && sp <= altSp + altSize;
  if (flags & SA_ONSTACK && altOn && !onAlt) sp = altSp + altSize;
  const frame = (sp - FRAME_SIZE) - ((sp - FRAME_SIZE) % 16);

  const bytes = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(bytes.buffer);
  bytes.set(encodeSiginfo(signo, info), INFO);
  bytes.set(k.altstack.subarray(0, 24), UC_STACK);
  dv.setInt32(UC_STACK + 8, altOn ? (onAlt ? SS_ONSTACK : 0) : SS_DISABLE, true);
  dv.setBigUint64(UC_SIGMASK, k.sigmask, true);
  saveRegs(cpu, resumePc, dv, MCTX);
  k.mem.write(frame, bytes);

  // While the handler runs, its sa_mask and (unless SA_NODEFER) the signal itself are blocked.
  k.sigmask |= mask | (flags & SA_NODEFER ? 0n : 1n << BigInt(signo - 1));
  if (flags & SA_RESETHAND) k.sigactions.delete(signo);
  cpu.setXNum(10, signo);
  cpu.setXNum(11, frame + INFO);
  cpu.setXNum(12, frame + UC);
  cpu.setXNum(2, frame);
  cpu.setXNum(1, k.sigtramp);
  cpu.pc = handler;
}

/** rt_sigreturn: restores registers, pc and signal mask from the frame at sp. */
export function sigreturn(k: LinuxKernel): void {
  const cpu = k.cpu;
  const frame = cpu.getXNum(2);
  const bytes = k.mem.read(frame, FRAME_SIZE);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  k.sigmask = dv.getBigUint64(UC_SIGMASK, true);
  for (let r = 1; r < 32; r++) cpu.setX(r, dv.getBigUint64(MCTX + 8 * r, true));
  for (let r = 0; r < 32; r++) cpu.setF64Bits(r, dv.getBigUint64(FPREGS + 8 * r, true));
  cpu.fcsr = dv.getUint32(FPREGS + 256, true);
  cpu.pc = Number(dv.getBigUint64(MCTX, true));
}

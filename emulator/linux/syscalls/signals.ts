// Signal syscalls: dispositions (rt_sigaction), the mask and pending set, sigaltstack,
// rt_sigreturn, and kill/tkill/tgkill aimed at ourselves. A signal whose action is the default
// and fatal ends the process the way qemu-riscv64 reports it (process.ts prints the line); one
// with a guest handler is queued and entered when the syscall returns (sigframe.ts); a blocked
// one stays pending until unblocked.

import type { StopReason } from '../../stop';
import { EINVAL, ESRCH } from '../errno';
import type { LinuxKernel } from '../kernel';
import { defaultIsFatal, NSIG, SIGKILL, SIGSTOP, signalDescription } from '../signals';
import { sigreturn, type SigInfo } from '../sigframe';
import type { SyscallDef } from './types';

const SIG_DFL = 0n, SIG_IGN = 1n;

export function handlerOf(k: LinuxKernel, signo: number): bigint {
  const act = k.sigactions.get(signo);
  return act ? new DataView(act.buffer, act.byteOffset).getBigUint64(0, true) : SIG_DFL;
}

/** The stop that ends the process when `signo` kills it at the current pc. */
export function deathBySignal(k: LinuxKernel, signo: number): StopReason {
  return { kind: 'signal', signo, pc: k.cpu.pc, message: signalDescription(signo) };
}

const bit = (signo: number): bigint => 1n << BigInt(signo - 1);

/**
 * Sends signo to the process itself (from a syscall): a StopReason if it dies, undefined if
 * it lives on — ignored, left pending while blocked, or queued for its guest handler.
 */
export function raiseSignal(k: LinuxKernel, signo: number, info: SigInfo = { code: 0, pid: k.pid }): StopReason | undefined {
  if (signo === 0 || signo === SIGSTOP) return undefined;
  const h = signo === SIGKILL ? SIG_DFL : handlerOf(k, signo);
  if (h === SIG_IGN || (h === SIG_DFL && !defaultIsFatal(signo))) return undefined;
  if (signo !== SIGKILL && k.sigmask & bit(signo)) {
    k.pendingMask |= bit(signo);
    k.pendingInfo.set(signo, info);
    return undefined;
  }
  if (h === SIG_DFL) return deathBySignal(k, signo);
  k.queued = { signo, info };
  return undefined;
}

/** After the mask changed: the lowest pending signal that is no longer blocked is raised now. */
export function raiseUnblocked(k: LinuxKernel): StopReason | undefined {
  const ready = k.pendingMask & ~k.sigmask;
  if (!ready) return undefined;
  let signo = 1;
  while (!(ready & bit(signo))) signo++;
  k.pendingMask &= ~bit(signo);
  const info = k.pendingInfo.get(signo);
  k.pendingInfo.delete(signo);
  return raiseSignal(k, signo, info);
}

function sigaction(k: LinuxKernel): number {
  const signo = k.i(0), act = k.u(1), oact = k.u(2);
  if (k.u(3) !== 8 || signo < 1 || signo > NSIG) return -EINVAL;
  if (act && (signo === SIGKILL || signo === SIGSTOP)) return -EINVAL;
  const newAct = act ? k.readBytes(act, 24).slice() : undefined;
  if (oact) k.writeBytes(oact, k.sigactions.get(signo) ?? new Uint8Array(24));
  if (newAct) k.sigactions.set(signo, newAct);
  return 0;
}

export const UNBLOCKABLE = (1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1));

function sigprocmask(k: LinuxKernel): number | StopReason {
  const how = k.i(0), set = k.u(1), oset = k.u(2);
  if (k.u(3) !== 8) return -EINVAL;
  let next = k.sigmask;
  if (set) {
    const s = k.mem.readU64(set);
    if (how === 0) next |= s; else if (how === 1) next &= ~s; else if (how === 2) next = s; else return -EINVAL;
  }
  if (oset) k.mem.writeU64(oset, k.sigmask);
  k.sigmask = next & ~UNBLOCKABLE;
  return raiseUnblocked(k) ?? 0;
}

function sigaltstack(k: LinuxKernel): number {
  const ss = k.u(0), old = k.u(1);
  const cur = k.altstack;
  const incoming = ss ? k.readBytes(ss, 24).slice() : undefined;
  if (old) {
    const out = cur.slice();
    if (!cur.some((b) => b !== 0)) out[8] = 2; // SS_DISABLE when none was set
    k.writeBytes(old, out);
  }
  if (incoming) k.altstack = incoming;
  return 0;
}

function isSelf(k: LinuxKernel, pid: number): boolean {
  return pid === k.pid || pid === 0 || pid === -1 || pid === -k.pid;
}

function kill(k: LinuxKernel, target: number, signo: number, code: number): number | StopReason {
  if (signo < 0 || signo > NSIG) return -EINVAL;
  if (!isSelf(k, target)) return -ESRCH;
  return raiseSignal(k, signo, { code, pid: k.pid }) ?? 0;
}

const SI_USER = 0, SI_TKILL = -6;

export const signalSyscalls: SyscallDef[] = [
  { nr: 134, name: 'rt_sigaction', args: 'SPP', fn: sigaction },
  { nr: 135, name: 'rt_sigprocmask', args: 'HPP', fn: sigprocmask },
  { nr: 132, name: 'sigaltstack', args: 'pp', fn: sigaltstack },
  { nr: 136, name: 'rt_sigpending', fn: (k) => { k.mem.writeU64(k.u(0), k.pendingMask); return 0; } },
  {
    nr: 139, name: 'rt_sigreturn', setsRegs: true, fn: (k) => {
      sigreturn(k);
      return raiseUnblocked(k) ?? 0;
    },
  },
  { nr: 129, name: 'kill', args: 'dS', fn: (k) => kill(k, k.i(0), k.i(1), SI_USER) },
  { nr: 130, name: 'tkill', fn: (k) => kill(k, k.i(0), k.i(1), SI_TKILL) },
  { nr: 131, name: 'tgkill', fn: (k) => (k.i(0) !== k.pid ? -ESRCH : kill(k, k.i(1), k.i(2), SI_TKILL)) },
];

// ppoll and pselect6 (RISC-V has no poll/select: libc builds them on these). Readiness as
// Linux reports it: in-memory pipes by their queue and open ends (POLLHUP once every writer is
// gone, POLLERR on a write end nobody reads), regular files and directories always ready,
// stdout/stderr writable, stdin readable (host reads block rather than fail), a closed
// descriptor POLLNVAL. Nothing ever waits on the host: with nothing ready, virtual time passes
// until a timer's signal interrupts the wait (EINTR; the sigmask argument applies meanwhile) or
// the timeout ends it (syscalls/timers.ts waitForSignal); an endless wait that nothing could
// end returns EINTR, as if a signal had come, instead of hanging the emulator.

import { HostError } from '../../host';
import { decodeTimespec, encodeTimespec, NS } from '../abi';
import { EBADF, EINTR, EINVAL } from '../errno';
import type { LinuxKernel } from '../kernel';
import type { StopReason } from '../../stop';
import { raiseUnblocked, UNBLOCKABLE } from './signals';
import { clockNs } from './time';
import { waitForSignal } from './timers';
import type { SyscallDef } from './types';

export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLWRNORM = 0x100;
const READABLE = POLLIN | POLLRDNORM, WRITABLE = POLLOUT | POLLWRNORM;

/** Every event currently true of fd (before masking with what the caller asked for). */
export function pollMask(k: LinuxKernel, fd: number): number {
  const of = k.fds.get(fd);
  if (!of) return POLLNVAL;
  switch (of.kind) {
    case 'pipe':
      if (of.pipeEnd === 'r') return (of.pipe!.size > 0 ? READABLE : 0) | (of.pipe!.writers === 0 ? POLLHUP : 0);
      return WRITABLE | (of.pipe!.readers === 0 ? POLLERR : 0);
    case 'stdio': return of.stdioFd === 0 ? READABLE : WRITABLE;
    default: return READABLE | WRITABLE; // files, directories, /proc buffers
  }
}

/**
 * The wait after a scan that found nothing ready: timeoutAddr 0 = forever, maskAddr the signal
 * mask while waiting (0 = unchanged). Returns 0 (timed out, the guest's timespec set to what
 * remains: zero) or -EINTR (the time left written back, as Linux does).
 */
function waitNothing(k: LinuxKernel, timeoutAddr: number, timeoutNs: bigint | undefined, maskAddr = 0): number | StopReason {
  const old = k.sigmask, start = clockNs(k, 1)!;
  if (maskAddr) k.sigmask = k.mem.readU64(maskAddr) & ~UNBLOCKABLE;
  let death: StopReason | undefined;
  const r = waitForSignal(k, () => {
    if (!k.queued && maskAddr) death = raiseUnblocked(k);
    return death !== undefined || k.queued !== undefined;
  }, timeoutNs);
  k.sigmask = old;
  if (death) return death;
  if (typeof r === 'object') return r;
  if (r === 'timeout') {
    if (timeoutAddr) k.writeBytes(timeoutAddr, encodeTimespec(0n));
    return 0;
  }
  if (timeoutAddr && timeoutNs !== undefined) {
    const left = timeoutNs - (clockNs(k, 1)! - start);
    k.writeBytes(timeoutAddr, encodeTimespec(left > 0n ? left : 0n));
  }
  return -EINTR;
}

/** The timespec at addr in ns (undefined for NULL = wait forever); EINVAL when malformed. */
function timeoutArg(k: LinuxKernel, addr: number): bigint | undefined {
  if (!addr) return undefined;
  const { sec, nsec } = decodeTimespec(k.readBytes(addr, 16));
  if (sec < 0n || nsec < 0n || nsec >= NS) throw new HostError(EINVAL);
  return sec * NS + nsec;
}

function ppoll(k: LinuxKernel): number | StopReason {
  const fdsAddr = k.u(0), nfds = k.u(1), tmo = k.u(2);
  if (nfds > 1024) return -EINVAL;
  const timeout = timeoutArg(k, tmo);
  const raw = k.readBytes(fdsAddr, 8 * nfds).slice();
  const dv = new DataView(raw.buffer);
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(8 * i, true), events = dv.getUint16(8 * i + 4, true);
    // Negative fds are skipped; POLLERR, POLLHUP and POLLNVAL are reported even unasked.
    const revents = fd < 0 ? 0 : pollMask(k, fd) & (events | POLLERR | POLLHUP | POLLNVAL);
    dv.setUint16(8 * i + 6, revents, true);
    if (revents) ready++;
  }
  k.writeBytes(fdsAddr, raw);
  return ready ? ready : waitNothing(k, tmo, timeout, k.u(4) === 8 ? k.u(3) : 0);
}

// select(2)'s sets as poll events (the kernel's POLLIN_SET, POLLOUT_SET, POLLEX_SET).
const SETS = [READABLE | POLLHUP | POLLERR, WRITABLE | POLLERR, POLLPRI];

function pselect6(k: LinuxKernel): number | StopReason {
  const nfds = k.i(0), tmo = k.u(4);
  if (nfds < 0 || nfds > 1024) return -EINVAL;
  const timeout = timeoutArg(k, tmo);
  const bytes = Math.ceil(nfds / 64) * 8;
  const sets = [1, 2, 3].map((i) => ({ addr: k.u(i), bits: k.u(i) ? k.readBytes(k.u(i), bytes).slice() : undefined }));
  const out = sets.map((s) => new Uint8Array(s.bits?.length ?? 0));
  let ready = 0;
  for (let fd = 0; fd < nfds; fd++) {
    const asked = sets.map((s) => !!s.bits && (s.bits[fd >> 3] & (1 << (fd & 7))) !== 0);
    if (!asked.some(Boolean)) continue;
    const mask = pollMask(k, fd);
    if (mask & POLLNVAL) return -EBADF;
    sets.forEach((_, j) => {
      if (asked[j] && mask & SETS[j]) { out[j][fd >> 3] |= 1 << (fd & 7); ready++; }
    });
  }
  if (!ready) {
    // The sixth argument points at {const sigset_t *ss; size_t ss_len}.
    const sig = k.u(5) ? k.readBytes(k.u(5), 16).slice() : undefined;
    const sdv = sig && new DataView(sig.buffer);
    const mask = sdv && sdv.getBigUint64(8, true) === 8n ? Number(sdv.getBigUint64(0, true)) : 0;
    const r = waitNothing(k, tmo, timeout, mask);
    if (typeof r !== 'number' || r < 0) return r;
  }
  sets.forEach((s, j) => { if (s.bits) k.writeBytes(s.addr, out[j]); });
  return ready;
}

export const pollSyscalls: SyscallDef[] = [
  { nr: 73, name: 'ppoll', fn: ppoll },
  { nr: 72, name: 'pselect6', fn: pselect6 },
];

// epoll and eventfd, enough for runtimes that build their event loop on them (Go's netpoll:
// an epoll instance, an eventfd to wake it, regular files refused with EPERM so they are read
// directly). An eventfd is an in-memory pipe read and written through one descriptor; an epoll
// instance keeps its interest list on its open file. epoll_pwait reports readiness as poll does
// (level-triggered, EPOLLET taken as level: a spurious wake-up, never a lost one) and parks its
// thread until something is ready, the timeout passes or a signal comes.

import { EBADF, EEXIST, EINTR, EINVAL, ENOENT, EPERM } from '../errno';
import { O_CLOEXEC, O_NONBLOCK, O_RDWR, Pipe, type OpenFile } from '../fds';
import type { LinuxKernel } from '../kernel';
import type { StopReason } from '../../stop';
import { pollMask, POLLERR, POLLHUP } from './poll';
import { clockNs } from './time';
import type { SyscallDef } from './types';

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EVENT_SIZE = 16;   // struct epoll_event on RISC-V: u32 events, padding, u64 data

function epollOf(k: LinuxKernel, fd: number): OpenFile | undefined {
  const of = k.fds.get(fd);
  return of?.epoll ? of : undefined;
}

function epollCreate(k: LinuxKernel): number {
  const flags = k.i(0);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  const of: OpenFile = { kind: 'buffer', path: 'anon_inode:[eventpoll]', flags: O_RDWR, pos: 0, refs: 1, data: new Uint8Array(0), epoll: new Map() };
  return k.fds.install(of, (flags & O_CLOEXEC) !== 0);
}

function epollCtl(k: LinuxKernel): number {
  const ep = epollOf(k, k.i(0)), op = k.i(1), fd = k.i(2);
  if (!k.fds.get(k.i(0))) return -EBADF;
  if (!ep) return -EINVAL;
  const target = k.fds.get(fd);
  if (!target) return -EBADF;
  // Linux: regular files and directories do not support epoll.
  if (target.kind === 'file' || target.kind === 'dir' || target === ep) return -EPERM;
  const list = ep.epoll!;
  if (op === EPOLL_CTL_DEL) return list.delete(fd) ? 0 : -ENOENT;
  if (op !== EPOLL_CTL_ADD && op !== EPOLL_CTL_MOD) return -EINVAL;
  if (op === EPOLL_CTL_ADD && list.has(fd)) return -EEXIST;
  if (op === EPOLL_CTL_MOD && !list.has(fd)) return -ENOENT;
  const ev = new DataView(k.readBytes(k.u(3), EVENT_SIZE).slice().buffer);
  list.set(fd, { events: ev.getUint32(0, true), data: ev.getBigUint64(8, true) });
  return 0;
}

/** The ready entries (fd order), at most `max`. */
function readyEvents(k: LinuxKernel, ep: OpenFile, max: number): { events: number; data: bigint }[] {
  const out: { events: number; data: bigint }[] = [];
  for (const [fd, want] of ep.epoll!) {
    if (out.length >= max) break;
    const got = pollMask(k, fd) & (want.events | POLLERR | POLLHUP) & 0xffff;
    if (got) out.push({ events: got, data: want.data });
  }
  return out;
}

function writeEvents(k: LinuxKernel, addr: number, evs: { events: number; data: bigint }[]): number {
  if (!evs.length) return 0;
  const b = new Uint8Array(evs.length * EVENT_SIZE), dv = new DataView(b.buffer);
  evs.forEach((e, i) => { dv.setUint32(i * EVENT_SIZE, e.events, true); dv.setBigUint64(i * EVENT_SIZE + 8, e.data, true); });
  k.writeBytes(addr, b);
  return evs.length;
}

function epollWait(k: LinuxKernel): number | StopReason {
  const ep = epollOf(k, k.i(0)), addr = k.u(1), max = k.i(2), timeoutMs = k.i(3);
  if (!k.fds.get(k.i(0))) return -EBADF;
  if (!ep || max <= 0) return -EINVAL;
  const now = readyEvents(k, ep, max);
  if (now.length || timeoutMs === 0) return writeEvents(k, addr, now);
  return k.block({
    what: 'epoll_pwait', nr: 22,
    deadline: timeoutMs > 0 ? clockNs(k, 1)! + BigInt(timeoutMs) * 1000000n : undefined,
    ready: () => readyEvents(k, ep, 1).length > 0,
    finish: (how) => (how === 'signal' ? -EINTR : writeEvents(k, addr, readyEvents(k, ep, max))),
  });
}

function eventfd(k: LinuxKernel): number {
  const init = k.u(0), flags = k.i(1);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | 1)) return -EINVAL;   // EFD_SEMAPHORE (1) accepted, counted as a plain eventfd
  const pipe = new Pipe();
  if (init) { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(init), true); pipe.push(b); }
  const of: OpenFile = { kind: 'pipe', path: 'anon_inode:[eventfd]', flags: O_RDWR | (flags & O_NONBLOCK), pos: 0, refs: 1, pipe, pipeEnd: 'rw' };
  return k.fds.install(of, (flags & O_CLOEXEC) !== 0);
}

export const epollSyscalls: SyscallDef[] = [
  { nr: 20, name: 'epoll_create1', fn: epollCreate },
  { nr: 21, name: 'epoll_ctl', fn: epollCtl },
  { nr: 22, name: 'epoll_pwait', fn: epollWait },
  { nr: 19, name: 'eventfd2', fn: eventfd },
];

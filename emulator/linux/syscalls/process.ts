// Process-wide syscalls: identity (pid, uid …), uname, resource limits, scheduling queries,
// times, CPU affinity, riscv_hwprobe and set_robust_list (ENOSYS, as QEMU). The thread
// syscalls (clone, exit, futex …) are in threads.ts.

import { NS, encodeUtsname, u64le } from '../abi';
import { EINVAL, ENOSYS, ESRCH } from '../errno';
import type { LinuxKernel } from '../kernel';
import type { SyscallDef } from './types';

export const UTSNAME = {
  sysname: 'Linux', nodename: 'tbscope', release: '6.1.0', version: '#1 SMP tbscope', machine: 'riscv64', domainname: '(none)',
};

const RLIM_INFINITY = 0xffffffffffffffffn;
/** Soft and hard limits the guest sees (RLIMIT_* numbers from asm-generic/resource.h). */
function rlimit(resource: number): [bigint, bigint] {
  switch (resource) {
    case 3: return [8n << 20n, RLIM_INFINITY]; // RLIMIT_STACK: the 8 MiB stack we map
    case 4: return [0n, RLIM_INFINITY];        // RLIMIT_CORE
    case 7: return [1024n, 4096n];             // RLIMIT_NOFILE: the fd table size
    default: return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

function writeRlimit(k: LinuxKernel, addr: number, resource: number): void {
  const [cur, max] = rlimit(resource);
  const b = new Uint8Array(16);
  b.set(u64le(cur), 0); b.set(u64le(max), 8);
  k.writeBytes(addr, b);
}

function prlimit64(k: LinuxKernel): number {
  const pid = k.i(0), resource = k.i(1), oldAddr = k.u(3);
  if (pid !== 0 && pid !== k.pid) return -ESRCH;
  if (resource < 0 || resource > 15) return -EINVAL;
  // New limits are accepted and forgotten: nothing here enforces them.
  if (oldAddr) writeRlimit(k, oldAddr, resource);
  return 0;
}

/** riscv_hwprobe keys (asm/hwprobe.h) answered for an RV64GC hart. */
function hwprobe(k: LinuxKernel): number {
  const pairs = k.u(0), count = k.u(1);
  if (k.u(4) !== 0) return -EINVAL;
  for (let i = 0; i < count; i++) {
    const at = pairs + 16 * i;
    const key = Number(k.mem.readU64(at));
    let value: bigint;
    switch (key) {
      case 0: case 1: case 2: value = 0n; break; // mvendorid, marchid, mimpid
      case 3: value = 1n; break;                 // BASE_BEHAVIOR_IMA
      case 4: value = 1n | 2n; break;            // IMA_EXT_0: FD, C
      case 5: value = 0n; break;                 // CPUPERF_0: misaligned speed unknown
      default: k.mem.writeU64(at, -1n); value = 0n;
    }
    k.mem.writeU64(at + 8, value);
  }
  return 0;
}

/**
 * The host's CPU mask, as qemu-riscv64 passes the call through: Linux copies out
 * min(len, mask size) bytes, and glibc clears and scans exactly those (so the size shows in
 * instruction counts). Deterministic runs see a fixed 8-byte mask with cpu 0.
 */
function schedGetaffinity(k: LinuxKernel): number {
  const pid = k.i(0), len = k.u(1) >>> 0;
  if (pid !== 0 && pid !== k.pid) return -ESRCH;
  const aff = !k.deterministic && k.host.cpuAffinity ? k.host.cpuAffinity() : { maskBytes: 8, cpus: [0] };
  if (len % 8 || len * 8 <= Math.max(...aff.cpus)) return -EINVAL;
  const mask = new Uint8Array(Math.min(len, aff.maskBytes));
  for (const c of aff.cpus) if (c < mask.length * 8) mask[c >> 3] |= 1 << (c & 7);
  k.writeBytes(k.u(2), mask);
  return mask.length;
}

/** getresuid/getresgid: real, effective and saved ids, all 0. */
function writeIds(k: LinuxKernel): number {
  for (let i = 0; i < 3; i++) k.writeBytes(k.u(i), new Uint8Array(4));
  return 0;
}

/** times(2): the process's CPU time as user time, in clock ticks (USER_HZ = 100). */
function times(k: LinuxKernel): number {
  const tick = NS / 100n;
  if (k.u(0)) {
    const b = new Uint8Array(32);
    b.set(u64le(k.cpuTimeNs() / tick), 0);
    k.writeBytes(k.u(0), b);
  }
  return Number(k.monotonicNs() / tick);
}

function sysinfo(k: LinuxKernel): number {
  const b = new Uint8Array(112);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, k.monotonicNs() / NS, true); // uptime
  dv.setBigUint64(32, 1n << 32n, true);  // totalram
  dv.setBigUint64(40, 1n << 31n, true);  // freeram
  dv.setUint16(80, 1, true);             // procs
  dv.setUint32(104, 1, true);            // mem_unit
  k.writeBytes(k.u(0), b);
  return 0;
}

export const processSyscalls: SyscallDef[] = [
  { nr: 160, name: 'uname', args: 'p', fn: (k) => { k.writeBytes(k.u(0), encodeUtsname(UTSNAME)); return 0; } },
  { nr: 172, name: 'getpid', args: '', fn: (k) => k.pid },
  { nr: 173, name: 'getppid', args: '', fn: (k) => k.ppid },
  { nr: 174, name: 'getuid', args: '', fn: () => 0 },
  { nr: 175, name: 'geteuid', args: '', fn: () => 0 },
  { nr: 176, name: 'getgid', args: '', fn: () => 0 },
  { nr: 177, name: 'getegid', args: '', fn: () => 0 },
  { nr: 155, name: 'getpgid', fn: (k) => k.pid },
  { nr: 157, name: 'setsid', fn: (k) => k.pid },
  // qemu-riscv64 answers ENOSYS on purpose (glibc copes); doing the same keeps guest
  // instruction counts equal to QEMU's, which the plugin tests compare.
  // Always root: credential changes succeed and change nothing; no supplementary groups.
  { nr: 148, name: 'getresuid', fn: (k) => writeIds(k) },
  { nr: 150, name: 'getresgid', fn: (k) => writeIds(k) },
  ...[[146, 'setuid'], [144, 'setgid'], [145, 'setreuid'], [143, 'setregid'], [147, 'setresuid'], [149, 'setresgid'],
    [159, 'setgroups'], [158, 'getgroups'], [154, 'setpgid'], [140, 'setpriority'], [120, 'sched_getscheduler'],
    [125, 'sched_get_priority_max'], [126, 'sched_get_priority_min']]
    .map(([nr, name]): SyscallDef => ({ nr: nr as number, name: name as string, fn: () => 0 })),
  { nr: 156, name: 'getsid', fn: (k) => k.pid },
  { nr: 141, name: 'getpriority', fn: () => 20 }, // the kernel's 20 - nice, nice 0
  { nr: 121, name: 'sched_getparam', fn: (k) => { k.writeBytes(k.u(1), new Uint8Array(4)); return 0; } },
  {
    nr: 168, name: 'getcpu', fn: (k) => {
      for (const a of [k.u(0), k.u(1)]) if (a) k.writeBytes(a, new Uint8Array(4)); // cpu 0, node 0
      return 0;
    },
  },
  { nr: 153, name: 'times', fn: times },
  { nr: 99, name: 'set_robust_list', fn: () => -ENOSYS },
  { nr: 293, name: 'rseq', fn: () => -ENOSYS },
  { nr: 261, name: 'prlimit64', fn: prlimit64 },
  { nr: 163, name: 'getrlimit', fn: (k) => { writeRlimit(k, k.u(1), k.i(0)); return 0; } },
  { nr: 164, name: 'setrlimit', fn: () => 0 },
  { nr: 123, name: 'sched_getaffinity', fn: schedGetaffinity },
  { nr: 122, name: 'sched_setaffinity', fn: () => 0 },
  { nr: 258, name: 'riscv_hwprobe', fn: hwprobe },
  { nr: 165, name: 'getrusage', fn: (k) => { k.writeBytes(k.u(1), new Uint8Array(144)); return 0; } },
  { nr: 179, name: 'sysinfo', fn: sysinfo },
];

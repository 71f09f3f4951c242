// The host's answer to sched_getaffinity, derived without calling it (Node cannot): which CPUs
// this process may run on, and how many bytes of mask the kernel copies out. qemu-riscv64
// passes the call through, so matching it keeps guest output and instruction counts equal
// (glibc clears and scans exactly the returned bytes).
//
// Linux returns min(len, cpumask_size()) bytes, cpumask_size() being the mask bits rounded up
// to whole longs: nr_cpu_ids bits (the highest possible CPU + 1) when the kernel keeps masks
// off-stack (CONFIG_CPUMASK_OFFSTACK), else NR_CPUS bits (sysfs kernel_max + 1). Whether masks
// are off-stack only shows in the kernel config (/proc/config.gz or /boot/config-<release>);
// without one we assume off-stack exactly when NR_CPUS > 512, since x86 allows more CPUs only
// with it.

import * as fs from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';

export interface CpuAffinity {
  /** Bytes sched_getaffinity copies out (a multiple of 8). */
  maskBytes: number;
  /** CPU numbers set in the mask. */
  cpus: number[];
}

function readText(path: string): string | undefined {
  try { return fs.readFileSync(path, 'latin1'); } catch { return undefined; }
}

/** "0-3,8,10-11" → [0,1,2,3,8,10,11] (the kernel's cpulist format). */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

function kernelConfig(): string | undefined {
  try { return gunzipSync(fs.readFileSync('/proc/config.gz')).toString('latin1'); } catch { /* not built in */ }
  return readText(`/boot/config-${release()}`);
}

/** Rounds a bit count up to whole 64-bit longs, in bytes. */
const longBytes = (bits: number): number => Math.ceil(bits / 64) * 8;

/**
 * The mask size and CPUs for inputs read from the host (exported so tests can check the rule
 * on other kernels' values). config: kernel config text, if known.
 */
export function affinityFrom(kernelMax: number, possible: number[], allowed: number[], config: string | undefined): CpuAffinity {
  const nrCpus = kernelMax + 1;
  const nrCpuIds = possible.length ? Math.max(...possible) + 1 : nrCpus;
  const offstack = config !== undefined ? /^CONFIG_CPUMASK_OFFSTACK=y$/m.test(config) : nrCpus > 512;
  return { maskBytes: longBytes(offstack ? nrCpuIds : nrCpus), cpus: allowed.length ? allowed : [0] };
}

/** The host's affinity answer, or undefined when /sys is not Linux's (other OSes). */
export function hostCpuAffinity(): CpuAffinity | undefined {
  const kernelMax = readText('/sys/devices/system/cpu/kernel_max');
  const possible = readText('/sys/devices/system/cpu/possible');
  if (kernelMax === undefined || possible === undefined) return undefined;
  const status = readText('/proc/self/status') ?? '';
  const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
  return affinityFrom(Number(kernelMax.trim()), parseCpuList(possible), allowed ? parseCpuList(allowed) : [], kernelConfig());
}

// Connects a PluginManager to a Machine the way QEMU's core wires plugins into TCG and
// linux-user: the translate hook and memory-value slot for the translator, flushes and
// safe-point work through the run loop, vcpu_init/vcpu_exit per vCPU, and the syscall /
// syscall filter / syscall_ret hooks of the Linux kernel. emulator/guest.ts calls it.

import { PF_X, PT_LOAD } from '../elf/elf';
import type { LoadedImage } from '../linux/loader';
import type { Machine } from '../machine';
import type { LinuxKernel } from '../linux/kernel';
import type { PluginBinding, PluginManager } from './core';

/** What the caller knows about the guest program beyond the Machine (see PluginBinding). */
export type AttachExtras = Pick<PluginBinding, 'pathToBinary' | 'startCode' | 'endCode' | 'entryCode' | 'symbolize'>;

/**
 * QEMU's info->start_code / end_code (linux-user/elfload.c load_elf_image): the span of the
 * program's executable PT_LOAD segments, up to the end of their file bytes (vaddr + p_filesz).
 */
export function codeSpan(image: LoadedImage): { startCode: number; endCode: number } {
  const { elf, bias } = image.program;
  let startCode = Infinity, endCode = 0;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD || !(p.flags & PF_X)) continue;
    startCode = Math.min(startCode, p.vaddr + bias);
    endCode = Math.max(endCode, p.vaddr + bias + p.filesz);
  }
  return { startCode: startCode === Infinity ? 0 : startCode, endCode };
}

/** QEMU's start_code/end_code, entry, binary path and symbols for the plugin API. */
export function imageExtras(image: LoadedImage, exePath: string): AttachExtras {
  return {
    pathToBinary: exePath, ...codeSpan(image), entryCode: image.programEntry,
    // qemu_plugin_insn_symbol: the function containing the address, if the binary has symbols.
    symbolize: pc => image.symbols.containing(pc)?.symbol.name ?? null,
  };
}

/**
 * Wires a PluginManager into a Machine and its Linux kernel through their hook lists: the translate
 * hook and memory-value slot for the translator, vcpu_init/vcpu_exit as vCPUs (threads) come and
 * go, and the syscall / syscall filter / syscall_ret callbacks around every syscall. vCPUs that
 * exist already get their vcpu_init now. A plugin ending the guest (stoptrigger's exit()) throws
 * PluginExit, a GuestExit, which Machine.run turns into an exit stop.
 */
export function attachPlugins(mgr: PluginManager, machine: Machine, kernel: LinuxKernel | undefined, extras: AttachExtras = {}): void {
  const binding: PluginBinding = {
    cpu: (index) => {
      const cpu = machine.vcpus[index];
      if (!cpu) throw new Error(`vCPU ${index} does not exist`);
      return cpu;
    },
    memory: machine.mem,
    flushTbs: () => { machine.flush(); mgr.flush(); },
    requestExit: () => machine.requestExit(() => mgr.runPendingWork()),
    ...extras,
  };
  mgr.attach(binding);
  // Generated code writes the value of each access into the Machine's slot before memory callbacks.
  mgr.memValue = machine.memValue;
  machine.translateHook = mgr.translate;
  machine.flush();
  machine.vcpuHooks.push({ init: (cpu) => mgr.vcpuInit(cpu.index), exit: (cpu) => mgr.vcpuExit(cpu.index) });
  kernel?.syscallHooks.push({
    enter: (cpu, num) => {
      if (!mgr.wantsSyscalls) return undefined;
      // linux-user passes a0..a5 as arg1..arg6; RISC-V has no arg7/arg8 (QEMU passes 0).
      const args = [10, 11, 12, 13, 14, 15].map(r => BigInt.asUintN(64, cpu.getX(r)));
      args.push(0n, 0n);
      mgr.syscall(cpu.index, num, args);
      const f = mgr.syscallFilter(cpu.index, num, args);
      return f.filtered ? f.ret : undefined;
    },
    exit: (cpu, num, ret) => { if (mgr.wantsSyscalls) mgr.syscallRet(cpu.index, num, ret); },
  });
  for (const cpu of machine.vcpus) if (cpu) mgr.vcpuInit(cpu.index);
}

/**
 * QEMU's qemu_plugin_user_exit: at the end of the process every vCPU still running gets its
 * vcpu_exit, then the atexit callbacks run (once, however the guest ended).
 */
export function pluginsUserExit(mgr: PluginManager, machine: Machine): void {
  if (mgr.exited) return;
  mgr.exited = true;
  for (const cpu of machine.vcpus) if (cpu) mgr.vcpuExit(cpu.index);
  mgr.atexit();
}

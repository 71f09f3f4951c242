// Connects a PluginManager to a Machine the way QEMU's core wires plugins into TCG and
// linux-user: the translate hook and memory-value slot for the translator, flushes and
// safe-point work through the run loop, and the syscall / syscall filter / syscall_ret hooks
// around the Linux layer's ecall handler. Call it after the Linux layer has installed its
// syscallHandler, and call vcpuInit(0) before the guest runs and atexit() when it ends.

import { PF_X, PT_LOAD } from '../elf/elf';
import type { LoadedImage } from '../linux/loader';
import type { Machine } from '../machine';
import type { StopReason } from '../stop';
import { PluginExit, type PluginBinding, type PluginManager } from './core';

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

export function attachToMachine(mgr: PluginManager, machine: Machine, extras: AttachExtras = {}): void {
  const binding: PluginBinding = {
    cpu: () => machine.cpu,
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

  // A plugin ending the guest (stoptrigger's exit()) surfaces as an ordinary exit stop.
  const run = machine.run.bind(machine);
  machine.run = (opts?: { maxInsns?: number }): StopReason => {
    try {
      return run(opts);
    } catch (e) {
      if (e instanceof PluginExit) return { kind: 'exit', code: e.code };
      throw e;
    }
  };

  const inner = machine.syscallHandler;
  machine.syscallHandler = (m: Machine) => {
    if (!mgr.wantsSyscalls) return inner?.(m);
    const cpu = m.cpu, num = cpu.getXSigned(17);
    // linux-user passes a0..a5 as arg1..arg6; RISC-V has no arg7/arg8 (QEMU passes 0).
    const args = [10, 11, 12, 13, 14, 15].map(r => BigInt.asUintN(64, cpu.getX(r)));
    args.push(0n, 0n);
    mgr.syscall(cpu.index, num, args);
    const f = mgr.syscallFilter(cpu.index, num, args);
    if (f.filtered) {
      cpu.setX(10, f.ret);
      mgr.syscallRet(cpu.index, num, cpu.getXSigned(10));
      return undefined;
    }
    const stop = inner?.(m);
    if (!stop) mgr.syscallRet(cpu.index, num, cpu.getXSigned(10));
    return stop;
  };
}

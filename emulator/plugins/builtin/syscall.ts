// Port of QEMU's tests/tcg/plugins/syscall.c: by default a table of syscall numbers with call
// and error counts at exit; print=on logs every syscall and its return value instead;
// log_writes=on hex-dumps the buffer of every write(2).

import { managerOf } from '../core';
import type { PluginModule } from '../types';
import { hex, left, split } from './util';

/** QEMU's arch_syscall_info: the write syscall number per target. */
const WRITE_SYSNO: Record<string, number> = { riscv64: 64, riscv32: 64, aarch64: 64, x86_64: 1 };

interface SyscallStats { num: number; calls: number; errors: number }

function hexdump(data: Uint8Array): string {
  let out = '';
  for (let index = 0; index < data.length; index += 16) {
    for (let col = 0; col < 16; col++) out += index + col < data.length ? hex(data[index + col], 2) + ' ' : '   ';
    out += ' | ';
    for (let col = 0; col < 16 && index + col < data.length; col++) {
      const c = data[index + col];
      out += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }
    out += '\n';
  }
  return out;
}

export const syscall: PluginModule = {
  apiVersion: 7,
  install(api, args, info) {
    let doPrint = false, doLogWrites = false;
    for (const opt of args) {
      const [k, v] = split(opt);
      if (k === 'print' || k === 'log_writes') {
        const b = api.boolParse(k, v);
        // QEMU only warns here and keeps going.
        if (b === undefined) managerOf(api).error(`boolean argument parsing failed: ${opt}`);
        else if (k === 'print') doPrint = b; else doLogWrites = b;
      } else throw new Error(`unsupported argument: ${opt}`);
    }
    const statistics = doPrint ? null : new Map<number, SyscallStats>();
    const writeSysno = WRITE_SYSNO[info.targetName] ?? -1;
    if (doLogWrites && writeSysno === -1) throw new Error('write syscall number not found');
    const entry = (num: number): SyscallStats => {
      let e = statistics!.get(num);
      if (!e) statistics!.set(num, e = { num, calls: 0, errors: 0 });
      return e;
    };

    api.registerVcpuSyscallCb(api.id, (_id, _cpu, num, _a1, a2, a3) => {
      if (statistics) entry(num).calls++;
      else api.outs(`syscall #${num}\n`);
      if (doLogWrites && num === writeSysno) {
        const data = Number(a3) > 0 ? api.readMemoryVaddr(Number(a2), Number(a3)) : null;
        if (data) api.outs(hexdump(data));
        else api.outs(`Error reading memory from vaddr ${a2}\n`);
      }
    });
    api.registerVcpuSyscallRetCb(api.id, (_id, _cpu, num, ret) => {
      if (statistics) { if (ret < 0) entry(num).errors++; } else api.outs(`syscall #${num} returned -> ${ret}\n`);
    });
    api.registerAtexitCb(api.id, () => {
      if (!statistics) return;
      api.outs('syscall no.  calls  errors\n');
      const sorted = [...statistics.values()].sort((a, b) => b.calls - a.calls);
      for (const e of sorted) api.outs(`${left(e.num, 13)}${left(e.calls, 6)} ${e.errors}\n`);
    });
  },
};

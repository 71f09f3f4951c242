// All implemented syscalls, by number. Unknown numbers get -ENOSYS in kernel.ts.

import type { SyscallDef } from './types';
import { attrSyscalls } from './attrs';
import { fileSyscalls } from './files';
import { fsSyscalls } from './fs';
import { memorySyscalls } from './memory';
import { pollSyscalls } from './poll';
import { processSyscalls } from './process';
import { signalSyscalls } from './signals';
import { timeSyscalls } from './time';
import { timerSyscalls } from './timers';

const TABLE = new Map<number, SyscallDef>();
for (const def of [...fileSyscalls, ...fsSyscalls, ...attrSyscalls, ...pollSyscalls, ...memorySyscalls, ...processSyscalls, ...signalSyscalls, ...timeSyscalls, ...timerSyscalls]) {
  if (TABLE.has(def.nr)) throw new Error(`syscall ${def.nr} (${def.name}) defined twice`);
  TABLE.set(def.nr, def);
}

export function lookupSyscall(nr: number): SyscallDef | undefined { return TABLE.get(nr); }

/** Name of a syscall number, for plugins and the debugger ("syscall 999" when unknown). */
export function syscallName(nr: number): string { return TABLE.get(nr)?.name ?? `syscall ${nr}`; }

export function implementedSyscalls(): readonly SyscallDef[] { return [...TABLE.values()].sort((a, b) => a.nr - b.nr); }

export type { SyscallDef };

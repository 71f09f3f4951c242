// Guest signals, ebreak, break-on-syscall and break-on-exit as DAP exceptions: the exception
// filters offered in the Breakpoints view, the stop description, and exceptionInfo details
// (SIGSEGV with the fault address, SIGILL with the instruction word and its disassembly).

import type { DebugProtocol } from '@vscode/debugprotocol';
import { disassembleWord } from '../emulator/isa/disasm';
import { signalName } from '../emulator/linux/signals';
import type { StopReason } from '../emulator/stop';
import type { ExceptionFilters, RuntimeStop } from './runtime';

export interface ExceptionDetails {
  exceptionId: string;
  description: string;
  breakMode: DebugProtocol.ExceptionBreakMode;
  details?: DebugProtocol.ExceptionDetails;
}

/** The filters shown in VS Code's Breakpoints view. `syscall` takes a condition: syscall numbers or names. */
export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'signals', label: 'Guest signals', description: 'Stop when the guest gets a signal (SIGSEGV, SIGILL, SIGFPE…), before it is delivered', default: true },
  { filter: 'syscall', label: 'System calls', description: 'Stop before each system call (condition: numbers or names, e.g. "64, exit_group")', supportsCondition: true, conditionDescription: 'syscall numbers or names, comma separated' },
  { filter: 'exit', label: 'Guest exit', description: 'Stop when the guest calls exit/exit_group, before it ends' },
];

/** RISC-V Linux syscall numbers for the names users type most (asm-generic/unistd.h). */
const SYSCALL_NUMBERS: Record<string, number> = {
  openat: 56, close: 57, read: 63, write: 64, readv: 65, writev: 66, exit: 93, exit_group: 94,
  brk: 214, munmap: 215, mmap: 222, mprotect: 226, clock_gettime: 113, getpid: 172, uname: 160,
  rt_sigaction: 134, rt_sigprocmask: 135, ioctl: 29, fstat: 80, newfstatat: 79, getrandom: 278,
};
const SYSCALL_NAMES = Object.fromEntries(Object.entries(SYSCALL_NUMBERS).map(([k, v]) => [v, k]));

/** Applies setExceptionBreakpoints arguments; throws on an unknown filter or syscall name. */
export function applyFilters(args: DebugProtocol.SetExceptionBreakpointsArguments): ExceptionFilters {
  const f: ExceptionFilters = { signals: false, syscall: false, exit: false };
  const opts = [...args.filters.map((filter) => ({ filterId: filter, condition: undefined as string | undefined })), ...(args.filterOptions ?? [])];
  for (const o of opts) {
    if (o.filterId === 'signals') f.signals = true;
    else if (o.filterId === 'exit') f.exit = true;
    else if (o.filterId === 'syscall') {
      f.syscall = true;
      if (o.condition && o.condition.trim()) {
        f.syscallNumbers = new Set(o.condition.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
          if (/^\d+$/.test(s)) return Number(s);
          const n = SYSCALL_NUMBERS[s];
          if (n === undefined) throw new Error(`unknown system call '${s}' (use its number)`);
          return n;
        }));
      }
    } else throw new Error(`unknown exception filter '${o.filterId}'`);
  }
  return f;
}

const hex = (n: number) => '0x' + n.toString(16);

/** The reported stop for an exceptional Machine stop. */
/** The instruction at pc as objdump shows it, read from guest memory (undefined when unreadable). */
function instructionAt(mem: StopContext['machine'], pc: number): { word: number; text: string } | undefined {
  try {
    const lo = mem?.mem.read(pc, 2, true);
    if (!lo) return undefined;
    let word = lo[0] | (lo[1] << 8);
    if ((word & 3) === 3) { const hi = mem!.mem.read(pc + 2, 2, true); word = (word | (hi[0] << 16) | (hi[1] << 24)) >>> 0; }
    return { word, text: disassembleWord(pc, word).replace('\t', ' ') };
  } catch { return undefined; }
}

interface StopContext {
  symbols: { symbolize(a: number): string | undefined };
  /** Guest memory, to name the instruction that faulted. */
  machine?: { mem: { read(addr: number, len: number, debug: boolean): Uint8Array } };
}

export function describeStop(stop: StopReason, ctx: StopContext): RuntimeStop {
  const at = (pc: number) => { const s = ctx.symbols.symbolize(pc); return s ? `${hex(pc)} <${s}>` : hex(pc); };
  let e: ExceptionDetails;
  switch (stop.kind) {
    case 'signal': {
      const name = signalName(stop.signo);
      let description = `${name} at ${at(stop.pc)}`;
      if (stop.addr !== undefined && (stop.signo === 11 || stop.signo === 7)) description += `: fault address ${hex(stop.addr)}`;
      if (stop.insn !== undefined) description += `: instruction ${hex(stop.insn >>> 0)} (${disassembleWord(stop.pc, stop.insn).replace('\t', ' ')})`;
      else { const i = instructionAt(ctx.machine, stop.pc); if (i) description += `: by ${i.text}`; }
      e = { exceptionId: name, description, breakMode: 'always', details: { message: stop.message, typeName: name } };
      break;
    }
    case 'ebreak':
      e = { exceptionId: 'ebreak', description: `ebreak at ${at(stop.pc)}`, breakMode: 'always', details: { message: 'The guest executed ebreak (continuing skips it)', typeName: 'SIGTRAP' } };
      break;
    case 'syscall': {
      const name = SYSCALL_NAMES[stop.nr];
      e = { exceptionId: 'syscall', description: `system call ${stop.nr}${name ? ` (${name})` : ''} at ${at(stop.pc)}`, breakMode: 'always' };
      break;
    }
    case 'exit':
      e = { exceptionId: 'exit', description: `the guest is exiting with status ${stop.code & 0xff}`, breakMode: 'always' };
      break;
    default:
      e = { exceptionId: stop.kind, description: stop.kind, breakMode: 'always' };
  }
  return { reason: 'exception', description: e.description, text: e.exceptionId, exception: e };
}

// Test support for the translator tests: assembles RISC-V source with the GNU cross assembler
// (an oracle no one here wrote), links it at a fixed address and loads the flat image into a
// fresh Machine with a stack and a data area, so tests can run hand-written guest code.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../emulator/machine';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/types';

export const TEXT = 0x10000;
export const DATA = 0x200000;
export const DATA_SIZE = 0x10000;
export const STACK_TOP = 0x7ff000;

function have(tool: string): boolean {
  try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
export const HAVE_AS = have('riscv64-linux-gnu-as') && have('riscv64-linux-gnu-ld') && have('riscv64-linux-gnu-objcopy');
export const HAVE_QEMU = have('qemu-riscv64');

/** Skips the current test (with a reason in the log) when the cross binutils are missing. */
export function needAs(ctx: Mocha.Context): void {
  if (!HAVE_AS) { console.log('    (skipped: riscv64-linux-gnu-as/ld/objcopy not installed)'); ctx.skip(); }
}

export interface Assembled { image: Uint8Array; symbols: Map<string, number>; elf: string; dir: string }

/** Assembles and links `src` (with a `_start` label) at TEXT; returns the flat image and symbols. */
export function assemble(src: string, march = 'rv64gc'): Assembled {
  const dir = mkdtempSync(join(tmpdir(), 'tbscope-tcg-'));
  writeFileSync(join(dir, 't.s'), `.globl _start\n.text\n${src}\n`);
  execFileSync('riscv64-linux-gnu-as', [`-march=${march}`, '-o', join(dir, 't.o'), join(dir, 't.s')]);
  execFileSync('riscv64-linux-gnu-ld', ['-static', '-nostdlib', `-Ttext=0x${TEXT.toString(16)}`, '-o', join(dir, 't'), join(dir, 't.o')]);
  execFileSync('riscv64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't'), join(dir, 't.bin')]);
  const image = new Uint8Array(readFileSync(join(dir, 't.bin')));
  const symbols = new Map<string, number>();
  for (const line of execFileSync('riscv64-linux-gnu-nm', [join(dir, 't')]).toString().split('\n')) {
    const m = /^([0-9a-f]+) \w (\S+)$/.exec(line.trim());
    if (m) symbols.set(m[2], parseInt(m[1], 16));
  }
  return { image, symbols, elf: join(dir, 't'), dir };
}

export function cleanup(a: Assembled): void { rmSync(a.dir, { recursive: true, force: true }); }

/**
 * How the run loop executes TBs in the tests that run both ways: one call per TB (regions off)
 * or regions built after the first execution (so even short test programs run inside regions).
 */
export const EXEC_MODES = [
  { name: 'per-TB calls', regions: false, regionThreshold: 1 },
  { name: 'regions', regions: true, regionThreshold: 1 },
] as const;
export type ExecMode = (typeof EXEC_MODES)[number];

/** A Machine with the image at TEXT (r-x), DATA rw-, a stack, pc at _start and sp set. */
export function machineFor(a: Assembled, opts: MachineOptions = {}, mode?: ExecMode): Machine {
  const m = new Machine(opts);
  if (mode) { m.regions = mode.regions; m.regionThreshold = mode.regionThreshold; }
  const len = Math.ceil(Math.max(a.image.length, 1) / 4096) * 4096;
  m.mem.map(TEXT, len, PROT_READ | PROT_EXEC);
  m.mem.write(TEXT, a.image, true);
  m.mem.map(DATA, DATA_SIZE, PROT_READ | PROT_WRITE);
  m.mem.map(STACK_TOP - 0x100000, 0x100000, PROT_READ | PROT_WRITE);
  m.cpu.pc = a.symbols.get('_start') ?? TEXT;
  m.cpu.setXNum(2, STACK_TOP - 16);
  return m;
}

/**
 * The few Linux syscalls the test programs make (write, exit, exit_group, mmap, mprotect),
 * with stdout collected in `out`. Anything else returns -ENOSYS.
 */
export function liteLinux(m: Machine, out: number[] = []): number[] {
  m.syscallHandler = (mm) => {
    const c = mm.cpu, nr = c.getXSigned(17), arg = (i: number) => c.getXNum(10 + i);
    switch (nr) {
      case 64: out.push(...mm.mem.read(arg(1), arg(2))); c.setXNum(10, arg(2)); break;
      case 93: case 94: return { kind: 'exit', code: c.getXSigned(10) & 255 };
      case 222: {
        const len = Math.ceil(arg(1) / 4096) * 4096, at = mm.mem.findFree(len, 0x40000000);
        mm.mem.map(at, len, arg(2)); c.setXNum(10, at); break;
      }
      case 226: mm.invalidateRange(arg(0), arg(1)); c.setXNum(10, mm.mem.protect(arg(0), arg(1), arg(2)) ? 0 : -12); break;
      default: c.setXNum(10, -38);
    }
    return undefined;
  };
  return out;
}

/** Runs until exit (or another stop) with liteLinux; returns the stop. */
export function runToExit(m: Machine, maxInsns = 50_000_000, out: number[] = []) {
  liteLinux(m, out);
  return m.run({ maxInsns });
}

/**
 * A 1-instruction prologue, then a 7-instruction loop TB run `iterations` times, then exit(0):
 * budgets that are not multiples of 7 end inside the loop TB (slice tests of the Machine and adapter).
 */
export function loopProgram(iterations: number): string {
  return `
_start:
  li t0, ${iterations}
loop:
  addi a0, a0, 1
  addi a1, a1, 1
  addi a2, a2, 1
  addi a3, a3, 1
  addi a4, a4, 1
  addi t0, t0, -1
  bnez t0, loop
  li a0, 0
  li a7, 93
  ecall
`;
}

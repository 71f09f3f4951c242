// Register access for plugins (qemu_plugin_get_registers / read_register / write_register).
// Names and features follow QEMU's RISC-V gdbstub XML (riscv-64bit-cpu.xml, -fpu.xml): ABI
// names for x/f registers, "pc", and the FP CSRs; values are target (little-endian) bytes.

import { ABI_NAMES, FP_ABI_NAMES, type CpuState } from '../cpu/state';
import type { RegDescriptor, RegHandle } from './types';

const CPU_FEATURE = 'org.gnu.gdb.riscv.cpu';
const FPU_FEATURE = 'org.gnu.gdb.riscv.fpu';

/** Handle numbers: 0..31 x regs, 32 pc, 33..64 f regs, 65 fflags, 66 frm, 67 fcsr. */
const PC = 32, F0 = 33, FFLAGS = 65, FRM = 66, FCSR = 67;

const handles: RegHandle[] = Array.from({ length: 68 }, (_, i) => Object.freeze({ __reg: i }));

function descriptor(i: number): RegDescriptor {
  const name = i < 32 ? ABI_NAMES[i] : i === PC ? 'pc' : i < FFLAGS ? FP_ABI_NAMES[i - F0]
    : ['fflags', 'frm', 'fcsr'][i - FFLAGS];
  // x0 and the pc cannot be written (the pc changes only through setPc, as in QEMU v6+).
  return { handle: handles[i], name, feature: i <= PC ? CPU_FEATURE : FPU_FEATURE, isReadonly: i === 0 || i === PC };
}

export function registerDescriptors(): RegDescriptor[] {
  return handles.map((_, i) => descriptor(i));
}

function regIndex(handle: RegHandle): number {
  const i = (handle as { __reg?: unknown })?.__reg;
  if (typeof i !== 'number' || handles[i] !== handle) throw new Error('not a register handle from getRegisters()');
  return i;
}

function le64(lo: number, hi: number): Uint8Array {
  const b = new Uint8Array(8), v = new DataView(b.buffer);
  v.setInt32(0, lo, true); v.setInt32(4, hi, true);
  return b;
}

export function readReg(cpu: CpuState, handle: RegHandle): Uint8Array {
  const i = regIndex(handle);
  if (i < 32) return le64(cpu.x[2 * i], cpu.x[2 * i + 1]);
  if (i === PC) return le64(cpu.pc % 4294967296 | 0, Math.floor(cpu.pc / 4294967296) | 0);
  if (i < FFLAGS) return le64(cpu.f[2 * (i - F0)], cpu.f[2 * (i - F0) + 1]);
  const v = i === FFLAGS ? cpu.fflags : i === FRM ? cpu.frm : cpu.fcsr;
  return le64(v, 0);
}

/** Writes a register from little-endian bytes; false for read-only registers or short data. */
export function writeReg(cpu: CpuState, handle: RegHandle, data: Uint8Array): boolean {
  const i = regIndex(handle);
  if (i === 0 || i === PC || data.length < 8) return false;
  const v = new DataView(data.buffer, data.byteOffset, 8);
  const lo = v.getInt32(0, true), hi = v.getInt32(4, true);
  if (i < 32) { cpu.x[2 * i] = lo; cpu.x[2 * i + 1] = hi; } else if (i < FFLAGS) {
    cpu.f[2 * (i - F0)] = lo; cpu.f[2 * (i - F0) + 1] = hi;
  } else if (i === FFLAGS) cpu.fflags = lo & 0x1f;
  else if (i === FRM) cpu.frm = lo & 7;
  else if (i === FCSR) cpu.fcsr = lo & 0xff;
  return true;
}

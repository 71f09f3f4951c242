// Architectural state of one RV64 hart (vCPU) in user mode: one per guest thread (Machine.vcpus). 64-bit integer registers are kept
// as int32 lo/hi pairs (see docs/architecture.md: predictable in V8, unlike BigInt in locals). FP registers
// are kept as raw bits, so NaN payloads and NaN-boxing are never disturbed by JS doubles.

export class CpuState {
  /** x0..x31: x[2*r] = low 32 bits, x[2*r+1] = high 32 bits. x[0], x[1] always 0. */
  readonly x = new Int32Array(64);
  /** f0..f31 raw bits: f[2*r] = low 32 bits, f[2*r+1] = high 32 bits. Singles are NaN-boxed (high = -1). */
  readonly f = new Int32Array(64);
  /** f as doubles (register r at index r) and as floats (the single in r at index 2r): generated code's FD/FS. */
  readonly fd = new Float64Array(this.f.buffer);
  readonly fs = new Float32Array(this.f.buffer);
  /** Program counter (a non-negative JS integer < 2^53). */
  pc = 0;
  /** Accrued FP exception flags (NV=16 DZ=8 OF=4 UF=2 NX=1) and dynamic rounding mode. */
  fflags = 0;
  frm = 0;
  /** Retired guest instructions (exact at every stop). */
  instret = 0;
  /** LR/SC reservation: address or -1. */
  reservation = -1;
  /** Value loaded by the LR that made the reservation (lo/hi words): SC compares it, like QEMU's cmpxchg. */
  resLo = 0;
  resHi = 0;
  /** High half of a 64-bit result returned by a helper whose return value is the low half. */
  retHi = 0;
  /** vCPU index (plugins' vcpu_index). */
  readonly index: number;

  constructor(index = 0) { this.index = index; }

  /** Register r as a BigInt (signed) — for syscalls, the debugger and tests, not for hot paths. */
  getX(r: number): bigint {
    return (BigInt(this.x[2 * r + 1]) << 32n) | BigInt(this.x[2 * r] >>> 0);
  }
  setX(r: number, v: bigint): void {
    if (r === 0) return;
    this.x[2 * r] = Number(BigInt.asIntN(32, v));
    this.x[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  /** Register r as an unsigned JS number; exact below 2^53 (addresses, sizes). */
  getXNum(r: number): number {
    return (this.x[2 * r + 1] >>> 0) * 4294967296 + (this.x[2 * r] >>> 0);
  }
  /** Register r as a signed JS number (exact for |v| < 2^53): syscall return values, small ints. */
  getXSigned(r: number): number {
    return this.x[2 * r + 1] * 4294967296 + (this.x[2 * r] >>> 0);
  }
  setXNum(r: number, v: number): void {
    if (r === 0) return;
    this.x[2 * r] = v | 0;
    this.x[2 * r + 1] = Math.floor(v / 4294967296) | 0;
  }
  getF64Bits(r: number): bigint {
    return (BigInt(this.f[2 * r + 1] >>> 0) << 32n) | BigInt(this.f[2 * r] >>> 0);
  }
  setF64Bits(r: number, v: bigint): void {
    this.f[2 * r] = Number(BigInt.asIntN(32, v));
    this.f[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  get fcsr(): number { return (this.frm << 5) | this.fflags; }
  set fcsr(v: number) { this.fflags = v & 0x1f; this.frm = (v >> 5) & 7; }
}

/** ABI register names, index = register number (RISC-V psABI). */
export const ABI_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;
export const FP_ABI_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
] as const;

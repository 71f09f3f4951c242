// Per-vCPU scoreboards (qemu_plugin_scoreboard): one fixed-size entry of u64 words per vCPU in
// a single BigUint64Array, so inline ops compiled into TBs index it directly. Like QEMU, the
// storage grows when a vCPU appears beyond the current capacity; the compiled TBs then hold the
// old array, so growing asks for a TB flush (QEMU does the same in plugin_grow_scoreboards).

import type { U64Entry } from '../tcg/instrument';

export class Scoreboard {
  /** u64 words per vCPU entry (element size rounded up to 8 bytes). */
  readonly stride: number;
  array: BigUint64Array;
  capacity: number;
  freed = false;

  constructor(readonly elementSize: number, capacity: number) {
    if (!Number.isInteger(elementSize) || elementSize <= 0) {
      throw new Error(`scoreboardNew: element size must be a positive number of bytes, got ${elementSize}`);
    }
    this.stride = Math.ceil(elementSize / 8);
    this.capacity = Math.max(1, capacity);
    this.array = new BigUint64Array(this.stride * this.capacity);
  }

  /** Grows to hold `vcpus` entries; returns true when the backing array was replaced. */
  grow(vcpus: number): boolean {
    if (vcpus <= this.capacity) return false;
    let cap = this.capacity;
    while (cap < vcpus) cap *= 2;
    const next = new BigUint64Array(this.stride * cap);
    next.set(this.array);
    this.array = next;
    this.capacity = cap;
    return true;
  }

  /** The contract entry the translator compiles inline ops against. */
  entry(offsetBytes: number): U64Entry {
    return { array: this.array, index: offsetBytes / 8, stride: this.stride };
  }

  /** Word index of (vcpu, offset), checking both. */
  slot(vcpu: number, offsetBytes: number): number {
    if (this.freed) throw new Error('scoreboard used after scoreboardFree');
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= this.capacity) {
      throw new Error(`scoreboard: vCPU index ${vcpu} out of range (0..${this.capacity - 1})`);
    }
    return vcpu * this.stride + offsetBytes / 8;
  }

  checkOffset(offsetBytes: number): void {
    if (!Number.isInteger(offsetBytes) || offsetBytes < 0 || offsetBytes % 8 !== 0 || offsetBytes + 8 > this.stride * 8) {
      throw new Error(`scoreboard: offset ${offsetBytes} is not an aligned u64 inside the ${this.elementSize}-byte entry`);
    }
  }
}

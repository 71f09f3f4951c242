// A extension: load-reserved/store-conditional and atomic memory operations (RISC-V
// Unprivileged ISA, ch. 14). aq/rl (bits 26/25) are ordering hints, irrelevant for one hart
// but decoded and printed (`amoadd.w.aqrl`). Addresses must be naturally aligned.

import { def, f3, OPC, F3, RS2, type SpecDef } from './spec';

const AMO = 0x2f;
const FN5 = 0xf8000000;

function amo(fn5: number, width: 4 | 8, desc: string): SpecDef {
  return def('A', 'R', AMO | f3(width === 4 ? 2 : 3) | ((fn5 << 27) >>> 0), OPC | F3 | FN5, ['rd', 'rs2', 'addr'], desc,
    { amo: true, memSize: width, signExtendLoad: true });
}
const lr = (width: 4 | 8, desc: string) =>
  def('A', 'R', AMO | f3(width === 4 ? 2 : 3) | (0x02 << 27), OPC | F3 | FN5 | RS2, ['rd', 'addr'], desc,
    { amo: true, memSize: width, signExtendLoad: true });
const sc = (width: 4 | 8, desc: string) =>
  def('A', 'R', AMO | f3(width === 4 ? 2 : 3) | (0x03 << 27), OPC | F3 | FN5, ['rd', 'rs2', 'addr'], desc,
    { amo: true, memSize: width });

export const A = {
  'lr.w': lr(4, 'Load-reserved word (sign-extended) and register a reservation.'),
  'sc.w': sc(4, 'Store-conditional word: rd = 0 if the reservation held and the store happened, else 1.'),
  'amoswap.w': amo(0x01, 4, 'Atomically swap word: rd = M[rs1]; M[rs1] = rs2.'),
  'amoadd.w': amo(0x00, 4, 'Atomic add word.'),
  'amoxor.w': amo(0x04, 4, 'Atomic exclusive-or word.'),
  'amoand.w': amo(0x0c, 4, 'Atomic and word.'),
  'amoor.w': amo(0x08, 4, 'Atomic or word.'),
  'amomin.w': amo(0x10, 4, 'Atomic signed minimum word.'),
  'amomax.w': amo(0x14, 4, 'Atomic signed maximum word.'),
  'amominu.w': amo(0x18, 4, 'Atomic unsigned minimum word.'),
  'amomaxu.w': amo(0x1c, 4, 'Atomic unsigned maximum word.'),
  'lr.d': lr(8, 'Load-reserved doubleword and register a reservation.'),
  'sc.d': sc(8, 'Store-conditional doubleword: rd = 0 on success, else 1.'),
  'amoswap.d': amo(0x01, 8, 'Atomically swap doubleword.'),
  'amoadd.d': amo(0x00, 8, 'Atomic add doubleword.'),
  'amoxor.d': amo(0x04, 8, 'Atomic exclusive-or doubleword.'),
  'amoand.d': amo(0x0c, 8, 'Atomic and doubleword.'),
  'amoor.d': amo(0x08, 8, 'Atomic or doubleword.'),
  'amomin.d': amo(0x10, 8, 'Atomic signed minimum doubleword.'),
  'amomax.d': amo(0x14, 8, 'Atomic signed maximum doubleword.'),
  'amominu.d': amo(0x18, 8, 'Atomic unsigned minimum doubleword.'),
  'amomaxu.d': amo(0x1c, 8, 'Atomic unsigned maximum doubleword.'),
} as const;

// Zifencei: instruction-fetch fence (RISC-V Unprivileged ISA, ch. 6). For the translator this
// is the signal that code may have been modified: translated blocks are invalidated.

import { def, OPC, F3 } from './spec';

export const ZIFENCEI = {
  // QEMU ignores imm/rs1/rd; objdump disassembles only the all-zero form.
  'fence.i': def('Zifencei', 'SYS', 0x100f, OPC | F3, [], 'Synchronise instruction fetches with earlier stores (flushes translated code).',
    { endsBlock: true }, 0xffffffff),
} as const;

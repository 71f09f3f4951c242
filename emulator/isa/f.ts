// F extension: single-precision floating point (RISC-V Unprivileged ISA, ch. 20). Single
// values live NaN-boxed in the 64-bit FP registers; results set fflags; rm = 7 means frm.

import { fpBuilders } from './fp-builders';

const b = fpBuilders('F');
const XFF = ['rd', 'frs1', 'frs2'] as const;

export const F = {
  flw: b.load('Load a single from memory into an FP register (NaN-boxed).'),
  fsw: b.store('Store the low 32 bits of an FP register.'),
  ...b.common(),
  'fcvt.w.s': b.unary(0x60, 0, ['rd', 'frs1', 'rm'], 'Convert single to signed 32-bit integer (saturating, NV on overflow/NaN).'),
  'fcvt.wu.s': b.unary(0x60, 1, ['rd', 'frs1', 'rm'], 'Convert single to unsigned 32-bit integer (saturating), sign-extended.'),
  'fcvt.l.s': b.unary(0x60, 2, ['rd', 'frs1', 'rm'], 'Convert single to signed 64-bit integer (saturating).'),
  'fcvt.lu.s': b.unary(0x60, 3, ['rd', 'frs1', 'rm'], 'Convert single to unsigned 64-bit integer (saturating).'),
  'fmv.x.w': b.fixed(0x70, 0, ['rd', 'frs1'], 'Move the low 32 bits of an FP register to an integer register, sign-extended.'),
  'feq.s': b.fn3(0x14, 2, XFF, 'Quiet equal compare (NV only for signaling NaN).'),
  'flt.s': b.fn3(0x14, 1, XFF, 'Signaling less-than compare (NV for any NaN).'),
  'fle.s': b.fn3(0x14, 0, XFF, 'Signaling less-or-equal compare (NV for any NaN).'),
  'fclass.s': b.fixed(0x70, 1, ['rd', 'frs1'], 'Classify: one-hot mask (bit 0 = -inf ... bit 9 = quiet NaN).'),
  'fcvt.s.w': b.unary(0x68, 0, ['frd', 'rs1', 'rm'], 'Convert signed 32-bit integer to single.'),
  'fcvt.s.wu': b.unary(0x68, 1, ['frd', 'rs1', 'rm'], 'Convert unsigned 32-bit integer to single.'),
  'fcvt.s.l': b.unary(0x68, 2, ['frd', 'rs1', 'rm'], 'Convert signed 64-bit integer to single.'),
  'fcvt.s.lu': b.unary(0x68, 3, ['frd', 'rs1', 'rm'], 'Convert unsigned 64-bit integer to single.'),
  'fmv.w.x': b.fixed(0x78, 0, ['frd', 'rs1'], 'Move the low 32 bits of an integer register to an FP register (NaN-boxed).'),
} as const;

// D extension: double-precision floating point (RISC-V Unprivileged ISA, ch. 21), including the
// conversions between single and double and the RV64-only fmv.x.d / fmv.d.x.

import { fpBuilders } from './fp-builders';

const b = fpBuilders('D');
const XFF = ['rd', 'frs1', 'frs2'] as const;
// Conversions that are always exact; binutils only disassembles them with rm = 0.
const EXACT = { rmObjdumpZero: true };

export const D = {
  fld: b.load('Load a double from memory into an FP register.'),
  fsd: b.store('Store a double from an FP register.'),
  ...b.common(),
  'fcvt.s.d': b.unary(0x20, 1, ['frd', 'frs1', 'rm'], 'Convert double to single (rounded).'),
  'fcvt.d.s': b.unary(0x21, 0, ['frd', 'frs1', 'rm'], 'Convert single to double (exact).', EXACT),
  'feq.d': b.fn3(0x14, 2, XFF, 'Quiet equal compare (NV only for signaling NaN).'),
  'flt.d': b.fn3(0x14, 1, XFF, 'Signaling less-than compare (NV for any NaN).'),
  'fle.d': b.fn3(0x14, 0, XFF, 'Signaling less-or-equal compare (NV for any NaN).'),
  'fclass.d': b.fixed(0x71, 1, ['rd', 'frs1'], 'Classify: one-hot mask (bit 0 = -inf ... bit 9 = quiet NaN).'),
  'fcvt.w.d': b.unary(0x61, 0, ['rd', 'frs1', 'rm'], 'Convert double to signed 32-bit integer (saturating).'),
  'fcvt.wu.d': b.unary(0x61, 1, ['rd', 'frs1', 'rm'], 'Convert double to unsigned 32-bit integer (saturating), sign-extended.'),
  'fcvt.l.d': b.unary(0x61, 2, ['rd', 'frs1', 'rm'], 'Convert double to signed 64-bit integer (saturating).'),
  'fcvt.lu.d': b.unary(0x61, 3, ['rd', 'frs1', 'rm'], 'Convert double to unsigned 64-bit integer (saturating).'),
  'fcvt.d.w': b.unary(0x69, 0, ['frd', 'rs1', 'rm'], 'Convert signed 32-bit integer to double (exact).', EXACT),
  'fcvt.d.wu': b.unary(0x69, 1, ['frd', 'rs1', 'rm'], 'Convert unsigned 32-bit integer to double (exact).', EXACT),
  'fcvt.d.l': b.unary(0x69, 2, ['frd', 'rs1', 'rm'], 'Convert signed 64-bit integer to double.'),
  'fcvt.d.lu': b.unary(0x69, 3, ['frd', 'rs1', 'rm'], 'Convert unsigned 64-bit integer to double.'),
  'fmv.x.d': b.fixed(0x71, 0, ['rd', 'frs1'], 'Move the bits of a double FP register to an integer register.'),
  'fmv.d.x': b.fixed(0x79, 0, ['frd', 'rs1'], 'Move the bits of an integer register to a double FP register.'),
} as const;

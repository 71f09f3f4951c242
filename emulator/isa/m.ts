// M extension: integer multiply and divide (RISC-V Unprivileged ISA, ch. 13). Division by zero
// and signed overflow do not trap: x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0.

import { def, f3, f7, OPC, F3, F7 } from './spec';

const mul = (op: number, fn3: number, desc: string) =>
  def('M', 'R', op | f3(fn3) | f7(1), OPC | F3 | F7, ['rd', 'rs1', 'rs2'], desc);
const OP = 0x33, OP32 = 0x3b;

export const M = {
  mul: mul(OP, 0, 'Multiply, low 64 bits.'),
  mulh: mul(OP, 1, 'Multiply signed x signed, high 64 bits.'),
  mulhsu: mul(OP, 2, 'Multiply signed x unsigned, high 64 bits.'),
  mulhu: mul(OP, 3, 'Multiply unsigned x unsigned, high 64 bits.'),
  div: mul(OP, 4, 'Divide signed (x/0 = -1, MIN/-1 = MIN).'),
  divu: mul(OP, 5, 'Divide unsigned (x/0 = all ones).'),
  rem: mul(OP, 6, 'Remainder signed (x%0 = x, MIN%-1 = 0).'),
  remu: mul(OP, 7, 'Remainder unsigned (x%0 = x).'),
  mulw: mul(OP32, 0, 'Multiply word, sign-extended low 32 bits.'),
  divw: mul(OP32, 4, 'Divide word signed, sign-extended.'),
  divuw: mul(OP32, 5, 'Divide word unsigned, sign-extended.'),
  remw: mul(OP32, 6, 'Remainder word signed, sign-extended.'),
  remuw: mul(OP32, 7, 'Remainder word unsigned, sign-extended.'),
} as const;

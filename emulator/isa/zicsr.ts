// Zicsr: control and status register instructions (RISC-V Unprivileged ISA, ch. 9). In user
// mode the interesting CSRs are fflags (0x001), frm (0x002), fcsr (0x003), cycle (0xc00),
// time (0xc01) and instret (0xc02).

import { def, f3, OPC, F3 } from './spec';

const csr = (fn3: number, imm: boolean, desc: string) =>
  def('Zicsr', imm ? 'CSRI' : 'CSR', 0x73 | f3(fn3), OPC | F3, ['rd', 'csr', imm ? 'zimm' : 'rs1'], desc, { csr: true });

export const ZICSR = {
  csrrw: csr(1, false, 'Atomic read/write CSR: rd = csr; csr = rs1 (no read when rd = x0).'),
  csrrs: csr(2, false, 'Atomic read and set bits: rd = csr; csr |= rs1 (no write when rs1 = x0).'),
  csrrc: csr(3, false, 'Atomic read and clear bits: rd = csr; csr &= ~rs1 (no write when rs1 = x0).'),
  csrrwi: csr(5, true, 'Read/write CSR with a 5-bit immediate.'),
  csrrsi: csr(6, true, 'Read and set CSR bits with a 5-bit immediate (no write when it is 0).'),
  csrrci: csr(7, true, 'Read and clear CSR bits with a 5-bit immediate (no write when it is 0).'),
} as const;

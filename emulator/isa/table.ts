// The ISA table: the single source of truth for RV64GC (docs/architecture.md "The emulator"). Decoder,
// disassembler, encoder, translator, plugins, hover docs and the generated tests all read it.
// `Mnemonic` is derived from the per-extension tables, so `Record<Mnemonic, ...>` handler maps
// fail to compile when an instruction lacks a handler.

import { RV64I } from './rv64i';
import { M } from './m';
import { A } from './a';
import { F } from './f';
import { D } from './d';
import { ZICSR } from './zicsr';
import { ZIFENCEI } from './zifencei';
import type { Operand, SpecDef } from './spec';

export type { Ext, Format, InsnFlags, Operand, SpecDef } from './spec';
export { C_TABLE, type CSpec, type CFields } from './c';

const ALL = { ...RV64I, ...M, ...A, ...F, ...D, ...ZICSR, ...ZIFENCEI } as const;

export type Mnemonic = keyof typeof ALL;

/** Which register file an operand field refers to, if any. */
export type RegFile = 'x' | 'f' | undefined;

export interface InsnSpec extends SpecDef {
  mnemonic: Mnemonic;
  /** Register file read/written through each field (derived from operands). */
  rdFile: RegFile;
  rs1File: RegFile;
  rs2File: RegFile;
  rs3File: RegFile;
  /** Convenience: rdFile === 'x' / 'f' (writes x0 are discarded by the translator). */
  writesRd: boolean;
  readsRs1: boolean;
  readsRs2: boolean;
  readsRs3: boolean;
  /** memSize with 0 for non-memory instructions (from flags). */
  memSize: number;
}

function fileOf(ops: readonly Operand[], x: Operand[], fp: Operand[]): RegFile {
  if (ops.some((o) => x.includes(o))) return 'x';
  if (ops.some((o) => fp.includes(o))) return 'f';
  return undefined;
}

function build(): Record<Mnemonic, InsnSpec> {
  const out = {} as Record<Mnemonic, InsnSpec>;
  for (const [name, d] of Object.entries(ALL) as [Mnemonic, SpecDef][]) {
    const ops = d.operands;
    // Stores and branches read rs2 but have no rd; 'mem'/'addr' read rs1.
    const rdFile = fileOf(ops, ['rd'], ['frd']);
    const rs1File = fileOf(ops, ['rs1', 'mem', 'addr'], ['frs1']);
    const rs2File = fileOf(ops, ['rs2'], ['frs2']);
    const rs3File = fileOf(ops, [], ['frs3']);
    out[name] = {
      ...d, mnemonic: name, rdFile, rs1File, rs2File, rs3File,
      writesRd: rdFile !== undefined, readsRs1: rs1File !== undefined, readsRs2: rs2File !== undefined,
      readsRs3: rs3File !== undefined, memSize: d.flags.memSize ?? 0,
    };
  }
  return out;
}

export const ISA: Readonly<Record<Mnemonic, InsnSpec>> = build();
export const MNEMONICS: readonly Mnemonic[] = Object.keys(ISA) as Mnemonic[];

// Launching a RISC-V assembly file directly: the extension assembles and links it in-process
// with tbscope's assembler (emulator/asm) into a static ELF whose DWARF line table names the
// .s file, so breakpoints and stepping work on its lines, then hands that ELF to the adapter.
// No `vscode` import.

import { assembleExecutable } from '../../emulator/asm';

export const isAsmPath = (p: string): boolean => /\.[sS]$/.test(p);

/** The ELF for an assembly source, or the first errors as "file:line:col: message" lines. */
export function assembleForLaunch(source: string, path: string): { elf: Uint8Array } | { error: string } {
  const slash = path.lastIndexOf('/');
  const { asm, elf } = assembleExecutable(source, { file: path, compDir: slash > 0 ? path.slice(0, slash) : '/' });
  if (elf) return { elf };
  const errors = asm.diagnostics.filter((d) => d.severity === 'error').slice(0, 5);
  return { error: errors.map((d) => `${path}:${d.line}:${d.col}: ${d.message}`).join('\n') || `${path}: could not be assembled` };
}

// Launching a RISC-V assembly source directly: when a launch configuration's `program` is a
// `.s`/`.S` file, the adapter assembles and links it in-process with tbscope's assembler
// (emulator/asm) into a static ELF whose DWARF line table names the source file, so breakpoints
// and stepping work on its lines in any DAP client. The extension relies on this too (it passes
// .s programs through unchanged), so there is one implementation of "assemble for launch".

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assembleExecutable } from '../emulator/asm/index';
import { ConfigError, type LaunchConfig } from './config';
import { fileIncludeReader } from '../emulator/node/host';

export const isAsmPath = (p: string): boolean => /\.[sS]$/.test(p);

/** How many assembler errors a launch failure lists (the editor's Problems view has them all). */
const MAX_ERRORS = 5;

/**
 * The ELF for an assembly source, or its first errors as "file:line:col: message" lines.
 * `.S` files go through the C-preprocessor subset first, as gcc does for them.
 */
export function assembleForLaunch(source: string, file: string): { elf: Uint8Array } | { error: string } {
  const { asm, elf } = assembleExecutable(source, {
    file, compDir: path.dirname(file), preprocess: file.endsWith('.S'), include: fileIncludeReader(path.dirname(file)),
  });
  if (elf) return { elf };
  const errors = asm.diagnostics.filter((d) => d.severity === 'error').slice(0, MAX_ERRORS);
  return { error: errors.map((d) => `${file}:${d.line}:${d.col}: ${d.message}`).join('\n') || `${file}: could not be assembled` };
}

/**
 * Where the ELF built from `source` is kept: named by the source's path and the ELF's bytes, so
 * relaunching an unchanged file reuses it and two sessions on different versions never clash.
 */
export function asmElfPath(source: string, elf: Uint8Array, dir = path.join(tmpdir(), 'tbscope-asm')): string {
  const h = createHash('sha256').update(source).update('\0').update(elf).digest('hex').slice(0, 16);
  return path.join(dir, `${path.basename(source)}-${h}.elf`);
}

/**
 * The configuration to run: unchanged for an ELF; for a `.s`/`.S` program, the same configuration
 * with `program` pointing at the assembled ELF (the cwd, already defaulted to the source's folder
 * by validateConfig, is kept). Throws ConfigError with the assembler's messages when it fails.
 */
export function resolveAsmProgram(cfg: LaunchConfig): LaunchConfig {
  if (!isAsmPath(cfg.program)) return cfg;
  let text: string;
  try { text = readFileSync(cfg.program, 'utf8'); } catch (e) {
    throw new ConfigError(`cannot read ${cfg.program}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const r = assembleForLaunch(text, cfg.program);
  if ('error' in r) throw new ConfigError(`it does not assemble:\n${r.error}`);
  const out = asmElfPath(cfg.program, r.elf);
  if (!existsSync(out)) {
    mkdirSync(path.dirname(out), { recursive: true });
    // Written under a temporary name first: a concurrent launch never reads half a file.
    const part = `${out}.${process.pid}.part`;
    writeFileSync(part, r.elf, { mode: 0o755 });
    renameSync(part, out);
  }
  return { ...cfg, program: out };
}


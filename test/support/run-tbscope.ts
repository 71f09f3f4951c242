// Runs a guest program under tbscope's CLI (`node bin/tbscope`), the way differential tests run
// qemu-riscv64, so both can be compared byte for byte. Built on oracles.ts's runner (a fresh
// bundle of the current sources, never a stale dist/); output comes back as raw bytes.
// `tbscopeMissing()` lets tests skip clearly while the CLI does not exist.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runTbscope as runCli } from './oracles';

/** Why tbscope cannot run here, or undefined when it can. */
export function tbscopeMissing(): string | undefined {
  if (!existsSync(join(REPO_ROOT, 'bin/tbscope'))) return 'bin/tbscope is missing';
  if (!existsSync(join(REPO_ROOT, 'cli/main.ts'))) return 'cli/main.ts is missing (the CLI is not written yet)';
  return undefined;
}

export function runTbscope(elfPath: string, args: string[]): { stdout: Buffer; stderr: Buffer; status: number } {
  const r = runCli([elfPath, ...args], { timeout: 600_000 });
  // oracles.run decodes output as latin1, which maps bytes 1:1, so this restores the exact bytes.
  return { stdout: Buffer.from(r.stdout, 'latin1'), stderr: Buffer.from(r.stderr, 'latin1'), status: r.status };
}

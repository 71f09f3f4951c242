// V8 flags tuned for translated code, applied by the processes that are tbscope's alone: the CLI
// (cli/main.ts) and the standalone debug adapter (adapter/main.ts). Not the VS Code extension
// host, where the adapter runs inline by default: other extensions share that process.
// TBSCOPE_V8_FLAGS="--flag ..." adds to them (a later flag overrides an earlier one).

import { setFlagsFromString } from 'node:v8';

/**
 * TurboFan inlines callees into a function only up to 920 bytes of their bytecode in total, so
 * in a region with dozens of plugin memory-callback sites it inlined the callback at about 5 of
 * them and called it at the rest. A larger total (6000) inlines more sites; a cap per callee
 * (250) keeps the big FPU helpers out of that budget. Inlining them gains nothing, and they would
 * use up the budget. Measured on `npm run bench` (docs/performance.md): hotpages 2-10% faster per
 * program, the runs without plugins and with insn unchanged.
 */
export const V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size=250', '--max-inlined-bytecode-size-cumulative=6000'];

/** The flags tuneV8 sets, in order: V8_FLAGS, then the ones in TBSCOPE_V8_FLAGS. */
export function v8Flags(env: NodeJS.ProcessEnv): string[] {
  return [...V8_FLAGS, ...(env.TBSCOPE_V8_FLAGS ?? '').split(/\s+/).filter(Boolean)];
}

/** Sets v8Flags(env). Generated code compiled afterwards sees them. */
export function tuneV8(env: NodeJS.ProcessEnv = process.env): void {
  for (const flag of v8Flags(env)) setFlagsFromString(flag);
}

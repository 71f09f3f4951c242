// The flag that makes running region code stop at the next TB boundary of a TB that calls
// plugins, so a plugin's request (uninstall, reset, exit) is served there. It is a global
// variable, not a field of the environment object: TurboFan compiles a read of a global that
// was never written as a constant (with a dependency that deoptimizes the code when it is), so
// until a plugin asks for something, the check costs nothing in the loop (a field load and
// test per TB cost 7% of crc-sieve with hotpages). One flag serves every Machine of the
// process: JavaScript runs one region at a time, and each run loop also checks its own
// env.attn, so a flag raised for another Machine only ends a region early, once.

declare global {
  var __tbscopeAttention: number;
}

/** Name generated code reads. */
export const ATTENTION = '__tbscopeAttention';

if (globalThis.__tbscopeAttention === undefined) globalThis.__tbscopeAttention = 0;

export function raiseAttention(): void { globalThis.__tbscopeAttention = 1; }

/** Lowers the flag if it is up (the run loop, at a TB boundary, before entering code again). */
export function clearAttention(): void {
  if (globalThis.__tbscopeAttention !== 0) globalThis.__tbscopeAttention = 0;
}

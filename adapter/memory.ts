// readMemory / writeMemory (VS Code's hex editor, memory references on registers and pointers):
// reads return the readable prefix and report the rest as unreadable instead of failing, so
// scrolling into unmapped memory never breaks the view; writes go through the debugger path
// (ignoring page protection, like ptrace) and drop translated code they overwrite.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { PAGE_SIZE } from '../emulator/memory/types';
import type { Runtime } from './runtime';
import { AdapterError, hex, parseMemoryReference } from './target';

const MAX_READ = 1 << 20;

/** The address a memoryReference + offset names; an error when it is not a guest address. */
function addressOf(args: { memoryReference: string; offset?: number }): number {
  const start = parseMemoryReference(args.memoryReference) + (args.offset ?? 0);
  if (start < 0) throw new AdapterError(`address ${start} is negative`);
  if (!Number.isSafeInteger(start)) throw new AdapterError(`address ${args.memoryReference} + ${args.offset ?? 0} is outside the guest's address space`);
  return start;
}

/** Reads at most MAX_READ bytes; a larger count is answered with the first MAX_READ (the client asks again). */
export function readMemory(rt: Runtime, args: DebugProtocol.ReadMemoryArguments): DebugProtocol.ReadMemoryResponse['body'] {
  const start = addressOf(args);
  if (args.count < 0) throw new AdapterError(`readMemory: 'count' must not be negative, got ${args.count}`);
  const count = Math.min(args.count, MAX_READ);
  const mem = rt.machine.mem;
  const chunks: Uint8Array[] = [];
  let addr = start, got = 0;
  while (got < count) {
    const n = Math.min(count - got, PAGE_SIZE - (addr % PAGE_SIZE));
    if (!mem.isMapped(addr, n)) break;
    chunks.push(mem.read(addr, n, true));
    addr += n; got += n;
  }
  const data = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));
  return { address: hex(start), data: data.toString('base64'), unreadableBytes: count - got };
}

export function writeMemory(rt: Runtime, args: DebugProtocol.WriteMemoryArguments): DebugProtocol.WriteMemoryResponse['body'] {
  const start = addressOf(args);
  if (typeof args.data !== 'string') throw new AdapterError('writeMemory: data (base64) is missing');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(args.data) || args.data.length % 4 === 1 || (args.data.includes('=') && args.data.length % 4 !== 0)) {
    throw new AdapterError(`writeMemory: 'data' is not valid base64`);
  }
  const data = new Uint8Array(Buffer.from(args.data, 'base64'));
  const mem = rt.machine.mem;
  if (!mem.isMapped(start, Math.max(data.length, 1))) {
    if (!args.allowPartial) throw new AdapterError(`cannot write ${data.length} bytes at ${hex(start)}: memory not mapped`);
    let n = 0;
    while (n < data.length && mem.isMapped(start + n, 1)) n++;
    if (n) { mem.write(start, data.subarray(0, n), true); rt.machine.invalidateRange(start, n); }
    return { bytesWritten: n };
  }
  mem.write(start, data, true);
  // Code the guest has translated must be translated again from the new bytes.
  rt.machine.invalidateRange(start, data.length);
  return { bytesWritten: data.length };
}

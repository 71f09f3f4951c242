// Seeded DAP fuzzer against the standalone adapter (adapter/main.ts over stdio): broken frames
// (bad headers, bad JSON, bodies that are not messages, garbage between frames, short
// Content-Lengths) and requests whose arguments are mutated (fields dropped, wrong types,
// huge or negative numbers). After every few messages a `threads` request must still be
// answered, and no answer may carry a JavaScript error text. TBSCOPE_FUZZ=n runs n times longer.

import { strict as assert } from 'node:assert';
import { example } from './helpers';
import { RawClient } from './raw-client';
import { fuzzCases, FUZZ_SEED, Rng } from '../support/fuzz';

const INIT = { adapterID: 'tbscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true };

/** Valid argument templates the mutations start from. */
const TEMPLATES: [string, Record<string, unknown>][] = [
  ['setBreakpoints', { source: { path: example('tiny') }, breakpoints: [{ line: 3, hitCondition: '2' }] }],
  ['setFunctionBreakpoints', { breakpoints: [{ name: '_start', condition: 'a0 == 0' }] }],
  ['setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x10078', offset: 4 }] }],
  ['setDataBreakpoints', { breakpoints: [{ dataId: '0x11000/4', accessType: 'write' }] }],
  ['dataBreakpointInfo', { name: '0x11000', asAddress: true, bytes: 8 }],
  ['setExceptionBreakpoints', { filters: ['signals'] }],
  ['stackTrace', { threadId: 1, startFrame: 0, levels: 20 }],
  ['scopes', { frameId: 1 }],
  ['variables', { variablesReference: 1, start: 0, count: 10 }],
  ['setVariable', { variablesReference: 1, name: 'a0', value: '5' }],
  ['evaluate', { expression: 'a0 + 1', frameId: 1, context: 'watch' }],
  ['readMemory', { memoryReference: '0x10078', offset: 0, count: 64 }],
  ['writeMemory', { memoryReference: '0x11000', offset: 0, data: 'AAAA' }],
  ['disassemble', { memoryReference: '0x10078', offset: 0, instructionOffset: -4, instructionCount: 8 }],
  ['next', { threadId: 1, granularity: 'instruction' }],
  ['stepIn', { threadId: 1 }],
  ['stepOut', { threadId: 1 }],
  ['pause', { threadId: 1 }],
  ['exceptionInfo', { threadId: 1 }],
  ['loadedSources', {}],
  ['modules', { startModule: 0, moduleCount: 5 }],
  ['tbscope/translationBlocks', {}],
  ['tbscope/hotPages', {}],
  ['tbscope/callbackTrace', { max: 10 }],
];

const WEIRD: unknown[] = [null, true, -1, 0, 2 ** 31, 2 ** 53, -(2 ** 60), 1.5, Infinity, '', 'x', '0xffffffffffffffff', '%0', '==abc', [], [1, 'a'], {}, { a: 1 }];

function mutate(rng: Rng, v: unknown, depth = 0): unknown {
  if (depth > 3 || rng.chance(depth === 0 ? 0.05 : 0.25)) return rng.pick(WEIRD);
  if (Array.isArray(v)) return v.map((x) => (rng.chance(0.5) ? mutate(rng, x, depth + 1) : x));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const k of Object.keys(o)) {
      if (rng.chance(0.2)) delete o[k];
      else if (rng.chance(0.4)) o[k] = mutate(rng, o[k], depth + 1);
    }
    return o;
  }
  return rng.chance(0.5) ? rng.pick(WEIRD) : v;
}

/** Raw JSON text for a value (1e400 must reach the wire as a literal: JSON.stringify makes it null). */
const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (x === Infinity ? '__INF__' : x)).replace(/"__INF__"/g, '1e400');

function brokenFrame(rng: Rng, c: RawClient): void {
  const body = '{"seq":999,"type":"request","command":"threads"}';
  switch (rng.int(6)) {
    case 0: c.frame(body.slice(0, rng.int(body.length))); break;                           // truncated JSON
    case 1: c.frame(rng.pick(['null', '[]', '42', '"s"', '{}', '{"type":"request"}', '{"seq":1,"type":"request","command":""}'])); break;
    case 2: c.raw(`Content-Length: ${rng.pick(['abc', '-5', '', '1e3', '99999999999'])}\r\n\r\n${body}`); break;
    case 3: c.raw(Buffer.from(Array.from({ length: 1 + rng.int(40) }, () => rng.int(256)))); break;  // garbage
    case 4: c.raw(`Content-Length: ${rng.int(body.length)}\r\n\r\n${body}`); break;          // short length
    default: c.raw(`X-Other: 1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`); // extra header: valid
  }
}

describe('adapter: DAP fuzzer (standalone adapter over stdio)', function () {
  const cases = fuzzCases(150);
  this.timeout(60_000 + cases * 400);

  it(`${cases} broken frames and mutated requests: every probe answered, no JavaScript error texts`, async () => {
    const rng = new Rng(FUZZ_SEED * 104729 + 3);
    const c = RawClient.stdio();
    let stderr = '';
    c.child!.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    let exit: number | null | undefined;
    c.child!.on('exit', (code) => { exit = code; });
    try {
      assert.equal((await c.request('initialize', INIT, undefined, 30_000)).success, true);
      const launched = c.request('launch', { program: example('tiny'), stopOnEntry: true, deterministic: true });
      await c.request('configurationDone');
      assert.equal((await launched).success, true);
      for (let i = 0; i < cases; i++) {
        const where = `seed ${FUZZ_SEED} case ${i}`;
        if (rng.chance(0.3)) brokenFrame(rng, c);
        else {
          const [command, args] = rng.pick(TEMPLATES);
          const r = await c.request(command, undefined, json(mutate(rng, args)), 10_000).catch((e: Error) => { throw new Error(`${where}: ${command}: ${e.message}`); });
          assert.doesNotMatch(r.message ?? '', /Cannot read prop|is not a function|is not iterable|Invalid array length|cannot be converted|Maximum call stack|internal error/, `${where}: ${command}`);
        }
        if (i % 5 === 4) {
          const probe = await c.request('threads', undefined, undefined, 10_000).catch((e: Error) => { throw new Error(`${where}: probe: ${e.message}`); });
          assert.equal(probe.success, true, where);
        }
      }
      assert.equal(exit, undefined, 'the adapter is still running');
      assert.doesNotMatch(stderr, /internal error/);
    } finally {
      c.close();
    }
  });
});

// Shared helpers for the adapter integration tests: an in-process adapter server on a free port
// driven by @vscode/debugadapter-testsupport's DebugClient, breakpoint lines found by `BP:name`
// markers in the example sources, output collection, and the example paths.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { startServer } from '../../adapter/server';
import { REPO_ROOT } from '../support/oracles';

export const EXAMPLES = join(REPO_ROOT, 'examples');
export const example = (name: string): string => join(EXAMPLES, 'bin', name);
export const source = (name: string): string => join(EXAMPLES, name);

/** 1-based line of the `BP:name` marker in an example source. */
export function markerLine(file: string, name: string): number {
  const lines = readFileSync(source(file), 'utf8').split('\n');
  const i = lines.findIndex((l) => new RegExp(`BP:${name}(\\s|$)`).test(l));
  if (i < 0) throw new Error(`no BP:${name} marker in ${file}`);
  return i + 1;
}

export interface Session {
  dc: DebugClient;
  /** Output events so far, by category. */
  output: Record<string, string>;
  close(): Promise<void>;
}

let server: Server | undefined;

async function port(): Promise<number> {
  if (!server) { server = await startServer(0); server.unref(); }
  return (server.address() as AddressInfo).port;
}

export async function openSession(): Promise<Session> {
  const dc = new DebugClient('node', 'unused', 'tbscope');
  dc.defaultTimeout = 20000;
  await dc.start(await port());
  const output: Record<string, string> = {};
  dc.on('output', (e: DebugProtocol.OutputEvent) => { const c = e.body.category ?? 'console'; output[c] = (output[c] ?? '') + e.body.output; });
  return { dc, output, close: () => dc.stop() };
}

/** initialize → launch (+ configurationDone), resolving once the launch response arrived. */
export async function launch(s: Session, args: Record<string, unknown>, beforeDone?: () => Promise<unknown>): Promise<void> {
  await Promise.all([
    s.dc.waitForEvent('initialized').then(async () => { await beforeDone?.(); return s.dc.configurationDoneRequest(); }),
    s.dc.launch({ deterministic: true, ...args }),
  ]);
}

/** The exit code from the 'exited' event. */
export async function exitCode(s: Session): Promise<number> {
  const e = await s.dc.waitForEvent('exited') as DebugProtocol.ExitedEvent;
  return e.body.exitCode;
}

export async function topFrame(s: Session): Promise<DebugProtocol.StackFrame> {
  const st = await s.dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0];
}

export async function registers(s: Session, frameId?: number): Promise<Map<string, string>> {
  const id = frameId ?? (await topFrame(s)).id;
  const scopes = await s.dc.scopesRequest({ frameId: id });
  const regs = scopes.body.scopes.find((x) => x.name === 'Registers')!;
  const vars = await s.dc.variablesRequest({ variablesReference: regs.variablesReference });
  return new Map(vars.body.variables.map((v) => [v.name, v.value]));
}

/** Requests DebugClient has no method for (instruction breakpoints, memory). */
export async function request<T = Record<string, unknown>>(s: Session, command: string, args: object): Promise<T> {
  return (await s.dc.customRequest(command, args)).body as T;
}

/** Expects a request to fail; returns its error message. */
export async function failure(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).message; }
  throw new Error('request succeeded but should have failed');
}

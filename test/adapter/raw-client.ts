// A DAP client that writes raw bytes (for the hostile-input tests and the DAP fuzzer): frames
// with bad headers or bad JSON, arguments no typed client would send. It reads the adapter's
// answers with the adapter's own frame reader and waits for the one a test expects.

import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { FrameReader } from '../../adapter/framing';
import { startServer } from '../../adapter/server';
import { REPO_ROOT } from '../support/oracles';

export type Message = Record<string, unknown> & { type: string; seq: number };

export class RawClient {
  readonly received: Message[] = [];
  private waiters: (() => void)[] = [];
  private seq = 1;
  private constructor(private readonly out: Writable, input: Readable, readonly close: () => void, readonly child?: ChildProcess) {
    const reader = new FrameReader();
    input.on('data', (d: Buffer) => {
      for (const f of reader.push(d)) if ('message' in f) this.received.push(f.message as Message);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** A session on an in-process TCP server (a fresh server per client). */
  static async tcp(): Promise<RawClient> {
    const server = await startServer(0);
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    return new RawClient(socket, socket, () => { socket.destroy(); server.close(); });
  }

  /** The standalone adapter (adapter/main.ts) as a process over stdio. */
  static stdio(): RawClient {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'adapter', 'main.ts')], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new RawClient(child.stdin!, child.stdout!, () => child.kill(), child);
  }

  raw(bytes: string | Buffer): void { this.out.write(bytes); }
  frame(body: string): void { this.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`); }

  /** Sends a request (args as given, or raw JSON text for the arguments) and waits for its response. */
  async request(command: string, args?: unknown, rawArgs?: string, timeout = 20000): Promise<Message & { success: boolean; message?: string; body?: Record<string, unknown> }> {
    const seq = this.seq++;
    const argText = rawArgs ?? (args === undefined ? undefined : JSON.stringify(args));
    this.frame(`{"seq":${seq},"type":"request","command":${JSON.stringify(command)}${argText === undefined ? '' : `,"arguments":${argText}`}}`);
    return this.waitFor((m) => m.type === 'response' && m.request_seq === seq, timeout, `response to ${command}`) as never;
  }

  /** The first message (already received or to come) matching pred. */
  async waitFor(pred: (m: Message) => boolean, timeout = 20000, what = 'a message'): Promise<Message> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const m = this.received.find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }

  event(name: string, timeout?: number): Promise<Message> {
    return this.waitFor((m) => m.type === 'event' && m.event === name, timeout, `event ${name}`);
  }

  /** Output events so far, joined. */
  output(): string {
    return this.received.filter((m) => m.type === 'event' && m.event === 'output').map((m) => (m.body as { output: string }).output).join('');
  }
}

// Reads DAP's wire format (`Content-Length: N\r\n\r\n` + N bytes of JSON) from a byte stream,
// surviving bad input: a frame with a bad header, invalid JSON or a body that is not a message
// comes out as a problem (the session reports it and goes on) and the reader resynchronises at
// the next `Content-Length:` header. @vscode/debugadapter's own reader shuts the adapter down
// on invalid JSON and never recovers from a header such as `Content-Length: abc`.

/** Largest message accepted (a setBreakpoints of a huge file is well under 1 MiB). */
export const MAX_MESSAGE_BYTES = 64 << 20;
/** Bytes without a header end after which what came so far is dropped as garbage. */
const MAX_HEADER_BYTES = 8192;

export type Frame = { message: Record<string, unknown> } | { problem: string };

const SEPARATOR = Buffer.from('\r\n\r\n');

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Body length of the frame being read, or -1 while reading a header. */
  private length = -1;

  /** Adds bytes; returns every complete frame they finish, in order. */
  push(data: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    const out: Frame[] = [];
    for (;;) {
      if (this.length < 0) {
        const end = this.buf.indexOf(SEPARATOR);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER_BYTES) {
            out.push({ problem: `skipped ${this.buf.length - 64} bytes without a DAP header` });
            this.buf = this.buf.subarray(this.buf.length - 64);
          }
          return out;
        }
        const header = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end + SEPARATOR.length);
        const at = header.lastIndexOf('Content-Length:');
        if (at > 0) out.push({ problem: `skipped ${at} bytes before a DAP header` });
        const m = at < 0 ? null : /^Content-Length: *(\d+) *(\r\n|$)/.exec(header.slice(at));
        const n = m ? Number(m[1]) : NaN;
        if (!(n <= MAX_MESSAGE_BYTES)) {
          const shown = (at < 0 ? header : header.slice(at)).slice(0, 60);
          out.push({ problem: m ? `message of ${n} bytes is over the limit of ${MAX_MESSAGE_BYTES}` : `bad DAP header '${shown}' (expected 'Content-Length: <bytes>')` });
          continue;
        }
        this.length = n;
      }
      if (this.buf.length < this.length) return out;
      const body = this.buf.toString('utf8', 0, this.length);
      this.buf = this.buf.subarray(this.length);
      this.length = -1;
      out.push(parseMessage(body));
    }
  }
}

function parseMessage(body: string): Frame {
  let msg: unknown;
  try { msg = JSON.parse(body); } catch (e) {
    return { problem: `invalid JSON in a DAP message: ${(e as Error).message}` };
  }
  const problem = messageProblem(msg);
  return problem ? { problem } : { message: msg as Record<string, unknown> };
}

/** What is wrong with a decoded message's envelope, or undefined. */
export function messageProblem(msg: unknown): string | undefined {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return `a DAP message must be a JSON object, got ${msg === null ? 'null' : Array.isArray(msg) ? 'an array' : typeof msg}`;
  const m = msg as Record<string, unknown>;
  if (m.type !== 'request' && m.type !== 'response' && m.type !== 'event') return `a DAP message needs 'type' "request", "response" or "event"`;
  if (!Number.isSafeInteger(m.seq)) return `a DAP message needs an integer 'seq'`;
  if (m.type === 'request' && (typeof m.command !== 'string' || m.command === '')) return `a DAP request needs a 'command' string`;
  return undefined;
}

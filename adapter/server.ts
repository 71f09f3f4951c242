// Serving the adapter: over stdio (one session, the default), or as a TCP server bound to
// 127.0.0.1 (`--server=PORT`, one session per connection; never reachable from other hosts).
// Tests use startServer(0) to get an in-process adapter on a free port.

import * as net from 'node:net';
import { TbscopeSession } from './session';

export function startServer(port: number, host = '127.0.0.1'): Promise<net.Server> {
  const server = net.createServer((socket) => {
    // Responses and events are small separate writes: without this, Nagle's algorithm and the
    // client's delayed ACK add ~40 ms to every step.
    socket.setNoDelay(true);
    const session = new TbscopeSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export function runStdio(): void {
  const session = new TbscopeSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

// Entry point of the standalone debug adapter (dist/adapter.js; package.json's debugger
// `program`): DAP over stdio by default, or `--server=PORT` on 127.0.0.1. Nothing but the
// protocol may go to stdout in stdio mode, so diagnostics go to stderr.

import { tuneV8 } from '../emulator/node/v8-tuning';
import { runStdio, startServer } from './server';

function main(argv: readonly string[]): void {
  const serverArg = argv.find((a) => a.startsWith('--server='));
  if (!serverArg) { runStdio(); return; }
  const port = Number(serverArg.slice('--server='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`tbscope-adapter: bad port in ${serverArg}\n`);
    process.exit(1);
  }
  startServer(port).then((s) => {
    const addr = s.address();
    process.stderr.write(`tbscope-adapter: waiting for debug protocol on 127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}\n`);
  }, (e: Error) => {
    process.stderr.write(`tbscope-adapter: cannot listen on 127.0.0.1:${port}: ${e.message}\n`);
    process.exit(1);
  });
}

// A bug in a handler must not take the debug session down with it: report it and go on.
process.on('uncaughtException', (e) => process.stderr.write(`tbscope-adapter: internal error: ${e.stack ?? e.message}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`tbscope-adapter: internal error: ${String((e as Error)?.stack ?? e)}\n`));

tuneV8();
main(process.argv.slice(2));

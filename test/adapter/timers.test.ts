// Timers under the debugger: the adapter runs the guest in slices and fires due timers between
// them (process.ts fireTimers), so linux-timers — alarm + pause, interval timers interrupting
// busy loops, POSIX timers, sigsuspend, sigtimedwait — prints what it prints under
// qemu-riscv64 and exits with the same status.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { QEMU, REPO_ROOT, requireTool, run } from '../support/oracles';
import { exitCode, launch, openSession, type Session } from './helpers';

describe('adapter: guest timers', function () {
  this.timeout(120000);
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('linux-timers runs to the end with qemu-riscv64\'s output and status', async function () {
    const qemu = requireTool(this, QEMU);
    const program = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'linux-timers');
    const want = run(qemu, [program], { env: {} });
    const code = exitCode(s);
    await launch(s, { program, env: {} });
    assert.equal(await code, want.status);
    assert.equal(s.output.stdout, want.stdout);
  });
});

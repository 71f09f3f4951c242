// The adapter runs the guest in slices of instructions; those slices must not change what plugins
// see. A program of about 2.8 M instructions (several deterministic slices, whose ends fall inside
// TBs) is run under the debugger with the bb plugin, and the bb report in the Debug Console must
// equal `bin/tbscope -deterministic -plugin bb -d plugin` for the same program.

import { strict as assert } from 'node:assert';
import { runTbscope } from '../support/oracles';
import { assemble, cleanup, loopProgram, needAs, type Assembled } from '../tcg/asm';
import { exitCode, launch, openSession, type Session } from './helpers';

/** A 9-instruction first TB, then a 7-instruction loop TB 399 999 times: 1 Mi-instruction slice ends are inside TBs. */
const PROGRAM = loopProgram(400000);

/** The bb plugin's report lines ("CPU0: bb's: …", "Total: bb's: …"). */
const bbLines = (text: string): string[] => text.split('\n').filter((l) => /bb's: \d+, insns: \d+/.test(l)).map((l) => l.trim());

describe('adapter: run slices and plugins', function () {
  this.timeout(60000);
  let a: Assembled | undefined;
  let s: Session | undefined;
  before(function () { needAs(this); a = assemble(PROGRAM); });
  after(() => { if (a) cleanup(a); });
  afterEach(async () => { await s?.close(); s = undefined; });

  it('the bb report under the debugger equals the CLI\'s (slices never split a TB)', async () => {
    const cli = runTbscope(['-deterministic', '-plugin', 'bb', '-d', 'plugin', a!.elf]);
    assert.equal(cli.status, 0, cli.stderr);
    const want = bbLines(cli.stdout + cli.stderr);
    assert.deepEqual(want, ['CPU0: bb\'s: 400001, insns: 2800005', 'Total: bb\'s: 400001, insns: 2800005']);

    s = await openSession();
    const code = exitCode(s);
    await launch(s, { program: a!.elf, plugins: ['bb'], deterministic: true });
    assert.equal(await code, 0);
    await new Promise((r) => setTimeout(r, 50));  // output events sent with the exit
    assert.deepEqual(bbLines(s.output.console ?? ''), want);
  });
});

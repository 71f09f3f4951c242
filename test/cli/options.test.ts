// Command-line parsing rules taken from qemu-riscv64 (linux-user/main.c): options stop at the
// program, `--opt` equals `-opt`, `--` ends options, -E/-U take comma lists and apply in order.

import { strict as assert } from 'node:assert';
import { CliError, parseArgs, type Command, type RunOptions } from '../../cli/options';

function runOpts(c: Command): RunOptions {
  assert.equal(c.kind, 'run');
  return (c as { kind: 'run'; options: RunOptions }).options;
}

describe('cli: option parsing (qemu-riscv64 rules)', () => {
  it('options end at the program; its own options pass through', () => {
    const o = runOpts(parseArgs(['-d', 'in_asm', 'prog', '-d', 'x', '--stats']));
    assert.equal(o.program, 'prog');
    assert.deepEqual(o.args, ['-d', 'x', '--stats']);
    assert.deepEqual([...o.log], ['in_asm']);
    assert.equal(o.stats, false);
  });

  it('--opt is -opt, and -- ends the options', () => {
    const o = runOpts(parseArgs(['--stats', '-stats', '--', '-prog-with-dash', 'a']));
    assert.equal(o.stats, true);
    assert.equal(o.program, '-prog-with-dash');
    assert.deepEqual(o.args, ['a']);
  });

  it('-E and -U keep command-line order, comma lists included', () => {
    const o = runOpts(parseArgs(['-E', 'A=1,B=x=y', '-U', 'C,D', '-E', 'A=2', 'p']));
    assert.deepEqual(o.envOps, [{ set: 'A', value: '1' }, { set: 'B', value: 'x=y' }, { unset: 'C' }, { unset: 'D' }, { set: 'A', value: '2' }]);
  });

  it('-plugin is repeatable and TBSCOPE_PLUGIN specs load first', () => {
    const o = runOpts(parseArgs(['-plugin', 'hotblocks,n=3', '-plugin', 'insn', 'p'], { TBSCOPE_PLUGIN: 'bb:mem,inline=on' }));
    assert.deepEqual(o.plugins, ['bb', 'mem,inline=on', 'hotblocks,n=3', 'insn']);
  });

  it('-d help, -h and -version win over a program', () => {
    assert.equal(parseArgs(['-d', 'in_asm,help', 'p']).kind, 'log-help');
    assert.equal(parseArgs(['-h', 'p']).kind, 'help');
    assert.equal(parseArgs(['-version']).kind, 'version');
  });

  it('-singlestep is -one-insn-per-tb, -strace is -d strace, -L/-D/-0 take values', () => {
    const o = runOpts(parseArgs(['-singlestep', '-strace', '-L', '/sys/root', '-D', 'log.txt', '-0', 'name', 'p']));
    assert.equal(o.oneInsnPerTb, true);
    assert.ok(o.log.has('strace'));
    assert.equal(o.ldPrefix, '/sys/root');
    assert.equal(o.logFile, 'log.txt');
    assert.equal(o.argv0, 'name');
  });

  it('mistakes are CliErrors with one-line messages', () => {
    for (const argv of [['-x', 'p'], ['-L'], [], ['-d', 'nope', 'p'], ['-E', '=v', 'p']]) {
      assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof CliError && !e.message.includes('\n'), argv.join(' '));
    }
  });
});

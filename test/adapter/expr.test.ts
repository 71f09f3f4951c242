// The debugger's expression evaluator against C: the same expressions compiled by the RISC-V
// gcc and run under qemu-riscv64 give the values the evaluator must give (precedence, signed
// division, shifts, logic). Memory reads and casts against bytes written here.

import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateExpression, formatValue, normalizeAccess, type EvalEnv } from '../../adapter/expr';
import { GCC, QEMU, requireTool, run } from '../support/oracles';
import { scratchDir } from './programs';

const EXPRS = [
  '(7 + 3) % 4 << 2', '-5 / 2', '-5 % 2', '~5 & 0xff', '1 + 2 * 3 - 4 / 2', '(3 > 2) + (2 >= 2) + (1 == 1) + (1 != 1)',
  '10 >> 1 | 1', '!0 + !5', '5 ^ 3', '0x10 && 0 || 7', '-(3 - 10) * 2', '100 - 3 - 2', '2 * 3 % 4', '1 << 2 + 1', '6 & 3 == 3',
  '(long)0x7fffffff + 1', '(char)300', '(unsigned char)-1', '(short)70000', '-8 >> 1',
];

const noMemory: EvalEnv = {
  readX: () => 0n, readF: () => 0n, pc: () => 0, readMem: () => undefined, symbol: () => undefined,
};

describe('adapter: expression evaluator', function () {
  it('computes what C computes (gcc + qemu-riscv64 as the oracle)', function () {
    const gcc = requireTool(this, GCC);
    const qemu = requireTool(this, QEMU);
    const dir = scratchDir();
    const src = join(dir, 'exprs.c'), bin = join(dir, 'exprs');
    writeFileSync(src, '#include <stdio.h>\nint main(void) {\n' + EXPRS.map((e) => `  printf("%ld\\n", (long)(${e}));\n`).join('') + '  return 0;\n}\n');
    const cc = run(gcc, ['-static', '-O0', '-w', '-o', bin, src]);
    assert.equal(cc.status, 0, cc.stderr);
    const want = run(qemu, [bin]).stdout.trim().split('\n');
    // chars print as gdb prints them (`44 ','`): their number is what C prints with %ld.
    const got = EXPRS.map((e) => formatValue(evaluateExpression(e, noMemory)).replace(/ '.*'$/, ''));
    assert.deepEqual(got, want);
  });

  it('reads memory through *(type*)addr with the type\'s size and signedness', () => {
    const mem = new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x80]);
    const env: EvalEnv = { ...noMemory, readMem: (a, n) => (a >= 0x1000 && a + n <= 0x1008 ? mem.subarray(a - 0x1000, a - 0x1000 + n) : undefined), readX: (r) => (r === 10 ? 0x1000n : 0n) };
    const ev = (e: string) => formatValue(evaluateExpression(e, env));
    assert.equal(ev('*(int*)0x1000'), '-2');
    assert.equal(ev('*(unsigned int*)0x1000'), String(0xfffffffe));
    assert.equal(ev('*(unsigned char*)(a0 + 1)'), "255 '\\377'");
    assert.equal(ev('*(long*)$a0'), String(BigInt.asIntN(64, 0x80000001fffffffen)));
    assert.equal(ev('*(short*)(0x1000 + 6)'), String(-32768));
    assert.throws(() => evaluateExpression('*(int*)0x2000', env), /cannot read 4 bytes at 0x2000/);
    // &name: a variable's (or access path's) address from the environment, else a symbol's.
    const withVars: EvalEnv = { ...env, symbol: (n) => (n === 'sym' ? 0x1004 : undefined), address: (n) => (n === 'v.m' ? 0x1000 : undefined) };
    assert.equal(formatValue(evaluateExpression('*(int*)&v.m', withVars)), '-2');
    assert.equal(formatValue(evaluateExpression('&sym + 2', withVars)), '0x1006');
    assert.throws(() => evaluateExpression('&5', withVars), /not a variable in memory or a symbol/);
    assert.throws(() => evaluateExpression('4 / 0', env), /division by zero/);
    assert.throws(() => evaluateExpression('(1 + 2', env), /expected '\)'/);
  });

  it('turns index expressions (nested ones too) into numbers and (*p).m into p->m before resolving paths', () => {
    const seen: string[] = [];
    const vars: Record<string, bigint> = { i: 1n, j: 2n, 'grid[2][1]': 21n, 'p->x': 7n, 'm[0].k[3]': 30n };
    const env: EvalEnv = {
      ...noMemory,
      variable: (name) => { seen.push(name); return name in vars ? { kind: 'int', v: vars[name], size: 4, signed: true } : undefined; },
    };
    assert.equal(normalizeAccess('grid[i + 1][j - 1]', env), 'grid[2][1]');
    assert.equal(formatValue(evaluateExpression('grid[i + 1][ j - 1 ] * 2', env)), '42');
    assert.equal(formatValue(evaluateExpression('m[grid[j][i] - 21].k[i + j]', env)), '30');
    assert.equal(normalizeAccess('(*p).x + ( * q.r ).s', env), 'p->x + q.r->s');
    assert.equal(formatValue(evaluateExpression('(*p).x', env)), '7');
    assert.ok(seen.includes('grid[2][1]'), `paths looked up: ${seen.join(', ')}`);
    assert.throws(() => evaluateExpression('grid[i - 5]', env), /array index 'i - 5' is negative \(-4\)/);
    assert.throws(() => evaluateExpression('grid[1.5]', env), /array index '1.5' is not an integer/);
  });
});

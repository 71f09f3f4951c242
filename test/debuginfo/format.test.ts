// Value text and DWARF expressions in isolation. Float text is checked against the C library's
// own printf("%.9g" / "%.17g") — what gdb uses — by compiling a tiny RISC-V program and running
// it under qemu-riscv64 on the same bit patterns; expressions against values worked out by hand
// from the DWARF 5 operation definitions (section 2.5.1).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCharArray, formatChar, formatFloat } from '../../emulator/debuginfo/cformat';
import { evaluate, type ExprContext } from '../../emulator/debuginfo/expr';
import { samePath } from '../../emulator/debuginfo/linetable';
import { GCC, QEMU, REPO_ROOT, requireTool, run } from '../support/oracles';

const PRINTF_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    unsigned long long bits = strtoull(argv[i] + 1, 0, 16);
    if (argv[i][0] == 'f') { unsigned int b = (unsigned int)bits; float f; memcpy(&f, &b, 4); printf("%.9g\\n", f); }
    else { double d; memcpy(&d, &bits, 8); printf("%.17g\\n", d); }
  }
  return 0;
}
`;

const DOUBLES = [0.1, 2.5, -1.25, 1e21, 1e-5, 123456789012345680, 5e-324, 1.7976931348623157e308, -0, 1 / 3, 100, 1e16, 0.0001, 12345.678];
const FLOATS = [1.5, 0.1, -1.25, 3.4028234663852886e38, 1e-7, 16777216, 1 / 3, 1e10];

function bitsOf(x: number, single: boolean): string {
  const b = new DataView(new ArrayBuffer(8));
  if (single) { b.setFloat32(0, x, true); return `f${b.getUint32(0, true).toString(16)}`; }
  b.setFloat64(0, x, true);
  return `d${b.getBigUint64(0, true).toString(16)}`;
}

function bytesOf(x: number, single: boolean): Uint8Array {
  const b = new DataView(new ArrayBuffer(single ? 4 : 8));
  if (single) b.setFloat32(0, x, true); else b.setFloat64(0, x, true);
  return new Uint8Array(b.buffer);
}

describe('debuginfo: value text', () => {
  it('formats floats and doubles as printf %.9g / %.17g does (gdb\'s format)', function () {
    requireTool(this, GCC);
    requireTool(this, QEMU);
    const dir = join(REPO_ROOT, '.tmp', `debuginfo-printf-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'p.c'), PRINTF_C);
      const cc = spawnSync(GCC, ['-static', '-O1', '-o', join(dir, 'p'), join(dir, 'p.c')], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      const args = [...DOUBLES.map((x) => bitsOf(x, false)), ...FLOATS.map((x) => bitsOf(x, true))];
      const expected = run(QEMU, [join(dir, 'p'), ...args]).stdout.trim().split('\n');
      const ours = [...DOUBLES.map((x) => formatFloat(bytesOf(x, false))), ...FLOATS.map((x) => formatFloat(bytesOf(x, true)))];
      assert.deepEqual(ours, expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes chars and char arrays with C escapes and gdb\'s repeat folding', () => {
    assert.equal(formatChar(0x71, true), "113 'q'");
    assert.equal(formatChar(200, false), "200 '\\310'");
    assert.equal(formatChar(200, true), "-56 '\\310'");
    assert.equal(formatChar(39, true), "39 '\\''");
    assert.equal(formatCharArray(new TextEncoder().encode('vars\0\0\0\0')), '"vars\\000\\000\\000"');
    assert.equal(formatCharArray(new TextEncoder().encode('a"b\n\0')), '"a\\"b\\n"');
    const run20 = new Uint8Array(24); run20.set([104, 105]);
    assert.equal(formatCharArray(run20), `"hi", '\\000' <repeats 21 times>`);
  });

  it('matches source paths by whole trailing components', () => {
    assert.ok(samePath('debuginfo/vars.c', '/work/x/test/fixtures/debuginfo/vars.c'));
    assert.ok(samePath('debuginfo/vars.c', 'vars.c'));
    assert.ok(!samePath('debuginfo/vars.c', 'ars.c'));
    assert.ok(!samePath('a/vars.c', 'b/vars.c'));
  });
});

describe('debuginfo: DWARF expressions', () => {
  const regs = new Map<number, bigint>([[2, 0x1000n], [8, 0x2000n], [10, 42n]]);
  const mem = new Map<number, bigint>([[0x2000 - 24, 0x1234n], [0x1008, 7n]]);
  const ctx: ExprContext = {
    readReg: (r) => regs.get(r) ?? 0n,
    readMem: (a, n) => (mem.has(a) ? mem.get(a)! & ((1n << BigInt(8 * n)) - 1n) : undefined),
    frameBase: () => 0x2000n,
    cfa: () => 0x1100n,
  };
  const ev = (...bytes: number[]) => evaluate(Uint8Array.from(bytes), ctx);

  it('computes addresses: fbreg, breg, call_frame_cfa, addr', () => {
    assert.deepEqual(ev(0x91, 0x68), { kind: 'memory', addr: 0x2000 - 24 }); // DW_OP_fbreg -24
    assert.deepEqual(ev(0x72, 0x08), { kind: 'memory', addr: 0x1008 }); // DW_OP_breg2 +8
    assert.deepEqual(ev(0x9c), { kind: 'memory', addr: 0x1100 }); // DW_OP_call_frame_cfa
    assert.deepEqual(ev(0x03, 0x08, 0x20, 0x05, 0, 0, 0, 0, 0), { kind: 'memory', addr: 0x52008 }); // DW_OP_addr
  });

  it('names registers, computes values and splits pieces', () => {
    assert.deepEqual(ev(0x5a), { kind: 'register', reg: 10 }); // DW_OP_reg10
    assert.deepEqual(ev(0x90, 0x28), { kind: 'register', reg: 40 }); // DW_OP_regx 40 (fs0... f8)
    assert.deepEqual(ev(0x7a, 0x7f, 0x9f), { kind: 'value', value: 41n }); // breg10 -1; stack_value
    // 5 2 minus, 3 mul, dup, plus → (5-2)*3*2 = 18
    assert.deepEqual(ev(0x35, 0x32, 0x1c, 0x33, 0x1e, 0x12, 0x22, 0x9f), { kind: 'value', value: 18n });
    // deref of fbreg -24, then plus_uconst 1
    assert.deepEqual(ev(0x91, 0x68, 0x06, 0x23, 0x01, 0x9f), { kind: 'value', value: 0x1235n });
    // lit1; bra +1 (skips the lit2); lit3 → stack holds 3
    assert.deepEqual(ev(0x31, 0x28, 0x01, 0x00, 0x32, 0x33, 0x9f), { kind: 'value', value: 3n });
    const pieces = ev(0x5a, 0x93, 0x04, 0x58, 0x93, 0x04); // reg10 piece 4, reg8 piece 4
    assert.deepEqual(pieces, { kind: 'pieces', pieces: [{ loc: { kind: 'register', reg: 10 }, size: 4 }, { loc: { kind: 'register', reg: 8 }, size: 4 }] });
  });

  it('reports an entry value it cannot recover as optimized out', () => {
    assert.deepEqual(ev(0xa3, 0x01, 0x5a, 0x9f), { kind: 'optimized' });
    assert.deepEqual(evaluate(Uint8Array.from([0xa3, 0x01, 0x5a, 0x9f]), { ...ctx, entryValue: () => 9n }), { kind: 'value', value: 9n });
  });
});

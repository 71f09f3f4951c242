// Generated per-instruction differential tests: every mnemonic of the ISA table (and every
// compressed form) runs on edge operands in a generated static ELF (test/support/elf-writer.ts);
// qemu-riscv64 is the oracle and tbscope must produce byte-identical register dumps. Also
// checks, against qemu, which borderline encodings are illegal (SIGILL) exactly when our
// decoder rejects them, and that ebreak ends the program the way it does under qemu.

import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWord } from '../../emulator/isa/decode';
import { encode } from '../../emulator/isa/encode';
import { runTbscope, tbscopeMissing } from '../support/run-tbscope';
import { QEMU, requireTool, run, skipBecause } from '../support/oracles';
import { tmpDir } from './objdump';
import { generateCases } from './semantics-cases';
import { RECORD_BYTES, buildProgram, buildSingle, type Case } from './semantics-harness';

/** qemu-riscv64 run with output as raw bytes (oracles.run decodes latin1, a 1:1 byte mapping). */
function runQemu(elf: string): { stdout: Buffer; stderr: string; status: number } {
  const r = run(QEMU, [elf]);
  return { stdout: Buffer.from(r.stdout, 'latin1'), stderr: r.stderr, status: r.status };
}

const hex64 = (b: Buffer, off: number) => '0x' + b.readBigUInt64LE(off).toString(16);
function record(b: Buffer, i: number): string {
  const o = i * RECORD_BYTES;
  if (b.length < o + RECORD_BYTES) return '(missing)';
  return `a0=${hex64(b, o)} fa0=${hex64(b, o + 8)} fcsr=${hex64(b, o + 16)} mem=${hex64(b, o + 24)},${hex64(b, o + 32)}`;
}

describe('per-instruction semantics vs qemu-riscv64 (generated from the ISA table)', function () {
  this.timeout(600_000);
  const groups = generateCases();
  const all: Case[] = [];
  const ranges = new Map<string, [number, number]>();
  for (const [m, cases] of groups) { ranges.set(m, [all.length, all.length + cases.length]); all.push(...cases); }
  let elfPath = '';
  let qemu: Buffer | undefined;
  // Each case runs once, so a TB's first code (memory and FPU helper calls) is what runs; the
  // -hot-code run checks the inline fast paths that regions and promoted TBs use.
  const tiers = [{ name: 'first code', args: [] as string[] }, { name: '-hot-code', args: ['-hot-code'] }];
  let tb: ReturnType<typeof runTbscope>[] = [];
  let tbWhyNot: string | undefined;

  before(function () {
    const dir = tmpDir('semantics-');
    elfPath = join(dir, 'semantics.elf');
    writeFileSync(elfPath, buildProgram(all).elf, { mode: 0o755 });
    requireTool(this, QEMU);
    const q = runQemu(elfPath);
    assert.equal(q.status, 0, `the generated ELF runs under qemu: ${q.stderr.toString()}`);
    qemu = q.stdout;
    tbWhyNot = tbscopeMissing();
    if (!tbWhyNot) tb = tiers.map((t) => runTbscope(elfPath, t.args));
  });

  it('the generated ELF passes under qemu and covers every mnemonic', function () {
    assert.equal(qemu!.length, all.length * RECORD_BYTES);
    for (const [m, [a, b]] of ranges) if (!['ebreak'].includes(m)) assert.ok(b > a, `${m} has cases`);
  });

  it('tbscope runs the generated ELF to completion', function () {
    if (tbWhyNot) skipBecause(this, tbWhyNot);
    tiers.forEach((t, k) => {
      assert.equal(tb[k].status, 0, `${t.name}: exit status; stderr: ${tb[k].stderr.toString().slice(0, 2000)}`);
      assert.equal(tb[k].stdout.length, qemu!.length, `${t.name}: output length`);
    });
  });

  for (const [m, [a, b]] of ranges) {
    if (a === b) continue;
    it(`${m}: ${b - a} cases identical to qemu`, function () {
      if (tbWhyNot) skipBecause(this, tbWhyNot);
      const bad: string[] = [];
      tiers.forEach((t, k) => {
        const out = tb[k].stdout;
        for (let i = a; i < b; i++) {
          const o = i * RECORD_BYTES;
          if (out.length < o + RECORD_BYTES || !out.subarray(o, o + RECORD_BYTES).equals(qemu!.subarray(o, o + RECORD_BYTES))) {
            if (bad.length < 5) bad.push(`${all[i].label} (${t.name})\n      qemu:    ${record(qemu!, i)}\n      tbscope: ${record(out, i)}`);
            else { bad.push('...'); break; }
          }
        }
      });
      assert.deepEqual(bad, []);
    });
  }
});

describe('illegal encodings: our decoder rejects exactly what qemu-riscv64 rejects', function () {
  this.timeout(600_000);
  const fadd = encode('fadd.d', { rd: 10, rs1: 11, rs2: 12, rm: 0 });
  const encodings: [string, number, 2 | 4][] = [
    ['c.addi4spn nzuimm=0', 0x0004, 2], ['quadrant 0 reserved', 0x8000, 2], ['c.addi16sp 0', 0x6101, 2],
    ['c.lui 0', 0x6501, 2], ['c.ldsp rd=0', 0x6002, 2], ['c.lwsp rd=0', 0x4002, 2],
    ['c.addiw rd=0', 0x2001, 2], ['c.jr rs1=0', 0x8002, 2], ['c.lui rd=0 hint', 0x6005, 2], ['c.li rd=0 hint', 0x4005, 2],
    ['c.mv rd=0 hint', 0x802e, 2], ['c.add rd=0 hint', 0x902e, 2], ['c.nop hint', 0x0005, 2], ['c.srli64', 0x8001, 2],
    ['c.addi imm=0 hint', 0x0501, 2], ['c.slli rd=0 hint', 0x0006, 2], ['reserved c.subw space', 0x9c41, 2], ['c.slli64 hint', 0x0502, 2],
    ['fadd.d rm=5', (fadd | (5 << 12)) >>> 0, 4], ['fadd.d rm=6', (fadd | (6 << 12)) >>> 0, 4], ['fadd.d rm=4', (fadd | (4 << 12)) >>> 0, 4],
    ['fcvt.d.w rm=1', (encode('fcvt.d.w', { rd: 10, rs1: 11, rm: 1 })) >>> 0, 4],
    ['slliw shamt[5]', (encode('slliw', { rd: 10, rs1: 11, imm: 1 }) | (1 << 25)) >>> 0, 4],
    ['lr.w rs2!=0', (encode('lr.w', { rd: 10, rs1: 11 }) | (3 << 20)) >>> 0, 4],
    ['fence with rd/rs1 set', 0x0ff5150f >>> 0, 4], ['fence.i with imm', 0x0015100f >>> 0, 4],
    ['csrrw funct3=4', 0x00004073, 4], ['OP funct7=2', 0x04b50533, 4], ['48-bit prefix', 0x0000001f, 4],
  ];
  before(function () {
    requireTool(this, QEMU);
  });
  for (const [what, value, size] of encodings) {
    it(`${what} (0x${value.toString(16)})`, function () {
      const dir = tmpDir('illegal-');
      const elf = join(dir, 'x.elf');
      writeFileSync(elf, buildSingle([{ value, size }]), { mode: 0o755 });
      const q = runQemu(elf);
      const ours = decodeWord(0x10000, value) !== undefined;
      assert.equal(q.stdout.toString(), 'A');
      assert.equal(q.status !== 128 + 4, ours, `qemu status ${q.status}, our decoder ${ours ? 'accepts' : 'rejects'}`);
      if (!ours) assert.equal(q.status, 128 + 4, 'SIGILL');
      if (!tbscopeMissing()) {
        const t = runTbscope(elf, []);
        assert.equal(t.status, q.status, `tbscope status; stderr ${t.stderr.toString()}`);
        assert.equal(t.stdout.toString(), 'A');
      }
    });
  }

  it('ebreak ends the program as under qemu (SIGTRAP)', function () {
    const dir = tmpDir('ebreak-');
    const elf = join(dir, 'x.elf');
    writeFileSync(elf, buildSingle([{ value: encode('ebreak'), size: 4 }]), { mode: 0o755 });
    const q = runQemu(elf);
    assert.equal(q.stdout.toString(), 'A');
    assert.equal(q.status, 128 + 5);
    if (!tbscopeMissing()) {
      const t = runTbscope(elf, []);
      assert.equal(t.status, q.status);
      assert.equal(t.stdout.toString(), 'A');
    }
  });
});

// Decoder properties: every table entry round-trips through encode/decode with random operands,
// no two entries overlap, the fast bucket dispatch agrees with a full table scan, compressed
// forms expand to base instructions whose re-encoding the decoder maps back to the same fields,
// and reserved/illegal encodings are rejected. (Which encodings QEMU itself rejects is checked
// against qemu-riscv64 in semantics.test.ts.)

import { strict as assert } from 'node:assert';
import { decode, decodeWord, lookup32 } from '../../emulator/isa/decode';
import { encode, encodeCompressed, type EncodeFields } from '../../emulator/isa/encode';
import { ISA, MNEMONICS, C_TABLE, type InsnSpec } from '../../emulator/isa/table';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function randomImm(s: InsnSpec, r: number): number {
  switch (s.format) {
    case 'I': case 'S': return (r % 4096) - 2048;
    case 'B': return ((r % 4096) - 2048) * 2;
    case 'J': return ((r % (1 << 20)) - (1 << 19)) * 2;
    case 'U': return (r & 0xfffff000) | 0;
    case 'SH6': return r % 64;
    case 'SH5': case 'CSRI': return r % 32;
    default: return 0;
  }
}

describe('ISA table', function () {
  it('has every extension the issue asks for', function () {
    const exts = new Set(MNEMONICS.map((m) => ISA[m].ext));
    assert.deepEqual([...exts].sort(), ['A', 'D', 'F', 'I', 'M', 'Zicsr', 'Zifencei']);
    // RV64I 52 (incl. fence/ecall/ebreak), M 13, A 22, F 30, D 32, Zicsr 6, Zifencei 1
    assert.equal(MNEMONICS.length, 52 + 13 + 22 + 30 + 32 + 6 + 1);
  });

  it('no two entries match the same word', function () {
    for (let a = 0; a < MNEMONICS.length; a++) {
      for (let b = a + 1; b < MNEMONICS.length; b++) {
        const x = ISA[MNEMONICS[a]], y = ISA[MNEMONICS[b]];
        assert.notEqual((x.match ^ y.match) & x.mask & y.mask, 0, `${x.mnemonic} overlaps ${y.mnemonic}`);
      }
    }
  });

  it('every entry: match bits lie inside its mask and the low bits are 11', function () {
    for (const m of MNEMONICS) {
      const s = ISA[m];
      assert.equal((s.match & ~s.mask) >>> 0, 0, m);
      assert.equal(s.match & 3, 3, m);
      assert.ok(s.desc.length > 8, `${m} has a description`);
    }
  });
});

describe('decode', function () {
  it('round-trips every table entry through encode with random operands', function () {
    const next = rng(42);
    for (const m of MNEMONICS) {
      const s = ISA[m];
      for (let k = 0; k < 200; k++) {
        const f: EncodeFields = {
          rd: next() % 32, rs1: next() % 32, rs2: next() % 32, rs3: next() % 32,
          imm: randomImm(s, next()), rm: [0, 1, 2, 3, 4, 7][next() % 6], csr: next() % 4096,
          aq: (next() & 1) === 1, rl: (next() & 1) === 1, pred: next() % 16, succ: next() % 16,
        };
        const w = encode(m, f);
        const i = decodeWord(0x10000, w);
        assert.ok(i, `${m} ${w.toString(16)} decodes`);
        assert.equal(i.op, m);
        assert.equal(i.size, 4);
        assert.equal(i.raw, w);
        if (s.rdFile) assert.equal(i.rd, f.rd, `${m} rd`); else assert.equal(i.rd, 0);
        if (s.rs1File) assert.equal(i.rs1, f.rs1, `${m} rs1`);
        if (s.rs2File) assert.equal(i.rs2, f.rs2, `${m} rs2`);
        if (s.rs3File) assert.equal(i.rs3, f.rs3, `${m} rs3`);
        if (['I', 'S', 'B', 'J', 'U', 'SH5', 'SH6', 'CSRI'].includes(s.format)) assert.equal(i.imm, f.imm, `${m} imm`);
        if (s.flags.hasRm) assert.equal(i.rm, f.rm);
        if (s.format === 'CSR' || s.format === 'CSRI') assert.equal(i.csr, f.csr);
        if (s.ext === 'A') { assert.equal(i.aq, f.aq); assert.equal(i.rl, f.rl); }
        if (s.format === 'FENCE') { assert.equal(i.pred, f.pred); assert.equal(i.succ, f.succ); }
      }
    }
  });

  it('bucket dispatch agrees with a linear scan of the table on random words', function () {
    const next = rng(7);
    for (let k = 0; k < 200000; k++) {
      const w = (next() | 3) >>> 0;
      const scan = MNEMONICS.find((m) => ((w ^ ISA[m].match) & ISA[m].mask) === 0);
      assert.equal(lookup32(w)?.mnemonic, scan, w.toString(16));
    }
  });

  it('decodes compressed forms to base ops whose encoding decodes to the same fields', function () {
    let n = 0;
    for (let x = 0; x < 0x10000; x++) {
      if ((x & 3) === 3) continue;
      const i = decode(0x10000, x, 0);
      if (!i) continue;
      n++;
      assert.equal(i.size, 2);
      assert.ok(i.cop?.startsWith('c.'), i.cop);
      const w = encode(i.op, { ...i, rm: 7 });
      const back = decodeWord(0x10000, w)!;
      for (const k of ['rd', 'rs1', 'rs2', 'imm'] as const) assert.equal(back[k], i[k], `${i.cop} ${x.toString(16)} ${k}`);
      assert.equal(encodeCompressed(i.cop!, i), x, `encodeCompressed ${i.cop} ${x.toString(16)}`);
    }
    assert.equal(encodeCompressed('c.addi4spn', { rd: 10, rs1: 2, imm: 0 }), undefined, 'reserved forms have no encoding');
    assert.ok(n > 45000, `${n} legal compressed parcels`);
    assert.equal(new Set(C_TABLE.map((c) => c.cop)).size, C_TABLE.length);
  });

  it('rejects reserved and illegal encodings', function () {
    const illegal: [string, number][] = [
      ['all-zero parcel', 0x0000],
      ['c.addi4spn nzuimm=0', 0x0004],
      ['quadrant 0 funct3=100 (reserved)', 0x8000],
      ['c.addi16sp nzimm=0', 0x6101],
      ['c.lui nzimm=0', 0x6501],
      ['c.ldsp rd=0', 0x6002],
      ['c.subw-space reserved (funct2=10)', 0x9c41],
      ['all ones', 0xffffffff],
      ['48-bit prefix', 0x0000001f],
      ['fadd.d rm=5', encode('fadd.d', { rd: 10, rs1: 11, rs2: 12, rm: 0 }) | (5 << 12)],
      ['fcvt.w.s rm=6', encode('fcvt.w.s', { rd: 10, rs1: 11, rm: 0 }) | (6 << 12)],
      ['fmadd.s rm=5', encode('fmadd.s', { rd: 1, rs1: 2, rs2: 3, rs3: 4, rm: 0 }) | (5 << 12)],
      ['slliw shamt[5]=1', encode('slliw', { rd: 1, rs1: 1, imm: 1 }) | (1 << 25)],
      ['lr.w with rs2 != 0', encode('lr.w', { rd: 1, rs1: 2 }) | (3 << 20)],
      ['fsqrt.d with rs2 != 0', encode('fsqrt.d', { rd: 1, rs1: 2 }) | (1 << 20)],
      ['csrrw funct3=4', 0x00004073],
      ['OP funct7=0x02', 0x04000033],
    ];
    for (const [what, w] of illegal) assert.equal(decodeWord(0, w >>> 0), undefined, what);
  });

  it('fills the Insn contract for a few known encodings', function () {
    const li = decodeWord(0x1000, 0x00a00513)!;        // addi a0,zero,10
    assert.deepEqual([li.op, li.rd, li.rs1, li.imm, li.size], ['addi', 10, 0, 10, 4]);
    const lui = decodeWord(0x1000, 0xfffff2b7)!;       // lui t0,0xfffff
    assert.equal(lui.imm, -4096);
    const sp = decode(0x1000, 0x7139, 0)!;             // c.addi16sp sp,-64
    assert.deepEqual([sp.op, sp.cop, sp.rd, sp.rs1, sp.imm, sp.size, sp.raw], ['addi', 'c.addi16sp', 2, 2, -64, 2, 0x7139]);
    const amo = decodeWord(0, 0x1605b52f)!;            // lr.d.aqrl a0,(a1)
    assert.deepEqual([amo.op, amo.aq, amo.rl], ['lr.d', true, true]);
  });
});

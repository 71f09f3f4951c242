// Reports of the built-in plugins on a scripted program run by the FakeMachine. Expected text is
// built from the QEMU sources' printf formats (quoted beside each check) and from counts derived
// from the script itself, so a wrong count or a drifted format both fail.

import { strict as assert } from 'node:assert';
import { disassemble } from '../../emulator/isa/disasm';
import { PluginExit } from '../../emulator/plugins/core';
import { loadBuiltin } from '../../emulator/plugins/loader';
import { traceBuffer } from '../../emulator/plugins/builtin/trace';
import { capture, FakeMachine, simpleTb, type FakeTb } from './fake-machine';

// TB0 @0x1000: 3 insns, the 2nd loads 4 bytes @0x10010 and stores 8 bytes @0x11020.
// TB1 @0x2000: 2 insns, the 1st stores 1 byte @0x12000. The run executes TB0 three times, TB1 twice.
const program = (): FakeTb[] => [
  simpleTb(0x1000, 3, i => (i === 1 ? [{ addr: 0x10010, sizeShift: 2, store: false, value: 7n }, { addr: 0x11020, sizeShift: 3, store: true, value: 9n }] : undefined)),
  simpleTb(0x2000, 2, i => (i === 0 ? [{ addr: 0x12000, sizeShift: 0, store: true, value: 1n }] : undefined)),
];
const SCHEDULE = [0, 1, 0, 0, 1];

function facts(tbs: FakeTb[], schedule: number[]) {
  let insns = 0, loads = 0, stores = 0;
  for (const t of schedule) {
    insns += tbs[t].insns.length;
    for (const i of tbs[t].insns) for (const a of i.mem ?? []) { if (a.store) stores++; else loads++; }
  }
  return { blocks: schedule.length, insns, loads, stores };
}

/** Loads the spec, runs the program to exit, returns everything printed with outs. */
function runWith(spec: string | string[], schedule = SCHEDULE) {
  const c = capture();
  const m = new FakeMachine(program(), c.opts);
  for (const s of ([] as string[]).concat(spec)) loadBuiltin(m.plugins, s);
  m.start();
  let exit: PluginExit | undefined;
  try { m.run(schedule); } catch (e) { if (e instanceof PluginExit) exit = e; else throw e; }
  m.exit();
  return { text: c.out.join(''), m, exit, files: c.files, err: c.err };
}

const hex16 = (n: number) => n.toString(16).padStart(16, '0');
const f = facts(program(), SCHEDULE);

describe('plugins: built-in reports', () => {
  it('bb: "CPU%d: bb\'s: %lu, insns: %lu" and "Total: …", callback and inline agree', () => {
    const want = `CPU0: bb's: ${f.blocks}, insns: ${f.insns}\nTotal: bb's: ${f.blocks}, insns: ${f.insns}\n`;
    assert.equal(runWith('bb').text, want);
    assert.equal(runWith('bb,inline=on').text, want);
  });

  it('insn: "cpu %d insns: %lu" / "total insns: %lu"; sizes=on counts translated sizes', () => {
    const want = `cpu 0 insns: ${f.insns}\ntotal insns: ${f.insns}\n`;
    assert.equal(runWith('insn').text, want);
    assert.equal(runWith('libinsn.so,inline=on').text, want);
    assert.equal(runWith('insn,sizes=on').text, `len 4 bytes: ${3 + 2} insns\n`);
  });

  it('insn match=: records, hits and the per-match summary', () => {
    const tbs = program(), jal = disassemble(tbs[0].insns[2].insn);
    const { text } = runWith(`insn,match=${jal.split('\t')[0]}`);
    const lines = text.split('\n');
    assert.ok(lines.includes(`Created record for: 1008 ${jal}`), text);
    assert.ok(lines.includes(`Match: ${jal.split('\t')[0]}, hits ${SCHEDULE.length}`), text);
    assert.ok(lines.includes(`  1008: ${jal} (hits 3)`) && lines.includes(`  2004: ${disassemble(tbs[1].insns[1].insn)} (hits 2)`), text);
  });

  it('mem: "mem accesses: %lu" (inline, callback, track=r|w); nothing without inline/callback', () => {
    assert.equal(runWith('mem,inline=on').text, `mem accesses: ${f.loads + f.stores}\n`);
    assert.equal(runWith('mem,callback=on').text, `mem accesses: ${f.loads + f.stores}\n`);
    assert.equal(runWith('mem,callback=on,track=w').text, `mem accesses: ${f.stores}\n`);
    assert.equal(runWith('mem,inline=on,track=r').text, `mem accesses: ${f.loads}\n`);
    assert.equal(runWith('mem').text, '');
  });

  it('mem print-accesses: QEMU CSV header and "0x%x,%s,0x%x,0x%x,%d,%s,value" lines', () => {
    const { text } = runWith('mem,print-accesses=on', [1]);
    assert.equal(text, 'insn_vaddr,insn_symbol,mem_vaddr,mem_hwaddr,access_size,access_type,mem_value\n' +
      '0x2000,,0x12000,0x0,8,store,0x01\n');
  });

  it('hotpages: header, "0x%016x, 0x%04x, %d, 0x%04x, %d" rows; the last sorted page is not listed', () => {
    const head = 'Addr, RCPUs, Reads, WCPUs, Writes\n';
    // pages: 0x10000 3 reads, 0x11000 3 writes, 0x12000 2 writes
    assert.equal(runWith('hotpages').text,
      `${head}0x${hex16(0x10000)}, 0x0001, 3, 0x0000, 0\n0x${hex16(0x11000)}, 0x0000, 0, 0x0001, 3\n`);
    assert.equal(runWith('hotpages,sortby=address').text,
      `${head}0x${hex16(0x12000)}, 0x0000, 0, 0x0001, 2\n0x${hex16(0x11000)}, 0x0000, 0, 0x0001, 3\n`);
    assert.equal(runWith('hotpages,sortby=writes').text.split('\n')[1], `0x${hex16(0x11000)}, 0x0000, 0, 0x0001, 3`);
    assert.equal(runWith('hotpages', [1]).text, head, 'a single page is not listed (QEMU needs two)');
  });

  it('hotblocks: "collected %d entries…", "pc, tcount, icount, ecount", rows', () => {
    const want = `collected 2 entries in the hash table\npc, tcount, icount, ecount\n0x${hex16(0x1000)}, 1, 3, 3\n`;
    assert.equal(runWith('hotblocks').text, want);
    assert.equal(runWith('hotblocks,inline=on').text, want);
  });

  it('howvec: RISC-V classes by opcode with "Class: %-24s\\t(%lu hits)"', () => {
    // addi a0,a0,1 is OP-IMM, jal x0,0 is JAL: 8 and 5 executions in the schedule
    const cls = (name: string, n: number) => `Class: ${name.padEnd(24)}\t(${n} hits)\n`;
    const want = 'Instruction Classes:\n' + cls('  ALU (imm)', 8) + cls('  Jump (jal)', 5) +
      `Class: ${'Unclassified'.padEnd(24)}\tcounted individually\n`;
    assert.equal(runWith('howvec').text, want);
    assert.equal(runWith('howvec,inline=on').text, want);
    const indiv = runWith('howvec,count=alui').text;
    assert.ok(indiv.includes(`Class: ${'  ALU (imm)'.padEnd(24)}\tcounted individually\n`), indiv);
    assert.ok(runWith('howvec,count=!jal').text.includes(`Class: ${'  Jump (jal)'.padEnd(24)}\tnot counted\n`));
  });

  it('syscall: statistics table by default, per-call lines with print=on', () => {
    const c = capture();
    const m = new FakeMachine([], c.opts);
    loadBuiltin(m.plugins, 'syscall');
    m.start();
    for (const [num, ret] of [[64, 5], [63, -9], [64, 3]]) { m.plugins.syscall(0, num, []); m.plugins.syscallRet(0, num, ret); }
    m.exit();
    // "%-13" PRIi64 "%-6" PRIi64 " %" PRIi64
    assert.equal(c.out.join(''), 'syscall no.  calls  errors\n' + `${'64'.padEnd(13)}${'2'.padEnd(6)} 0\n` + `${'63'.padEnd(13)}${'1'.padEnd(6)} 1\n`);
    const p = capture();
    const m2 = new FakeMachine([], p.opts);
    loadBuiltin(m2.plugins, 'syscall,print=on');
    m2.start(); m2.plugins.syscall(0, 93, []); m2.plugins.syscallRet(0, 93, -2); m2.exit();
    assert.equal(p.out.join(''), 'syscall #93\nsyscall #93 returned -> -2\n');
  });

  it('syscall log_writes=on hex-dumps write buffers like QEMU', () => {
    const c = capture();
    const m = new FakeMachine([], c.opts);
    loadBuiltin(m.plugins, 'syscall,print=on,log_writes=on');
    m.start();
    m.mem.write(0x10000, new TextEncoder().encode('hi there\n'));
    m.plugins.syscall(0, 64, [1n, 0x10000n, 9n]);
    assert.equal(c.out[1], '68 69 20 74 68 65 72 65 0a ' + '   '.repeat(7) + ' | hi.there.\n');
  });

  it('execlog: "%u, 0x%x, 0x%x, \\"%s\\"" per instruction with ", load|store, 0x%08x" accesses', () => {
    const tbs = program();
    const { text } = runWith('execlog', [0]);
    const line = (i: number, extra = '') => `0, 0x${tbs[0].insns[i].insn.pc.toString(16)}, 0x${tbs[0].insns[i].insn.raw.toString(16)}, "${disassemble(tbs[0].insns[i].insn)}"${extra}`;
    assert.equal(text, [line(0), line(1, ', load, 0x00010010, store, 0x00011020'), line(2)].join('\n') + '\n');
    const filtered = runWith('execlog,afilter=0x1004', [0]).text;
    assert.equal(filtered, line(1, ', load, 0x00010010, store, 0x00011020') + '\n');
  });

  it('cflow: taken branches with destinations, "(null)" without a symbol', () => {
    const tbs = program();
    const d = (t: number, i: number) => disassemble(tbs[t].insns[i].insn);
    const { text } = runWith('cflow', [0, 1, 0]);
    assert.equal(text, 'collected 5 control flow nodes in the hash table\n' +
      `  addr: 0x1008 (null): ${d(0, 2)} (branch)\n    branches 1\n      to 0x2000 (1)\n` +
      `  addr: 0x2004 (null): ${d(1, 1)} (branch)\n    branches 1\n      to 0x1000 (1)\n`);
  });

  it('stoptrigger: icount=N stops at instruction N+1 with QEMU\'s message and the exit code', () => {
    // the 5th instruction of the run is TB1's second (0x2004)
    const r = runWith('stoptrigger,icount=4:7');
    assert.equal(r.text, 'icount reached at 0x2004, exiting\n');
    assert.equal(r.exit?.code, 7);
    const a = runWith('stoptrigger,addr=0x2000:3');
    assert.equal(a.text, '0x2000 reached, exiting\n');
    assert.equal(a.exit?.code, 3);
  });

  it('drcov: drcov v2 header, module line and binary BB table of executed blocks', () => {
    const { files } = runWith('drcov,filename=cov.drcov', [0]);
    const data = files.get('cov.drcov')!;
    const text = new TextDecoder('latin1').decode(data);
    const head = 'DRCOV VERSION: 2\nDRCOV FLAVOR: drcov-64\nModule Table: version 2, count 1\nColumns: id, base, end, entry, path\n' +
      '0, 0x1000, 0x2000, 0x1000, /fake/prog\nBB Table: 1 bbs\n';
    assert.equal(text.slice(0, head.length), head);
    const v = new DataView(data.buffer, data.byteOffset + head.length);
    assert.deepEqual([v.getUint32(0, true), v.getUint16(4, true), v.getUint16(6, true)], [0x1000, 12, 0]);
    assert.equal(data.length, head.length + 8);
  });

  it('cache: per-core table and top-miss lists in QEMU\'s format', () => {
    const { text } = runWith('cache');
    // data: 3 distinct blocks (cold misses) over 8 accesses; insns: 2 code blocks over 13 fetches
    const pct = (m: number, a: number) => (m / a * 100).toFixed(4).padStart(9) + '%';
    const row = `${'0'.padEnd(8)}${'8'.padEnd(14)} ${'3'.padEnd(12)} ${pct(3, 8)}  ${'13'.padEnd(14)} ${'2'.padEnd(12)} ${pct(2, 13)}\n`;
    assert.ok(text.startsWith('core #, data accesses, data misses, dmiss rate, insn accesses, insn misses, imiss rate\n' + row + '\n'), text);
    assert.ok(text.includes('address, data misses, instruction\n0x1004 (null)'.replace(' (null)', '') + ', 2, '), text);
    assert.ok(text.includes('\naddress, fetch misses, instruction\n'), text);
  });

  it('trace: ring buffer of callback events from every plugin, oldest overwritten', () => {
    const { m, text } = runWith(['trace,size=4,mem=on,tb=on', 'bb'], [0, 1]);
    const ring = traceBuffer(m.plugins)!;
    const ev = ring.events();
    assert.equal(ev.length, 4);
    // per TB run: trace's tb_exec, bb's tb_exec, then trace's mem events
    assert.equal(ring.total, 2 + 2 + 2 + 1);
    assert.deepEqual(ev.map(e => [e.kind, e.pc, e.vaddr, e.plugin]),
      [['mem', 0x1004, 0x11020, 'trace'], ['tb_exec', 0x2000, 0, 'trace'], ['tb_exec', 0x2000, 0, 'bb'], ['mem', 0x2000, 0x12000, 'trace']]);
    assert.ok(text.startsWith('trace: 7 callback events, last 4 kept\n'));
  });
});

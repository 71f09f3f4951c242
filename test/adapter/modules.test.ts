// The DAP module list (issue 4): the program, its ELF interpreter and the shared libraries ld.so
// maps at run time, checked against the real libc.so.6 — a breakpoint at printf's address as
// readelf gives it (inside the reported libc range) must stop there with the frame attributed to
// libc, and the guest bytes there must be the file's. Also 'module' events, loadedSources, and
// the kernel's file-mapping record (trimmed and split by unmaps and remaps).

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FileMappings } from '../../emulator/linux/filemaps';
import { SYSROOT, hasSysroot, requireTool, run, skipBecause } from '../support/oracles';
import { gdbLive } from '../debuginfo/helpers';
import { example, EXAMPLES, launch, openSession, request, source, type Session } from './helpers';

const LIBC = `${SYSROOT}/lib/libc.so.6`;

/** st_value of a dynamic symbol of an ELF file, by readelf. */
function symbolValue(readelf: string, file: string, name: string): number {
  const out = run(readelf, ['-Ws', '--dyn-syms', file]).stdout;
  const m = new RegExp(`^\\s*\\d+:\\s+([0-9a-f]+)\\s+\\d+\\s+FUNC\\s.*\\s${name}@@`, 'm').exec(out);
  if (!m) throw new Error(`readelf: no ${name} in ${file}`);
  return parseInt(m[1], 16);
}

/** Names of the dynamic FUNC symbols of an ELF file at a value (printf and _IO_printf …), by readelf. */
function symbolNamesAt(readelf: string, file: string, value: number): string[] {
  const out = run(readelf, ['-Ws', '--dyn-syms', file]).stdout;
  const hex = value.toString(16).padStart(16, '0');
  return [...out.matchAll(new RegExp(`^\\s*\\d+:\\s+${hex}\\s+\\d+\\s+FUNC\\s.*\\s([\\w.]+)@`, 'gm'))].map((m) => m[1]);
}

const range = (m: DebugProtocol.Module): [number, number] => {
  const r = /^0x([0-9a-f]+)-0x([0-9a-f]+)$/.exec(m.addressRange ?? '');
  assert.ok(r, `address range of ${m.name}: ${m.addressRange}`);
  return [parseInt(r[1], 16), parseInt(r[2], 16)];
};

describe('adapter: modules and loaded sources', function () {
  let s: Session;
  beforeEach(async () => { s = await openSession(); });
  afterEach(async () => { await s.close(); });

  it('lists the program, ld-linux and libc.so.6; a libc function stops inside libc\'s range', async function () {
    const readelf = requireTool(this, 'riscv64-linux-gnu-readelf');
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    const events: DebugProtocol.ModuleEvent[] = [];
    s.dc.on('module', (e: DebugProtocol.ModuleEvent) => events.push(e));
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('hello-dynamic'), sysroot: SYSROOT }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;

    const mods = (await s.dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    const byName = new Map(mods.map((m) => [m.name, m]));
    for (const n of ['hello-dynamic', 'ld-linux-riscv64-lp64d.so.1', 'libc.so.6']) assert.ok(byName.has(n), `${n} in ${mods.map((m) => m.name).join(', ')}`);
    assert.equal(new Set(mods.map((m) => m.id)).size, mods.length, 'module ids are unique');
    const libc = byName.get('libc.so.6')!;
    assert.equal(libc.path, LIBC);
    assert.equal(libc.symbolStatus, 'Symbols loaded (ELF)');
    const [start, end] = range(libc);
    for (const m of mods) if (m !== libc) { const [a, b] = range(m); assert.ok(b <= start || a >= end, `${m.name} overlaps libc`); }

    // The library was announced with the same id before the stop at main.
    assert.ok(events.some((e) => e.body.reason === 'new' && e.body.module.id === libc.id && e.body.module.name === 'libc.so.6'));

    // libc is ET_DYN linked at 0: printf is at base + st_value, and its bytes are the file's
    // (its text segment has file offset = vaddr).
    const printf = start + symbolValue(readelf, LIBC, 'printf');
    assert.ok(printf >= start && printf < end, 'printf inside the libc range');
    const mem = await request<{ data: string }>(s, 'readMemory', { memoryReference: `0x${printf.toString(16)}`, count: 16 });
    const off = printf - start;
    assert.deepEqual([...Buffer.from(mem.data, 'base64')], [...readFileSync(LIBC).subarray(off, off + 16)]);

    const hit = s.dc.waitForEvent('stopped');
    await request(s, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${printf.toString(16)}` }] });
    await s.dc.continueRequest({ threadId: 1 });
    await hit;
    const top = (await s.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.equal(parseInt(top.instructionPointerReference!, 16), printf);
    assert.equal(top.moduleId, libc.id);
    assert.ok(symbolNamesAt(readelf, LIBC, printf - start).includes(top.name), `frame name ${top.name}`);
    // The Disassembly view names libc's functions from libc's own symbols.
    const dis = await request<{ instructions: DebugProtocol.DisassembledInstruction[] }>(s, 'disassemble', { memoryReference: `0x${printf.toString(16)}`, instructionCount: 4 });
    assert.ok(symbolNamesAt(readelf, LIBC, printf - start).includes(dis.instructions[0].symbol ?? ''), `disassembly symbol ${dis.instructions[0].symbol}`);
  });

  it('a stop deep inside libc unwinds through its frames (.eh_frame) and names them as gdb-multiarch does', async function () {
    const readelf = requireTool(this, 'riscv64-linux-gnu-readelf');
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    // stdout is a pipe here, so printf's text is written at exit: write(2) under libc's stdio
    // flush and exit handlers, most of them internal functions (libc is stripped to .dynsym).
    const gdbOut = await gdbLive(this, example('hello-dynamic'), [
      `set sysroot ${SYSROOT}`, 'break main', 'continue', 'break write', 'continue', 'bt', 'info sharedlibrary',
    ], EXAMPLES, ['-L', SYSROOT]);
    const gdbFrames = [...gdbOut.matchAll(/^#(\d+)\s+0x([0-9a-f]+) in (\S+) \(\)/gm)].map((m) => ({ pc: parseInt(m[2], 16), name: m[3] }));
    const textFrom = /^0x([0-9a-f]+)\s+0x[0-9a-f]+\s+\S+\s+(?:\(\*\)\s+)?\S*libc\.so\.6$/m.exec(gdbOut);
    assert.ok(gdbFrames.length >= 3 && textFrom, `gdb printed:\n${gdbOut}`);
    const textAddr = parseInt(/\s\.text\s+PROGBITS\s+([0-9a-f]+)/.exec(run(readelf, ['-SW', LIBC]).stdout)![1], 16);
    const gdbBase = parseInt(textFrom[1], 16) - textAddr;

    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('hello-dynamic'), sysroot: SYSROOT }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const mods = (await s.dc.customRequest('modules', {})).body.modules as DebugProtocol.Module[];
    const [start] = range(mods.find((m) => m.name === 'libc.so.6')!);
    const write = start + symbolValue(readelf, LIBC, 'write');
    const hit = s.dc.waitForEvent('stopped');
    await request(s, 'setInstructionBreakpoints', { breakpoints: [{ instructionReference: `0x${write.toString(16)}` }] });
    await s.dc.continueRequest({ threadId: 1 });
    await hit;
    const frames = (await s.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const shown = frames.map((f) => `${f.name} ${f.instructionPointerReference}`).join('\n');
    assert.ok(symbolNamesAt(readelf, LIBC, write - start).includes(frames[0].name), shown);
    // gdb stops at write after its prologue; the callers' return addresses are the same code.
    const ours = frames.slice(1).map((f) => parseInt(f.instructionPointerReference!, 16) - start);
    assert.deepEqual(ours, gdbFrames.slice(1).map((f) => f.pc - gdbBase), shown);
    gdbFrames.slice(1).forEach((g, i) => {
      const name = frames[i + 1].name;
      if (g.name === '??') assert.match(name, /^0x[0-9a-f]+$/, shown);
      else assert.ok(name === g.name || name.startsWith(`${g.name}+0x`), `frame ${i + 1}: ${name} (gdb: ${g.name})\n${shown}`);
    });
  });

  it('loadedSources: the program\'s DWARF sources, or an empty list without DWARF', async function () {
    const readelf = requireTool(this, 'riscv64-linux-gnu-readelf');
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    const hasDwarf = /\.debug_info/.test(run(readelf, ['-S', example('hello-dynamic')]).stdout);
    const stopped = s.dc.waitForEvent('stopped');
    await launch(s, { program: example('hello-dynamic'), sysroot: SYSROOT }, () => s.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] }));
    await stopped;
    const paths = (await request<DebugProtocol.LoadedSourcesResponse['body']>(s, 'loadedSources', {})).sources.map((x) => x.path);
    if (hasDwarf) assert.ok(paths.includes(source('hello-dynamic.c')), paths.join(', '));
    else assert.deepEqual(paths, []);
  });
});

describe('linux: file mapping record', () => {
  const lib = (start: number, end: number, prot: number, path = '/lib/x.so') => ({ path, start, end, prot });

  it('trims and splits mappings on unmap and replaces them on remap', () => {
    const f = new FileMappings();
    f.add(lib(0x10000, 0x20000, 5));
    f.remove(0x14000, 0x2000); // a hole in the middle
    assert.deepEqual(f.all().map((m) => [m.start, m.end]), [[0x10000, 0x14000], [0x16000, 0x20000]]);
    f.add(lib(0x18000, 0x1a000, 3, '/lib/y.so')); // MAP_FIXED over part of it
    assert.deepEqual(f.all().map((m) => [m.path, m.start, m.end]), [['/lib/x.so', 0x10000, 0x14000], ['/lib/x.so', 0x16000, 0x18000], ['/lib/y.so', 0x18000, 0x1a000], ['/lib/x.so', 0x1a000, 0x20000]]);
  });

  it('lists executable files once, spanning all their mappings; data-only files are not listed', () => {
    const f = new FileMappings();
    f.add(lib(0x10000, 0x18000, 5));
    f.add(lib(0x1a000, 0x1c000, 3));
    f.add(lib(0x30000, 0x31000, 1, '/etc/locale'));
    assert.deepEqual(f.executables().map((m) => [m.path, m.start, m.end]), [['/lib/x.so', 0x10000, 0x1c000]]);
    f.remove(0x10000, 0x8000);
    assert.deepEqual(f.executables(), []);
  });
});

// The initial process image: argc/argv/envp/auxv read back from guest memory against the ELF
// file (readelf's view of it) and Linux's layout rules, and the same image as seen by a guest
// program compared with what qemu-riscv64 builds for it.

import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../emulator/elf/elf';
import { BRK_RESERVE, STACK_GUARD, STACK_SIZE, TASK_UNMAPPED_BASE } from '../../emulator/linux/layout';

/** qemu-riscv64 7.2's stack top for a static program: the stack is the first mapping at 2^38. */
const STACK_TOP = TASK_UNMAPPED_BASE + STACK_GUARD + STACK_SIZE;
import { AT_BASE, AT_ENTRY, AT_EXECFN, AT_HWCAP, AT_PAGESZ, AT_PHDR, AT_PHENT, AT_PHNUM, AT_RANDOM } from '../../emulator/linux/stack';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../../emulator/memory/types';
import { fixture, runGuest, start } from './helpers';
import { FIXED_ENV, hasSysroot, QEMU, REPO_ROOT, requireTool, run, SYSROOT } from '../support/oracles';

function readStack(mem: { readU64(a: number): bigint; readCString(a: number): string }, sp: number) {
  const word = (i: number): number => Number(mem.readU64(sp + 8 * i));
  const argc = word(0);
  const argv = Array.from({ length: argc }, (_, i) => mem.readCString(word(1 + i)));
  let i = argc + 2;
  assert.equal(word(argc + 1), 0, 'argv is NULL-terminated');
  const envp: string[] = [];
  for (; word(i) !== 0; i++) envp.push(mem.readCString(word(i)));
  const auxv = new Map<number, number>();
  for (i++; word(i) !== 0; i += 2) auxv.set(word(i), word(i + 1));
  return { argc, argv, envp, auxv };
}

describe('linux: initial stack', () => {
  it('argc, argv, envp and auxv of a static program', () => {
    const path = fixture('linux-auxv');
    const { proc } = start(path, { argv: ['prog', 'a b', ''], env: ['X=1', 'EMPTY='] });
    const mem = proc.machine.mem;
    const sp = proc.machine.cpu.getXNum(2);
    assert.equal(sp % 16, 0, 'sp is 16-byte aligned');
    assert.ok(sp < STACK_TOP && sp > STACK_TOP - 65536);
    const s = readStack(mem, sp);
    assert.deepEqual([s.argc, s.argv, s.envp], [3, ['prog', 'a b', ''], ['X=1', 'EMPTY=']]);
    const elf = parseElf(readFileSync(path));
    assert.equal(s.auxv.get(AT_ENTRY), elf.header.entry);
    assert.equal(proc.machine.cpu.pc, elf.header.entry, 'static: execution starts at e_entry');
    assert.equal(s.auxv.get(AT_PHNUM), elf.header.phnum);
    assert.equal(s.auxv.get(AT_PHENT), 56);
    assert.equal(s.auxv.get(AT_PAGESZ), 4096);
    assert.equal(s.auxv.get(AT_BASE), 0);
    assert.equal(s.auxv.get(AT_HWCAP), 0x112d, 'IMAFDC');
    // AT_PHDR points at the program headers as loaded: they must equal the file's bytes.
    const phdr = s.auxv.get(AT_PHDR)!;
    const inMem = mem.read(phdr, elf.header.phnum * 56, true);
    assert.deepEqual(Buffer.from(inMem), Buffer.from(elf.bytes.subarray(elf.header.phoff, elf.header.phoff + elf.header.phnum * 56)));
    assert.equal(mem.readCString(s.auxv.get(AT_EXECFN)!), path);
    const rnd = s.auxv.get(AT_RANDOM)!;
    assert.ok(rnd > sp && rnd + 16 <= STACK_TOP);
    // Strings sit above the tables, argv[0] lowest, execfn last before the 8-byte end marker.
    assert.equal(s.auxv.get(AT_EXECFN)! + path.length + 1, STACK_TOP - 8);
  });

  it('segments are mapped at link addresses with their permissions, bss zeroed', () => {
    const path = fixture('linux-auxv');
    const { proc } = start(path);
    const elf = parseElf(readFileSync(path));
    const regions = proc.machine.mem.regions();
    for (const p of elf.phdrs.filter((ph) => ph.type === 1)) {
      const r = regions.find((g) => p.vaddr >= g.start && p.vaddr < g.end)!;
      const want = (p.flags & 4 ? PROT_READ : 0) | (p.flags & 2 ? PROT_WRITE : 0) | (p.flags & 1 ? PROT_EXEC : 0);
      assert.equal(r.prot, want, `segment at 0x${p.vaddr.toString(16)}`);
      const bytes = proc.machine.mem.read(p.vaddr, p.memsz, true);
      assert.deepEqual(Buffer.from(bytes.subarray(0, p.filesz)), Buffer.from(elf.bytes.subarray(p.offset, p.offset + p.filesz)));
      assert.ok(bytes.subarray(p.filesz).every((b) => b === 0), 'bss is zero');
    }
    const end = Math.max(...elf.phdrs.filter((ph) => ph.type === 1).map((ph) => ph.vaddr + ph.memsz));
    assert.equal(proc.kernel.brkStart, Math.ceil(end / 4096) * 4096, 'brk starts at the page after the bss');
  });

  it('static-PIE and dynamic programs are placed as qemu-riscv64 places them: program, stack, ld.so, trampoline', function () {
    const pie = join(REPO_ROOT, 'examples', 'bin', 'tiny-pie');
    if (existsSync(pie)) {
      const { proc } = start(pie);
      const elf = parseElf(readFileSync(pie));
      assert.equal(proc.image.program.bias, TASK_UNMAPPED_BASE);
      assert.equal(proc.machine.cpu.pc, elf.header.entry + TASK_UNMAPPED_BASE);
      assert.equal(proc.image.interp, undefined);
      assert.equal(proc.image.stackStart, proc.image.program.end + BRK_RESERVE + STACK_GUARD, 'the stack after the brk reserve and a guard page');
    }
    if (!hasSysroot()) { console.log(`      [skip part] no ${SYSROOT}`); return; }
    const { proc } = start(fixture('linux-auxv-dynamic'), { sysroot: SYSROOT });
    const interp = proc.image.interp!;
    assert.equal(proc.image.stackStart, proc.image.program.end + BRK_RESERVE + STACK_GUARD);
    assert.equal(interp.start, proc.image.stackTop, 'ld.so right after the stack');
    assert.equal(proc.image.sigtramp, interp.end, 'then the trampoline page');
    assert.equal(proc.machine.cpu.pc, interp.elf.header.entry + interp.bias, 'dynamic: starts in ld.so');
    const s = readStack(proc.machine.mem, proc.machine.cpu.getXNum(2));
    assert.equal(s.auxv.get(AT_BASE), interp.start);
    assert.equal(s.auxv.get(AT_ENTRY), proc.image.programEntry);
    assert.ok(proc.image.symbols.byNameLookup('main'), 'program symbols at load addresses');
  });
});

describe('linux: the image a guest sees equals qemu-riscv64\'s', () => {
  // qemu-riscv64 hands its environment to the guest in reverse order (its envlist prepends),
  // so the same guest environment is the reversed list.
  const env = Object.entries(FIXED_ENV).map(([k, v]) => `${k}=${v}`).reverse();
  it('static program: argv, envp, auxv (linux-auxv)', function () {
    const qemu = requireTool(this, QEMU);
    const path = fixture('linux-auxv');
    const q = run(qemu, [path, 'one', 'two three'], { env: FIXED_ENV });
    const t = runGuest(path, { argv: [path, 'one', 'two three'], env });
    assert.equal(t.stdout, q.stdout);
    assert.equal(t.status, q.status);
  });
  it('dynamic program under the sysroot (load addresses masked)', function () {
    const qemu = requireTool(this, QEMU);
    if (!hasSysroot()) this.skip();
    const path = fixture('linux-auxv-dynamic');
    // AT_BASE and AT_ENTRY are where each emulator chose to put ld.so and the PIE.
    const mask = (s: string): string => s.replace(/^(auxv 7|AT_ENTRY) 0x[0-9a-f]+$/gm, '$1 <addr>');
    const q = run(qemu, ['-L', SYSROOT, path, 'x'], { env: FIXED_ENV });
    const t = runGuest(path, { argv: [path, 'x'], env, sysroot: SYSROOT });
    assert.equal(mask(t.stdout), mask(q.stdout));
    assert.equal(t.status, q.status);
  });
});

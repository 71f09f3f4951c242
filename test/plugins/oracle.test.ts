// tbscope's insn, bb, mem and hotpages results against QEMU itself: for every static example
// and test binary, qemu-riscv64 runs with the reference plugin from ../shared/qemu-oracle
// (instructions, blocks, loads, stores, per-page reads/writes) and tbscope runs the same binary
// with the same argv, an empty environment and our built-in plugins (bb, insn, mem, hotpages,
// wired to a Machine as the CLI does); the counts must be equal.
//
// tbscope lays out the address space as qemu-riscv64 does (emulator/linux/layout.ts), so every
// page must match: program image, brk heap, stack, mmaps and a static-PIE's load address; and
// so must the totals. Skips (with the reason) when gcc, glib's pkg-config data or qemu-riscv64
// are missing.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseElf } from '../../emulator/elf/elf';
import { loadBuiltin } from '../../emulator/plugins/loader';
import { QEMU, REPO_ROOT, findTool, testPrograms } from '../support/oracles';
import { runWithPlugins } from './run-guest';

const SPECS = ['bb', 'insn,inline=on', 'mem,inline=on,track=r', 'mem,inline=on,track=w', 'hotpages,sortby=address'];

/** Runs prog under tbscope with the SPECS plugins; returns the exit status and the plugin log. */
function runTbscope(prog: string): { status: number; log: string; brkEnd: number } {
  const r = runWithPlugins(prog, mgr => { for (const s of SPECS) loadBuiltin(mgr, s); });
  assert.deepEqual(r.errors, [], 'plugin errors');
  return r;
}

const ORACLE_BUILD = resolve(REPO_ROOT, '../shared/qemu-oracle/build.sh');

interface Counts { insns: number; blocks: number; loads: number; stores: number; pages: Map<number, [number, number]> }

// Programs whose executed path depends on a host fact QEMU passes through: linux-syscalls calls
// sched_getaffinity, which under qemu-riscv64 returns the host kernel's CPU-mask size (32 bytes
// on a kernel with up to 256 CPUs) and under tbscope a fixed 8, so glibc's CPU_COUNT runs a
// different number of instructions (test/linux/differential.test.ts leaves it out for the same
// reason). linux-timers spins until timers fire, which under qemu-riscv64 is host time. Their exit
// status is still compared.
const HOST_DEPENDENT_COUNTS = new Set(['test/fixtures/bin/linux-syscalls', 'test/fixtures/bin/linux-timers']);

/** The static test programs: the oracle plugin's counts are only comparable for the same image. */
function programs(): { name: string; path: string }[] {
  return testPrograms().filter(({ path }) => {
    try { return !parseElf(new Uint8Array(readFileSync(path)), path).interp; } catch { return false; /* not one we can load */ }
  });
}

function parseOracle(text: string): Counts {
  const num = (k: string) => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(text)?.[1]);
  const pages = new Map<number, [number, number]>();
  for (const m of text.matchAll(/^page 0x([0-9a-f]+) (\d+) (\d+)$/gm)) pages.set(parseInt(m[1], 16), [Number(m[2]), Number(m[3])]);
  return { insns: num('insns'), blocks: num('blocks'), loads: num('loads'), stores: num('stores'), pages };
}

/** Parses the reports of: bb, insn,inline=on, mem,inline=on,track=r, mem,inline=on,track=w, hotpages,sortby=address. */
function parseTbscope(text: string): Counts {
  const total = /^Total: bb's: (\d+), insns: (\d+)$/m.exec(text);
  const insns = /^total insns: (\d+)$/m.exec(text);
  const mem = [...text.matchAll(/^mem accesses: (\d+)$/gm)].map(m => Number(m[1]));
  const pages = new Map<number, [number, number]>();
  for (const m of text.matchAll(/^0x([0-9a-f]{16}), 0x[0-9a-f]{4}, (\d+), 0x[0-9a-f]{4}, (\d+)$/gm)) {
    pages.set(parseInt(m[1], 16), [Number(m[2]), Number(m[3])]);
  }
  assert.ok(total && insns && mem.length === 2, `unexpected tbscope plugin output:\n${text}`);
  // The oracle, like bb, adds a TB's instruction count when the TB starts; insn counts each
  // instruction as it starts, so it is lower when a TB ends early (a fault, a signal).
  assert.ok(Number(insns[1]) <= Number(total[2]), `insn (${insns[1]}) counts more than bb (${total[2]})`);
  return { blocks: Number(total[1]), insns: Number(total[2]), loads: mem[0], stores: mem[1], pages };
}

describe('plugins: counts equal to QEMU\'s (qemu-riscv64 + reference plugin)', function () {
  this.timeout(300000);
  let oracle = '';
  const work = mkdtempSync(join(tmpdir(), 'tbscope-oracle-'));

  before(function () {
    const missing = ['gcc', 'pkg-config', QEMU].filter(c => !findTool(c));
    if (missing.length || spawnSync('pkg-config', ['--exists', 'glib-2.0']).status !== 0) {
      console.log(`    skipped: needs gcc, pkg-config, libglib2.0-dev and qemu-user (missing: ${missing.join(', ') || 'glib-2.0'})`);
      this.skip();
    }
    if (!existsSync(ORACLE_BUILD)) { console.log(`    skipped: ${ORACLE_BUILD} not found`); this.skip(); }
    const b = spawnSync('bash', [ORACLE_BUILD, join(work, 'oracle')], { encoding: 'utf8' });
    assert.equal(b.status, 0, `building the oracle plugin failed:\n${b.stderr}`);
    oracle = b.stdout.trim().split('\n').pop()!;
  });

  for (const { name, path: prog } of programs()) {
    it(name, function () {
      const ref = join(work, `${name.replace(/\//g, '_')}.qemu.txt`);
      const q = spawnSync(QEMU, ['-plugin', oracle, '-d', 'plugin', '-D', ref, prog], { env: {}, encoding: 'utf8', timeout: 120000 });
      assert.ok(q.status !== null || q.signal, `qemu-riscv64 did not finish: ${q.error}`);
      const t = runTbscope(prog);
      // a signal death is 128+signo for both (qemu-riscv64 kills itself with the signal)
      assert.equal(t.status, q.status ?? 128 + osConstants.signals[q.signal!], 'exit status');
      if (HOST_DEPENDENT_COUNTS.has(name)) {
        console.log('      (instruction path depends on the host CPU count under qemu-riscv64: counts not compared)');
        return;
      }
      const refText = existsSync(ref) ? readFileSync(ref, 'utf8') : '';
      if (q.signal && !/^insns /m.test(refText)) {
        // QEMU 7.2 does not run atexit callbacks when a signal kills the guest: nothing to compare
        console.log(`      (qemu-riscv64 died of ${q.signal} without plugin report: counts not compared)`);
        return;
      }
      const want = parseOracle(refText);
      const got = parseTbscope(t.log);
      assert.deepEqual({ insns: got.insns, blocks: got.blocks, loads: got.loads, stores: got.stores },
        { insns: want.insns, blocks: want.blocks, loads: want.loads, stores: want.stores });

      // Per page. hotpages lists at most 50 pages and (QEMU's loop) never the last one sorted,
      // so every listed page is checked, and every page QEMU saw must be listed when fewer are.
      for (const [page, [r, w]] of got.pages) {
        assert.deepEqual([page.toString(16), r, w], [page.toString(16), ...(want.pages.get(page) ?? [0, 0])],
          `page 0x${page.toString(16)} (reads, writes) differ from QEMU's`);
      }
      for (const [page, rw] of want.pages) {
        const listed = got.pages.size < 50 && page !== Math.min(...want.pages.keys());
        if (listed) assert.ok(got.pages.has(page), `QEMU saw page 0x${page.toString(16)} ${rw} but tbscope did not`);
      }
    });
  }
});

// The plugin layer on the real Machine and Linux layer (attachPlugins): memory callback values
// against guest memory, register reads in R_REGS callbacks, set_pc, syscall hooks against
// qemu-riscv64 -strace, and stoptrigger ending the guest with its exit code.

import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { PluginExit, PluginManager } from '../../emulator/plugins/core';
import { installModule, loadBuiltin } from '../../emulator/plugins/loader';
import { codeSpan } from '../../emulator/plugins/machine-binding';
import { PF_R, PF_W, PF_X, PT_LOAD } from '../../emulator/elf/elf';
import type { LoadedImage } from '../../emulator/linux/loader';
import { CbFlags, CondOp, InlineOpKind, MemRW, type PluginApi } from '../../emulator/plugins/types';
import { QEMU, REPO_ROOT as ROOT, SYSROOT, findTool, hasSysroot, run as runTool, skipBecause } from '../support/oracles';
import { runWithPlugins as run } from './run-guest';

const ACCESSES = resolve(ROOT, 'test/fixtures/bin/plugin-accesses');
const TINY_C = resolve(ROOT, 'examples/bin/tiny-c');
const HELLO = resolve(ROOT, 'examples/bin/hello-static');
const HELLO_DYNAMIC = resolve(ROOT, 'examples/bin/hello-dynamic');

const plugin = (mgr: PluginManager, install: (api: PluginApi) => void) => installModule(mgr, 'test', { apiVersion: 7, install }, []);

describe('plugins: on the Machine', function () {
  this.timeout(60000);

  it('memory callbacks see each access after it happened, with its value (every access kind)', () => {
    let checked = 0;
    const bad: string[] = [];
    const BUF = 0x12000;  // accesses.S's data page; snapshotted before every instruction
    let before: Uint8Array = new Uint8Array(4096);
    const read = (bytes: Uint8Array, at: number, size: number) => {
      let v = 0n;
      for (let b = size - 1; b >= 0; b--) v = (v << 8n) | BigInt(bytes[at + b]);
      return v;
    };
    const r = run(ACCESSES, mgr => plugin(mgr, api => {
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          const insn = api.tbGetInsn(tb, i), pc = api.insnVaddr(insn);
          api.registerVcpuInsnExecCb(insn, () => { before = api.readMemoryVaddr(BUF, 4096) ?? before; }, CbFlags.NO_REGS);
          api.registerVcpuMemCb(insn, (_v, info, vaddr) => {
            const size = 1 << api.memSizeShift(info), v = BigInt(api.memGetValue(info).value), store = api.memIsStore(info);
            // A load returns what memory held before the instruction (for an AMO, the old value);
            // a store leaves its value in memory (no other hart runs).
            const inBuf = vaddr >= BUF && vaddr + size <= BUF + 4096;
            const want = !store && inBuf ? read(before, vaddr - BUF, size) : read(api.readMemoryVaddr(vaddr, size)!, 0, size);
            if (v !== want) bad.push(`0x${pc.toString(16)} ${store ? 'st' : 'ld'} @0x${vaddr.toString(16)}: value ${v} expected ${want}`);
            checked++;
          }, CbFlags.NO_REGS, MemRW.RW);
        }
      });
    }));
    assert.equal(r.status, 0);
    assert.ok(checked > 100, `only ${checked} accesses seen`);
    assert.deepEqual(bad, []);
  });

  it('R_REGS callbacks read the registers as the guest left them; set_pc redirects execution', () => {
    const seen: string[] = [];
    const r = run(ACCESSES, mgr => plugin(mgr, api => {
      const regs = api.getRegisters();
      const a0 = regs.find(x => x.name === 'a0')!.handle, a7 = regs.find(x => x.name === 'a7')!.handle;
      const val = (h: typeof a0) => new DataView(api.readRegister(h)!.buffer).getBigUint64(0, true);
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          const insn = api.tbGetInsn(tb, i);
          if (!api.insnDisas(insn).startsWith('ecall')) continue;
          // before the exit ecall: a7 = 93 (exit) and a0 = 0, as set by accesses.S
          api.registerVcpuInsnExecCb(insn, () => seen.push(`a7=${val(a7)} a0=${val(a0)}`), CbFlags.R_REGS);
          // then, once, make the exit status 42 and restart the ecall through set_pc: the
          // callbacks run again (set_pc resumes at the instruction) and the guest exits with 42
          const pc = api.insnVaddr(insn);
          api.registerVcpuInsnExecCb(insn, () => {
            if (seen.length > 1) return;
            api.writeRegister(a0, Uint8Array.of(42, 0, 0, 0, 0, 0, 0, 0));
            api.setPc(pc);
          }, CbFlags.RW_REGS_PC);
        }
      });
    }));
    assert.deepEqual(seen, ['a7=93 a0=0', 'a7=93 a0=42']);
    assert.equal(r.status, 42, 'the register write reached the guest');
  });

  it('syscall and syscall_ret callbacks fire once per syscall, as many as qemu-riscv64 -strace shows', function () {
    const r = run(TINY_C, mgr => loadBuiltin(mgr, 'syscall,print=on'));
    const calls = r.log.split('\n').filter(l => /^syscall #\d+$/.test(l)).length;
    const rets = r.log.split('\n').filter(l => /^syscall #\d+ returned -> -?\d+$/.test(l)).length;
    // exit_group never returns
    assert.equal(rets, calls - 1, r.log);
    const qemu = findTool(QEMU);
    if (!qemu) { console.log(`      (${QEMU} not installed: count not compared)`); return; }
    const q = runTool(qemu, ['-strace', TINY_C], { env: {} });
    const strace = q.stderr.split('\n').filter(l => /^\d+ [a-z_0-9]+\(/.test(l)).length;
    assert.equal(calls, strace, q.stderr);
  });

  it('stoptrigger ends the guest with its exit code; the other plugins still report', () => {
    const r = run(TINY_C, mgr => { loadBuiltin(mgr, 'stoptrigger,icount=50:3'); loadBuiltin(mgr, 'insn,inline=on'); });
    assert.equal(r.status, 3);
    assert.match(r.log, /^icount reached at 0x[0-9a-f]+, exiting\n/);
    // the 51st instruction triggered the stop before running: 50 executed
    assert.match(r.log, /^total insns: 50$/m);
  });

  it('a plugin that throws is unloaded and the guest runs to its normal end', () => {
    const r = run(TINY_C, mgr => {
      plugin(mgr, api => api.registerVcpuTbTransCb(api.id, () => { throw new Error('kaput'); }));
      loadBuiltin(mgr, 'bb,inline=on');
    });
    assert.equal(r.status, 0);
    assert.deepEqual(r.errors, ['tbscope: plugin test: tb_trans callback threw: kaput (plugin unloaded)']);
    assert.match(r.log, /^Total: bb's: \d+, insns: \d+$/m);
  });

  it('a NO_REGS memory callback that throws mid-block (direct call, also inside regions) is unloaded; the guest path is unchanged', () => {
    const insn = (mgr: PluginManager) => loadBuiltin(mgr, 'insn,inline=on');
    const clean = run(HELLO, insn);
    for (const after of [1, 20000]) {
      let calls = 0;
      const r = run(HELLO, mgr => {
        plugin(mgr, api => api.registerVcpuTbTransCb(api.id, (_id, tb) => {
          for (let i = 0; i < api.tbNInsns(tb); i++) {
            api.registerVcpuMemCb(api.tbGetInsn(tb, i), () => { if (++calls === after) throw new Error('kaput'); }, CbFlags.NO_REGS, MemRW.RW);
          }
        }));
        insn(mgr);
      });
      assert.equal(r.status, 0);
      assert.deepEqual(r.errors, ['tbscope: plugin test: mem callback threw: kaput (plugin unloaded)']);
      assert.equal(calls, after, 'no callback of the unloaded plugin runs');
      // Same instructions executed as without the plugin: the throw lost no guest state.
      assert.equal(r.log, clean.log);
    }
  });

  it('after one of its direct memory callbacks throws, none of the plugin\'s other callbacks runs, even later in the same block', () => {
    for (const after of [1, 5000]) {
      let reads = 0, writesAfter = 0, thrown = false;
      const r = run(HELLO, mgr => plugin(mgr, api => {
        // Two functions, so two direct-call wrappers: the throw in one must stop the other too.
        const onRead = (): void => { if (++reads === after) { thrown = true; throw new Error('kaput'); } };
        const onWrite = (): void => { if (thrown) writesAfter++; };
        api.registerVcpuTbTransCb(api.id, (_id, tb) => {
          for (let i = 0; i < api.tbNInsns(tb); i++) {
            api.registerVcpuMemCb(api.tbGetInsn(tb, i), onRead, CbFlags.NO_REGS, MemRW.R);
            api.registerVcpuMemCb(api.tbGetInsn(tb, i), onWrite, CbFlags.NO_REGS, MemRW.W);
          }
        });
      }));
      assert.equal(r.status, 0);
      assert.deepEqual(r.errors, ['tbscope: plugin test: mem callback threw: kaput (plugin unloaded)']);
      assert.equal(reads, after);
      assert.equal(writesAfter, 0, 'the unloaded plugin\'s write callback ran after the throw');
    }
  });

  it('uninstall asked for by a memory callback takes effect at the next TB boundary, inside regions as per TB', () => {
    // A guest long enough for regions; the request comes from a direct (NO_REGS) callback.
    const prog = resolve(ROOT, 'bench/bin/crc-sieve');
    const calls = (regions: boolean) => {
      let n = 0, uninstalled = false;
      const r = run(prog, mgr => plugin(mgr, api => api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          api.registerVcpuMemCb(api.tbGetInsn(tb, i), () => {
            // The guest then ends (PluginExit), so the rest of the run costs the test no time.
            if (++n === 3_000_000) api.uninstall(api.id, () => { uninstalled = true; throw new PluginExit(7); });
          }, CbFlags.NO_REGS, MemRW.RW);
        }
      })), { regions });
      assert.equal(r.status, 7);
      assert.ok(uninstalled);
      return { n, regionsBuilt: r.regionsBuilt };
    };
    const perTb = calls(false), inRegions = calls(true);
    assert.ok(inRegions.regionsBuilt > 0, 'no region was built');
    assert.equal(inRegions.n, perTb.n, 'callbacks after the request differ: a region ran on past the TB boundary');
  });

  it('conditional RW_REGS_PC callbacks run inside regions: set_pc there loses and repeats no instruction', function () {
    // ld.so's symbol lookups are hot enough for regions (hello-static is too short for any).
    if (!hasSysroot()) skipBecause(this, `no RISC-V sysroot at ${SYSROOT} (apt-get install libc6-dev-riscv64-cross)`);
    // Every 997th instruction executed (a countdown decremented by an inline op, tested by a
    // conditional callback), the callback re-arms it and set_pc's its own instruction: the TB
    // (or region) is left and resumes right there, so the guest retires exactly what it
    // retires without the plugin.
    const PERIOD = 997n;
    const withPlugin = (regions: boolean) => {
      let fires = 0;
      const r = run(HELLO_DYNAMIC, mgr => plugin(mgr, api => {
        const countdown = api.scoreboardU64(api.scoreboardNew(8));
        api.u64Set(countdown, 0, PERIOD);
        api.registerVcpuTbTransCb(api.id, (_id, tb) => {
          for (let i = 0; i < api.tbNInsns(tb); i++) {
            const insn = api.tbGetInsn(tb, i), pc = api.insnVaddr(insn);
            // The test, then the decrement (an inline op registered before a callback would turn
            // into a callback itself, to keep QEMU's order).
            api.registerVcpuInsnExecCondCb(insn, (vcpu) => { fires++; api.u64Set(countdown, vcpu, PERIOD); api.setPc(pc); }, CbFlags.RW_REGS_PC, CondOp.EQ, countdown, 0);
            api.registerVcpuInsnExecInlinePerVcpu(insn, InlineOpKind.ADD_U64, countdown, (1n << 64n) - 1n);
          }
        });
      }), { regions });
      return { ...r, fires };
    };
    const plain = run(HELLO_DYNAMIC, () => {});
    const inRegions = withPlugin(true), perTb = withPlugin(false);
    assert.deepEqual(inRegions.errors, []);
    assert.ok(inRegions.regionsBuilt > 0, 'regions were built around the conditional callbacks');
    assert.equal(perTb.regionsBuilt, 0);
    for (const r of [inRegions, perTb]) {
      assert.equal(r.instret, plain.instret);
      assert.equal(r.stdout, plain.stdout);
      assert.equal(r.status, plain.status);
    }
    // Each retired instruction decrements once (a fire leaves before its decrement), so the
    // countdown runs out once every PERIOD instructions, in both forms.
    assert.equal(inRegions.fires, perTb.fires);
    assert.equal(inRegions.fires, Math.floor(plain.instret / Number(PERIOD)));
  });

  it('memGetValue works in a direct memory callback and fails after it: in a later exec callback of the same TB, and after the TB', () => {
    let inside = 0, lastInfo = -1;
    const later: string[] = [];
    const r = run(TINY_C, mgr => plugin(mgr, api => {
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          const insn = api.tbGetInsn(tb, i);
          // Exec callbacks keep this TB out of regions; the memory callback is still a direct call.
          api.registerVcpuInsnExecCb(insn, () => {
            if (lastInfo < 0 || later.length >= 3) return;
            try { api.memGetValue(lastInfo); later.push('no error'); } catch (e) { later.push((e as Error).message); }
          }, CbFlags.NO_REGS);
          api.registerVcpuMemCb(insn, (_v, info) => { api.memGetValue(info); lastInfo = info; inside++; }, CbFlags.NO_REGS, MemRW.RW);
        }
      });
      api.registerAtexitCb(api.id, () => {
        try { api.memGetValue(lastInfo); later.push('no error at exit'); } catch { /* expected */ }
      });
    }));
    assert.equal(r.status, 0);
    assert.deepEqual(r.errors, []);
    assert.ok(inside > 10, `memory callbacks ran (${inside})`);
    assert.deepEqual(later, Array(3).fill('memGetValue: only valid inside the memory callback that received this meminfo'));
  });
});

describe('plugins: start_code / end_code', () => {
  it('span the executable PT_LOAD segments up to the end of their file bytes, load bias included', () => {
    // QEMU (linux-user/elfload.c, load_elf_image): end_code = vaddr + p_filesz of PROT_EXEC
    // segments (vaddr_ef, not vaddr_em); writable-only segments do not count.
    const ph = (vaddr: number, filesz: number, memsz: number, flags: number) => ({ type: PT_LOAD, flags, vaddr, filesz, memsz });
    const phdrs = [ph(0x1000, 0x200, 0x200, PF_R | PF_X), ph(0x3000, 0x100, 0x800, PF_R | PF_X), ph(0x8000, 0x10, 0x4000, PF_R | PF_W)];
    const image = { program: { elf: { phdrs }, bias: 0x40000 } } as unknown as LoadedImage;
    assert.deepEqual(codeSpan(image), { startCode: 0x41000, endCode: 0x43100 });
  });
});

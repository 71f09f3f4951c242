// Tests of the plugin API functions and QEMU's rules (callback flags, handle lifetime,
// scoreboards, conditional callbacks, inline ops, meminfo, reset/uninstall, errors), run through
// the FakeMachine that executes instrumentation in the translator's order.

import { strict as assert } from 'node:assert';
import { disassemble } from '../../emulator/isa/disasm';
import { CbFlags, CondOp, MemRW } from '../../emulator/tcg/instrument';
import { installModule } from '../../emulator/plugins/loader';
import { makeMeminfo } from '../../emulator/plugins/meminfo';
import { InlineOpKind, MemValueType, type PluginApi, type PluginInsn, type PluginTb } from '../../emulator/plugins/types';
import { capture, FakeMachine, simpleTb } from './fake-machine';

/** Installs an inline plugin whose install body is `body`. */
function plug(m: FakeMachine, body: (api: PluginApi) => void, name = 'test') {
  return installModule(m.plugins, name, { apiVersion: 7, install: api => { body(api); } }, []);
}

describe('plugins: API', () => {
  it('tb_trans sees the TB; exec, inline and memory instrumentation run in QEMU order', () => {
    const tbs = [simpleTb(0x1000, 3, i => (i === 1 ? [{ addr: 0x10010, sizeShift: 2, store: false }, { addr: 0x10020, sizeShift: 3, store: true }] : undefined))];
    const m = new FakeMachine(tbs);
    const log: string[] = [];
    let counter!: ReturnType<PluginApi['scoreboardU64']>;
    plug(m, api => {
      counter = api.scoreboardU64(api.scoreboardNew(8));
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        assert.equal(api.tbVaddr(tb), 0x1000);
        assert.equal(api.tbNInsns(tb), 3);
        api.registerVcpuTbExecCb(tb, () => log.push('tb'), CbFlags.NO_REGS);
        for (let i = 0; i < api.tbNInsns(tb); i++) {
          const insn = api.tbGetInsn(tb, i), pc = api.insnVaddr(insn);
          api.registerVcpuInsnExecCb(insn, () => log.push(`insn ${pc.toString(16)}`), CbFlags.NO_REGS);
          api.registerVcpuMemCb(insn, (_v, info, vaddr) => log.push(`${api.memIsStore(info) ? 'st' : 'ld'} ${vaddr.toString(16)}`), CbFlags.NO_REGS, MemRW.RW);
          api.registerVcpuInsnExecInlinePerVcpu(insn, InlineOpKind.ADD_U64, counter, 1);
        }
      });
    });
    m.start();
    m.run([0, 0]);
    const once = ['tb', 'insn 1000', 'insn 1004', 'ld 10010', 'st 10020', 'insn 1008'];
    assert.deepEqual(log, [...once, ...once]);
    assert.equal(m.translations, 1, 'tb_trans runs once per translation, not per execution');
    assert.equal(m.plugins.contexts[0].api.u64Sum(counter), 6n);
  });

  it('handles are valid only inside the tb_trans callback that received them', () => {
    const m = new FakeMachine([simpleTb(0x1000, 2)]);
    let keptTb: PluginTb | undefined, keptInsn: PluginInsn | undefined, api!: PluginApi;
    plug(m, a => {
      api = a;
      a.registerVcpuTbTransCb(a.id, (_id, tb) => { keptTb = tb; keptInsn = a.tbGetInsn(tb, 0); });
    });
    m.start(); m.run([0]);
    assert.throws(() => api.tbNInsns(keptTb!), /TB handle used after the tb_trans callback/);
    assert.throws(() => api.insnVaddr(keptInsn!), /instruction handle used after the tb_trans callback/);
    assert.throws(() => api.registerVcpuInsnExecCb(keptInsn!, () => undefined, CbFlags.NO_REGS), /after the tb_trans/);
  });

  it('insn introspection: data, size, vaddr, disas (objdump text), symbol', () => {
    const m = new FakeMachine([simpleTb(0x1000, 2)]);
    const seen: unknown[] = [];
    plug(m, api => api.registerVcpuTbTransCb(api.id, (_id, tb) => {
      const i0 = api.tbGetInsn(tb, 0);
      seen.push([...api.insnData(i0)], api.insnData(i0, 2).length, api.insnSize(i0), api.insnVaddr(i0), api.insnHaddr(i0),
        api.insnDisas(i0), api.insnSymbol(i0), api.insnSymbol(api.tbGetInsn(tb, 1)));
      assert.throws(() => api.tbGetInsn(tb, 2), /out of range/);
    }));
    m.start(); m.run([0]);
    // addi a0,a0,1 = 0x00150513, little-endian bytes; the text is the ISA disassembler's (checked
    // against objdump by the ISA tests), so this only checks the plumbing.
    assert.deepEqual(seen, [[0x13, 0x05, 0x15, 0x00], 2, 4, 0x1000, 0x1000, disassemble(m.tbs[0].insns[0].insn), 'main', null]);
  });

  it('meminfo encodes QEMU MemOpIdx | rw<<16 and decodes through the API', () => {
    const m = new FakeMachine([]);
    const ctx = plug(m, () => undefined);
    const api = ctx.api;
    const ld = makeMeminfo(2, true, false), st = makeMeminfo(3, false, true);
    // QEMU: MO_32 | MO_SIGN = 0x0a, shifted by 4 for the mmu index, R = 1 in bits 16..
    assert.equal(ld, (0x0a << 4) | (1 << 16));
    assert.equal(st, (0x03 << 4) | (2 << 16));
    assert.deepEqual([api.memSizeShift(ld), api.memIsSignExtended(ld), api.memIsStore(ld), api.memIsBigEndian(ld)], [2, true, false, false]);
    assert.deepEqual([api.memSizeShift(st), api.memIsSignExtended(st), api.memIsStore(st)], [3, false, true]);
    assert.equal(api.getHwaddr(ld, 0x1000), null, 'user mode has no hwaddr');
    assert.equal(api.hwaddrIsIo(null), false);
  });

  it('mem_get_value returns the accessed value, only inside the memory callback', () => {
    const tbs = [simpleTb(0x1000, 1, () => [
      { addr: 0x10000, sizeShift: 0, store: true, value: 0xabn },
      { addr: 0x10008, sizeShift: 3, store: false, value: 0xfedcba9876543210n },
    ])];
    const m = new FakeMachine(tbs);
    const values: unknown[] = [];
    let api!: PluginApi, lastInfo = 0;
    plug(m, a => {
      api = a;
      a.registerVcpuTbTransCb(a.id, (_id, tb) => a.registerVcpuMemCb(a.tbGetInsn(tb, 0), (_v, info) => {
        lastInfo = info;
        values.push(a.memGetValue(info));
      }, CbFlags.NO_REGS, MemRW.RW));
    });
    m.start(); m.run([0]);
    assert.deepEqual(values, [{ type: MemValueType.U8, value: 0xab }, { type: MemValueType.U64, value: 0xfedcba9876543210n }]);
    assert.throws(() => api.memGetValue(lastInfo), /only valid inside the memory callback/);
  });

  it('memory callbacks and inline ops filter by R, W and RW', () => {
    const tbs = [simpleTb(0x1000, 1, () => [
      { addr: 0x10000, sizeShift: 2, store: false }, { addr: 0x10004, sizeShift: 2, store: true }, { addr: 0x10008, sizeShift: 2, store: true },
    ])];
    const m = new FakeMachine(tbs);
    const n = { r: 0, w: 0, rw: 0 };
    let inl!: ReturnType<PluginApi['scoreboardU64']>, api!: PluginApi;
    plug(m, a => {
      api = a;
      inl = a.scoreboardU64(a.scoreboardNew(8));
      a.registerVcpuTbTransCb(a.id, (_id, tb) => {
        const i = a.tbGetInsn(tb, 0);
        a.registerVcpuMemCb(i, () => n.r++, CbFlags.NO_REGS, MemRW.R);
        a.registerVcpuMemCb(i, () => n.w++, CbFlags.NO_REGS, MemRW.W);
        a.registerVcpuMemCb(i, () => n.rw++, CbFlags.NO_REGS, MemRW.RW);
        a.registerVcpuMemInlinePerVcpu(i, MemRW.W, InlineOpKind.ADD_U64, inl, 10);
      });
    });
    m.start(); m.run([0]);
    assert.deepEqual(n, { r: 1, w: 2, rw: 3 });
    assert.equal(api.u64Sum(inl), 20n);
  });

  it('conditional callbacks compare unsigned 64-bit; NEVER is not installed, ALWAYS always runs', () => {
    const m = new FakeMachine([simpleTb(0x1000, 1)]);
    const hits: Record<string, number> = {};
    let api!: PluginApi;
    plug(m, a => {
      api = a;
      const e = a.scoreboardU64(a.scoreboardNew(8));
      a.registerVcpuTbTransCb(a.id, (_id, tb) => {
        a.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.ADD_U64, e, 1);
        const ops: [string, CondOp, bigint][] = [['never', CondOp.NEVER, 0n], ['always', CondOp.ALWAYS, 0n], ['eq2', CondOp.EQ, 2n],
          ['ne2', CondOp.NE, 2n], ['lt2', CondOp.LT, 2n], ['le2', CondOp.LE, 2n], ['gt2', CondOp.GT, 2n], ['ge2', CondOp.GE, 2n],
          ['ltmax', CondOp.LT, 0xffffffffffffffffn]];
        for (const [name, op, imm] of ops) {
          a.registerVcpuTbExecCondCb(tb, () => { hits[name] = (hits[name] ?? 0) + 1; }, CbFlags.NO_REGS, op, e, imm);
        }
      });
    });
    m.start(); m.run([0, 0, 0, 0]);  // counter is 1,2,3,4 when the conditions are checked (ADD registered first)
    assert.deepEqual(hits, { always: 4, eq2: 1, ne2: 3, lt2: 1, le2: 2, gt2: 2, ge2: 3, ltmax: 4 });
    assert.equal(api.u64Sum(api.scoreboardU64(api.scoreboardNew(8))), 0n);
  });

  it('inline STORE_U64 and ADD_U64 on scoreboard entries inside a struct', () => {
    const m = new FakeMachine([simpleTb(0x1000, 2), simpleTb(0x2000, 1)]);
    let api!: PluginApi, sb!: ReturnType<PluginApi['scoreboardNew']>;
    plug(m, a => {
      api = a;
      sb = a.scoreboardNew(24);
      const last = a.scoreboardU64InStruct(sb, 8), count = a.scoreboardU64InStruct(sb, 16);
      a.registerVcpuTbTransCb(a.id, (_id, tb) => {
        for (let i = 0; i < a.tbNInsns(tb); i++) {
          const insn = a.tbGetInsn(tb, i);
          a.registerVcpuInsnExecInlinePerVcpu(insn, InlineOpKind.STORE_U64, last, a.insnVaddr(insn));
          a.registerVcpuInsnExecInlinePerVcpu(insn, InlineOpKind.ADD_U64, count, 3);
        }
      });
    });
    m.start(); m.run([0, 1, 0]);
    assert.deepEqual([...api.scoreboardFind(sb, 0)], [0n, 0x1004n, 15n]);
    assert.throws(() => api.scoreboardU64InStruct(sb, 4), /not an aligned u64/);
    assert.throws(() => api.scoreboardU64InStruct(sb, 24), /not an aligned u64/);
  });

  it('scoreboards: add/get/set/sum, grow with the vCPU count (flushing TBs), free', () => {
    const m = new FakeMachine([]);
    const api = plug(m, () => undefined).api;
    m.start();
    const sb = api.scoreboardNew(8), e = api.scoreboardU64(sb);
    api.u64Add(e, 0, 5); api.u64Add(e, 0, 0xffffffffffffffffn);
    assert.equal(api.u64Get(e, 0), 4n, 'u64 arithmetic wraps');
    api.u64Set(e, 0, 7);
    const flushes = m.flushes;
    m.plugins.vcpuInit(3);
    assert.ok(m.flushes > flushes, 'growing scoreboards flushes translated code');
    api.u64Set(e, 3, 10);
    assert.equal(api.u64Get(e, 0), 7n, 'values survive growth');
    assert.equal(api.u64Sum(e), 17n);
    assert.equal(api.numVcpus(), 4);
    assert.throws(() => api.u64Get(e, 99), /out of range/);
    api.scoreboardFree(sb);
    assert.throws(() => api.u64Get(e, 0), /after scoreboardFree/);
  });

  it('registers: readable with R_REGS, writable with RW_REGS, neither with NO_REGS', () => {
    const m = new FakeMachine([simpleTb(0x1000, 1)]);
    const got: unknown[] = [];
    plug(m, api => {
      const regs = api.getRegisters();
      const a0 = regs.find(r => r.name === 'a0')!, pc = regs.find(r => r.name === 'pc')!;
      assert.equal(regs[0].name, 'zero');
      assert.ok(pc.isReadonly && regs.some(r => r.name === 'fcsr'));
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        const i = api.tbGetInsn(tb, 0);
        api.registerVcpuInsnExecCb(i, () => got.push(api.readRegister(a0.handle), api.writeRegister(a0.handle, new Uint8Array(8))), CbFlags.NO_REGS);
        api.registerVcpuInsnExecCb(i, () => got.push(api.readRegister(a0.handle), api.writeRegister(a0.handle, new Uint8Array(8))), CbFlags.R_REGS);
        api.registerVcpuInsnExecCb(i, () => got.push(api.writeRegister(a0.handle, Uint8Array.of(0x34, 0x12, 0, 0, 0, 0, 0, 0x80))), CbFlags.RW_REGS);
        api.registerVcpuInsnExecCb(i, () => got.push(api.readRegister(pc.handle)), CbFlags.R_REGS);
      });
    });
    m.cpu.setX(10, 0x1122334455667788n);
    m.start(); m.run([0]);
    assert.deepEqual(got, [null, false, Uint8Array.of(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), false, true,
      Uint8Array.of(0x00, 0x10, 0, 0, 0, 0, 0, 0)]);
    assert.equal(m.cpu.getX(10), BigInt.asIntN(64, 0x8000000000001234n));
  });

  it('registers are readable in vCPU init but not at exit; set_pc needs RW_REGS_PC', () => {
    const m = new FakeMachine([simpleTb(0x1000, 1)]);
    const got: unknown[] = [];
    plug(m, api => {
      const sp = api.getRegisters().find(r => r.name === 'sp')!;
      api.registerVcpuInitCb(api.id, () => got.push(api.readRegister(sp.handle)?.length));
      api.registerAtexitCb(api.id, () => { assert.throws(() => api.readRegister(sp.handle), /only available in a vCPU callback/); got.push('exit'); });
      api.registerVcpuTbTransCb(api.id, (_id, tb) => {
        const i = api.tbGetInsn(tb, 0);
        api.registerVcpuInsnExecCb(i, () => assert.throws(() => api.setPc(0x2000), /RW_REGS_PC/), CbFlags.RW_REGS);
        api.registerVcpuInsnExecCb(i, () => api.setPc(0x3000), CbFlags.RW_REGS_PC);
      });
    });
    m.start(); m.run([0]); m.exit();
    assert.deepEqual(got, [8, 'exit']);
    assert.deepEqual(m.setPcs, [0x3000]);
    assert.equal(m.cpu.pc, 0x3000);
  });

  it('read/write_memory_vaddr go through guest memory and fail on unmapped addresses', () => {
    const m = new FakeMachine([]);
    const api = plug(m, () => undefined).api;
    assert.equal(api.writeMemoryVaddr(0x10100, Uint8Array.of(1, 2, 3)), true);
    assert.deepEqual([...api.readMemoryVaddr(0x10100, 3)!], [1, 2, 3]);
    assert.equal(api.readMemoryVaddr(0x900000, 4), null);
    assert.equal(api.writeMemoryVaddr(0x900000, Uint8Array.of(1)), false);
    assert.equal(api.readMemoryVaddr(0x10100, 0), null);
  });

  it('vcpu init/exit/idle/resume, vcpuForEach, flush, syscall, syscall_ret and the syscall filter', () => {
    const m = new FakeMachine([]);
    const ev: string[] = [];
    plug(m, api => {
      api.registerVcpuInitCb(api.id, (v, ud) => ev.push(`init ${v} ${ud}`), 'u');
      api.registerVcpuExitCb(api.id, v => ev.push(`exit ${v}`));
      api.registerVcpuIdleCb(api.id, v => ev.push(`idle ${v}`));
      api.registerVcpuResumeCb(api.id, v => ev.push(`resume ${v}`));
      api.registerFlushCb(api.id, ud => ev.push(`flush ${ud}`), 'f');
      api.registerVcpuSyscallCb(api.id, (_id, v, num, a1, a2) => ev.push(`sys ${v} ${num} ${a1} ${a2}`));
      api.registerVcpuSyscallRetCb(api.id, (_id, v, num, ret) => ev.push(`ret ${num} ${ret}`));
      api.registerVcpuSyscallFilterCb(api.id, (_id, _v, num, _a1, _a2, _a3, _a4, _a5, _a6, _a7, _a8, sysret) => {
        if (num !== 172) return false;
        sysret.value = 4242n;
        return true;
      });
      api.registerAtexitCb(api.id, ud => ev.push(`atexit ${ud}`), 'x');
    });
    const mgr = m.plugins;
    mgr.vcpuInit(0);
    mgr.vcpuIdle(0); mgr.vcpuResume(0);
    m.plugins.contexts[0].api.vcpuForEach(m.plugins.contexts[0].id, v => ev.push(`each ${v}`));
    mgr.syscall(0, 64, [1n, 0x10000n, 5n]);
    mgr.syscallRet(0, 64, 5);
    assert.deepEqual(mgr.syscallFilter(0, 64, []), { filtered: false, ret: 0n });
    assert.deepEqual(mgr.syscallFilter(0, 172, []), { filtered: true, ret: 4242n });
    mgr.flush();
    mgr.vcpuExit(0);
    mgr.atexit(); mgr.atexit();
    assert.deepEqual(ev, ['init 0 u', 'idle 0', 'resume 0', 'each 0', 'sys 0 64 1 65536', 'ret 64 5', 'flush f', 'exit 0', 'atexit x']);
  });

  it('reset and uninstall are asynchronous: callbacks continue until the safe point, then TBs are flushed', () => {
    const m = new FakeMachine([simpleTb(0x1000, 1)]);
    let execs = 0, done = '';
    const ctx = plug(m, api => api.registerVcpuTbTransCb(api.id, (_id, tb) =>
      api.registerVcpuTbExecCb(tb, () => {
        execs++;
        if (execs === 2) api.reset(api.id, ud => { done = String(ud); }, 'reset-done');
      }, CbFlags.NO_REGS)));
    m.start();
    m.run([0, 0]);
    assert.equal(done, '', 'the reset callback does not run inside reset()');
    assert.equal(m.plugins.hasPendingWork, true);
    const flushes = m.flushes;
    m.run([0, 0]);
    assert.equal(done, 'reset-done');
    assert.ok(m.flushes > flushes);
    assert.equal(execs, 2, 'after reset the plugin has no callbacks');
    assert.ok(m.plugins.contexts.includes(ctx), 'reset keeps the plugin loaded');
    ctx.api.uninstall(ctx.id, () => { done = 'gone'; });
    m.run([0]);
    assert.equal(done, 'gone');
    assert.ok(!m.plugins.contexts.includes(ctx));
  });

  it('a callback that throws unloads its plugin with one line naming plugin and callback; the guest goes on', () => {
    const c = capture();
    const m = new FakeMachine([simpleTb(0x1000, 1, () => [{ addr: 0x10000, sizeShift: 2, store: false }])], c.opts);
    let other = 0;
    plug(m, api => api.registerVcpuTbTransCb(api.id, (_id, tb) =>
      api.registerVcpuMemCb(api.tbGetInsn(tb, 0), () => { throw new Error('boom\nsecond line'); }, CbFlags.NO_REGS, MemRW.RW)), 'bad');
    plug(m, api => api.registerVcpuTbTransCb(api.id, (_id, tb) => api.registerVcpuTbExecCb(tb, () => other++, CbFlags.NO_REGS)), 'good');
    m.start();
    m.run([0, 0, 0]);
    assert.deepEqual(c.err, ['tbscope: plugin bad: mem callback threw: boom (plugin unloaded)']);
    assert.equal(other, 3);
    assert.deepEqual(m.plugins.contexts.map(x => x.name), ['good']);
  });

  it('bool_parse accepts QEMU spellings', () => {
    const api = plug(new FakeMachine([]), () => undefined).api;
    assert.deepEqual(['on', 'yes', 'true', 'off', 'no', 'false', 'maybe'].map(v => api.boolParse('x', v)),
      [true, true, true, false, false, false, undefined]);
    assert.equal(api.boolParse('x', undefined), undefined);
  });

  it('path_to_binary, start/end/entry code, time control, num_vcpus', () => {
    const m = new FakeMachine([]);
    const a = plug(m, () => undefined).api, b = plug(m, () => undefined, 'b').api;
    assert.deepEqual([a.pathToBinary(), a.startCode(), a.endCode(), a.entryCode(), a.numVcpus()], ['/fake/prog', 0x1000, 0x2000, 0x1000, 0]);
    m.start();
    assert.equal(a.numVcpus(), 1);
    assert.ok(a.requestTimeControl());
    assert.equal(b.requestTimeControl(), null, 'only one plugin controls time');
  });
});

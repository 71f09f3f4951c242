// QEMU's vCPU semantics with guest threads (test/fixtures/threads/worker.c: two workers, alive
// at once, fill halves of one buffer): vcpu_init for every new thread's vCPU, vcpu_exit when a
// thread ends and for the vCPUs left at the end of the process (qemu_plugin_user_exit),
// num_vcpus growing, per-vCPU scoreboards summing to the instructions retired, registers read
// from the running vCPU, and hotpages' CPU masks showing both workers writing the buffer's page.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../emulator/elf/elf';
import { hotPagesOf } from '../../emulator/plugins/builtin/hotpages';
import type { PluginManager } from '../../emulator/plugins/core';
import { installModule, loadBuiltin } from '../../emulator/plugins/loader';
import { InlineOpKind, type PluginApi } from '../../emulator/plugins/types';
import { REPO_ROOT } from '../support/oracles';
import { runWithPlugins as run } from './run-guest';

const WORKER = join(REPO_ROOT, 'test', 'fixtures', 'threads', 'bin', 'worker');
const plugin = (mgr: PluginManager, install: (api: PluginApi) => void) => installModule(mgr, 'test', { apiVersion: 7, install }, []);

describe('plugins: one vCPU per guest thread', function () {
  this.timeout(60_000);

  it('vcpu_init per thread, vcpu_exit per thread end and at exit, num_vcpus, per-vCPU scoreboards sum to the total', () => {
    const inits: number[] = [], exits: number[] = [], perVcpu: bigint[] = [];
    let sum = -1n, vcpus = 0;
    const r = run(WORKER, mgr => plugin(mgr, api => {
      const e = api.scoreboardU64(api.scoreboardNew(8));
      api.registerVcpuInitCb(api.id, (v) => inits.push(v));
      api.registerVcpuExitCb(api.id, (v) => exits.push(v));
      api.registerVcpuTbTransCb(api.id, (_id, tb) => api.registerVcpuTbExecInlinePerVcpu(tb, InlineOpKind.ADD_U64, e, api.tbNInsns(tb)));
      api.registerAtexitCb(api.id, () => {
        vcpus = api.numVcpus();
        for (let i = 0; i < vcpus; i++) perVcpu.push(api.u64Get(e, i));
        sum = api.u64Sum(e);
      });
    }));
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'sum 261120\n');
    assert.deepEqual(inits, [0, 1, 2], 'the main thread, then one vCPU per worker (both alive at once)');
    assert.deepEqual([...exits.slice(0, 2)].sort(), [1, 2], 'each worker\'s vCPU exits when the worker ends');
    assert.deepEqual(exits.slice(2), [0], 'the main thread\'s vCPU exits at the end of the process, before atexit');
    assert.equal(vcpus, 3);
    assert.equal(sum, BigInt(r.instret), 'per-vCPU counts add up to every instruction retired');
    assert.equal(perVcpu.reduce((a, b) => a + b, 0n), sum);
    assert.ok(perVcpu.every((n) => n > 1000n), `every vCPU ran: ${perVcpu.join(', ')}`);
  });

  it('registers and the vCPU index in a callback are the running thread\'s', () => {
    const seen: { vcpu: number; sp: bigint }[] = [];
    run(WORKER, mgr => plugin(mgr, api => {
      api.registerVcpuSyscallCb(api.id, (_id, vcpu, num) => {
        if (num !== 167) return;   // prctl(PR_SET_NAME), once per worker
        const sp = api.getRegisters().find((d) => d.name === 'sp')!;
        const bytes = api.readRegister(sp.handle)!;
        seen.push({ vcpu, sp: new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true) });
      });
    }));
    assert.equal(seen.length, 2);
    assert.deepEqual(seen.map((s) => s.vcpu).sort(), [1, 2]);
    assert.notEqual(seen[0].sp, seen[1].sp, 'each worker runs on its own stack');
  });

  it('hotpages: the shared buffer\'s page is written by both workers\' vCPUs (WCPUs mask 0x6)', () => {
    let manager: PluginManager | undefined;
    const r = run(WORKER, mgr => { loadBuiltin(mgr, 'hotpages'); manager = mgr; });
    assert.equal(r.status, 0);
    const pages = hotPagesOf(manager!);
    const shared = parseElf(readFileSync(WORKER)).symbols.byNameLookup('shared')!;
    const page = Math.floor(shared.value / 4096) * 4096;
    const p = pages!.pages.get(page);
    assert.ok(p, `page 0x${page.toString(16)} is in the table`);
    assert.equal(p.cpuWrite & 6, 6, `WCPUs 0x${p.cpuWrite.toString(16)}`);
    assert.ok(p.cpuRead & 1, 'the main thread reads the buffer to sum it');
    assert.match(r.log, new RegExp(`0x${page.toString(16).padStart(16, '0')}, 0x000[0-9a-f], \\d+, 0x000[67ef], \\d+`));
  });
});

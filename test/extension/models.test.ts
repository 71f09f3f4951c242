// View models of the extension (no VS Code needed): the adapter-shape normalisers fed with the
// adapter's real responses, Hot Pages sorting and the QEMU hotpages report line (checked against
// the hotpages plugin's own report from a real run), trace filtering, TB document rendering
// checked against riscv64-linux-gnu-objdump, heat map layout and the F5 launch guesses.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { heatRegions, GAP_PAGES, PAGE } from '../../extension/model/heatmap';
import { hexDump } from '../../extension/model/hexdump';
import { heatLevel, HEAT_LEVELS, qemuReport, qemuReportLine, sortPages, QEMU_REPORT_HEADER } from '../../extension/model/hotPages';
import { classify, elfCandidates, isElf } from '../../extension/model/launchGuess';
import { tbFromDocPath, renderTbDocument, tbDocPath } from '../../extension/model/tbs';
import { filterTrace, traceFacets } from '../../extension/model/trace';
import { num, toHotPages, toTbDetail, toTraceEvents, type HotPage } from '../../extension/protocol';
import type { TbSummary as WireTb, TranslationBlockResponse } from '../../adapter/protocol';
import { OBJDUMP, REPO_ROOT, requireTool } from '../support/oracles';

/** A TB summary as the adapter sends it. */
function wireTb(pc: string, flags: number, order: number, over: Partial<WireTb> = {}): WireTb {
  return {
    id: `${pc}/${flags}`, pc, flags, userCode: false, insns: 3, bytes: 10, execCount: 1, order, valid: true, inRegion: false, hotCode: false,
    flavour: { oneInsn: (flags & 1) !== 0, instrumented: (flags & 2) !== 0, execTrace: false }, ...over,
  };
}

const page = (address: number, reads: number, writes: number): HotPage => ({ address, reads, writes, cpuRead: reads ? 1 : 0, cpuWrite: writes ? 1 : 0 });

describe('extension view models', () => {
  it('reads addresses the way the adapter sends them ("0x…" text)', () => {
    assert.equal(num('0x10078'), 0x10078);
    assert.equal(num(42), 42);
  });

  it('turns the adapter hotPages / callbackTrace answers (adapter/protocol.ts) into the views\' shapes', () => {
    const { pages, regions } = toHotPages({ available: true, pageSize: 4096, sortBy: 'rw', total: 1, pages: [{ address: '0x11000', reads: 3, writes: 1, readCpus: 1, writeCpus: 1 }], regions: [{ start: '0x10000', end: '0x12000', kind: 'program', label: 'tiny (text/data)' }] });
    assert.deepEqual(pages, [{ address: 0x11000, reads: 3, writes: 1, cpuRead: 1, cpuWrite: 1 }]);
    assert.deepEqual(regions, [{ start: 0x10000, end: 0x12000, kind: 'program', label: 'tiny (text/data)' }]);
    const ev = toTraceEvents({ available: true, total: 2, events: [{ seq: 1, kind: 'mem', vcpu: 0, pc: '0x100b0', vaddr: '0x11008', plugin: 'hotpages' }, { seq: 2, kind: 'tb_exec', vcpu: 0, pc: '0x100b4', plugin: 'trace' }] });
    assert.equal(ev[0].vaddr, 0x11008);
    assert.equal(ev[1].vaddr, undefined);
    assert.deepEqual(ev.map((e) => e.seq), [1, 2]);
  });

  it('sorts hot pages by total, reads, writes and address', () => {
    const ps = [page(0x3000, 1, 9), page(0x1000, 5, 0), page(0x2000, 4, 4)];
    assert.deepEqual(sortPages(ps, 'total').map((p) => p.address), [0x3000, 0x2000, 0x1000]);
    assert.deepEqual(sortPages(ps, 'reads').map((p) => p.address), [0x1000, 0x2000, 0x3000]);
    assert.deepEqual(sortPages(ps, 'writes').map((p) => p.address), [0x3000, 0x2000, 0x1000]);
    assert.deepEqual(sortPages(ps, 'address').map((p) => p.address), [0x1000, 0x2000, 0x3000]);
  });

  it('heat levels are monotonic, 0 only for untouched pages, top level for the maximum', () => {
    let last = 0;
    for (let c = 0; c <= 1000; c++) {
      const l = heatLevel(c, 1000);
      assert.ok(l >= last && l < HEAT_LEVELS);
      assert.equal(l === 0, c === 0);
      last = l;
    }
    assert.equal(heatLevel(1000, 1000), HEAT_LEVELS - 1);
  });

  it("copies report lines identical to the hotpages plugin's own report (real run of examples/bin/step)", function () {
    const cli = join(REPO_ROOT, 'bin', 'tbscope');
    const r = spawnSync(cli, ['-plugin', 'hotpages', '-d', 'plugin', join(REPO_ROOT, 'examples', 'bin', 'step')], { encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) { console.log(`      [skip] bin/tbscope did not run: ${r.stderr}`); this.skip(); }
    const lines = r.stderr.split('\n');
    const start = lines.indexOf(QEMU_REPORT_HEADER);
    assert.ok(start >= 0, `no hotpages report in:\n${r.stderr}`);
    const body = lines.slice(start + 1).filter((l) => /^0x[0-9a-f]{16}, /.test(l));
    assert.ok(body.length > 1);
    // Parse each line into the shape the view holds, and format it back.
    for (const l of body) {
      const [a, rc, rd, wc, wr] = l.split(', ');
      const p: HotPage = { address: Number(a), cpuRead: Number(rc), reads: Number(rd), cpuWrite: Number(wc), writes: Number(wr) };
      assert.equal(qemuReportLine(p), l);
    }
    assert.ok(qemuReport([]).startsWith(QEMU_REPORT_HEADER + '\n'));
  });

  it('filters the callback trace by kind and plugin, newest first', () => {
    const evs = toTraceEvents({ available: true, total: 3, events: [
      { seq: 1, vcpu: 0, kind: 'tb_exec', pc: '0x1', plugin: 'trace' }, { seq: 2, vcpu: 0, kind: 'mem', pc: '0x2', vaddr: '0x9', plugin: 'hotpages' }, { seq: 3, vcpu: 0, kind: 'mem', pc: '0x3', vaddr: '0x9', plugin: 'trace' },
    ] });
    assert.deepEqual(filterTrace(evs, {}).map((e) => e.pc), [3, 2, 1]);
    assert.deepEqual(filterTrace(evs, { kinds: new Set(['mem']) }).map((e) => e.pc), [3, 2]);
    assert.deepEqual(filterTrace(evs, { kinds: new Set(['mem']), plugins: new Set(['trace']) }).map((e) => e.pc), [3]);
    assert.deepEqual(traceFacets(evs), { kinds: ['mem', 'tb_exec'], plugins: ['hotpages', 'trace'] });
  });

  it('lays out the heat map in regions, filling small gaps with empty cells', () => {
    const far = 0x3fff0000000;
    const rs = heatRegions([page(0x10000, 1, 0), page(0x12000, 0, 5), page(far, 10, 10), page(0x10000 + (GAP_PAGES + 3) * PAGE, 1, 1)]);
    assert.equal(rs.length, 3);
    assert.deepEqual(rs[0].cells.map((c) => c.address), [0x10000, 0x11000, 0x12000]);
    assert.equal(rs[0].cells[1].level, 0);
    assert.equal(rs[2].cells[0].level, HEAT_LEVELS - 1);
  });

  it('renders a TB document whose instruction lines match objdump for the same bytes', function () {
    const objdump = requireTool(this, OBJDUMP);
    const elf = join(REPO_ROOT, 'examples', 'bin', 'tiny');
    const dump = spawnSync(objdump, ['-d', elf], { encoding: 'utf8' }).stdout;
    const rows = dump.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).slice(0, 4);
    // Feed objdump's own rows through the adapter shape (pc, bytes, text) and render.
    const pc = '0x' + rows[0].trim().split(':')[0];
    const body: TranslationBlockResponse = { ...wireTb(pc, 2, 1), symbol: '_start', instructions: rows.map((l) => {
      const [addr, raw, text] = l.split('\t');
      return { pc: '0x' + addr.trim().replace(':', ''), bytes: raw.trim(), text: text.trim().replace('\t', ' '), instrumentation: [{ plugin: 'hotpages', kind: 'memory callback' as const, detail: 'RW' }] };
    }), instrumentation: [{ plugin: 'trace', kind: 'exec callback', detail: 'flags 0' }], generatedCode: 'function tb(){}' };
    const tb = toTbDetail(body);
    const doc = renderTbDocument(tb);
    for (const l of rows) {
      const [addr, raw, text] = l.split('\t');
      assert.ok(doc.includes(`${addr.trim().padStart(9, ' ')}\t${raw.trim()}\t${text.trim().replace('\t', ' ')}`), `missing ${l} in\n${doc}`);
    }
    assert.match(doc, /@plugin hotpages: memory callback \(RW\)/);
    assert.match(doc, /on TB entry: @plugin trace: exec callback/);
    assert.match(doc, /== generated JavaScript ==\n(\/\/.*\n)?function tb\(\)\{\}/);
    // The code tier and region, when the adapter says (docs/dap.md hotCode, inRegion).
    assert.match(renderTbDocument(toTbDetail({ ...body, hotCode: true, inRegion: true })),
      /== generated JavaScript ==\n\/\/ hot code: inline fast paths .*\n\/\/ the run loop enters this TB through its region/);
    assert.match(renderTbDocument(toTbDetail({ ...body, hotCode: false })), /== generated JavaScript ==\n\/\/ the TB's first code: /);
    assert.deepEqual(tbFromDocPath(tbDocPath(0x10078, 3)), { pc: 0x10078, flags: 3 });
  });

  it('guesses what F5 debugs without launch.json', () => {
    assert.equal(classify('/w/a.S'), 'asm');
    assert.equal(classify('/w/a.c'), 'c');
    assert.equal(classify('/w/x', 'riscv-asm'), 'asm');
    assert.equal(classify('/w/x.txt'), undefined);
    assert.deepEqual(elfCandidates('/w/examples/step.c').slice(0, 2), ['/w/examples/bin/step', '/w/examples/step']);
    assert.ok(isElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2])));
    assert.ok(!isElf(new Uint8Array([0x7f, 0x45])));
  });

  it('hex dumps like hexdump -C (address, 16 bytes, ascii)', () => {
    const d = hexDump(0x11000, new TextEncoder().encode('Hello from tiny!\n'));
    assert.equal(d.split('\n')[0], '0000000000011000  48 65 6c 6c 6f 20 66 72 6f 6d 20 74 69 6e 79 21  |Hello from tiny!|');
    assert.equal(d.split('\n')[1].slice(18, 20), '0a');
  });
});

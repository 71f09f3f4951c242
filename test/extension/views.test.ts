// The view models of issue #13 without an editor: tree identities of the Translation Blocks view
// (every flavour of a pc its own id, flavours grouped under their pc), its sorting (the
// program's own code first) and filtering, the TB shown for a pc inside blocks, the heat map
// grouped by mapping with bounded gaps and cells sized to the view, the Add Plugin pick; and
// that the one protocol definition (adapter/protocol.ts) is what docs/dap.md and package.json
// describe.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOM_HANDLERS } from '../../adapter/custom';
import { EVENTS, REQUESTS, type TbSummary as WireTb } from '../../adapter/protocol';
import { BUILTIN_CATALOG } from '../../emulator/plugins/builtin/catalog';
import { BUILTINS } from '../../emulator/plugins/builtin/index';
import { cellSize, heatRegions, MAX_FILL, PAGE } from '../../extension/model/heatmap';
import { hotPageRows } from '../../extension/model/hotPages';
import { pluginPicks } from '../../extension/model/plugins';
import { groupLabel, tbContaining, tbGroups } from '../../extension/model/tbs';
import { toTbSummary, type HotPage, type MemoryRegion, type TbSummary } from '../../extension/protocol';
import { REPO_ROOT } from '../support/oracles';

function tb(pc: number, flags: number, order: number, over: Partial<WireTb> = {}): TbSummary {
  const hex = '0x' + pc.toString(16);
  return toTbSummary({
    id: `${hex}/${flags}`, pc: hex, flags, userCode: false, insns: 3, bytes: 10, execCount: 1, order, valid: true, inRegion: false, hotCode: false,
    flavour: { oneInsn: (flags & 1) !== 0, instrumented: (flags & 2) !== 0, execTrace: false }, ...over,
  });
}
const page = (address: number, reads: number, writes: number): HotPage => ({ address, reads, writes, cpuRead: 1, cpuWrite: writes ? 1 : 0 });

describe('extension view models (issue #13)', () => {
  // issue #13's case: pc 0x10766 as a plain TB and as a one-instruction TB made while stepping.
  const tbs = [
    tb(0x10766, 2, 40, { execCount: 480, symbol: 'main+0x60', file: 'step.c', userCode: true }),
    tb(0x10766, 3, 52, { execCount: 3, insns: 1, bytes: 2, symbol: 'main+0x60', file: 'step.c', userCode: true }),
    tb(0x10632, 2, 41, { execCount: 5, symbol: 'add', file: 'step.c', userCode: true }),
    tb(0x100e0, 2, 1, { execCount: 9000, symbol: '__libc_start_main+0x20' }),
    tb(0x10500, 2, 2, { execCount: 700, symbol: 'memcpy' }),
  ];

  it('gives each pc one row and each flavour its own id (no "already registered" ids)', () => {
    const groups = tbGroups(tbs);
    const ids = [...groups.map((g) => g.id), ...groups.flatMap((g) => g.flavours.map((f) => `tb:${f.id}`))];
    assert.equal(new Set(ids).size, ids.length);
    const loop = groups.find((g) => g.pc === 0x10766)!;
    assert.deepEqual(loop.flavours.map((f) => f.id), ['0x10766/2', '0x10766/3'], 'plain flavour first');
    assert.equal(loop.execCount, 483);
    const { label, description, tooltip } = groupLabel(loop);
    assert.equal(label, 'main+0x60');
    assert.match(description, /^×483 · 0x10766 · 3 insns · 2 flavours$/);
    assert.match(tooltip, /flags=3: one instruction \(stepping\)/);
  });

  it("sorts the program's own code first, then by executions, address or translation order; filters by symbol, file or address", () => {
    const pcs = (g: ReturnType<typeof tbGroups>) => g.map((x) => x.pc);
    assert.deepEqual(pcs(tbGroups(tbs, 'exec')), [0x10766, 0x10632, 0x100e0, 0x10500]);
    assert.deepEqual(pcs(tbGroups(tbs, 'pc')), [0x10632, 0x10766, 0x100e0, 0x10500]);
    assert.deepEqual(pcs(tbGroups(tbs, 'order')), [0x10766, 0x10632, 0x100e0, 0x10500]);
    assert.deepEqual(pcs(tbGroups(tbs, 'exec', { text: 'MEMCPY' })), [0x10500]);
    assert.deepEqual(pcs(tbGroups(tbs, 'exec', { text: 'step.c' })), [0x10766, 0x10632]);
    assert.deepEqual(pcs(tbGroups(tbs, 'exec', { text: '0x106' })), [0x10632]);
    assert.deepEqual(tbGroups(tbs, 'exec', { text: 'nothing' }), []);
  });

  it('opens the block that starts closest before a pc (its own symbol), plain before one-instruction', () => {
    // A block at 0x100 running on into 0x10a and a block starting at 0x108 both hold 0x10a.
    const list = [tb(0x100, 2, 1, { bytes: 16 }), tb(0x108, 2, 2, { bytes: 8 }), tb(0x108, 3, 3, { bytes: 2 })];
    assert.equal(tbContaining(list, 0x10a)?.id, '0x108/2');
    assert.equal(tbContaining(list, 0x104)?.id, '0x100/2');
    assert.equal(tbContaining(list, 0x200), undefined);
  });

  it('lays out the heat map by mapping, bounds the empty cells of a gap, and sizes cells to the view', () => {
    const regions: MemoryRegion[] = [
      { start: 0x10000, end: 0x20000, kind: 'program', label: 'step (text/data)' },
      { start: 0x21000, end: 0x43000, kind: 'heap', label: 'heap' },
      { start: 0x7f7ff000, end: 0x7ffff000, kind: 'stack', label: 'stack' },
    ];
    const pages = [page(0x10000, 5, 0), page(0x1f000, 1, 1), page(0x21000, 0, 9), page(0x7fffe000, 50, 60), page(0x40000000, 1, 0)];
    const rs = heatRegions(pages, regions);
    assert.deepEqual(rs.map((r) => r.label), ['step (text/data)', 'heap', 'mmap', 'stack']);
    // 0x10000 … 0x1f000: 14 untouched pages between, drawn as empty cells.
    assert.equal(rs[0].cells.length, 16);
    assert.deepEqual([rs[0].reads, rs[0].writes], [6, 1]);
    // Writes and reads have their own levels: the heap page is written only.
    assert.deepEqual([rs[1].cells[0].readLevel, rs[1].cells[0].writeLevel > 0], [0, true]);
    // A huge gap inside one mapping draws at most MAX_FILL empty cells.
    const far = heatRegions([page(0x21000, 1, 0), page(0x21000 + 1000 * PAGE, 1, 0)], [{ start: 0, end: 2 ** 40, kind: 'mmap', label: 'mmap' }]);
    assert.equal(far[0].cells.length, MAX_FILL + 2);
    assert.ok(cellSize(10, 300, 300) > cellSize(1000, 300, 300));
    assert.equal(cellSize(100000, 300, 300), 6);
    assert.equal(cellSize(1, 2000, 2000), 28);
    // Hot Pages rows: compact addresses, counts first, the mapping in the tooltip.
    const [row] = hotPageRows([page(0x7fffe000, 50, 60)], 'total', regions);
    assert.equal(row.label, '0x7fffe000');
    assert.match(row.description, /^R 50 {2}W 60 /);
    assert.match(row.tooltip, /\(stack\)/);
  });

  it('offers every built-in in Add Plugin with its description and arguments, then a .js plugin', () => {
    const picks = pluginPicks(BUILTIN_CATALOG, [{ id: 1, name: 'hotpages', args: [] }]);
    assert.deepEqual(picks.slice(0, -1).map((p) => p.name).sort(), Object.keys(BUILTINS).sort());
    assert.match(picks.find((p) => p.name === 'hotpages')!.description!, /\(loaded\)$/);
    assert.match(picks.find((p) => p.name === 'cache')!.detail!, /dcachesize=N/);
    assert.equal(picks[picks.length - 1].name, undefined);
  });

  it('one protocol definition: every custom request and event has a handler and a section in docs/dap.md; launch.json completes the built-ins', () => {
    const dap = readFileSync(join(REPO_ROOT, 'docs', 'dap.md'), 'utf8');
    for (const name of [...Object.values(REQUESTS), ...Object.values(EVENTS)]) assert.ok(dap.includes(`### \`${name}\``), `${name} has no section in docs/dap.md`);
    assert.deepEqual(Object.keys(CUSTOM_HANDLERS).sort(), Object.values(REQUESTS).sort());
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    const items = pkg.contributes.debuggers[0].configurationAttributes.launch.properties.plugins.items;
    assert.deepEqual([...items.anyOf[0].enum].sort(), Object.keys(BUILTINS).sort());
  });
});

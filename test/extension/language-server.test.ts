// The RISC-V assembly language server driven over a real LSP connection (in-process streams,
// the same JSON-RPC a VS Code client speaks), checked against GNU binutils: the lines it flags
// are the lines riscv64-linux-gnu-as rejects, its document symbols are the symbols nm lists, and
// a label's hover shows the address nm reports after as + ld -Ttext=0x10000.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import type { CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, PublishDiagnosticsParams } from 'vscode-languageserver';
import { startServer } from '../../language/server';
import { REPO_ROOT, requireTool } from '../support/oracles';

const AS = 'riscv64-linux-gnu-as', LD = 'riscv64-linux-gnu-ld', NM = 'riscv64-linux-gnu-nm';
const TINY = readFileSync(join(REPO_ROOT, 'examples', 'tiny.S'), 'utf8');
const BAD = ['_start:', '  addi a0, a0', '  bogus a1', '  li a0, 1', '  addi a0, a0, 5000', '  add a0, a1, q9', '  .wibble 3', '  j _start', ''].join('\n');

class Client {
  readonly conn: MessageConnection;
  private readonly diags = new Map<string, (p: PublishDiagnosticsParams) => void>();
  constructor() {
    const c2s = new PassThrough(), s2c = new PassThrough();
    startServer(createConnection(new StreamMessageReader(c2s), new StreamMessageWriter(s2c)));
    this.conn = createMessageConnection(new StreamMessageReader(s2c), new StreamMessageWriter(c2s));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => this.diags.get(p.uri)?.(p));
    this.conn.listen();
  }
  async init(): Promise<void> {
    await this.conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await this.conn.sendNotification('initialized', {});
  }
  /** Opens a document and resolves with its first published diagnostics. */
  open(uri: string, text: string): Promise<Diagnostic[]> {
    const got = new Promise<Diagnostic[]>((resolve) => this.diags.set(uri, (p) => resolve(p.diagnostics)));
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'riscv-asm', version: 1, text } });
    return got;
  }
  change(uri: string, version: number, text: string): Promise<Diagnostic[]> {
    const got = new Promise<Diagnostic[]>((resolve) => this.diags.set(uri, (p) => resolve(p.diagnostics)));
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return got;
  }
  req<T>(method: string, uri: string, line: number, character: number, extra: object = {}): Promise<T> {
    return this.conn.sendRequest(method, { textDocument: { uri }, position: { line, character }, ...extra }) as Promise<T>;
  }
}

/** 0-based position of the first occurrence of `word` on the line containing `marker`. */
function at(text: string, marker: string, word: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, `no line with ${marker}`);
  return { line, character: lines[line].indexOf(word) + 1 };
}

function binutils(ctx: Mocha.Context, src: string): { asErr: string; nm?: string } {
  for (const t of [AS, LD, NM]) requireTool(ctx, t);
  const dir = mkdtempSync(join(tmpdir(), 'tbscope-ls-'));
  writeFileSync(join(dir, 'a.s'), src);
  const as = spawnSync(AS, ['-march=rv64gc', '-o', join(dir, 'a.o'), join(dir, 'a.s')], { encoding: 'utf8' });
  if (as.status !== 0) return { asErr: as.stderr };
  spawnSync(LD, ['-static', '-Ttext=0x10000', '-o', join(dir, 'a.elf'), join(dir, 'a.o')], { encoding: 'utf8' });
  return { asErr: '', nm: spawnSync(NM, [join(dir, 'a.elf')], { encoding: 'utf8' }).stdout };
}

describe('RISC-V assembly language server (LSP)', () => {
  let client: Client;
  before(async () => { client = new Client(); await client.init(); });
  after(() => client.conn.dispose());

  it('flags exactly the lines GNU as rejects, as you type', async function () {
    const { asErr } = binutils(this, BAD);
    const asLines = new Set([...asErr.matchAll(/a\.s:(\d+): Error/g)].map((m) => Number(m[1]) - 1));
    assert.ok(asLines.size >= 4, asErr);
    const diags = await client.open('file:///bad.s', BAD);
    const ours = new Set(diags.filter((d) => d.severity === 1).map((d) => d.range.start.line));
    assert.deepEqual([...ours].sort(), [...asLines].sort());
    // Fix every bad line: the diagnostics go away (debounced re-analysis after a change).
    const fixed = await client.change('file:///bad.s', 2, '_start:\n  addi a0, a0, 1\n  j _start\n');
    assert.deepEqual(fixed.filter((d) => d.severity === 1), []);
  });

  it('document symbols are the symbols nm lists; hover shows the address ld gives a label', async function () {
    const { nm } = binutils(this, TINY);
    assert.ok(nm);
    const nmSyms = new Map(nm.split('\n').map((l) => l.split(' ')).filter((p) => p.length === 3 && !p[2].startsWith('__') && !['_edata', '_end'].includes(p[2]))
      .map((p) => [p[2], BigInt('0x' + p[0])]));
    await client.open('file:///tiny.S', TINY);
    const syms = await client.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///tiny.S' } }) as DocumentSymbol[];
    assert.deepEqual(syms.map((s) => s.name).sort(), [...nmSyms.keys()].sort());
    for (const label of ['_start', 'loop', 'msg']) {
      const p = at(TINY, `${label}:`, label);
      const h = await client.req<Hover>('textDocument/hover', 'file:///tiny.S', p.line, p.character);
      const value = (h.contents as { value: string }).value;
      assert.match(value, new RegExp(`= \`0x${nmSyms.get(label)!.toString(16)}\``), `${label}: ${value}`);
    }
  });

  it('hover on a mnemonic shows its syntax and meaning from the ISA table', async () => {
    const p = at(TINY, 'addi    s0', 'addi');
    const h = await client.req<Hover>('textDocument/hover', 'file:///tiny.S', p.line, p.character);
    const v = (h.contents as { value: string }).value;
    assert.match(v, /addi rd, rs1, imm12/);
    assert.match(v, /Add immediate/i);
    const r = at(TINY, 'addi    s0', 's0');
    const hr = await client.req<Hover>('textDocument/hover', 'file:///tiny.S', r.line, r.character);
    assert.match((hr.contents as { value: string }).value, /x8 \(s0\)/);
    const e = at(TINY, '    ecall', 'ecall');
    const he = await client.req<Hover>('textDocument/hover', 'file:///tiny.S', e.line, e.character);
    assert.match((he.contents as { value: string }).value, /ends the translation block/);
  });

  it('goes to a definition and finds every reference of a label', async () => {
    const use = at(TINY, 'bnez', 'loop');
    const def = await client.req<Location>('textDocument/definition', 'file:///tiny.S', use.line, use.character);
    assert.equal(def.range.start.line, at(TINY, 'loop:', 'loop').line);
    const refs = await client.req<Location[]>('textDocument/references', 'file:///tiny.S', use.line, use.character, { context: { includeDeclaration: true } });
    // Every line mentioning msg as a word outside comments, in the source text itself.
    const expected = TINY.split('\n').map((l, i) => [l.replace(/#.*/, ''), i] as const).filter(([l]) => /\bloop\b/.test(l)).map(([, i]) => i);
    assert.deepEqual(refs.map((r) => r.range.start.line).sort((a, b) => a - b), expected);
    const msgRefs = await client.req<Location[]>('textDocument/references', 'file:///tiny.S', ...Object.values(at(TINY, 'la      a1', 'msg')) as [number, number], { context: { includeDeclaration: false } });
    assert.ok(msgRefs.length >= 2); // `la a1, msg` and `. - msg`
  });

  it('completes mnemonics at a statement start, registers and labels in operands, directives after a dot', async () => {
    const src = TINY + '\n  ad\n  mv a0, \n  .glo\n';
    await client.change('file:///tiny.S', 2, src);
    const lines = src.split('\n');
    const ln = (prefix: string) => lines.findIndex((l) => l === prefix);
    const c1 = await client.req<CompletionItem[]>('textDocument/completion', 'file:///tiny.S', ln('  ad'), 4);
    assert.ok(c1.some((c) => c.label === 'addi') && c1.some((c) => c.label === 'li') && c1.some((c) => c.label === 'c.addi'));
    assert.ok(!c1.some((c) => c.label === 'a0'));
    const c2 = await client.req<CompletionItem[]>('textDocument/completion', 'file:///tiny.S', ln('  mv a0, '), 9);
    assert.ok(c2.some((c) => c.label === 'a1') && c2.some((c) => c.label === 'loop') && c2.some((c) => c.label === 'msg_len'));
    assert.ok(!c2.some((c) => c.label === 'addi'));
    const c3 = await client.req<CompletionItem[]>('textDocument/completion', 'file:///tiny.S', ln('  .glo'), 6);
    assert.ok(c3.some((c) => c.label === '.globl'));
    assert.ok(c3.every((c) => c.label.startsWith('.')));
  });

  it('stays responsive while a document near the assembler budgets is assembled (worker thread); budgets become diagnostics', async () => {
    const heavy = '.rept 150\n.rept 1000\nnop\n.endr\n.endr\n.rept 100000\n.rept 100000\nnop\n.endr\n.endr\n';
    const diags = client.open('file:///heavy.s', heavy);
    let heavyDone = false;
    void diags.then(() => { heavyDone = true; });
    // Another document is answered while the heavy one is still being assembled.
    await client.open('file:///light.s', '_start:\n  addi a0, a0, 1\n');
    const h = await client.req<Hover>('textDocument/hover', 'file:///light.s', 1, 3);
    assert.ok(h, 'hover answered');
    assert.equal(heavyDone, false, 'the heavy document was still being assembled');
    const d = await diags;
    assert.ok(d.some((x) => /expansion produces more than \d+ lines/.test(x.message)), JSON.stringify(d));
  });
});

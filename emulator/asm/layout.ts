// Second half of the assembler: branch relaxation inside each section (GNU as's RELAX_BRANCH
// frags: c.b*/c.j → 4-byte → inverted branch + jal), placement of the sections the way
// `ld -static -Ttext=<base>` places them (text, rodata, then the data segment at
// ALIGN(0x1000) + (. & 0xfff), bss last), and final encoding of every item with all symbols known.

import { encode, encodeCompressed } from '../isa/encode';
import type { Assembler } from './assembler';
import { padding } from './directives';
import { AsmError, evaluate, NotYet, type EvalEnv, type Expr, type Value } from './expr';
import type { Item, LineEntry, Section } from './model';

const BRANCH_REACH = 4096, JUMP_REACH = 1 << 20, CB_REACH = 256, CJ_REACH = 2048;
const INVERT: Record<string, 'beq' | 'bne' | 'blt' | 'bge' | 'bltu' | 'bgeu'> = { beq: 'bne', bne: 'beq', blt: 'bge', bge: 'blt', bltu: 'bgeu', bgeu: 'bltu' };

/** Offset of the item index `item` in section `s` (the end of the section past the last item). */
function offsetOf(s: Section, item: number): number {
  const it = s.items[item];
  return it ? it.off : s.items.length ? s.items[s.items.length - 1].off + s.items[s.items.length - 1].size : 0;
}

/**
 * Symbol values during layout: section-relative offsets (sec set) or constants. `.` is the
 * offset of the branch being sized (`at`), so `beqz a0, .+8` relaxes like GNU's, not worst-case.
 */
function layoutEnv(a: Assembler, at: { sec: string; off: number }): EvalEnv {
  let depth = 0;
  const env: EvalEnv = {
    sym: (name) => {
      const s = a.symbols.get(name);
      if (!s?.def) return undefined;
      if (s.kind === 'equ') {
        if (s.value !== undefined) return { v: s.value };
        if (depth > 50 || !s.expr) return undefined;
        depth++;
        try { return evaluate(s.expr, env); } catch { return undefined; } finally { depth--; }
      }
      const sec = a.sections.get(s.sec!)!;
      return { sec: sec.name, v: BigInt(offsetOf(sec, s.item!)) };
    },
    dot: () => ({ sec: at.sec, v: BigInt(at.off) }),
  };
  return env;
}

function tryEval(e: Expr, env: EvalEnv): Value | undefined {
  try { return evaluate(e, env); } catch (err) { if (err instanceof NotYet || err instanceof AsmError) return undefined; throw err; }
}

/** GNU relaxed_branch_length(): 2 (compressed), 4, 6 (c.b* + jal) or 8 (b* + jal). */
function branchLength(it: Item & { k: 'branch' }, s: Section, env: EvalEnv): number {
  const jump = it.e.op === 'jal';
  const worst = jump ? 4 : 8;
  const t = tryEval(it.e.target, env);
  if (!t || t.sec !== s.name) return worst; // other section / undefined: the linker decides
  const d = Number(t.v) - it.off;
  const cr = jump ? CJ_REACH : CB_REACH;
  if (it.e.rvc && d >= -cr && d < cr) return 2;
  if (d >= -(jump ? JUMP_REACH : BRANCH_REACH) && d < (jump ? JUMP_REACH : BRANCH_REACH)) return 4;
  return !jump && it.e.rvc ? 6 : 8;
}

/** Assigns offsets and relaxes branch sizes until nothing changes (sizes only grow, so it ends). */
export function layoutSection(a: Assembler, s: Section): void {
  const at = { sec: s.name, off: 0 };
  const env = layoutEnv(a, at);
  for (let pass = 0; pass < 1000; pass++) {
    let off = 0, changed = false;
    for (const it of s.items) {
      if (it.off !== off) { it.off = off; changed = true; }
      at.off = off;
      let size = it.size;
      if (it.k === 'align') size = padding(off, it.pow, it.max);
      else if (it.k === 'branch' && !it.e.fixed) size = Math.max(it.size, branchLength(it, s, env));
      if (size !== it.size) { it.size = size; changed = true; }
      off += it.size;
    }
    s.size = off;
    if (!changed && pass > 0) return;
  }
}

const alignUp = (v: number, pow: number) => Math.ceil(v / 2 ** pow) * 2 ** pow;

/** An output section of the executable: input sections merged the way ld's default script does. */
export interface OutputSection { name: string; kind: Section['kind']; addr: number; size: number; align: number; inputs: Section[] }

/** ld's default script: which output section an input section goes to, in output order. */
const OUTPUTS: { name: string; kind: Section['kind']; match: (n: string) => boolean }[] = [
  { name: '.text', kind: 'text', match: (n) => n === '.text' || n.startsWith('.text.') },
  { name: '.rodata', kind: 'rodata', match: (n) => n === '.rodata' || n.startsWith('.rodata.') },
  { name: '.srodata', kind: 'rodata', match: (n) => n === '.srodata' || n.startsWith('.srodata.') },
  { name: '.data', kind: 'data', match: (n) => n === '.data' || n.startsWith('.data.') },
  { name: '.sdata', kind: 'data', match: (n) => n === '.sdata' || n.startsWith('.sdata.') },
  { name: '.sbss', kind: 'bss', match: (n) => n === '.sbss' || n.startsWith('.sbss.') },
  { name: '.bss', kind: 'bss', match: (n) => n === '.bss' || n.startsWith('.bss.') },
];

export interface Placement {
  /** Output sections in address order, with addr/size set (input sections get addr too). */
  sections: OutputSection[];
  textStart: number;
  /** End of text+rodata (the R+X segment). */
  textEnd: number;
  dataStart: number;
  /** End of the initialised data (file-backed part of the RW segment) and of bss. */
  dataEnd: number;
  bssEnd: number;
}

/** Places sections like GNU ld's default script with -Ttext=textBase (orphans go after their kind). */
export function place(a: Assembler, textBase: number): Placement {
  const inputs = [...a.sections.values()].filter((s) => s.size > 0 || s.name === '.text');
  const outs: OutputSection[] = [];
  const KINDS: Section['kind'][] = ['text', 'rodata', 'data', 'bss'];
  for (const kind of KINDS) {
    for (const o of OUTPUTS.filter((x) => x.kind === kind)) {
      const ins = inputs.filter((s) => o.match(s.name));
      if (ins.length) outs.push({ name: o.name, kind, addr: 0, size: 0, align: Math.max(...ins.map((s) => s.align)), inputs: ins });
    }
    for (const s of inputs.filter((x) => x.kind === kind && !OUTPUTS.some((o) => o.match(x.name)))) {
      outs.push({ name: s.name, kind, addr: 0, size: 0, align: s.align, inputs: [s] });
    }
  }
  let at = textBase;
  let textEnd = at, dataStart = 0, dataEnd = 0;
  for (const o of outs) {
    const firstData = (o.kind === 'data' || o.kind === 'bss') && !dataStart;
    // DATA_SEGMENT_ALIGN(MAXPAGESIZE, COMMONPAGESIZE) without relro: ALIGN(0x1000) + (. & 0xfff).
    if (firstData) at = alignUp(at, 12) + (at & 0xfff);
    at = alignUp(at, o.align);
    o.addr = at;
    // The RW segment starts at its first output section.
    if (firstData) dataStart = dataEnd = at;
    for (const s of o.inputs) { at = alignUp(at, s.align); s.addr = at; at += s.size; }
    // ld: `. = ALIGN(. != 0 ? 64 / 8 : 1);` closes the .bss output section.
    if (o.name === '.bss') at = alignUp(at, 3);
    o.size = at - o.addr;
    if (o.kind === 'data') dataEnd = at;
    if (o.kind === 'text' || o.kind === 'rodata') textEnd = at;
  }
  if (!dataStart) dataStart = dataEnd = at;
  return { sections: outs, textStart: textBase, textEnd, dataStart, dataEnd, bssEnd: at };
}

/** Final values: every label is an absolute address now. */
function finalEnv(a: Assembler, dot: { v: number }): EvalEnv {
  let depth = 0;
  const env: EvalEnv = {
    sym: (name) => {
      const s = a.symbols.get(name);
      if (!s?.def) return undefined;
      if (s.kind === 'equ') {
        if (s.value !== undefined) return { v: s.value };
        if (depth > 50 || !s.expr) throw new AsmError(`cannot resolve '${s.name}' (circular definition?)`);
        depth++;
        try { const v = evaluate(s.expr, env); return { v: v.v }; } finally { depth--; }
      }
      const sec = a.sections.get(s.sec!)!;
      return { v: BigInt(sec.addr + offsetOf(sec, s.item!)) };
    },
    dot: () => ({ v: BigInt(dot.v) }),
  };
  return env;
}

const sext12 = (v: bigint) => Number(BigInt.asIntN(12, v));
function hi20(v: bigint, what: string, e: Expr): number {
  if (v < -(1n << 31n) - 0x800n || v >= (1n << 31n) - 0x800n) throw new AsmError(`${what} value 0x${BigInt.asUintN(64, v).toString(16)} out of range for a 32-bit ${what}`, e.tok);
  return Number(BigInt.asIntN(32, ((v + 0x800n) >> 12n) << 12n));
}

function putLE(out: Uint8Array, at: number, v: number | bigint, size: number): void {
  let x = BigInt.asUintN(64, BigInt(v));
  for (let i = 0; i < size; i++) { out[at + i] = Number(x & 0xffn); x >>= 8n; }
}

export interface Encoded { bytes: Map<string, Uint8Array>; lines: LineEntry[] }

/** Encodes every section at its placed address; errors become diagnostics at the statement. */
export function encodeAll(a: Assembler, p: Placement): Encoded {
  const dot = { v: 0 };
  const env = finalEnv(a, dot);
  const value = (e: Expr): bigint => {
    try { return evaluate(e, env).v; } catch (err) {
      if (err instanceof NotYet) {
        const s = a.symbols.get(err.tok.text);
        throw new AsmError(s && s.name !== s.key ? `undefined local label '${s.name}'` : `undefined symbol '${err.tok.text}'`, err.tok);
      }
      throw err;
    }
  };
  // auipc items by address, for %pcrel_lo(label).
  const hiAt = new Map<number, { pc: number; target: bigint }>();
  const hiOf = new Map<object, { pc: number; target: bigint }>();
  const inputs = p.sections.flatMap((o) => o.inputs);
  for (const s of inputs) for (const it of s.items) {
    if (it.k !== 'insn' || it.e.reloc?.kind !== 'pcrel_hi20') continue;
    try {
      const h = { pc: s.addr + it.off, target: value(it.e.reloc.expr) };
      hiAt.set(h.pc, h); hiOf.set(it.e, h);
    } catch { /* reported when the item itself is encoded */ }
  }
  const bytes = new Map<string, Uint8Array>();
  const lines: LineEntry[] = [];
  for (const o of p.sections) {
    const image = new Uint8Array(o.kind === 'bss' ? 0 : o.size);
    bytes.set(o.name, image);
    for (const s of o.inputs) {
    const out = image.subarray(s.addr - o.addr);
    for (const it of s.items) {
      const pc = s.addr + it.off;
      dot.v = pc;
      try {
        encodeItem(it, pc, out, value, dot, hiAt, hiOf);
      } catch (err) {
        if (!(err instanceof AsmError)) throw err;
        const t = err.tok;
        a.diagnostics.push({ ...(t ? { line: t.line, col: t.col, endCol: err.endTok?.endCol ?? t.endCol } : it.pos), severity: 'error', message: err.message });
      }
      if (it.k === 'insn' || it.k === 'branch') lines.push({ address: pc, line: it.pos.line, col: it.pos.col, size: it.size, section: s.name });
    }
    }
  }
  for (const sym of a.symbols.values()) {
    if (!sym.def) continue;
    try { sym.address = value({ k: 'sym', name: sym.key, tok: { kind: 'ident', text: sym.key, ...sym.def } }); } catch { /* reported at uses */ }
  }
  return { bytes, lines };
}

function encodeItem(it: Item, pc: number, out: Uint8Array, value: (e: Expr) => bigint, dotRef: { v: number },
  hiAt: Map<number, { pc: number; target: bigint }>, hiOf: Map<object, { pc: number; target: bigint }>): void {
  const at = it.off;
  const check = (f: () => number) => { try { return f(); } catch (e) { if (e instanceof RangeError) throw new AsmError(e.message, undefined); throw e; } };
  const dot = dotRef;
  switch (it.k) {
    case 'zero': return;
    case 'bytes':
      out.set(it.data, at);
      for (const fx of it.fixups) {
        dot.v = pc + fx.at;
        const v = value(fx.expr);
        const bits = BigInt(fx.size * 8);
        if (fx.size < 8 && (v >= (1n << bits) || v <= -(1n << bits))) throw new AsmError(`value 0x${v.toString(16)} does not fit in ${fx.size} bytes`, fx.expr.tok);
        putLE(out, at + fx.at, v, fx.size);
      }
      return;
    case 'align': {
      if (!it.code) { out.fill(it.fill ?? 0, at, at + it.size); return; }
      let n = it.size, o = at;
      if (n & 1) { out[o++] = 0; n--; }
      // GNU (riscv_make_nops) pads 2 bytes with c.nop even under .option norvc: the arch has C.
      if (n & 2) { putLE(out, o, 0x0001, 2); o += 2; n -= 2; }
      for (; n >= 4; n -= 4, o += 4) putLE(out, o, 0x00000013, 4);
      return;
    }
    case 'insn': {
      const e = it.e;
      if (e.c !== undefined) { putLE(out, at, e.c, 2); return; }
      if (e.word !== undefined) { putLE(out, at, e.word, 4); return; }
      const f = { ...e.f };
      const r = e.reloc;
      if (r) {
        switch (r.kind) {
          case 'abs': f.imm = Number(BigInt.asIntN(32, value(r.expr))); if (BigInt(f.imm) !== value(r.expr)) throw new AsmError('immediate out of range', r.expr.tok); break;
          case 'lo12': f.imm = sext12(value(r.expr)); break;
          case 'hi20': f.imm = hi20(value(r.expr), '%hi', r.expr); break;
          case 'pcrel_hi20': f.imm = hi20(value(r.expr) - BigInt(pc), '%pcrel_hi', r.expr); break;
          case 'pcrel_lo12': {
            let h = r.hiInsn ? hiOf.get(r.hiInsn) : undefined;
            if (!r.hiInsn) {
              const lab = Number(value(r.expr));
              h = hiAt.get(lab);
              if (!h) throw new AsmError('%pcrel_lo must name the label of an auipc with %pcrel_hi', r.expr.tok);
            }
            if (!h) throw new AsmError('cannot resolve the matching %pcrel_hi', r.expr.tok);
            f.imm = sext12(h.target - BigInt(h.pc));
            break;
          }
        }
      }
      try { putLE(out, at, encode(e.op, f), 4); } catch (err) {
        if (err instanceof RangeError) throw new AsmError(`${e.op}: ${err.message}`, r?.expr.tok);
        throw err;
      }
      return;
    }
    case 'branch': {
      const e = it.e;
      const d = Number(value(e.target)) - pc;
      const tok = e.target.tok;
      const enc = (fn: () => number | undefined) => {
        const x = check(fn as () => number);
        if (x === undefined) throw new AsmError(`branch target out of range`, tok);
        return x;
      };
      if (d % 2 !== 0) throw new AsmError(`branch target is not 2-byte aligned`, tok);
      if (it.size === 2) {
        putLE(out, at, enc(() => encodeCompressed(e.op === 'jal' ? 'c.j' : e.op === 'beq' ? 'c.beqz' : 'c.bnez', { rd: 0, rs1: e.rs1, rs2: 0, imm: d })), 2);
      } else if (it.size === 4) {
        if (e.op === 'jal' ? d < -JUMP_REACH || d >= JUMP_REACH : d < -BRANCH_REACH || d >= BRANCH_REACH) throw new AsmError(`${e.op === 'jal' ? 'jump' : 'branch'} target out of range (${d} bytes)`, tok);
        putLE(out, at, encode(e.op, { rd: e.rd, rs1: e.rs1, rs2: e.rs2, imm: d }), 4);
      } else if (e.op === 'jal') {
        throw new AsmError(`jump target out of range (${d} bytes)`, tok);
      } else {
        const inv = INVERT[e.op];
        const skip = it.size === 6
          ? encodeCompressed(inv === 'beq' ? 'c.beqz' : 'c.bnez', { rd: 0, rs1: e.rs1, rs2: 0, imm: 6 })!
          : encode(inv, { rs1: e.rs1, rs2: e.rs2, imm: 8 });
        const first = it.size === 6 ? 2 : 4;
        putLE(out, at, skip, first);
        if (d - first < -JUMP_REACH || d - first >= JUMP_REACH) throw new AsmError(`branch target out of range (${d} bytes)`, tok);
        putLE(out, at + first, encode('jal', { rd: 0, imm: d - first }), 4);
      }
    }
  }
}

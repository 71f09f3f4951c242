// Turns a formed TB (its guest instructions and the plugins' instrumentation) into JavaScript
// source, and compiles it once with `new Function`. The source contains only numbers decoded
// from guest memory — never guest text. Instrumentation goes in QEMU's order: TB exec callbacks
// and inline ops first, then per instruction its exec callbacks (conditional ones included),
// inline ops, the instruction, and its memory callbacks after each successful access (gen-mem).
// Empty instrumentation produces exactly the code of no instrumentation.

import type { Insn } from '../isa/insn';
import { D } from '../isa/d';
import { F } from '../isa/f';
import { MNEMONICS, type Mnemonic } from '../isa/table';
import { R as ARITH_RET, ARITH } from './arith';
import { Ctx, num } from './ctx';
import { INT_GEN, type Gen } from './gen-int';
import { MEM_GEN } from './gen-mem';
import { fpGen, SYS_GEN, type FpHelperFn } from './gen-sys';
import { CbFlags, CondOp, type ExecCallback, type InlineOp, type TbInstrumentation } from './instrument';
import { TbFlags, TbStatus, type TbFunction, type TbTrap } from './tb';

/** F/D instructions that have no generator of their own are computed by their FPU helper (fpGen). */
type FpMnemonic = keyof typeof F | keyof typeof D;
/**
 * Every other instruction has a generator of its own: leaving one out is a type error here
 * (instead of a SIGILL when a guest first runs it).
 */
const OWN_GEN = { ...INT_GEN, ...MEM_GEN, ...SYS_GEN } satisfies Record<Exclude<Mnemonic, FpMnemonic>, Gen>;

/** Generator per mnemonic: integer, memory and system ones by name, every other F/D one through its FPU helper. */
const GEN: Record<Mnemonic, Gen> = (() => {
  const own: Partial<Record<Mnemonic, Gen>> = OWN_GEN;
  const out = {} as Record<Mnemonic, Gen>;
  for (const m of MNEMONICS) out[m] = own[m] ?? fpGen(m);
  return out;
})();

/** What the generated code is linked against (one set per Machine). */
export interface CodegenEnv {
  S: unknown;                 // CpuState
  X: Int32Array;              // cpu.x
  FR: Int32Array;             // cpu.f
  /** cpu.f as doubles, register r at index r (made by linkEnv). */
  FD?: Float64Array;
  /** cpu.f as floats, the single in register r at index 2r (made by linkEnv). */
  FS?: Float32Array;
  M: unknown;                 // Memory (ld/st slow path, flt, faultAddr, rhi)
  R: (DataView | null)[];     // fast-path read table
  W: (DataView | null)[];     // fast-path write table
  MV: unknown;                // MemValueSlot for memory callbacks
  TIME: () => number;         // the time CSR
  TRACE: (tb: unknown) => void;  // -d exec hook (only called by EXEC_TRACE TBs)
  VCPU: number;
  /** Instructions a region may retire before returning (set by the run loop before each entry). */
  budget: number;
  /** A region enters no TB once it has retired this many (a soft budget; = budget when exact). */
  softBudget: number;
  /** Non-zero when the run loop must look at pause/exit requests before the next TB. */
  attn: number;
  fp: Readonly<Record<string, FpHelperFn>>;
}

export interface TbSourceInput {
  pc: number; flags: number; insns: readonly Insn[]; instrumentation?: TbInstrumentation; trap?: TbTrap;
}

export interface GeneratedTb { source: string; consts: unknown[]; helpers: string[] }

const COND_OPS: Record<number, string> = {
  [CondOp.EQ]: '===', [CondOp.NE]: '!==', [CondOp.LT]: '<', [CondOp.LE]: '<=', [CondOp.GT]: '>', [CondOp.GE]: '>=',
};

function isEmpty(ins: TbInstrumentation | undefined): boolean {
  if (!ins) return true;
  if (ins.exec.length || ins.inline.length) return false;
  return ins.insns.every((i) => !i.exec.length && !i.inline.length && !i.mem.length && !i.memInline.length);
}

/**
 * Runs of at least this many unconditional callbacks with the same flags (not RW_REGS_PC) are
 * called from a loop over their list instead of one call each: a plugin that puts 10,000
 * callbacks on a TB gets one line of source, not 10,000 (V8 ran out of memory compiling those).
 */
const CALLBACK_LOOP_MIN = 8;

/** End (exclusive) of the run of loop-able callbacks starting at i, or i when there is none. */
function loopRunEnd(cbs: readonly ExecCallback[], i: number): number {
  const plain = (cb: ExecCallback) => (!cb.cond || cb.cond.op === CondOp.ALWAYS) && cb.flags !== CbFlags.RW_REGS_PC;
  if (!plain(cbs[i])) return i;
  let j = i + 1;
  while (j < cbs.length && plain(cbs[j]) && cbs[j].flags === cbs[i].flags) j++;
  return j - i >= CALLBACK_LOOP_MIN ? j : i;
}

/** Exec callbacks then inline ops, for the TB (at its first instruction) or one instruction. */
function execInstrumentation(c: Ctx, pc: number, cbs: readonly ExecCallback[], inl: readonly InlineOp[]): void {
  for (let i = 0; i < cbs.length; i++) {
    const cb = cbs[i];
    const end = loopRunEnd(cbs, i);
    if (end > i) {
      c.beforeCallback(cb.flags >= CbFlags.R_REGS, pc);
      c.emit(`for (const e of ${c.konst(cbs.slice(i, end))}) e.fn(VCPU, e.userdata);`);
      if (cb.flags >= CbFlags.RW_REGS) c.reload();
      i = end - 1;
      continue;
    }
    let close = '';
    if (cb.cond) {
      if (cb.cond.op === CondOp.NEVER) continue;
      if (cb.cond.op !== CondOp.ALWAYS) {
        c.flushInline();
        c.emit(`if (${c.entry(cb.cond.entry)} ${COND_OPS[cb.cond.op]} ${cb.cond.imm}n) {`);
        close = '}';
      }
    }
    c.beforeCallback(cb.flags >= CbFlags.R_REGS, pc);
    // With RW_REGS_PC the callback may set the pc (qemu_plugin_set_pc): instret must then be
    // exact without this instruction (in a region: with the earlier TBs' N), and a changed pc
    // leaves with X as the callback left it.
    const retired = c.region ? `N + ${c.k}` : c.k ? String(c.k) : '';
    if (cb.flags === CbFlags.RW_REGS_PC && retired) c.emit(`S.instret += ${retired};`);
    c.emit(`${c.konst(cb.fn)}(VCPU, ${c.konst(cb.userdata)});`);
    if (cb.flags === CbFlags.RW_REGS_PC) {
      c.emit(`if (S.pc !== ${num(pc)}) return ${TbStatus.NEXT};`);
      if (retired) c.emit(`S.instret -= ${retired};`);
    }
    if (cb.flags >= CbFlags.RW_REGS) c.reload();
    if (close) c.emit(close);
  }
  for (const op of inl) c.inlineOp(op.op, op.entry, op.imm);
}

/**
 * Emits a TB's instrumentation and instructions into c. Returns the expression of the pc the TB
 * continues at when it runs to its end, or undefined when its last instruction always leaves
 * (ecall, ebreak).
 */
export function emitTbBody(c: Ctx, pc: number, insns: readonly Insn[], instr: TbInstrumentation | undefined): string | undefined {
  c.nextPc = undefined;
  c.nextBranch = undefined;
  if (instr) { c.k = 0; execInstrumentation(c, pc, instr.exec, instr.inline); }
  insns.forEach((insn, k) => {
    c.insn = insn; c.k = k; c.instr = instr?.insns[k];
    c.emit(`// ${insn.pc.toString(16)}: ${insn.op}`);
    if (c.instr) execInstrumentation(c, insn.pc, c.instr.exec, c.instr.inline);
    GEN[insn.op](c, insn);
  });
  c.instr = undefined;
  const last = insns[insns.length - 1];
  if (last.op === 'ecall' || last.op === 'ebreak') return undefined;
  return c.nextPc ?? num(last.pc + last.size);
}

/** Instrumentation with something in it, or undefined (so empty == none, byte for byte). */
export function effectiveInstrumentation(ins: TbInstrumentation | undefined): TbInstrumentation | undefined {
  return isEmpty(ins) ? undefined : ins;
}

/**
 * Whether instrumentation calls out of generated code through a wrapper on every run (exec
 * callbacks, memory callbacks without a direct form). Such TBs stay out of regions: measured
 * here with hotpages, regions full of wrapper calls ran 1.5x slower than one call per TB. Direct
 * NO_REGS memory callbacks (DirectMemCallback) inline into the region instead, which made
 * hotpages ~2x faster, and conditional exec callbacks are an inline test that calls the wrapper
 * only when it holds (the debugger's data breakpoints: 2.5x faster in regions).
 */
export function hasCallbacks(ins: TbInstrumentation | undefined): boolean {
  const everyRun = (cb: ExecCallback): boolean => !cb.cond || cb.cond.op === CondOp.ALWAYS;
  return !!ins && (ins.exec.some(everyRun) || ins.insns.some((i) => i.exec.some(everyRun) || i.mem.some((m) => !m.direct)));
}

/** Whether a TB calls plugin code at all (a region then also leaves at attention requests between TBs). */
export function callsPlugins(ins: TbInstrumentation | undefined): boolean {
  return !!ins && (ins.exec.length > 0 || ins.insns.some((i) => i.exec.length > 0 || i.mem.length > 0));
}

/** Builds the source of one TB's function; `hot`: with the inline fast paths worth it only in code that runs often (Ctx.hot). */
export function generateTb(tb: TbSourceInput, fp: Readonly<Record<string, FpHelperFn>>, vcpu = 0, hot = false): GeneratedTb {
  const c = new Ctx();
  c.fp = fp;
  c.vcpu = vcpu;
  c.hot = hot;
  c.emit('TB.execCount++;');
  if (tb.flags & TbFlags.EXEC_TRACE) c.emit('TRACE(TB);');
  if (tb.trap) {
    // An illegal instruction's TB runs the plugins' TB and instruction exec instrumentation first
    // (the stand-in instruction 0 of Machine.translate), as QEMU does before raising SIGILL.
    const ins = effectiveInstrumentation(tb.instrumentation);
    if (ins && tb.trap.kind === 'illegal') {
      c.k = 0;
      execInstrumentation(c, tb.pc, ins.exec, ins.inline);
      if (ins.insns[0]) execInstrumentation(c, tb.pc, ins.insns[0].exec, ins.insns[0].inline);
    }
    c.emit(c.exit(tb.trap.kind === 'illegal' ? TbStatus.ILLEGAL : TbStatus.FETCH_FAULT, num(tb.pc), 0));
  } else {
    const next = emitTbBody(c, tb.pc, tb.insns, effectiveInstrumentation(tb.instrumentation));
    if (next !== undefined) c.emit(c.exit(TbStatus.NEXT, next, tb.insns.length));
  }
  return { source: assemble(c, [], c.lines), consts: c.consts, helpers: [...c.helpers] };
}

/** Scratch locals of generated code, declared only where used (every declaration costs compile time). */
const TEMPORARIES = ['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'A', 'AH', 'V', 'VH', 'ST', ...Array.from({ length: 12 }, (_, i) => `D${i}`), 'PG'];
/** Environment entries, fetched only where used (S and X always: the exit sequence uses them). */
const ENV_NAMES = ['S', 'X', 'FR', 'FD', 'FS', 'M', 'R', 'W', 'MV', 'AR', 'TIME', 'TRACE', 'VCPU'];
/** Every temporary and environment name, in one pattern: the body is scanned once (translation time is measurable). */
const NAMES = /\b(?:T[0-5]|AH?|VH?|ST|D\d+|PG|FR|FD|FS|M|R|W|MV|AR|TIME|TRACE|VCPU)\b/g;

/**
 * Wraps generated lines into a function body: environment and constants fetched once, register
 * locals loaded, placeholders (@WBALL@ every used register, @RELOAD@, @IFLUSH@ inline-op
 * accumulators, @RFLUSH@ region run counters) filled in now that the whole code is known, and
 * the one exit sequence that writes the dirty registers, accumulators and counters back.
 */
export function assemble(c: Ctx, extraLets: string[], lines: string[]): string {
  const used = [...c.used].sort((a, b) => a - b), dirty = [...c.dirty].sort((a, b) => a - b);
  const store = (rs: number[]): string => rs.map((r) => `X[${2 * r}] = l${r}; X[${2 * r + 1}] = h${r};`).join(' ');
  const load = (rs: number[]): string => rs.map((r) => `l${r} = X[${2 * r}]; h${r} = X[${2 * r + 1}];`).join(' ');
  const accs = [...c.accumulators];
  const iflush = accs.map(([target, acc]) => `if (${acc} !== 0) { ${target} += BigInt(${acc}); ${acc} = 0; }`).join(' ');
  // Only counters that ran: a region with many members is often left after a few of them.
  const rflush = c.runCounters.map((tb, i) => `if (C${i} !== 0) { ${tb}.execCount += C${i}; C${i} = 0; }`).join(' ');
  let body = lines.join('\n');
  if (body.includes('@')) {
    body = body.replace(/@WBALL@/g, store(used) + (used.length ? ' ' : ''))
      .replace(/@RELOAD@/g, load(used))
      .replace(/@IFLUSH@/g, iflush)
      .replace(/@RFLUSH@/g, rflush);
  }
  // Only what the body mentions is fetched from the environment / TB at entry, or declared.
  const seen = new Set(body.match(NAMES));
  seen.add('S'); seen.add('X');
  const env = ENV_NAMES.filter((n) => seen.has(n)).map((n) => `${n} = E.${n}`);
  const temps = TEMPORARIES.filter((t) => seen.has(t)).map((t) => `${t} = ${t === 'PG' ? 'null' : '0'}`);
  const consts = c.consts.map((_, i) => `K${i} = TB.consts[${i}]`);
  const helpers = [...c.helpers].map((h) => `${h} = E.H.${h}`);
  const locals = used.map((r) => `l${r} = X[${2 * r}], h${r} = X[${2 * r + 1}]`);
  return [
    '"use strict";',
    `const ${[...env, ...consts, ...helpers].join(', ')};`,
    `let ${[...locals, ...extraLets, ...accs.map(([, acc]) => `${acc} = 0`), ...c.runCounters.map((_, i) => `C${i} = 0`), ...temps, 'XS = 0, XPC = 0, XK = 0'].join(', ')};`,
    'out: {',
    body,
    '}',
    // Direct memory callbacks leave their "running" marker set until here (DirectMemCallback).
    `${store(dirty)} ${iflush} ${rflush} ${c.directCalls ? 'MV.info = -1; ' : ''}S.pc = XPC; S.instret += ${c.region ? 'N + ' : ''}XK; return XS;`,
  ].join('\n');
}

/**
 * Compiles generated source into the TB's function: `fn(E, TB)` with E the machine's CodegenEnv
 * (plus the arithmetic helpers as E.H and their second result as E.AR) and TB the block itself.
 * One function per TB without a factory wrapper: `new Function` costs tens of microseconds per
 * call here, and a wrapper would make V8 parse the body twice.
 */
export function compileTb(gen: GeneratedTb): TbFunction {
  return new Function('E', 'TB', gen.source) as TbFunction;
}

/** The environment object generated code reads (built once per Machine). */
export function linkEnv(env: CodegenEnv): CodegenEnv & { H: typeof ARITH; AR: typeof ARITH_RET } {
  const { buffer, byteOffset, length } = env.FR;
  return { ...env, FD: new Float64Array(buffer, byteOffset, length >> 1), FS: new Float32Array(buffer, byteOffset, length), H: ARITH, AR: ARITH_RET };
}

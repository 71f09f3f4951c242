// Code generators for memory instructions: integer and FP loads/stores, LR/SC and AMOs
// (RISC-V Unprivileged ISA ch. 2.6, 14, 11.5/12.4), with the inline page-table fast path of
// emulator/memory/memory.ts and the plugin memory callbacks after each successful access.
//
// Fast path: address in one of the Memory's two 4 GiB windows (high word 0, or 64: the stack and
// mmaps at QEMU's 2^38), page present in R (loads) or W (stores; code pages are absent so
// self-modifying stores take the slow path) and the access inside the page.
// Everything else calls mem.ld/mem.st, whose faults come back as values: the TB then exits with
// MEM_FAULT at this instruction, nothing of it done (registers, instret exact). Only hot code
// (Ctx.hot: regions, and TBs the run loop promotes) gets the fast path; a TB's first version
// always calls mem.ld/mem.st. Most TBs run a few times, in V8's interpreter, and the fast path
// makes their source, and V8's compile time, longer: hello-static 1.50 -> 1.17 MB of source,
// ~20 ms less in new Function (best of 5), with no run measurably slower.

import type { Insn } from '../isa/insn';
import type { Mnemonic } from '../isa/table';
import { makeMeminfo } from '../plugins/meminfo';
import { CbFlags, MemRW } from './instrument';
import { Ctx, toNum } from './ctx';
import type { Gen } from './gen-int';
import { TbStatus } from './tb';
import { HIGH_WINDOW_HI } from '../memory/memory';

/** log2 of the table offset of the high window (2^20 pages) over its high word. */
const WINDOW_SHIFT = 20 - Math.log2(HIGH_WINDOW_HI);

const GETTER = { 1: 'getUint8', 2: 'getUint16', 4: 'getInt32' } as const;
const SETTER = { 1: 'setUint8', 2: 'setUint16', 4: 'setInt32' } as const;

/** A = rs1 + imm as (A, AH). */
function effAddr(c: Ctx, i: Insn, imm: number): void {
  const [l, h] = c.r(i.rs1);
  if (imm === 0) { c.emit(`A = ${l}; AH = ${h};`); return; }
  c.emit(`A = (${l} + ${imm | 0}) | 0; AH = (${h} + ${imm >> 31} + ((A >>> 0) < (${l} >>> 0) ? 1 : 0)) | 0;`);
}

/**
 * Code that runs right after a successful access, once on each path: `fast` where the address is
 * known to be below 4 GiB, `high` where it is in the high window, `slow` after the Memory call
 * (see splitCallbacks).
 */
interface AfterAccess { fast: string; high: string; slow: string }

/**
 * The fast path up to its `else`: `body` (which reads or writes page PG at A & 4095) when (A, AH)
 * is in a window and its page in `table`. Without callbacks one test covers both windows; with
 * them each window gets its branch, so the low one passes the address as `A >>> 0`.
 */
function fastPath(c: Ctx, table: string, inPage: string, body: string, after?: AfterAccess): void {
  if (!after) {
    c.emit(`if ((AH & ${~HIGH_WINDOW_HI}) === 0 && (PG = ${table}[(A >>> 12) | (AH << ${WINDOW_SHIFT})]) !== null${inPage}) { ${body} }`);
    return;
  }
  c.emit(`if (AH === 0 && (PG = ${table}[A >>> 12]) !== null${inPage}) { ${body} ${after.fast} }`);
  c.emit(`else if (AH === ${HIGH_WINDOW_HI} && (PG = ${table}[(A >>> 12) | ${HIGH_WINDOW_HI << WINDOW_SHIFT}]) !== null${inPage}) { ${body} ${after.high} }`);
}

/** Loads `size` bytes at (A, AH) into V (and VH for 8); sizes 1/2 zero-extended, 4 as int32. */
function load(c: Ctx, size: 1 | 2 | 4 | 8, table = 'R', after?: AfterAccess): void {
  const inPage = size === 1 ? '' : ` && (A & 4095) <= ${4096 - size}`;
  const get = size === 8
    ? 'V = PG.getInt32(A & 4095, true); VH = PG.getInt32((A & 4095) + 4, true);'
    : `V = PG.${GETTER[size]}(A & 4095, true);`;
  const slow = `V = M.ld(A, AH, ${size}); if (M.flt) ${c.exitHere(TbStatus.MEM_FAULT)}${size === 8 ? ' VH = M.rhi;' : ''}`;
  if (!c.hot) { c.emit(`${slow}${after ? ` ${after.slow}` : ''}`); return; }
  fastPath(c, table, inPage, get, after);
  c.emit(`else { ${slow}${after ? ` ${after.slow}` : ''} }`);
}

/**
 * Stores the value (vlo, vhi) at (A, AH). A store that hits translated code invalidates it in
 * mem.st, but the running TB goes on with the code it was translated from: QEMU defines
 * TARGET_HAS_PRECISE_SMC only for x86/s390x, so on RISC-V the rewritten instructions are seen
 * when their TB is next entered (after fence.i, a branch …), exactly as under qemu-riscv64.
 * In a region the hit sets SMC, so the region leaves at the end of this TB instead of chaining.
 */
function store(c: Ctx, size: 1 | 2 | 4 | 8, vlo: string, vhi: string, after?: AfterAccess): void {
  const inPage = size === 1 ? '' : ` && (A & 4095) <= ${4096 - size}`;
  const set = size === 8
    ? `PG.setInt32(A & 4095, ${vlo}, true); PG.setInt32((A & 4095) + 4, ${vhi}, true);`
    : `PG.${SETTER[size]}(A & 4095, ${vlo}, true);`;
  const st = `M.st(A, AH, ${size}, ${vlo}, ${vhi})`, fault = c.exitHere(TbStatus.MEM_FAULT);
  if (!c.hot) { c.emit(`if (${st} === 1) ${fault}${after ? ` ${after.slow}` : ''}`); return; }
  fastPath(c, 'W', inPage, set, after);
  if (c.region) {
    c.setsSmc = true;
    if (after) c.emit(`else { if ((ST = ${st}) !== 0) { if (ST === 1) ${fault} SMC = 1; } ${after.slow} }`);
    else c.emit(`else if ((ST = ${st}) !== 0) { if (ST === 1) ${fault} SMC = 1; }`);
  } else if (after) c.emit(`else { if (${st} === 1) ${fault} ${after.slow} }`);
  else c.emit(`else if (${st} === 1) ${fault}`);
}

/**
 * Plugin memory callbacks for one successful access of this instruction: value (vlo, vhi) for
 * qemu_plugin_mem_get_value, QEMU's meminfo, vaddr `va`. `complete`: the instruction has done
 * everything else by now, so direct callbacks may be used (see DirectMemCallback). Their vCPU
 * and meminfo are literals, so V8 folds the plugin's tests on them once it inlines the callback.
 */
function memCallbacks(c: Ctx, rw: MemRW, sizeShift: number, signed: boolean, vlo: string, vhi: string, complete = false, va = toNum('A', 'AH')): void {
  const ins = c.instr;
  if (!ins) return;
  const info = makeMeminfo(sizeShift, signed, rw === MemRW.W);
  let first = true;
  for (const cb of ins.mem) {
    if (!(cb.rw & rw)) continue;
    // The high word only matters for 8-byte values (memValue reads it for those alone).
    if (first) { c.emit(`MV.lo = ${vlo};${sizeShift === 3 ? ` MV.hi = ${vhi};` : ''}`); first = false; }
    const d = complete ? cb.direct : undefined;
    c.beforeCallback(cb.flags >= CbFlags.R_REGS, c.insn.pc, d !== undefined);
    if (d) {
      c.directCalls = true;
      c.emit(`MV.info = ${info}; ${c.konst(d.call)}(${c.vcpu}, ${info}, ${va}, ${c.konst(cb.userdata)});`);
    } else {
      c.emit(`${c.konst(cb.fn)}(VCPU, ${info}, ${va}, ${c.konst(cb.userdata)});`);
    }
    if (cb.flags >= CbFlags.RW_REGS) c.reload();
  }
}

/** The instruction's memory inline ops for one access (after its callbacks, as QEMU orders them). */
function memInline(c: Ctx, rw: MemRW): void {
  for (const op of c.instr?.memInline ?? []) if (op.rw & rw) c.inlineOp(op.op, op.entry, op.imm);
}

/**
 * When every memory callback of this access has a direct form: their code for the two paths of
 * the access, so the fast path passes the address as `A >>> 0` (an int32-range value V8 keeps in
 * a register; a plugin's page arithmetic on it needs no double conversions) and the slow path
 * the full 64-bit address. Else undefined: the callbacks then follow the access (memCallbacks).
 */
function splitCallbacks(c: Ctx, rw: MemRW, sizeShift: number, signed: boolean, vlo: string, vhi: string): AfterAccess | undefined {
  const cbs = c.instr?.mem.filter((cb) => cb.rw & rw) ?? [];
  if (cbs.length === 0 || !cbs.every((cb) => cb.direct)) return undefined;
  const code = (va: string): string => {
    const mark = c.lines.length;
    memCallbacks(c, rw, sizeShift, signed, vlo, vhi, true, va);
    return c.lines.splice(mark).join(' ');
  };
  return { fast: code('(A >>> 0)'), high: code(`((A >>> 0) + ${HIGH_WINDOW_HI * 2 ** 32})`), slow: code(toNum('A', 'AH')) };
}

/** Whether no memory callback of this instruction looks at registers (they may then run after its register write). */
const noRegs = (c: Ctx): boolean => !c.instr || c.instr.mem.every((cb) => cb.flags === CbFlags.NO_REGS);

const log2 = (size: number): number => (size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3);

/** Integer load: sign or zero extension into rd (a load into x0 still faults). */
function intLoad(size: 1 | 2 | 4 | 8, signed: boolean): Gen {
  return (c, i) => {
    effAddr(c, i, i.imm);
    // QEMU's memops: 8-byte accesses are unsigned (MO_TEUQ), so the meminfo sign bit is clear.
    const ext = !signed || size >= 4 ? 'V' : size === 1 ? '(V << 24) >> 24' : '(V << 16) >> 16';
    const lo = ext === 'V' ? 'V' : `(${ext})`, hi = size === 8 ? 'VH' : signed ? `${lo} >> 31` : '0';
    const split = splitCallbacks(c, MemRW.R, log2(size), signed && size < 8, lo, hi);
    load(c, size, 'R', split);
    if (ext !== 'V') c.emit(`V = ${ext};`);
    const hiNow = size === 8 ? 'VH' : signed ? 'V >> 31' : '0';
    if (split) {
      // Direct callbacks see no registers: they ran inside the access, before the write of rd.
      c.set(i.rd, 'V', hiNow);
    } else {
      // NO_REGS callbacks cannot see rd: write it first, so the instruction is complete when they run.
      const late = noRegs(c);
      if (late) c.set(i.rd, 'V', hiNow);
      memCallbacks(c, MemRW.R, log2(size), signed && size < 8, 'V', hiNow, late);
      if (!late) c.set(i.rd, 'V', hiNow);
    }
    memInline(c, MemRW.R);
  };
}

function intStore(size: 1 | 2 | 4 | 8): Gen {
  return (c, i) => {
    effAddr(c, i, i.imm);
    const [l, h] = c.r(i.rs2);
    // QEMU's riscv stores use signed memops for sb/sh/sw (MO_SB, MO_TESW, MO_TESL).
    const vlo = size === 1 ? `(${l}) & 255` : size === 2 ? `(${l}) & 65535` : l, vhi = size === 8 ? h : '0';
    const split = splitCallbacks(c, MemRW.W, log2(size), size < 8, vlo, vhi);
    store(c, size, l, h, split);
    if (!split) memCallbacks(c, MemRW.W, log2(size), size < 8, vlo, vhi, true);
    memInline(c, MemRW.W);
  };
}

function fpLoad(size: 4 | 8): Gen {
  return (c, i) => {
    effAddr(c, i, i.imm);
    if (size === 8 && noRegs(c) && c.hot) {
      // fld writes the register as one double (FD aliases FR): the FPU helpers read it as a
      // double, which two 32-bit stores would make wait for store forwarding (several ns per
      // operand). A double load and store copy the bits unchanged, NaN payloads included.
      const lo = `FR[${2 * i.rd}]`, hi = `FR[${2 * i.rd + 1}]`;
      const split = splitCallbacks(c, MemRW.R, 3, false, lo, hi);
      fastPath(c, 'R', ' && (A & 4095) <= 4088', `FD[${i.rd}] = PG.getFloat64(A & 4095, true);`, split);
      c.emit(`else { V = M.ld(A, AH, 8); if (M.flt) ${c.exitHere(TbStatus.MEM_FAULT)} ${lo} = V; ${hi} = M.rhi;${split ? ` ${split.slow}` : ''} }`);
      if (!split) memCallbacks(c, MemRW.R, 3, false, lo, hi, true);
      memInline(c, MemRW.R);
      return;
    }
    const hi = size === 8 ? 'VH' : '-1';   // flw NaN-boxes the single (ch. 12.2)
    const split = splitCallbacks(c, MemRW.R, log2(size), false, 'V', size === 8 ? 'VH' : '0');
    load(c, size, 'R', split);
    const late = split !== undefined || noRegs(c), write = `FR[${2 * i.rd}] = V; FR[${2 * i.rd + 1}] = ${hi};`;
    if (late) c.emit(write);
    if (!split) memCallbacks(c, MemRW.R, log2(size), false, 'V', size === 8 ? 'VH' : '0', late);
    if (!late) c.emit(write);
    memInline(c, MemRW.R);
  };
}

function fpStore(size: 4 | 8): Gen {
  return (c, i) => {
    effAddr(c, i, i.imm);
    c.emit(`T2 = FR[${2 * i.rs2}]; T3 = FR[${2 * i.rs2 + 1}];`);
    const split = splitCallbacks(c, MemRW.W, log2(size), false, 'T2', size === 8 ? 'T3' : '0');
    store(c, size, 'T2', 'T3', split);
    if (!split) memCallbacks(c, MemRW.W, log2(size), false, 'T2', size === 8 ? 'T3' : '0', true);
    memInline(c, MemRW.W);
  };
}

/**
 * LR and AMOs need a naturally aligned address (A extension ch. 14.2/14.4); QEMU's MO_ALIGN
 * checks it before the access, and qemu-riscv64 raises SIGBUS (BUS_ADRALN) on a misaligned one.
 */
function aligned(c: Ctx, size: 4 | 8): void {
  c.emit(`if ((A & ${size - 1}) !== 0) { M.faultAddr = ${toNum('A', 'AH')}; ${c.exitHere(TbStatus.MISALIGNED)} }`);
}

/** lr: a plain load that also records the reservation (address and value, like QEMU's load_res/load_val). */
function lr(size: 4 | 8): Gen {
  return (c, i) => {
    effAddr(c, i, 0);
    aligned(c, size);
    load(c, size);
    const hi = size === 8 ? 'VH' : 'V >> 31';
    c.emit(`S.reservation = ${toNum('A', 'AH')}; S.resLo = V; S.resHi = ${hi};`);
    memCallbacks(c, MemRW.R, log2(size), size === 4, 'V', hi);
    memInline(c, MemRW.R);
    c.set(i.rd, 'V', hi);
  };
}

/**
 * sc: succeeds when the reservation address matches and memory still holds the reserved value
 * (QEMU implements it as a cmpxchg, reported to plugins as a read and a write).
 */
function sc(size: 4 | 8): Gen {
  return (c, i) => {
    effAddr(c, i, 0);
    const [l, h] = c.r(i.rs2);
    c.emit(`T4 = 1; if (S.reservation === ${toNum('A', 'AH')}) {`);
    load(c, size, 'W');
    const hi = size === 8 ? 'VH' : 'V >> 31';
    c.emit(`if (V === S.resLo && ${hi} === S.resHi) {`);
    store(c, size, l, h);
    c.emit('T4 = 0; }');
    memCallbacks(c, MemRW.R, log2(size), size === 4, 'V', hi);
    memInline(c, MemRW.R);
    memCallbacks(c, MemRW.W, log2(size), size === 4, l, size === 8 ? h : '0');
    memInline(c, MemRW.W);
    c.emit('}');
    c.emit('S.reservation = -1;');
    c.set(i.rd, 'T4', '0');
  };
}

type AmoOp = (v: [string, string], s: [string, string]) => [string, string];
const lt = (a: [string, string], b: [string, string], uns: boolean): string => {
  const hi = uns ? `((${a[1]}) >>> 0) < ((${b[1]}) >>> 0)` : `${a[1]} < ${b[1]}`;
  return `(${hi} || (${a[1]} === ${b[1]} && ((${a[0]}) >>> 0) < ((${b[0]}) >>> 0)))`;
};
const pick = (cond: string, a: [string, string], b: [string, string]): [string, string] =>
  [`(${cond} ? ${a[0]} : ${b[0]})`, `(${cond} ? ${a[1]} : ${b[1]})`];

const AMO_OPS = {
  swap: (_v, s) => s,
  add: (v, s) => ['(V + ' + s[0] + ') | 0', `(VH + ${s[1]} + ((((V + ${s[0]}) | 0) >>> 0) < (V >>> 0) ? 1 : 0)) | 0`],
  xor: (v, s) => [`${v[0]} ^ ${s[0]}`, `${v[1]} ^ ${s[1]}`],
  and: (v, s) => [`${v[0]} & ${s[0]}`, `${v[1]} & ${s[1]}`],
  or: (v, s) => [`${v[0]} | ${s[0]}`, `${v[1]} | ${s[1]}`],
  min: (v, s) => pick(lt(v, s, false), v, s),
  max: (v, s) => pick(lt(v, s, false), s, v),
  minu: (v, s) => pick(lt(v, s, true), v, s),
  maxu: (v, s) => pick(lt(v, s, true), s, v),
} satisfies Record<string, AmoOp>;
type AmoName = keyof typeof AMO_OPS;

/** AMO: read (through the write table: the page must be writable), combine, write back, rd = old value. */
function amo(name: AmoName, size: 4 | 8): Gen {
  const op = AMO_OPS[name];
  return (c, i) => {
    effAddr(c, i, 0);
    aligned(c, size);
    load(c, size, 'W');
    if (size === 4) c.emit('VH = V >> 31;');
    let [sl, sh] = c.r(i.rs2);
    if (size === 4) { c.emit(`T3 = ${sl};`); sl = 'T3'; sh = '(T3 >> 31)'; }
    const [nl, nh] = op(['V', 'VH'], [sl, sh]);
    c.emit(`T2 = ${nl}; T5 = ${nh};`);
    store(c, size, 'T2', 'T5');
    memCallbacks(c, MemRW.R, log2(size), size === 4, 'V', 'VH');
    memInline(c, MemRW.R);
    memCallbacks(c, MemRW.W, log2(size), size === 4, 'T2', size === 8 ? 'T5' : '0');
    memInline(c, MemRW.W);
    c.set(i.rd, 'V', 'VH');
  };
}

export const MEM_GEN = {
  lb: intLoad(1, true), lh: intLoad(2, true), lw: intLoad(4, true), ld: intLoad(8, true),
  lbu: intLoad(1, false), lhu: intLoad(2, false), lwu: intLoad(4, false),
  sb: intStore(1), sh: intStore(2), sw: intStore(4), sd: intStore(8),
  flw: fpLoad(4), fld: fpLoad(8), fsw: fpStore(4), fsd: fpStore(8),
  'lr.w': lr(4), 'lr.d': lr(8), 'sc.w': sc(4), 'sc.d': sc(8),
  ...(Object.fromEntries((Object.keys(AMO_OPS) as AmoName[]).flatMap((n) => [[`amo${n}.w`, amo(n, 4)], [`amo${n}.d`, amo(n, 8)]])) as
    Record<`amo${AmoName}.${'w' | 'd'}`, Gen>),
} satisfies Partial<Record<Mnemonic, Gen>>;

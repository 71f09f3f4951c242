// DWARF expression evaluator (DWARF 5 section 2.5–2.6) for variable locations, frame bases and
// CFA expressions: a stack machine over 64-bit values (BigInt, wrapped to 64 bits), with
// register, memory and frame-base access supplied by the caller. The result says where the
// value lives (memory, register, computed value, pieces) or that it is optimised out.

import { ByteReader, DwarfError } from './reader';

export type Location =
  | { kind: 'memory'; addr: number }
  | { kind: 'register'; reg: number }
  | { kind: 'value'; value: bigint }
  | { kind: 'implicit'; bytes: Uint8Array }
  | { kind: 'pieces'; pieces: { loc: Location; size: number }[] }
  | { kind: 'optimized' };

/** How an expression reaches the program state. Registers use DWARF numbers (RISC-V: x0–x31 = 0–31, f0–f31 = 32–63). */
export interface ExprContext {
  readReg(reg: number): bigint;
  /** Little-endian unsigned read of `size` bytes; throws or returns undefined when unreadable. */
  readMem(addr: number, size: number): bigint | undefined;
  /** Value of DW_AT_frame_base for DW_OP_fbreg. */
  frameBase?(): bigint;
  /** Canonical frame address for DW_OP_call_frame_cfa. */
  cfa?(): bigint;
  /** Load bias added to DW_OP_addr/DW_OP_addrx (a PIE's static data is linked at 0). */
  addrBias?: number;
  /** Resolves DW_OP_addrx/constx indexes. */
  addrx?(idx: number): number;
  /**
   * DW_OP_entry_value: the value `expr` (usually DW_OP_regN) had on entry to the function,
   * recovered from the caller's call-site parameters; undefined when unknown.
   */
  entryValue?(expr: Uint8Array): bigint | undefined;
}

const M64 = (1n << 64n) - 1n;
const wrap = (v: bigint): bigint => v & M64;
const signed = (v: bigint): bigint => BigInt.asIntN(64, v);
export const toAddr = (v: bigint): number => Number(v & M64);

/** Evaluates `expr`. `initial` values are pushed first (CFA rules push the CFA). */
export function evaluate(expr: Uint8Array, ctx: ExprContext, initial: bigint[] = []): Location {
  const r = new ByteReader(expr);
  const st: bigint[] = initial.map(wrap);
  const pieces: { loc: Location; size: number }[] = [];
  let loc: Location | undefined; // set by reg*/regx/stack_value/implicit_value (must be followed by piece or end)
  const pop = (): bigint => {
    const v = st.pop();
    if (v === undefined) throw new DwarfError('DWARF expression stack underflow');
    return v;
  };
  const push = (v: bigint): void => { st.push(wrap(v)); };
  const mem = (addr: bigint, size: number): bigint => {
    const v = ctx.readMem(toAddr(addr), size);
    if (v === undefined) throw new DwarfError(`cannot read memory at 0x${toAddr(addr).toString(16)}`);
    return v;
  };
  while (!r.atEnd) {
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) { push(BigInt(op - 0x30)); continue; } // lit0..31
    if (op >= 0x50 && op <= 0x6f) { loc = { kind: 'register', reg: op - 0x50 }; continue; } // reg0..31
    if (op >= 0x70 && op <= 0x8f) { push(ctx.readReg(op - 0x70) + BigInt(r.sleb())); continue; } // breg0..31
    switch (op) {
      case 0x03: push(BigInt(r.u64() + (ctx.addrBias ?? 0))); break; // addr
      case 0x06: push(mem(pop(), 8)); break; // deref
      case 0x08: push(BigInt(r.u8())); break;
      case 0x09: push(BigInt(r.i8())); break;
      case 0x0a: push(BigInt(r.u16())); break;
      case 0x0b: push(BigInt(r.i16())); break;
      case 0x0c: push(BigInt(r.u32())); break;
      case 0x0d: push(BigInt(r.i32())); break;
      case 0x0e: { const lo = BigInt(r.u32()); push((BigInt(r.u32()) << 32n) | lo); break; }
      case 0x0f: { const lo = BigInt(r.u32()); push((BigInt(r.i32()) << 32n) | lo); break; }
      case 0x10: push(BigInt(r.uleb())); break; // constu
      case 0x11: push(BigInt(r.sleb())); break; // consts
      case 0x12: { const v = pop(); push(v); push(v); break; } // dup
      case 0x13: pop(); break; // drop
      case 0x14: push(st[st.length - 2]); break; // over
      case 0x15: push(st[st.length - 1 - r.u8()]); break; // pick
      case 0x16: { const a = pop(), b = pop(); push(a); push(b); break; } // swap
      case 0x17: { const a = pop(), b = pop(), c = pop(); push(a); push(c); push(b); break; } // rot
      case 0x19: { const v = signed(pop()); push(v < 0n ? -v : v); break; } // abs
      case 0x1a: { const b = pop(); push(pop() & b); break; }
      case 0x1b: { const b = signed(pop()), a = signed(pop()); if (b === 0n) throw new DwarfError('division by zero'); push(a / b); break; }
      case 0x1c: { const b = pop(); push(pop() - b); break; }
      case 0x1d: { const b = pop(), a = pop(); if (b === 0n) throw new DwarfError('division by zero'); push(a % b); break; }
      case 0x1e: { const b = pop(); push(pop() * b); break; }
      case 0x1f: push(-pop()); break;
      case 0x20: push(~pop()); break;
      case 0x21: { const b = pop(); push(pop() | b); break; }
      case 0x22: { const b = pop(); push(pop() + b); break; }
      case 0x23: push(pop() + BigInt(r.uleb())); break; // plus_uconst
      case 0x24: { const b = pop(); push(pop() << b); break; }
      case 0x25: { const b = pop(); push(pop() >> b); break; }
      case 0x26: { const b = pop(); push(signed(pop()) >> b); break; }
      case 0x27: { const b = pop(); push(pop() ^ b); break; }
      case 0x28: { const off = r.i16(); if (pop() !== 0n) r.pos += off; break; } // bra
      case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x2e: {
        const b = signed(pop()), a = signed(pop());
        const res = [a === b, a >= b, a > b, a <= b, a < b, a !== b][op - 0x29];
        push(res ? 1n : 0n);
        break;
      }
      case 0x2f: { const off = r.i16(); r.pos += off; break; } // skip
      case 0x90: loc = { kind: 'register', reg: r.uleb() }; break; // regx
      case 0x91: { // fbreg
        if (!ctx.frameBase) throw new DwarfError('DW_OP_fbreg without a frame base');
        push(ctx.frameBase() + BigInt(r.sleb()));
        break;
      }
      case 0x92: { const reg = r.uleb(); push(ctx.readReg(reg) + BigInt(r.sleb())); break; } // bregx
      case 0x93: { // piece
        const size = r.uleb();
        pieces.push({ loc: loc ?? (st.length ? { kind: 'memory', addr: toAddr(pop()) } : { kind: 'optimized' }), size });
        loc = undefined;
        break;
      }
      case 0x94: { const n = r.u8(); push(mem(pop(), n)); break; } // deref_size
      case 0x96: break; // nop
      case 0x9c: { // call_frame_cfa
        if (!ctx.cfa) throw new DwarfError('DW_OP_call_frame_cfa without CFI');
        push(ctx.cfa());
        break;
      }
      case 0x9e: loc = { kind: 'implicit', bytes: r.block(r.uleb()) }; break; // implicit_value
      case 0x9f: loc = { kind: 'value', value: pop() }; break; // stack_value
      case 0xa1: case 0xa2: { // addrx, constx
        if (!ctx.addrx) throw new DwarfError('DW_OP_addrx without .debug_addr');
        push(BigInt(ctx.addrx(r.uleb()) + (op === 0xa1 ? ctx.addrBias ?? 0 : 0)));
        break;
      }
      case 0xa3: case 0xf3: { // entry_value / GNU_entry_value
        const v = ctx.entryValue?.(r.block(r.uleb()));
        if (v === undefined) return { kind: 'optimized' };
        push(v);
        break;
      }
      case 0xa0: case 0xf2: return { kind: 'optimized' }; // implicit_pointer
      default: throw new DwarfError(`unsupported DWARF operation 0x${op.toString(16)}`);
    }
  }
  if (pieces.length) return { kind: 'pieces', pieces };
  if (loc) return loc;
  if (st.length === 0) return { kind: 'optimized' };
  return { kind: 'memory', addr: toAddr(st[st.length - 1]) };
}

/** Evaluates an expression whose result is a value (CFA expression, frame base as a number). */
export function evaluateValue(expr: Uint8Array, ctx: ExprContext, initial: bigint[] = []): bigint {
  const loc = evaluate(expr, ctx, initial);
  switch (loc.kind) {
    case 'memory': return BigInt(loc.addr);
    case 'register': return ctx.readReg(loc.reg);
    case 'value': return loc.value;
    default: throw new DwarfError(`DWARF expression gives no single value (${loc.kind})`);
  }
}

// Variable values for the debugger: where a variable's bytes are (memory, register, computed,
// pieces), and a lazily expanded tree of nodes — one line of gdb-style text per node, children
// (struct members, array elements, the target of a pointer) built only when asked, so a huge
// array or a linked list costs nothing until the user opens it.

import { DW_ATE } from './consts';
import { bigIntToBytes, bytesToBigInt, formatChar, formatCharArray, formatFloat, foldRepeats, PRINT_ELEMENTS } from './cformat';
import { arrayName, type DType, resolveType } from './dtypes';
import type { Location } from './expr';

/** Program state a value is read from. Registers use DWARF numbers (x0–x31 = 0–31, f0–f31 = 32–63). */
export interface ValueAccess {
  readReg(reg: number): bigint;
  /** Bytes at addr, or undefined when unreadable. */
  readMem(addr: number, len: number): Uint8Array | undefined;
  /** Symbol at an address, "main" or "grid+12" (a hex "+0xc" offset is shown in decimal, as gdb does). */
  symbolize?(addr: number): string | undefined;
}

/** Where an object's bytes come from: guest memory (with its address) or bytes already in hand. */
export interface ObjectRef { address?: number; bytes?: Uint8Array }

export interface ValueNode {
  name: string;
  /** gdb-style type name. */
  type: string;
  /** gdb-style value text; "<optimized out>" / "<error: …>" when unavailable. */
  value: string;
  /** Address of the object in memory (data breakpoints, memoryReference). */
  address?: number;
  /** For pointers: the address pointed to. */
  pointee?: number;
  /** The type's size in bytes (C's sizeof), when DWARF gives it. */
  size?: number;
  /** For pointers to objects: the object `index` elements on (C's p[index]). */
  element?(index: number): ValueNode;
  /** Children a user can expand: members, elements, or 1 (the pointed-to object). */
  childCount: number;
  children(start?: number, count?: number): ValueNode[];
}

/** The bytes of an object described by a DWARF location. */
export function objectAt(loc: Location, size: number, access: ValueAccess): ObjectRef | undefined {
  switch (loc.kind) {
    case 'memory': return { address: loc.addr };
    case 'register': return { bytes: bigIntToBytes(access.readReg(loc.reg), Math.max(size, 8)).subarray(0, size) };
    case 'value': return { bytes: bigIntToBytes(loc.value, Math.max(size, 8)).subarray(0, size) };
    case 'implicit': return { bytes: loc.bytes };
    case 'pieces': {
      const out = new Uint8Array(loc.pieces.reduce((n, p) => n + p.size, 0));
      let off = 0;
      for (const p of loc.pieces) {
        const o = objectAt(p.loc, p.size, access);
        const b = o && readObj(o, 0, p.size, access);
        if (!b) return undefined;
        out.set(b, off);
        off += p.size;
      }
      return { bytes: out };
    }
    case 'optimized': return undefined;
  }
}

function readObj(o: ObjectRef, off: number, len: number, access: ValueAccess): Uint8Array | undefined {
  if (o.bytes) return off + len <= o.bytes.length ? o.bytes.subarray(off, off + len) : undefined;
  return o.address === undefined ? undefined : access.readMem(o.address + off, len);
}

function sub(o: ObjectRef, off: number): ObjectRef {
  return o.bytes ? { bytes: o.bytes.subarray(off) } : { address: (o.address ?? 0) + off };
}

const isCharType = (t: DType): boolean => t.kind === 'base' && t.size === 1
  && (t.encoding === DW_ATE.signed_char || t.encoding === DW_ATE.unsigned_char || t.encoding === DW_ATE.UTF);

/** Text of a scalar (base, enum, pointer) from its bytes. */
function scalarText(t: DType, b: Uint8Array, access: ValueAccess): string {
  if (t.kind === 'enum') {
    const v = Number(bytesToBigInt(b, t.signed));
    return t.enumerators.find((e) => e.value === v)?.name ?? String(v);
  }
  if (t.kind === 'pointer') {
    const p = Number(bytesToBigInt(b, false));
    const hex = `0x${p.toString(16)}`;
    const target = resolveType(t.target);
    if (isCharType(target) && p !== 0) return `${hex} ${cString(p, access)}`;
    // gdb's `print symbol`: a pointer into a function or a static object is followed by <sym+off>.
    const s = p !== 0 ? access.symbolize?.(p) : undefined;
    return s ? `${hex} <${s.replace(/\+0x([0-9a-f]+)$/, (_, h: string) => `+${parseInt(h, 16)}`)}>` : hex;
  }
  if (t.kind === 'base') {
    switch (t.encoding) {
      case DW_ATE.float: return formatFloat(b);
      case DW_ATE.boolean: return bytesToBigInt(b, false) === 0n ? 'false' : 'true';
      case DW_ATE.signed_char: case DW_ATE.unsigned_char:
        if (t.size === 1) return formatChar(b[0], t.encoding === DW_ATE.signed_char);
        break;
      case DW_ATE.UTF:
        if (t.size === 1) return formatChar(b[0], false);
        return `${bytesToBigInt(b, false)} U'${String.fromCodePoint(Number(bytesToBigInt(b, false)))}'`;
    }
    return String(bytesToBigInt(b, t.encoding === DW_ATE.signed || t.encoding === DW_ATE.signed_char));
  }
  return '?';
}

/** A NUL-terminated string in guest memory, quoted (at most PRINT_ELEMENTS chars, like gdb). */
function cString(addr: number, access: ValueAccess): string {
  const chars: number[] = [];
  for (let a = addr; chars.length < PRINT_ELEMENTS; a += 16) {
    const b = access.readMem(a, 16) ?? access.readMem(a, 1);
    if (!b) { if (!chars.length) return `<error: Cannot access memory at address 0x${addr.toString(16)}>`; break; }
    const z = b.indexOf(0);
    if (z >= 0) { chars.push(...b.subarray(0, z)); return formatCharArray(Uint8Array.from(chars.slice(0, PRINT_ELEMENTS)), false).replace(/^$/, '""'); }
    chars.push(...b);
  }
  return formatCharArray(Uint8Array.from(chars.slice(0, PRINT_ELEMENTS)), true);
}

function bitField(b: Uint8Array, bitOffset: number, bitSize: number, signed: boolean): Uint8Array {
  const v = (bytesToBigInt(b, false) >> BigInt(bitOffset)) & ((1n << BigInt(bitSize)) - 1n);
  const x = signed ? BigInt.asIntN(bitSize, v) : v;
  return bigIntToBytes(x, 8);
}

/** gdb's one-line text of a whole value (structs and arrays in braces). */
export function valueText(type: DType, o: ObjectRef, access: ValueAccess, depth = 0): string {
  const t = resolveType(type);
  try {
    if (t.kind === 'struct' || t.kind === 'union') {
      if (depth > 8) return '{...}';
      return `{${t.members.map((m) => `${m.name ? `${m.name} = ` : ''}${memberText(m, o, access, depth)}`).join(', ')}}`;
    }
    if (t.kind === 'array') {
      const n = t.dims[0];
      if (n === undefined) return o.address !== undefined ? `0x${o.address.toString(16)}` : '{}';
      const elem = arrayElementType(t);
      const esize = elem.size;
      if (isCharType(resolveType(elem)) && t.dims.length === 1) {
        const shown = Math.min(n, PRINT_ELEMENTS);
        const b = readObj(o, 0, shown, access);
        return b ? formatCharArray(b, shown < n) : unreadable(o);
      }
      const items: string[] = [];
      const shown = Math.min(n, PRINT_ELEMENTS + 1);
      for (let i = 0; i < shown; i++) items.push(valueText(elem, sub(o, i * esize), access, depth + 1));
      return foldRepeats(items, n);
    }
    if (t.kind === 'void' || t.kind === 'function') return o.address !== undefined ? `{<text variable>} 0x${o.address.toString(16)}` : 'void';
    const b = readObj(o, 0, t.size, access);
    return b ? scalarText(t, b, access) : unreadable(o);
  } catch (e) {
    return `<error: ${(e as Error).message}>`;
  }
}

function memberText(m: { type: DType; offset: number; bitSize?: number; bitOffset?: number }, o: ObjectRef, access: ValueAccess, depth: number): string {
  if (m.bitSize === undefined) return valueText(m.type, sub(o, m.offset), access, depth + 1);
  const t = resolveType(m.type);
  const b = readObj(o, m.offset, Math.ceil(((m.bitOffset ?? 0) + m.bitSize) / 8), access);
  if (!b) return unreadable(o);
  const signed = t.kind === 'base' ? t.encoding === DW_ATE.signed || t.encoding === DW_ATE.signed_char : t.kind === 'enum' && t.signed;
  return scalarText(t, bitField(b, m.bitOffset ?? 0, m.bitSize, signed).subarray(0, Math.max(1, t.size)), access);
}

function unreadable(o: ObjectRef): string {
  return o.address !== undefined ? `<error: Cannot access memory at address 0x${o.address.toString(16)}>` : '<unavailable>';
}

/** The element type of one step of indexing (an int[2][3] indexes to int[3]). */
function arrayElementType(t: DType & { kind: 'array' }): DType {
  if (t.dims.length === 1) return t.element;
  const dims = t.dims.slice(1);
  const size = dims.reduce<number>((a, x) => a * (x ?? 0), t.element.size);
  return { kind: 'array', name: arrayName(t.element.name, dims), size, element: t.element, dims };
}

/** A value node for the debugger's Variables view. `o` undefined means optimised out. */
export function valueNode(name: string, type: DType, o: ObjectRef | undefined, access: ValueAccess): ValueNode {
  const t = resolveType(type);
  if (!o) return { name, type: type.name, value: '<optimized out>', size: type.size || undefined, childCount: 0, children: () => [] };
  const node: ValueNode = { name, type: type.name, value: valueText(type, o, access), address: o.address, size: type.size || undefined, childCount: 0, children: () => [] };
  if (t.kind === 'struct' || t.kind === 'union') {
    node.childCount = t.members.length;
    node.children = (start = 0, count = Infinity) => t.members.slice(start, start + count).map((m) =>
      m.bitSize !== undefined
        ? { name: m.name, type: m.type.name, value: memberText(m, o, access, 0), childCount: 0, children: () => [] }
        : valueNode(m.name, m.type, sub(o, m.offset), access));
  } else if (t.kind === 'array' && t.dims[0] !== undefined) {
    const elem = arrayElementType(t);
    const n = t.dims[0];
    node.childCount = n;
    node.children = (start = 0, count = Infinity) => {
      const out: ValueNode[] = [];
      for (let i = start; i < Math.min(n, start + count); i++) out.push(valueNode(`[${i}]`, elem, sub(o, i * elem.size), access));
      return out;
    };
  } else if (t.kind === 'pointer') {
    const b = readObj(o, 0, t.size, access);
    const target = resolveType(t.target);
    if (b) {
      node.pointee = Number(bytesToBigInt(b, false));
      // void and function pointers have nothing to show underneath; NULL has nothing to read.
      if (node.pointee !== 0 && target.kind !== 'void' && target.kind !== 'function') {
        const p = node.pointee;
        node.childCount = 1;
        node.children = () => [valueNode(`*${name}`, t.target, { address: p }, access)];
        if (target.size > 0) node.element = (i) => valueNode(`[${i}]`, t.target, { address: p + i * target.size }, access);
      }
    }
  }
  return node;
}

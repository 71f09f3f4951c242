// C types described by DWARF DIEs (base, pointer, const/volatile/restrict/atomic, typedef,
// array with bounds, struct/union members with offsets and bit-fields, enums, function types),
// built on demand and cached per DIE so recursive types (a struct pointing at itself) resolve.
// Names follow gdb's spelling ("const char *", "struct point", "long [8]") because that is what
// users of a C debugger expect to read.

import { DW_AT, DW_TAG } from './consts';
import { attrNumber, attrString, type Die } from './info';

/** A struct/union member; bit fields have bitSize and bitOffset (bits above `offset`, LSB first). */
export interface Member { name: string; type: DType; offset: number; bitSize?: number; bitOffset?: number }

export type DType = {
  /** gdb-style type name. */
  name: string;
  size: number;
  die?: Die;
} & (
  | { kind: 'void' }
  | { kind: 'base'; encoding: number }
  | { kind: 'pointer'; target: DType }
  | { kind: 'qualified'; qualifier: 'const' | 'volatile' | 'restrict' | '_Atomic'; target: DType }
  | { kind: 'typedef'; target: DType }
  | { kind: 'array'; element: DType; /** element count per dimension; undefined = unknown (flexible array) */ dims: (number | undefined)[] }
  | { kind: 'struct' | 'union'; tag: string; members: Member[] }
  | { kind: 'enum'; tag: string; enumerators: { name: string; value: number }[]; signed: boolean }
  | { kind: 'function'; returns: DType }
);

/** gcc's base-type names as gdb's C printer spells them ("long unsigned int" → "unsigned long"). */
const GDB_C_NAMES: Record<string, string> = {
  'short int': 'short', 'short unsigned int': 'unsigned short', 'long int': 'long',
  'long unsigned int': 'unsigned long', 'long long int': 'long long', 'long long unsigned int': 'unsigned long long',
};

const VOID: DType = { kind: 'void', name: 'void', size: 1 };

/** Strips typedefs and qualifiers: the type that decides how bytes are shown. */
export function resolveType(t: DType): DType {
  while (t.kind === 'typedef' || t.kind === 'qualified') t = t.target;
  return t;
}

/** Builds types from DIEs, one object per DIE offset. */
export class TypeTable {
  private readonly cache = new Map<number, DType>();

  constructor(private readonly dies: Map<number, Die>) {}

  /** The type a DIE's DW_AT_type names (void when absent). */
  typeOf(d: Die): DType {
    const ref = attrNumber(d, DW_AT.type);
    return ref === undefined ? VOID : this.get(ref);
  }

  get(offset: number): DType {
    const hit = this.cache.get(offset);
    if (hit) return hit;
    const d = this.dies.get(offset);
    if (!d) return { kind: 'void', name: `<unknown type 0x${offset.toString(16)}>`, size: 0 };
    // Aggregates are cached before their members are built, so self-references find them.
    const t = this.build(d);
    return t;
  }

  private build(d: Die): DType {
    const name = attrString(d, DW_AT.name);
    const size = attrNumber(d, DW_AT.byte_size) ?? 0;
    const put = <T extends DType>(t: T): T => { this.cache.set(d.offset, t); return t; };
    switch (d.tag) {
      case DW_TAG.base_type:
        return put({ kind: 'base', name: GDB_C_NAMES[name ?? ''] ?? name ?? '?', size, encoding: attrNumber(d, DW_AT.encoding) ?? 0, die: d });
      case DW_TAG.pointer_type: {
        const t = put({ kind: 'pointer', name: '', size: size || d.unit.ctx.addrSize, target: VOID, die: d } as DType & { kind: 'pointer' });
        t.target = this.typeOf(d);
        t.name = pointerName(t.target);
        return t;
      }
      case DW_TAG.const_type: case DW_TAG.volatile_type: case DW_TAG.restrict_type: case DW_TAG.atomic_type: {
        const qualifier = d.tag === DW_TAG.const_type ? 'const' : d.tag === DW_TAG.volatile_type ? 'volatile' : d.tag === DW_TAG.restrict_type ? 'restrict' : '_Atomic';
        const t = put({ kind: 'qualified', qualifier, name: '', size: 0, target: VOID, die: d } as DType & { kind: 'qualified' });
        t.target = this.typeOf(d);
        t.size = t.target.size;
        // gdb: "const int", but "char * const" for a qualified pointer.
        t.name = resolveTypeNoQual(t.target).kind === 'pointer' && t.target.kind !== 'qualified' ? `${t.target.name} ${qualifier}` : `${qualifier} ${t.target.name}`;
        return t;
      }
      case DW_TAG.typedef: {
        const t = put({ kind: 'typedef', name: name ?? '?', size: 0, target: VOID, die: d } as DType & { kind: 'typedef' });
        t.target = this.typeOf(d);
        t.size = t.target.size;
        return t;
      }
      case DW_TAG.array_type: {
        const t = put({ kind: 'array', name: '', size: 0, element: VOID, dims: [], die: d } as DType & { kind: 'array' });
        t.element = this.typeOf(d);
        for (const c of d.children) {
          if (c.tag !== DW_TAG.subrange_type) continue;
          const count = attrNumber(c, DW_AT.count);
          const ub = attrNumber(c, DW_AT.upper_bound);
          const lb = attrNumber(c, DW_AT.lower_bound) ?? 0;
          t.dims.push(count ?? (ub !== undefined ? ub - lb + 1 : undefined));
        }
        if (t.dims.length === 0) t.dims.push(undefined);
        t.size = size || t.dims.reduce<number>((n, x) => n * (x ?? 0), t.element.size);
        t.name = arrayName(t.element.name, t.dims);
        return t;
      }
      case DW_TAG.structure_type: case DW_TAG.union_type: {
        const kind = d.tag === DW_TAG.structure_type ? 'struct' : 'union';
        const t = put({ kind, tag: name ?? '', name: name ? `${kind} ${name}` : `${kind} {...}`, size, members: [], die: d } as DType & { kind: 'struct' | 'union' });
        for (const c of d.children) {
          if (c.tag !== DW_TAG.member) continue;
          const loc = c.attrs.get(DW_AT.data_member_location);
          // A location expression (DW_OP_plus_uconst n) is what old producers wrote for offsets.
          const byteOff = typeof loc === 'number' ? loc : loc instanceof Uint8Array && loc[0] === 0x23 ? uleb(loc, 1) : 0;
          const bitSize = attrNumber(c, DW_AT.bit_size);
          let bitPos = attrNumber(c, DW_AT.data_bit_offset);
          // DWARF 2–4 bit fields: DW_AT_bit_offset counts from the most significant bit of the storage unit.
          const oldBitOff = attrNumber(c, 0x0c);
          const type = this.typeOf(c);
          if (bitPos === undefined && oldBitOff !== undefined && bitSize !== undefined) {
            const unit = attrNumber(c, DW_AT.byte_size) ?? type.size;
            bitPos = byteOff * 8 + unit * 8 - oldBitOff - bitSize;
          }
          t.members.push({
            name: attrString(c, DW_AT.name) ?? '', type,
            offset: bitPos !== undefined ? Math.floor(bitPos / 8) : byteOff,
            bitSize, bitOffset: bitPos !== undefined ? bitPos % 8 : undefined,
          });
        }
        return t;
      }
      case DW_TAG.enumeration_type: {
        const under = attrNumber(d, DW_AT.type) !== undefined ? resolveType(this.typeOf(d)) : undefined;
        const enumerators = d.children.filter((c) => c.tag === DW_TAG.enumerator)
          .map((c) => ({ name: attrString(c, DW_AT.name) ?? '', value: Number(c.attrs.get(DW_AT.const_value) ?? 0) }));
        const signed = under?.kind === 'base' ? under.encoding === 5 || under.encoding === 6 : enumerators.some((e) => e.value < 0);
        return put({ kind: 'enum', tag: name ?? '', name: name ? `enum ${name}` : 'enum {...}', size, enumerators, signed, die: d });
      }
      case DW_TAG.subroutine_type: {
        const t = put({ kind: 'function', name: '', size: 1, returns: VOID, die: d } as DType & { kind: 'function' });
        t.returns = this.typeOf(d);
        const params = d.children.filter((c) => c.tag === DW_TAG.formal_parameter).map((c) => this.typeOf(c).name);
        if (d.children.some((c) => c.tag === DW_TAG.unspecified_parameters)) params.push('...');
        t.name = `${t.returns.name} (${params.length ? params.join(', ') : 'void'})`;
        return t;
      }
      default:
        return put({ kind: 'void', name: name ?? `<tag 0x${d.tag.toString(16)}>`, size, die: d });
    }
  }
}

function resolveTypeNoQual(t: DType): DType {
  while (t.kind === 'typedef') t = t.target;
  return t;
}

/** gdb: "int [2][3]", "const char *[3]". */
export function arrayName(element: string, dims: readonly (number | undefined)[]): string {
  return `${element}${element.endsWith('*') ? '' : ' '}${dims.map((x) => `[${x ?? ''}]`).join('')}`;
}

/** gdb: "char *", "char **", "int (*)(int)", "int (*)[3]". */
function pointerName(target: DType): string {
  if (target.kind === 'function') return target.name.replace(' (', ' (*)(');
  if (target.kind === 'array') return target.name.replace(/ ?\[/, ' (*)[');
  return target.name.endsWith('*') ? `${target.name}*` : `${target.name} *`;
}

function uleb(b: Uint8Array, pos: number): number {
  let v = 0, mul = 1;
  for (let i = pos; i < b.length; i++) { v += (b[i] & 0x7f) * mul; mul *= 128; if (!(b[i] & 0x80)) break; }
  return v;
}

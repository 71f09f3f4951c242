// Little-endian cursor over one DWARF section: fixed-size integers, LEB128, C strings and the
// 32/64-bit DWARF offset sizes. Shared by every DWARF parser here (.debug_line, .debug_info,
// CFI). 64-bit values are returned as JS numbers: every address and offset in a user-mode RV64
// program is below 2^53. Reading past the end throws DwarfError (damaged debug info is reported,
// never silently misread).

export class DwarfError extends Error {
  constructor(message: string) { super(message); this.name = 'DwarfError'; }
}

const utf8 = new TextDecoder();

/** What u64()/uN(8) return for 0xffff_ffff_ffff_ffff (it rounds to 2^64 as a JS number): DWARF's "all ones" markers. */
export const ALL_ONES_64 = 2 ** 64;

export class ByteReader {
  private readonly dv: DataView;
  pos: number;

  constructor(readonly bytes: Uint8Array, pos = 0, readonly end = bytes.length) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  /** A reader over [pos, pos+len) of the same bytes (a unit or a block). */
  sub(pos: number, len: number): ByteReader {
    if (pos + len > this.bytes.length) throw new DwarfError(`block at 0x${pos.toString(16)} runs past its section`);
    return new ByteReader(this.bytes, pos, pos + len);
  }

  get atEnd(): boolean { return this.pos >= this.end; }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new DwarfError(`truncated DWARF data at 0x${p.toString(16)}`);
    this.pos = p + n;
    return p;
  }

  u8(): number { return this.bytes[this.need(1)]; }
  i8(): number { return this.dv.getInt8(this.need(1)); }
  u16(): number { return this.dv.getUint16(this.need(2), true); }
  i16(): number { return this.dv.getInt16(this.need(2), true); }
  u24(): number { const p = this.need(3); return this.bytes[p] | (this.bytes[p + 1] << 8) | (this.bytes[p + 2] << 16); }
  u32(): number { return this.dv.getUint32(this.need(4), true); }
  i32(): number { return this.dv.getInt32(this.need(4), true); }
  u64(): number { const p = this.need(8); return this.dv.getUint32(p + 4, true) * 4294967296 + this.dv.getUint32(p, true); }
  i64(): number { const p = this.need(8); return this.dv.getInt32(p + 4, true) * 4294967296 + this.dv.getUint32(p, true); }
  /** Unsigned fixed-size integer of 1, 2, 4 or 8 bytes. */
  uN(size: number): number {
    switch (size) {
      case 1: return this.u8();
      case 2: return this.u16();
      case 4: return this.u32();
      case 8: return this.u64();
      default: throw new DwarfError(`unsupported ${size}-byte value`);
    }
  }
  /** 4-byte offset in 32-bit DWARF, 8-byte in 64-bit DWARF. */
  offset(is64: boolean): number { return is64 ? this.u64() : this.u32(); }

  uleb(): number { return this.leb128(false); }
  sleb(): number { return this.leb128(true); }

  /** LEB128 (DWARF 5 §7.6); a signed value's sign is bit 6 of its last byte. */
  private leb128(signed: boolean): number {
    let result = 0, mul = 1, b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return signed && b & 0x40 ? result - mul : result;
  }

  cstr(): string {
    const start = this.pos;
    let e = start;
    while (e < this.end && this.bytes[e] !== 0) e++;
    if (e >= this.end) throw new DwarfError(`unterminated string at 0x${start.toString(16)}`);
    this.pos = e + 1;
    return utf8.decode(this.bytes.subarray(start, e));
  }

  skip(n: number): void { this.need(n); }
  block(n: number): Uint8Array { const p = this.need(n); return this.bytes.subarray(p, p + n); }

  /** Initial length of a unit: returns the unit's end position and whether it is 64-bit DWARF. */
  unitLength(): { end: number; is64: boolean } {
    let len = this.u32();
    let is64 = false;
    if (len === 0xffffffff) { len = this.u64(); is64 = true; } else if (len >= 0xfffffff0) {
      throw new DwarfError(`reserved unit length 0x${len.toString(16)}`);
    }
    return { end: this.pos + len, is64 };
  }
}

/** C string at `off` in a string section (.debug_str / .debug_line_str). */
export function stringAt(section: Uint8Array | undefined, off: number, what: string): string {
  if (!section || off >= section.length) throw new DwarfError(`string offset 0x${off.toString(16)} outside ${what}`);
  return new ByteReader(section, off).cstr();
}

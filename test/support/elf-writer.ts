// Writes a tiny static RV64 ELF executable in JavaScript, so tests can generate guest programs
// (raw instruction words + data) without a cross compiler. Layout: one R+X PT_LOAD for the code
// at `codeAddr`, one R+W PT_LOAD for the data (plus zero-filled `bssSize`) at `dataAddr`; no
// section headers (neither qemu-riscv64 nor the Linux loader needs them).

export interface ElfImage {
  /** Machine code, little-endian, as bytes. */
  code: Uint8Array;
  data?: Uint8Array;
  /** Extra zero-filled bytes after the data (scratch and output buffers). */
  bssSize?: number;
  codeAddr?: number;
  dataAddr?: number;
  /** Entry point; defaults to codeAddr. */
  entry?: number;
}

const EHDR = 64, PHDR = 56, PAGE = 0x1000;
const EF_RISCV_RVC = 1, EF_RISCV_FLOAT_ABI_DOUBLE = 4;

export function writeElf(img: ElfImage): Uint8Array {
  const codeAddr = img.codeAddr ?? 0x10000;
  const dataAddr = img.dataAddr ?? 0x4000000;
  const data = img.data ?? new Uint8Array(0);
  const codeOff = PAGE;
  const dataOff = codeOff + Math.ceil(img.code.length / PAGE) * PAGE;
  const size = dataOff + data.length;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  // ELF header (ELF-64 Object File Format, "File header").
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* LE */, 1 /* EV_CURRENT */, 0 /* SYSV */]);
  v.setUint16(16, 2, true);                  // ET_EXEC
  v.setUint16(18, 243, true);                // EM_RISCV
  v.setUint32(20, 1, true);                  // e_version
  v.setBigUint64(24, BigInt(img.entry ?? codeAddr), true);
  v.setBigUint64(32, BigInt(EHDR), true);    // e_phoff
  v.setBigUint64(40, 0n, true);              // e_shoff
  v.setUint32(48, EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE, true);
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, 2, true);                  // e_phnum
  v.setUint16(58, 64, true);                 // e_shentsize
  v.setUint16(60, 0, true);
  v.setUint16(62, 0, true);
  const phdr = (i: number, flags: number, off: number, addr: number, filesz: number, memsz: number) => {
    const p = EHDR + i * PHDR;
    v.setUint32(p, 1, true);                 // PT_LOAD
    v.setUint32(p + 4, flags, true);
    v.setBigUint64(p + 8, BigInt(off), true);
    v.setBigUint64(p + 16, BigInt(addr), true);
    v.setBigUint64(p + 24, BigInt(addr), true);
    v.setBigUint64(p + 32, BigInt(filesz), true);
    v.setBigUint64(p + 40, BigInt(memsz), true);
    v.setBigUint64(p + 48, BigInt(PAGE), true);
  };
  phdr(0, 5 /* R+X */, codeOff, codeAddr, img.code.length, img.code.length);
  phdr(1, 6 /* R+W */, dataOff, dataAddr, data.length, data.length + (img.bssSize ?? 0));
  buf.set(img.code, codeOff);
  buf.set(data, dataOff);
  return buf;
}

/** Collects 16- and 32-bit instruction parcels into little-endian code bytes. */
export class CodeBuffer {
  private bytes: number[] = [];
  constructor(readonly base = 0x10000) {}
  get pc(): number { return this.base + this.bytes.length; }
  /** Appends a 32-bit instruction word. */
  word(w: number): this { for (let i = 0; i < 4; i++) this.bytes.push((w >>> (8 * i)) & 0xff); return this; }
  /** Appends a 16-bit compressed parcel. */
  half(h: number): this { this.bytes.push(h & 0xff, (h >>> 8) & 0xff); return this; }
  toBytes(): Uint8Array { return Uint8Array.from(this.bytes); }
}

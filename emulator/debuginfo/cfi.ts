// Call frame information: CIE/FDE records of .eh_frame (GCC's pointer encodings, pc-relative
// addresses, augmentation strings) and .debug_frame (DWARF 4/5 section 6.4), indexed by pc so
// the unwinder finds the FDE for a frame. The CFA programs themselves run in unwind.ts.

import { ALL_ONES_64, ByteReader, DwarfError } from './reader';

export interface Cie {
  offset: number;
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  /** Pointer encoding of FDE addresses (.eh_frame 'R' augmentation). */
  fdeEncoding: number;
  signalFrame: boolean;
  /** 'z' augmentation: FDEs carry an augmentation-data block. */
  augData: boolean;
  initial: Uint8Array;
  addrSize: number;
}

export interface Fde {
  cie: Cie;
  lo: number;
  hi: number;
  instructions: Uint8Array;
  /** Section the record came from, for diagnostics. */
  source: '.eh_frame' | '.debug_frame';
  /** Load bias added to lo/hi (FrameIndex.rebased): DW_CFA_set_loc's link addresses need it too. */
  bias?: number;
}

const DW_EH_PE_omit = 0xff;

/** Reads a GCC-encoded pointer (DW_EH_PE_*) at r; `secAddr` is the section's address for pcrel. */
function readEncoded(r: ByteReader, enc: number, secAddr: number, addrSize: number): number {
  if (enc === DW_EH_PE_omit) return 0;
  const at = secAddr + r.pos; // reader positions are section offsets
  let v: number;
  switch (enc & 0x0f) {
    case 0x00: v = r.uN(addrSize); break;
    case 0x01: v = r.uleb(); break;
    case 0x02: v = r.u16(); break;
    case 0x03: v = r.u32(); break;
    case 0x04: v = r.u64(); break;
    case 0x09: v = r.sleb(); break;
    case 0x0a: v = r.i16(); break;
    case 0x0b: v = r.i32(); break;
    case 0x0c: v = r.i64(); break;
    default: throw new DwarfError(`unsupported pointer encoding 0x${enc.toString(16)}`);
  }
  switch (enc & 0x70) {
    case 0x00: break;
    case 0x10: v += at; break; // pcrel
    default: throw new DwarfError(`unsupported pointer application 0x${(enc & 0x70).toString(16)}`);
  }
  return v;
}

function parseCie(r: ByteReader, offset: number, end: number, isEh: boolean, secAddr: number): Cie {
  const version = r.u8();
  const aug = r.cstr();
  let addrSize = 8;
  if (!isEh && version >= 4) { addrSize = r.u8(); r.u8(); /* segment size */ }
  const codeAlign = r.uleb();
  const dataAlign = r.sleb();
  const raReg = version === 1 ? r.u8() : r.uleb();
  let fdeEncoding = 0, signalFrame = false;
  if (aug.startsWith('z')) {
    const augLen = r.uleb();
    const augEnd = r.pos + augLen;
    for (const c of aug.slice(1)) {
      if (c === 'R') fdeEncoding = r.u8();
      else if (c === 'L') r.u8();
      else if (c === 'P') { const e = r.u8(); readEncoded(r, e & 0x7f, secAddr, addrSize); }
      else if (c === 'S') signalFrame = true;
    }
    r.pos = augEnd;
  } else if (aug !== '' && !isEh) {
    throw new DwarfError(`unsupported CIE augmentation "${aug}"`);
  }
  return { offset, codeAlign, dataAlign, raReg, fdeEncoding, signalFrame, augData: aug.startsWith('z'), initial: r.bytes.subarray(r.pos, end), addrSize };
}

/** Parses every FDE of a .eh_frame (isEh) or .debug_frame section. */
export function parseFrameSection(sec: Uint8Array, isEh: boolean, secAddr = 0): Fde[] {
  const cies = new Map<number, Cie>();
  const out: Fde[] = [];
  const r = new ByteReader(sec);
  const cieAt = (off: number): Cie => {
    let c = cies.get(off);
    if (!c) {
      const cr = new ByteReader(sec, off);
      const { end, is64 } = cr.unitLength();
      cr.offset(is64); // CIE id
      c = parseCie(cr, off, end, isEh, secAddr);
      cies.set(off, c);
    }
    return c;
  };
  while (r.pos + 4 <= sec.length) {
    const start = r.pos;
    const { end, is64 } = r.unitLength();
    if (end === start + 4) { if (isEh) break; r.pos = end; continue; } // zero terminator in .eh_frame
    const idPos = r.pos;
    const id = r.offset(is64);
    const isCie = isEh ? id === 0 : id === (is64 ? ALL_ONES_64 : 0xffffffff);
    if (!isCie) {
      const cie = cieAt(isEh ? idPos - id : id);
      const fr = new ByteReader(sec, r.pos, end);
      let lo: number, len: number;
      if (isEh) {
        lo = readEncoded(fr, cie.fdeEncoding, secAddr, cie.addrSize);
        len = readEncoded(fr, cie.fdeEncoding & 0x0f, secAddr, cie.addrSize);
        if (cie.augData) fr.pos += fr.uleb(); // augmentation data (LSDA pointer)
      } else {
        lo = fr.uN(cie.addrSize);
        len = fr.uN(cie.addrSize);
      }
      if (len > 0) out.push({ cie, lo, hi: lo + len, instructions: sec.subarray(fr.pos, end), source: isEh ? '.eh_frame' : '.debug_frame' });
    }
    r.pos = end;
  }
  return out;
}

/** FDEs of a file sorted by start address, with lookup by pc (.eh_frame preferred over .debug_frame). */
export class FrameIndex {
  private readonly fdes: Fde[];

  constructor(...lists: Fde[][]) {
    // A stable sort keeps the earlier list's FDE first when two cover the same pc.
    this.fdes = lists.flat().sort((a, b) => a.lo - b.lo);
  }

  get size(): number { return this.fdes.length; }

  /** One index over several (a program and its libraries, each at its load addresses). */
  static merge(...indices: FrameIndex[]): FrameIndex {
    return new FrameIndex(...indices.map((i) => i.fdes));
  }

  /**
   * The same FDEs at load addresses, for a PIE or shared library loaded at `bias`. The CFA and
   * register rules do not depend on where the code sits, so only the pc ranges move.
   */
  rebased(bias: number): FrameIndex {
    if (bias === 0) return this;
    return new FrameIndex(this.fdes.map((f) => ({ ...f, lo: f.lo + bias, hi: f.hi + bias, bias: (f.bias ?? 0) + bias })));
  }

  find(pc: number): Fde | undefined {
    let lo = 0, hi = this.fdes.length - 1, ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.fdes[mid].lo <= pc) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Walk back over FDEs starting at or below pc: the first that covers pc wins.
    for (let i = ans; i >= 0 && i > ans - 8; i--) if (pc < this.fdes[i].hi && pc >= this.fdes[i].lo) return this.fdes[i];
    return undefined;
  }
}

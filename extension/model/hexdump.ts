// Hex dump text of guest memory for the read-only memory document (used when the Hex Editor
// extension is absent). No `vscode` import.

/** "addr: 16 bytes  |ascii|" lines, as `xxd`/`hexdump -C` print them. */
export function hexDump(base: number, bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, o + 16);
    const hx = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const asc = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${(base + o).toString(16).padStart(16, '0')}  ${hx.padEnd(47, ' ')}  |${asc}|`);
  }
  return lines.join('\n') + '\n';
}

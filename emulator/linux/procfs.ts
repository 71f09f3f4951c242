// The /proc/self files a guest may read that must describe the *guest*, not the Node process
// running it (QEMU's linux-user fakes the same set): maps, cmdline, environ, auxv. Each is
// synthesized when opened and served from memory.

import type { LinuxKernel } from './kernel';

/** Named address ranges for /proc/self/maps (program, interpreter, [heap], [stack]). */
export interface MapName { start: number; end: number; name: string }

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

function maps(k: LinuxKernel): string {
  const files = k.fileMaps.all().map((m) => ({ start: m.start, end: m.end, name: m.path }));
  const names = [...k.mapNames, ...files, { start: k.brkStart, end: Math.max(k.brkStart, Math.ceil(k.brkCur / 4096) * 4096), name: '[heap]' }];
  return k.mem.regions().map((r) => {
    const perms = `${r.prot & 1 ? 'r' : '-'}${r.prot & 2 ? 'w' : '-'}${r.prot & 4 ? 'x' : '-'}p`;
    const name = names.find((n) => r.start >= n.start && r.start < n.end)?.name ?? '';
    const line = `${hex8(r.start)}-${hex8(r.end)} ${perms} 00000000 00:00 0`;
    // Linux pads the path column to start at character 73.
    return name ? `${line.padEnd(72)} ${name}\n` : `${line}\n`;
  }).join('');
}

/** Contents of a synthesized /proc/self file, or undefined when the path is not one of them. */
export function procSelfFile(k: LinuxKernel, guestPath: string): Uint8Array | undefined {
  const m = /^\/proc\/(?:self|(\d+))\/(maps|cmdline|environ|auxv)$/.exec(guestPath);
  if (!m || (m[1] !== undefined && Number(m[1]) !== k.pid)) return undefined;
  const enc = new TextEncoder();
  switch (m[2]) {
    case 'maps': return enc.encode(maps(k));
    case 'cmdline': return enc.encode(k.procArgv.map((a) => a + '\0').join(''));
    case 'environ': return enc.encode(k.procEnv.map((a) => a + '\0').join(''));
    case 'auxv': {
      const b = new Uint8Array(k.procAuxv.length * 16);
      const dv = new DataView(b.buffer);
      k.procAuxv.forEach(([t, v], i) => { dv.setBigUint64(16 * i, BigInt(t), true); dv.setBigUint64(16 * i + 8, BigInt(v), true); });
      return b;
    }
  }
  return undefined;
}

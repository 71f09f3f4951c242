// Source paths between DWARF and the editor: `sourceFileMap` prefixes (as in cppdbg), relative
// DWARF paths (compiled with -ffile-prefix-map=$PWD=.) found next to the cwd, the program or its
// parent folder, and the reverse lookup of an editor path to the DWARF file name the line table uses.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { samePath } from '../emulator/debuginfo/index';
import type { Runtime } from './runtime';

export class SourceMapper {
  private rt?: Runtime;
  private readonly cache = new Map<string, string>();

  attach(rt: Runtime): void { this.rt = rt; this.cache.clear(); }

  /** Local path for a path from the line table. */
  toLocal(dwarfPath: string): string {
    const hit = this.cache.get(dwarfPath);
    if (hit !== undefined) return hit;
    const cfg = this.rt?.config;
    let p = dwarfPath;
    // A relative path is relative to the compilation directory, "." under -ffile-prefix-map=$PWD=.
    const spelled = path.isAbsolute(p) || p.startsWith('./') ? p : './' + p;
    for (const [from, to] of Object.entries(cfg?.sourceFileMap ?? {})) {
      const f = from.replace(/\/+$/, '') || '/';
      if (spelled === f || spelled.startsWith(f === '/' ? '/' : f + '/')) { p = path.join(to, spelled.slice(f.length)); break; }
    }
    if (!path.isAbsolute(p) && cfg) {
      const dirs = [cfg.cwd ?? '.', path.dirname(cfg.program), path.dirname(path.dirname(cfg.program))];
      const found = dirs.map((d) => path.resolve(d, p)).find((c) => existsSync(c));
      p = found ?? path.resolve(dirs[0], p);
    }
    this.cache.set(dwarfPath, p);
    return p;
  }

  /** The line table's name for an editor path (so breakpoints match it exactly), or the path itself. */
  toDwarf(localPath: string): string {
    const files = this.rt?.debugInfo?.lines.files ?? [];
    const want = path.resolve(localPath);
    for (const f of files) if (this.toLocal(f) === want) return f;
    for (const f of files) if (samePath(f.replace(/^(\.\/)+/, ''), localPath)) return f;
    return localPath;
  }
}

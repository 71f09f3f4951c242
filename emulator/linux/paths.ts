// Guest path arithmetic (POSIX rules, no host path module: emulator/ never imports node:path).

/** Collapses "//", "." and ".." in an absolute path; ".." at the root stays at the root. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop(); else out.push(part);
  }
  return '/' + out.join('/');
}

export function joinPath(dir: string, rel: string): string {
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

/** Last component of a path ("a/b/c" → "c"). */
export function baseName(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

// `npm start`: a first look at tbscope on a fresh machine. Runs two bundled examples and says
// what each run shows: the translation blocks of a tiny libc-free program as they are compiled
// (-d in_asm, QEMU's log format), then a glibc program with --stats (TBs, instructions, MIPS).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tbscope = join(root, 'bin', 'tbscope');

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function show(title, args) {
  console.log(`\n${bold(title)}\n$ tbscope ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [tbscope, ...args], { cwd: root, stdio: 'inherit' });
  console.log(`(exit status ${r.status})`);
  return r.status;
}

const a = show('1. Each translation block of examples/tiny.S as it is translated (-d in_asm):', ['-d', 'in_asm', 'examples/bin/tiny']);
const b = show('2. A static glibc program (printf, qsort, libm) with run statistics (--stats):', ['--stats', 'examples/bin/hello-static', 'one', 'two']);
console.log('\nMore: `bin/tbscope -h`, README.md, docs/cli.md.');
process.exit(a === 0 && b === 0 ? 0 : 1);

// `npm run bench [-- OPTIONS]`: builds the bundles, then runs the emulator benchmark
// (bench/run.ts) with every option given and the debug-adapter benchmark (bench/adapter.ts)
// with the --runs option, if given (npm would otherwise hand the options to the last command only).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = args.indexOf('--runs');
const adapterArgs = runs >= 0 ? args.slice(runs, runs + 2) : [];

for (const cmd of [['scripts/build.mjs'], ['--import', 'tsx', 'bench/run.ts', ...args], ['--import', 'tsx', 'bench/adapter.ts', ...adapterArgs]]) {
  const r = spawnSync(process.execPath, cmd, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

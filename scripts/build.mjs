// Bundles the TypeScript entry points into dist/ with esbuild (run by `npm run build`, and so by
// `npm install` through `prepare`). Type-checking is a separate step (tsc --noEmit) because
// esbuild only strips types. An entry whose source does not exist yet is skipped with a note,
// so the build stays green while the adapter and extension are being written.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** dist file ← source, and what stays outside the bundle. */
const entries = [
  // The CLI (bin/tbscope runs it).
  { out: 'dist/cli.js', src: 'cli/main.ts', external: [] },
  // The debug adapter, standalone (stdio or --server=PORT) and loaded inline by the extension.
  { out: 'dist/adapter.js', src: 'adapter/main.ts', external: [] },
  // The VS Code extension: `vscode` is provided by the editor at run time.
  { out: 'dist/extension.js', src: 'extension/extension.ts', external: ['vscode'] },
  // The RISC-V assembly language server, started by the extension's language client (IPC).
  { out: 'dist/language-server.js', src: 'language/server.ts', external: [] },
];

const watch = process.argv.includes('--watch');
for (const e of entries) {
  if (!existsSync(join(root, e.src))) {
    console.log(`build: skipping ${e.out} (${e.src} does not exist yet)`);
    continue;
  }
  const options = {
    absWorkingDir: root,
    entryPoints: [e.src],
    outfile: e.out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: e.external,
    logLevel: 'warning',
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
    console.log(`build: ${e.out}`);
  }
}

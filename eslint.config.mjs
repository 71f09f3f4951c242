// ESLint flat config. Besides the recommended TypeScript rules it enforces the layering of
// docs/architecture.md with no-restricted-imports: only extension/ may import `vscode`; emulator/ may not
// import DAP packages (@vscode/*); and the emulator core (everything in emulator/ except
// emulator/node/) may not touch the host directly — host services are injected (emulator/host.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeOnlyInExtension = {
  name: 'vscode',
  message: 'Only extension/ may import vscode (docs/architecture.md: layering).',
};
const hostModules = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path', 'node:path',
  'child_process', 'node:child_process', 'process', 'node:process', 'os', 'node:os'];
const noHostInCore = hostModules.map((name) => ({
  name,
  message: 'The emulator core gets host services injected (emulator/host.ts); only emulator/node/ may use Node host modules.',
}));
const noDapInEmulator = {
  group: ['@vscode/*'],
  message: 'emulator/ knows nothing of DAP or VS Code (docs/architecture.md: layering).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'examples/bin/**', 'bench/bin/**', 'test/fixtures/bin/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Generated TB code is built with new Function on purpose (docs/architecture.md: translator).
      'no-new-func': 'off',
      'no-restricted-imports': ['error', { paths: [vscodeOnlyInExtension] }],
    },
  },
  {
    files: ['extension/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [vscodeOnlyInExtension, ...noHostInCore], patterns: [noDapInEmulator] }],
      // `process` as a global is the same escape hatch as importing it.
      'no-restricted-globals': ['error', { name: 'process', message: 'Use the injected HostServices (emulator/host.ts).' }],
    },
  },
  {
    files: ['emulator/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [vscodeOnlyInExtension], patterns: [noDapInEmulator] }],
      'no-restricted-globals': 'off',
    },
  },
  {
    // Plain JS/MJS scripts run by Node (bin/, scripts/): CommonJS and Node globals.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'bin/tbscope'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Webview page scripts (media/): they run in the browser page VS Code hosts, not in Node.
    files: ['media/**/*.js'],
    languageOptions: {
      globals: { acquireVsCodeApi: 'readonly', window: 'readonly', document: 'readonly', console: 'readonly' },
    },
  },
);

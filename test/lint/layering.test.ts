// Checks that the ESLint config really enforces the layering of docs/architecture.md: each case lints a
// one-line source under a path in one layer and expects the import to be allowed or refused.

import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../support/oracles';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function restricted(path: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath: join(REPO_ROOT, path) });
  return result.messages.some((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals');
}

const cases: [path: string, source: string, refused: boolean][] = [
  ['extension/x.ts', "import * as vscode from 'vscode'; export const v = vscode;", false],
  ['adapter/x.ts', "import * as vscode from 'vscode'; export const v = vscode;", true],
  ['emulator/x.ts', "import * as vscode from 'vscode'; export const v = vscode;", true],
  ['cli/x.ts', "import * as vscode from 'vscode'; export const v = vscode;", true],
  ['emulator/x.ts', "import { DebugSession } from '@vscode/debugadapter'; export const v = DebugSession;", true],
  ['emulator/linux/x.ts', "import { readFileSync } from 'node:fs'; export const v = readFileSync;", true],
  ['emulator/x.ts', "import * as fs from 'fs'; export const v = fs;", true],
  ['emulator/tcg/x.ts', "import { join } from 'path'; export const v = join;", true],
  ['emulator/x.ts', "import { spawn } from 'child_process'; export const v = spawn;", true],
  ['emulator/x.ts', "import process from 'node:process'; export const v = process;", true],
  ['emulator/x.ts', 'export const v = process.env;', true],
  ['emulator/node/x.ts', "import { readFileSync } from 'node:fs'; export const v = readFileSync;", false],
  ['emulator/node/x.ts', "import * as vscode from 'vscode'; export const v = vscode;", true],
  ['adapter/x.ts', "import { DebugSession } from '@vscode/debugadapter'; export const v = DebugSession;", false],
  ['adapter/x.ts', "import { readFileSync } from 'node:fs'; export const v = readFileSync;", false],
];

describe('lint: layering rule (docs/architecture.md)', () => {
  for (const [path, source, refused] of cases) {
    it(`${refused ? 'refuses' : 'allows'} in ${path}: ${source.split(';')[0]}`, async () => {
      assert.equal(await restricted(path, source), refused);
    });
  }
});

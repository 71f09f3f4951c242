// What F5 with no launch.json should debug: the pure part of the debug configuration provider.
// An ELF is run as is; a `.s`/`.S` file is handed to the adapter, which assembles and links it
// in-process; for a C/C++ source the ELF built from it is looked for next to it and in a `bin/`
// folder (the layout examples/build.sh uses). No `vscode` import.

export type LaunchSubject = { kind: 'elf' | 'asm' | 'c'; path: string };

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && ELF_MAGIC.every((b, i) => head[i] === b);
}

export function classify(path: string, languageId?: string): LaunchSubject['kind'] | undefined {
  if (languageId === 'riscv-asm' || /\.[sS]$/.test(path)) return 'asm';
  if (languageId === 'c' || languageId === 'cpp' || /\.(c|cc|cpp|cxx)$/i.test(path)) return 'c';
  return undefined;
}

const dirOf = (p: string): string => p.replace(/[\\/][^\\/]*$/, '') || '/';
const stem = (p: string): string => (p.split(/[\\/]/).pop() ?? p).replace(/\.[^.]*$/, '');

/** Where the ELF built from a source file may be, most likely first. */
export function elfCandidates(source: string, workspaceRoot?: string): string[] {
  const d = dirOf(source), s = stem(source);
  const out = [`${d}/bin/${s}`, `${d}/${s}`, `${d}/${s}.elf`, `${d}/build/${s}`];
  if (workspaceRoot) out.push(`${workspaceRoot}/bin/${s}`, `${workspaceRoot}/build/${s}`);
  return [...new Set(out)];
}

export interface GuessedConfig {
  type: 'tbscope';
  request: 'launch';
  name: string;
  program: string;
  stopOnEntry: boolean;
  [key: string]: unknown;
}

export function launchConfigFor(program: string, name?: string): GuessedConfig {
  // hotpages and trace feed the Hot Pages, Heat Map and Callback Trace views.
  return { type: 'tbscope', request: 'launch', name: name ?? `tbscope: ${program.split(/[\\/]/).pop()}`, program, stopOnEntry: false, plugins: ['hotpages', 'trace'] };
}

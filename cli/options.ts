// Command-line parsing for `tbscope [options] program [args...]`, modelled on qemu-riscv64's
// linux-user/main.c: options are single-dash words (`--opt` is accepted as `-opt`, like QEMU),
// parsing stops at the first non-option (the program) or at `--`, and every mistake is a
// CliError whose message is the one line the user sees after "tbscope: ".

/** A user mistake on the command line or in the program file: reported as one line, exit status 1. */
export class CliError extends Error {}

/** The -d items tbscope implements (a subset of QEMU's, same names and meanings). */
export const LOG_ITEMS = {
  in_asm: 'show target assembly code for each compiled TB',
  exec: 'show trace before each executed TB (lots of logs)',
  nochain: 'do not chain compiled TBs so that "exec" shows complete traces',
  unimp: 'log unimplemented functionality (unknown syscalls)',
  strace: 'log every user-mode syscall, its input, and its result',
  plugin: 'output from TCG plugins',
} as const;
export type LogItem = keyof typeof LOG_ITEMS;

/** One -E or -U, applied in command-line order (QEMU: "the last change will stay in effect"). */
export type EnvOp = { set: string; value: string } | { unset: string };

export interface RunOptions {
  program: string;
  /** Guest argv[1..] (argv[0] is `argv0` or the program path, as with QEMU). */
  args: string[];
  argv0?: string;
  ldPrefix?: string;
  envOps: EnvOp[];
  log: Set<LogItem>;
  logFile?: string;
  oneInsnPerTb: boolean;
  /** Every TB generated with the inline fast paths from its first translation (MachineOptions.hotCode). */
  hotCode: boolean;
  /** -plugin specs in order, after those from TBSCOPE_PLUGIN. */
  plugins: string[];
  stats: boolean;
  /** Fixed clock and random bytes, so instruction counts repeat from run to run. */
  deterministic: boolean;
  /** -record FILE: log every host call's result to FILE (docs/time-travel.md). */
  recordFile?: string;
  /** -replay FILE: run the recorded program again from FILE's host log, touching no host. */
  replayFile?: string;
}

export type Command =
  | { kind: 'run'; options: RunOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'log-help' };

interface OptionSpec {
  /** How -h shows the option when not "-name" (e.g. --stats, which is tbscope's own). */
  display?: string;
  arg?: string;          // name of the argument in the help text, when the option takes one
  env?: string;          // environment variable that sets the same thing
  help: string;
  apply(o: RunOptions, value: string): Command | void;
}

/** Splits a -E / -U / -d value at commas, getsubopt(3)-style, as QEMU does. */
function commaList(value: string): string[] {
  return value.split(',').filter((s) => s !== '');
}

function parseLogItems(o: RunOptions, value: string): Command | void {
  for (const item of commaList(value)) {
    if (item === 'help') return { kind: 'log-help' };
    if (!(item in LOG_ITEMS)) throw new CliError(`unknown -d item '${item}' (try -d help)`);
    o.log.add(item as LogItem);
  }
}

/** The option table: help text, parsing and the usage screen all come from here (a Map keeps -h in this order). */
export const OPTIONS = new Map<string, OptionSpec>(Object.entries({
  h: { help: 'print this help', apply: () => ({ kind: 'help' }) },
  help: { help: '', apply: () => ({ kind: 'help' }) },
  L: { arg: 'path', help: "set the elf interpreter prefix to 'path' (default /usr/riscv64-linux-gnu if present)",
    apply: (o, v) => { o.ldPrefix = v; } },
  E: { arg: 'var=value', help: "sets target's environment variable (comma-separated list allowed)",
    apply: (o, v) => {
      for (const kv of commaList(v)) {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new CliError(`-E expects var=value, got '${kv}'`);
        o.envOps.push({ set: kv.slice(0, eq), value: kv.slice(eq + 1) });
      }
    } },
  U: { arg: 'var', help: "unsets target's environment variable (comma-separated list allowed)",
    apply: (o, v) => { for (const name of commaList(v)) o.envOps.push({ unset: name }); } },
  argv0: { display: '-0', arg: 'argv0', help: "forces target process argv[0] to be 'argv0'", apply: (o, v) => { o.argv0 = v; } },
  d: { arg: 'item[,...]', help: "enable logging of specified items (use '-d help' for a list of items)",
    apply: parseLogItems },
  D: { arg: 'logfile', help: "write logs to 'logfile' (default stderr)", apply: (o, v) => { o.logFile = v; } },
  'one-insn-per-tb': { help: 'run with one guest instruction per translation block',
    apply: (o) => { o.oneInsnPerTb = true; } },
  singlestep: { help: 'deprecated synonym for -one-insn-per-tb', apply: (o) => { o.oneInsnPerTb = true; } },
  'hot-code': { help: 'generate every TB with the inline fast paths at once (otherwise a TB gets them after 500 runs)',
    apply: (o) => { o.hotCode = true; } },
  strace: { help: 'log system calls (same as -d strace)', apply: (o) => { o.log.add('strace'); } },
  plugin: { arg: 'spec', env: 'TBSCOPE_PLUGIN', help: '[file=]<name|file.js>[,<argname>=<argvalue>] (repeatable)',
    apply: (o, v) => { o.plugins.push(v); } },
  stats: { display: '--stats', help: 'print TBs translated, guest instructions, seconds, MIPS, regions built and TBs promoted to stderr at exit',
    apply: (o) => { o.stats = true; } },
  deterministic: { help: 'fixed clock and random bytes, so runs and instruction counts repeat',
    apply: (o) => { o.deterministic = true; } },
  record: { arg: 'file', help: 'record the run (every input from the host) to file, for -replay and the debugger',
    apply: (o, v) => { o.recordFile = v; } },
  replay: { arg: 'file', help: 'run a recording again: the same instructions and output, no host touched (no program arguments)',
    apply: (o, v) => { o.replayFile = v; } },
  version: { help: 'display version information and exit', apply: () => ({ kind: 'version' }) },
}));

/**
 * Parses argv (without node and the script). `env` supplies TBSCOPE_PLUGIN, whose specs are
 * separated by ':' when there are several (like a PATH) and load before the -plugin ones.
 */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Command {
  const o: RunOptions = {
    program: '', args: [], envOps: [], log: new Set(), oneInsnPerTb: false, hotCode: false, plugins: [],
    stats: false, deterministic: false,
  };
  const fromEnv = env.TBSCOPE_PLUGIN;
  if (fromEnv) o.plugins.push(...fromEnv.split(':').filter((s) => s !== ''));

  let i = 0;
  while (i < argv.length) {
    const word = argv[i];
    if (!word.startsWith('-') || word === '-') break;
    i++;
    if (word === '--') break;
    // QEMU treats --foo like -foo.
    const name = word.startsWith('--') ? word.slice(2) : word.slice(1);
    const spec = OPTIONS.get(name === '0' ? 'argv0' : name);
    if (!spec) throw new CliError(`unknown option '${name}' (try -h)`);
    let value = '';
    if (spec.arg) {
      if (i >= argv.length) throw new CliError(`missing argument for option '${name}'`);
      value = argv[i++];
    }
    const early = spec.apply(o, value);
    if (early) return early;
  }
  if (o.replayFile !== undefined) {
    if (i < argv.length) throw new CliError('-replay takes the program and its arguments from the recording; give none');
    if (o.recordFile !== undefined) throw new CliError('-record and -replay cannot be used together');
    return { kind: 'run', options: o };
  }
  if (i >= argv.length) throw new CliError('no user program specified (try -h)');
  o.program = argv[i];
  o.args = argv.slice(i + 1);
  return { kind: 'run', options: o };
}

/** The -h screen, laid out like qemu-riscv64's. */
export function usage(): string {
  const rows = [...OPTIONS].map(([name, s]) => {
    const left = `${s.display ?? '-' + name}${s.arg ? ' ' + s.arg : ''}`;
    return `${left.padEnd(21)}${(s.env ?? '').padEnd(18)}${s.help}`.trimEnd();
  });
  return [
    'usage: tbscope [options] program [arguments...]',
    'RISC-V RV64GC Linux user-mode emulator with QEMU-style translation blocks and plugins',
    '',
    'Argument             Env-variable      Description',
    ...rows,
    '',
    'The guest sees the host environment changed by -E and -U, in order.',
    'Set TBSCOPE_DEBUG=1 to get a stack trace with internal errors.',
    '',
  ].join('\n');
}

/** The -d help screen. */
export function logHelp(): string {
  const rows = Object.entries(LOG_ITEMS).map(([k, v]) => `${k.padEnd(16)}${v}`);
  return ['Log items (comma separated):', ...rows, ''].join('\n');
}

/**
 * The guest environment: QEMU builds it as a list where every new or changed variable goes to
 * the front (linux-user envlist), so the guest sees the host's variables in reverse order with
 * -E ones first. Reproduced here so programs that print environ match qemu-riscv64 exactly.
 */
export function guestEnvironment(hostEnv: Record<string, string | undefined>, ops: readonly EnvOp[]): string[] {
  let list: [string, string][] = [];
  const set = (k: string, v: string) => { list = [[k, v], ...list.filter(([n]) => n !== k)]; };
  for (const [k, v] of Object.entries(hostEnv)) if (v !== undefined) set(k, v);
  for (const op of ops) {
    if ('set' in op) set(op.set, op.value);
    else list = list.filter(([n]) => n !== op.unset);
  }
  return list.map(([k, v]) => `${k}=${v}`);
}

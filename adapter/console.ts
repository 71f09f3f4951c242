// gdb-like commands typed into the Debug Console (evaluate with context "repl"): `help`,
// `info registers [names]`, `x/NFU ADDR` (gdb's examine: formats x d u o t c a, units b h w g),
// `info tb [ADDR]`, `p`/`print EXPR`. Other gdb commands a user is likely to type get a one-line
// error that says what to do instead; anything else is an expression (evaluate.ts).

import { ABI_NAMES } from '../emulator/cpu/state';
import { evaluateExpression, formatValue, toBig, type EvalEnv } from './expr';
import type { Runtime } from './runtime';
import { AdapterError, hex, readBytes, symbolText } from './target';

export const CONSOLE_HELP = [
  'Debug Console commands (anything else is evaluated as a C expression; `a = 42` assigns):',
  '  help                     this list',
  '  p EXPR, print EXPR       evaluate an expression (also p/x EXPR for hex)',
  '  info registers [REG…]    pc and the integer registers (or the ones named)',
  '  x/NFU ADDR               examine memory: N units, format x d u o t c a, unit b h w g (x/8xw $sp)',
  '  info tb [ADDR]           the translation blocks at ADDR (default pc): flavours, sizes, executions',
].join('\n');

/** gdb commands that have a VS Code equivalent instead. */
const ELSEWHERE: Record<string, string> = {
  bt: 'the Call Stack view', backtrace: 'the Call Stack view', where: 'the Call Stack view',
  break: 'a breakpoint in the editor gutter (F9)', b: 'a breakpoint in the editor gutter (F9)', watch: 'a data breakpoint (Variables view: Break on Value Change)',
  continue: 'Continue (F5)', c: 'Continue (F5)', next: 'Step Over (F10)', n: 'Step Over (F10)', step: 'Step Into (F11)', s: 'Step Into (F11)',
  stepi: 'Step Into in the Disassembly view', si: 'Step Into in the Disassembly view', nexti: 'Step Over in the Disassembly view', ni: 'Step Over in the Disassembly view',
  finish: 'Step Out (Shift+F11)', run: 'Restart', list: 'the editor', disassemble: 'the Disassembly view (Open Disassembly View)', frame: 'the Call Stack view',
  display: 'a watch expression', quit: 'Stop (Shift+F5)',
};

const UNIT: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };
const PER_LINE: Record<number, number> = { 1: 8, 2: 8, 4: 4, 8: 2 };

/** gdb's examine. */
function examine(rt: Runtime, env: EvalEnv, spec: string, addrExpr: string): string {
  const m = /^(\d*)([xduotcas]?)([bhwg]?)$/.exec(spec);
  if (!m) throw new AdapterError(`x/${spec}: expected x/NFU (N count, F one of x d u o t c a, U one of b h w g)`);
  const count = Math.min(m[1] ? Number(m[1]) : 1, 1024);
  const fmt = m[2] || 'x';
  const size = fmt === 'a' ? 8 : fmt === 'c' ? 1 : UNIT[m[3] || 'w'];
  if (!addrExpr.trim()) throw new AdapterError('x: an address is needed (x/8xw $sp)');
  const start = Number(BigInt.asUintN(64, toBig(evaluateExpression(addrExpr, env))));
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < count; i++) {
    const addr = start + i * size;
    if (i % PER_LINE[size] === 0) {
      if (line) lines.push(line);
      const sym = symbolText(rt, addr);
      line = `${hex(addr)}${sym ? ` <${sym}>` : ''}:`;
    }
    const b = readBytes(rt, addr, size);
    if (!b) { lines.push(line, `Cannot access memory at address ${hex(addr)}`); return lines.filter(Boolean).join('\n'); }
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
    const bits = size * 8;
    const signed = BigInt.asIntN(bits, v);
    const text = fmt === 'x' ? '0x' + v.toString(16).padStart(size * 2, '0')
      : fmt === 'd' ? signed.toString() : fmt === 'u' ? v.toString()
      : fmt === 'o' ? '0' + v.toString(8) : fmt === 't' ? v.toString(2).padStart(bits, '0')
      : fmt === 'c' ? formatValue({ kind: 'int', v: signed, size: 1, signed: true, char: true })
      : `${hex(v)}${symbolText(rt, Number(v)) ? ` <${symbolText(rt, Number(v))}>` : ''}`;
    line += `\t${text}`;
  }
  lines.push(line);
  return lines.join('\n');
}

function infoRegisters(rt: Runtime, env: EvalEnv, names: string[]): string {
  const all = ['pc', ...ABI_NAMES.slice(1)];
  const want = names.length ? names.map((n) => n.replace(/^\$/, '')) : all;
  return want.map((n) => {
    let v: bigint;
    if (n === 'pc') v = BigInt(env.pc());
    else {
      const r = (ABI_NAMES as readonly string[]).indexOf(n);
      const x = /^x(\d+)$/.exec(n);
      const idx = r >= 0 ? r : x && Number(x[1]) < 32 ? Number(x[1]) : -1;
      if (idx < 0) throw new AdapterError(`Invalid register \`${n}'`);
      v = BigInt.asUintN(64, env.readX(idx));
    }
    const sym = symbolText(rt, Number(v));
    const second = n === 'pc' || n === 'ra' ? `${hex(v)}${sym ? ` <${sym}>` : ''}` : BigInt.asIntN(64, v).toString();
    return `${n.padEnd(15)}${hex(v).padEnd(19)}${second}`;
  }).join('\n');
}

function infoTb(rt: Runtime, env: EvalEnv, arg: string): string {
  const pc = arg.trim() ? Number(BigInt.asUintN(64, toBig(evaluateExpression(arg, env)))) : env.pc();
  const all = [...rt.machine.tbs()];
  const at = all.filter((t) => t.pc === pc);
  const containing = at.length ? at : all.filter((t) => pc >= t.pc && pc < t.pc + t.size);
  const head = `${all.length} translation blocks in the cache, ${rt.machine.stats.tbsTranslated} translated in all`;
  if (!containing.length) return `${head}\nno translation block ${at.length ? 'starts at' : 'contains'} ${hex(pc)} (it has not run yet, or was flushed)`;
  return [head, ...containing.map((t) => {
    const sym = symbolText(rt, t.pc);
    const flavour = [t.flags & 1 ? 'one-instruction' : 'plain', t.instrumentation ? 'instrumented' : '', t.hot ? 'hot code' : '', t.region ? 'in a region' : ''].filter(Boolean).join(', ');
    return `TB ${hex(t.pc)}${sym ? ` <${sym}>` : ''} flags=${t.flags}: ${t.insns.length} insns, ${t.size} bytes, executed ${t.execCount}×, translated #${t.seq} (${flavour})`;
  })].join('\n');
}

/**
 * A console command's output, or undefined when the text is not a command (an expression).
 * `isVariable` tells a command word from a variable of the same name (`n`, `list`).
 */
export function consoleCommand(rt: Runtime, env: EvalEnv, text: string, isVariable: (name: string) => boolean): string | undefined {
  const t = text.trim();
  if (t === 'help' || t === 'help all') return CONSOLE_HELP;
  let m = /^x\/(\S*)\s*(.*)$/.exec(t);
  if (m) return examine(rt, env, m[1], m[2]);
  if (/^x\s+\S/.test(t) && !isVariable('x')) return examine(rt, env, '', t.slice(1));
  if (t === 'info' && !isVariable('info')) throw new AdapterError('info: say what (info registers, info tb; type help)');
  const info = /^info\s+(\S+)\s*(.*)$/.exec(t);
  if (info) {
    if (/^r(eg(isters?)?)?$/.test(info[1]) || info[1] === 'all-registers') return infoRegisters(rt, env, info[2].split(/\s+/).filter(Boolean));
    if (info[1] === 'tb') return infoTb(rt, env, info[2]);
    throw new AdapterError(`info ${info[1]}: not supported here (info registers, info tb; type help)`);
  }
  m = /^(?:p|print)(\/[xduotc])?\s+(.+)$/.exec(t);
  if (m && !isVariable(t.split(/\s/)[0])) {
    const v = evaluateExpression(m[2], env);
    if (!m[1] || v.kind !== 'int') return formatValue(v);
    const u = BigInt.asUintN(64, v.v);
    return m[1] === '/x' ? hex(u) : m[1] === '/o' ? '0' + u.toString(8) : m[1] === '/t' ? u.toString(2) : m[1] === '/u' ? u.toString()
      : m[1] === '/c' ? formatValue({ ...v, size: 1, char: true }) : BigInt.asIntN(64, v.v).toString();
  }
  const word = /^([a-z]+)(\s|$)/.exec(t)?.[1];
  if (word && ELSEWHERE[word] && !isVariable(word) && (t === word || !/^[a-z]+\s*[-+*/%&|^<>=!]/.test(t))) {
    throw new AdapterError(`'${word}' is a gdb command this console does not take: use ${ELSEWHERE[word]} (type help for the commands it takes)`);
  }
  return undefined;
}

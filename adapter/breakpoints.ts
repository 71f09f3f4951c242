// Source, function and instruction breakpoints: resolved to guest addresses (DWARF line table,
// ELF symbols / DWARF functions, raw addresses), installed in the Machine's breakpoint set, and
// consulted when the guest reaches one (condition, hit count, logpoint). Kept across restarts:
// apply() resolves everything again for a new runtime.

import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import { evaluateExpression, formatValue, isTrue, type EvalEnv } from './expr';
import type { BreakpointDecision, Runtime } from './runtime';
import { hex, parseMemoryReference } from './target';
import type { SourceMapper } from './sources';

type Kind = 'source' | 'function' | 'instruction';

interface Bp {
  id: number;
  kind: Kind;
  /** What the user asked for (re-resolved on restart). */
  spec: { path?: string; line?: number; name?: string; ref?: string; offset?: number };
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
  addrs: number[];
  verified: boolean;
  message?: string;
  line?: number;
}

const REASON: Record<Kind, BreakpointDecision['reason']> = { source: 'breakpoint', function: 'function breakpoint', instruction: 'instruction breakpoint' };

export class BreakpointManager {
  private nextId = 1;
  private readonly bySource = new Map<string, Bp[]>();
  private functions: Bp[] = [];
  private instructions: Bp[] = [];
  private rt?: Runtime;

  /** envOf: the expression environment at the stop (registers and the top frame's variables). */
  constructor(private readonly sources: SourceMapper, private readonly log: (text: string) => void, private readonly envOf: (rt: Runtime) => EvalEnv) {}

  private all(): Bp[] { return [...[...this.bySource.values()].flat(), ...this.functions, ...this.instructions]; }

  /** Connects to a (new) runtime: resolves and installs every breakpoint. */
  apply(rt: Runtime): void {
    this.rt = rt;
    rt.breakpointHit = (pc) => this.hit(pc);
    for (const bp of this.all()) { bp.hits = 0; this.resolve(bp); }
    this.install();
  }

  private install(): void {
    const rt = this.rt;
    if (!rt) return;
    const want = new Set(this.all().flatMap((b) => b.addrs));
    for (const pc of rt.userBreakpoints) if (!want.has(pc)) rt.machine.removeBreakpoint(pc);
    for (const pc of want) rt.machine.addBreakpoint(pc);
    rt.userBreakpoints = want;
  }

  private resolve(bp: Bp): void {
    const rt = this.rt;
    bp.addrs = []; bp.verified = false; bp.message = undefined;
    const bad = bp.hitCondition === undefined ? undefined : hitConditionProblem(bp.hitCondition);
    if (bad) { bp.message = bad; return; }
    if (!rt) { bp.message = 'the program is not loaded yet'; return; }
    if (bp.kind === 'instruction') {
      bp.addrs = [parseMemoryReference(bp.spec.ref) + (bp.spec.offset ?? 0)];
    } else if (bp.kind === 'function') {
      const name = bp.spec.name!;
      const di = rt.debugInfo;
      const bias = rt.proc.image.program.bias;
      const dwarf = di?.functionBreakpointAddr(name);
      const sym = rt.symbols.byNameLookup(name);
      const addr = dwarf !== undefined ? dwarf + bias : sym?.value;
      if (addr === undefined) { bp.message = `no function or symbol named '${name}'`; return; }
      bp.addrs = [addr];
    } else {
      const di = rt.debugInfo;
      if (!di?.hasDebugInfo) { bp.message = 'the program has no DWARF line information'; return; }
      const res = di.breakpointAddrs(this.sources.toDwarf(bp.spec.path!), bp.spec.line!);
      if (!res) { bp.message = `no code at or after line ${bp.spec.line} in ${path.basename(bp.spec.path!)}`; return; }
      bp.line = res.line;
      bp.addrs = res.addrs.map((a) => a + rt.proc.image.program.bias);
    }
    bp.verified = bp.addrs.length > 0;
  }

  private make(kind: Kind, spec: Bp['spec'], o: { condition?: string; hitCondition?: string; logMessage?: string }): Bp {
    const bp: Bp = { id: this.nextId++, kind, spec, condition: o.condition, hitCondition: o.hitCondition, logMessage: o.logMessage, hits: 0, addrs: [], verified: false };
    try { this.resolve(bp); } catch (e) { bp.message = (e as Error).message; }
    return bp;
  }

  private toDap(bp: Bp): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: bp.id, verified: bp.verified, message: bp.message };
    if (bp.addrs.length) out.instructionReference = hex(bp.addrs[0]);
    if (bp.kind === 'source') { out.line = bp.line ?? bp.spec.line; out.source = { path: bp.spec.path }; }
    return out;
  }

  /** Every breakpoint as DAP reports it (after apply(): changed events). */
  current(): DebugProtocol.Breakpoint[] { return this.all().map((b) => this.toDap(b)); }

  setSource(args: DebugProtocol.SetBreakpointsArguments): DebugProtocol.Breakpoint[] {
    const file = args.source.path ?? args.source.name ?? '';
    const bps = (args.breakpoints ?? []).map((b) => this.make('source', { path: file, line: b.line }, b));
    this.bySource.set(file, bps);
    this.install();
    return bps.map((b) => this.toDap(b));
  }

  setFunctions(args: DebugProtocol.SetFunctionBreakpointsArguments): DebugProtocol.Breakpoint[] {
    this.functions = args.breakpoints.map((b) => this.make('function', { name: b.name }, b));
    this.install();
    return this.functions.map((b) => this.toDap(b));
  }

  setInstructions(args: DebugProtocol.SetInstructionBreakpointsArguments): DebugProtocol.Breakpoint[] {
    this.instructions = args.breakpoints.map((b) => this.make('instruction', { ref: b.instructionReference, offset: b.offset }, b));
    this.install();
    return this.instructions.map((b) => this.toDap(b));
  }

  /** The guest reached pc, a breakpoint address: decide whether it stops. */
  hit(pc: number): BreakpointDecision | undefined {
    const rt = this.rt!;
    const ids: number[] = [];
    let reason: BreakpointDecision['reason'] = 'breakpoint';
    for (const bp of this.all()) {
      if (!bp.addrs.includes(pc)) continue;
      try {
        if (bp.condition && !isTrue(evaluateExpression(bp.condition, this.envOf(rt)))) continue;
      } catch (e) {
        this.log(`breakpoint condition '${bp.condition}' failed: ${(e as Error).message} (stopping)\n`);
      }
      bp.hits++;
      if (bp.hitCondition && !hitConditionMet(bp.hitCondition, bp.hits)) continue;
      if (bp.logMessage !== undefined) { this.log(interpolate(bp.logMessage, this.envOf(rt)) + '\n'); continue; }
      ids.push(bp.id);
      reason = REASON[bp.kind];
    }
    return { stop: ids.length > 0, ids, reason };
  }
}

const HIT_CONDITION = /^\s*(>=|>|==|=|%)?\s*(\d{1,15})\s*$/;

/** Why a hit condition can never work (the breakpoint is then unverified with this message), or undefined. */
export function hitConditionProblem(cond: string): string | undefined {
  const m = HIT_CONDITION.exec(cond);
  if (!m) return `hit condition '${cond}' is not understood (expected N, >=N, >N, ==N or %N with N a whole number)`;
  if (m[1] === '%' && Number(m[2]) === 0) return `hit condition '${cond}' can never be met (%0)`;
  return undefined;
}

/** VS Code hit conditions: "5" (from the 5th hit on), ">=5", ">5", "==5", "%5". Checked by hitConditionProblem first. */
export function hitConditionMet(cond: string, hits: number): boolean {
  const m = HIT_CONDITION.exec(cond);
  if (!m) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return hits > n;
    case '==': case '=': return hits === n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits >= n;
  }
}

/** Logpoint text: `{expr}` parts are evaluated. */
function interpolate(msg: string, env: EvalEnv): string {
  return msg.replace(/\{([^}]+)\}/g, (_, e: string) => {
    try { return formatValue(evaluateExpression(e, env)); } catch (err) { return `<${(err as Error).message}>`; }
  });
}

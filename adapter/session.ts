// The DAP session: translates requests into runtime calls and runtime events into DAP events,
// nothing more. Each handler is a few lines that return a response body (or throw an error that
// becomes an error response, the session staying alive); the work lives in one file per concern.

import { PassThrough } from 'node:stream';
import { Event, ExitedEvent, InitializedEvent, LoggingDebugSession, ModuleEvent, OutputEvent, Response, StoppedEvent, TerminatedEvent, BreakpointEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BreakpointManager } from './breakpoints';
import { CAPABILITIES } from './capabilities';
import { ConfigError, validateConfig, type LaunchConfig } from './config';
import { CUSTOM_HANDLERS, isCustomRequest } from './custom';
import { reverseContinue, stepBack } from './reverse';
import { disassemble } from './disassemble';
import { evaluate, frameEnv } from './evaluate';
import { FrameReader, messageProblem } from './framing';
import { argumentsProblem } from './validate';
import { EvalError } from './expr';
import { applyFilters } from './exceptions';
import { readMemory, writeMemory } from './memory';
import { Runtime, type RuntimeStop } from './runtime';
import { NoSourceListings } from './nosource';
import { SourceMapper } from './sources';
import { modules, StackCache, stackTrace } from './stack';
import { stepMode, type StepKind } from './stepping';
import { EVENTS, type UpdateEvent } from './protocol';
import { AdapterError, hex } from './target';
import { signalName } from '../emulator/linux/signals';
import { typeSize, Variables } from './variables';
import { DataBreakpoints } from './watch';

const THREAD_ID = 1;

export class TbscopeSession extends LoggingDebugSession {
  private rt?: Runtime;
  private config?: LaunchConfig;
  private readonly sources = new SourceMapper();
  private readonly frames = new StackCache();
  /** Listings of functions without line info, for their frames (nosource.ts). */
  private readonly listings = new NoSourceListings();
  private readonly vars = new Variables();
  /** Conditions, logpoints and watch expressions see the top frame's registers and variables. */
  private readonly topEnv = (rt: Runtime) => { this.frames.invalidate(); return frameEnv(rt, this.frames.get(rt, 1), this.vars).env; };
  private readonly bps = new BreakpointManager(this.sources, (text) => this.sendEvent(new OutputEvent(text, 'console')), this.topEnv);
  private readonly watches = new DataBreakpoints(this.topEnv);
  private readonly announced = new Set<number>();
  private filterArgs: DebugProtocol.SetExceptionBreakpointsArguments = { filters: ['signals'] };
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => { this.configurationDone = resolve; });

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // ---- the wire: malformed frames and arguments get an answer, the session goes on ----------

  /** Reads frames with our own reader (framing.ts), which survives bad headers and bad JSON. */
  override start(inStream: NodeJS.ReadableStream, outStream: NodeJS.WritableStream): void {
    super.start(new PassThrough(), outStream);
    const reader = new FrameReader();
    inStream.on('data', (data: Buffer) => {
      for (const f of reader.push(data)) {
        if ('problem' in f) this.sendEvent(new OutputEvent(`tbscope: ignored a malformed DAP message: ${f.problem}\n`, 'stderr'));
        else this.handleMessage(f.message as unknown as DebugProtocol.ProtocolMessage);
      }
    });
    inStream.on('close', () => this.shutdown());
    inStream.on('error', () => this.shutdown());
  }

  /** Messages from an inline client skip the reader: their envelope is checked here. */
  override handleMessage(msg: DebugProtocol.ProtocolMessage): void {
    const problem = messageProblem(msg);
    if (problem) { this.sendEvent(new OutputEvent(`tbscope: ignored a malformed DAP message: ${problem}\n`, 'stderr')); return; }
    super.handleMessage(msg);
  }

  /** Arguments that do not fit the request's declared types get an error response naming the problem. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = argumentsProblem(request.command, request.arguments);
    if (problem) { this.sendErrorResponse(new Response(request), { id: 1002, format: '{_msg}', variables: { _msg: problem } }); return; }
    super.dispatchRequest(request);
  }

  /** Runs a handler: its result becomes the response body, a throw an error response. */
  private handle<T>(response: DebugProtocol.Response, fn: () => T | Promise<T>): void {
    Promise.resolve().then(fn).then((body) => {
      if (body !== undefined) response.body = body;
      this.sendResponse(response);
    }, (e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof AdapterError || e instanceof ConfigError || e instanceof EvalError)) this.sendEvent(new OutputEvent(`tbscope: ${response.command} failed: ${msg}\n`, 'console'));
      this.sendErrorResponse(response, { id: 1001, format: '{_msg}', variables: { _msg: msg }, showUser: response.command === 'launch' || response.command === 'restart' });
    });
  }

  private runtime(): Runtime {
    if (!this.rt) throw new AdapterError('no program is loaded');
    return this.rt;
  }

  /** The runtime of a guest that has not ended (execution control, writes). */
  private live(): Runtime {
    const rt = this.runtime();
    if (rt.state === 'exited') throw new AdapterError('the program has exited');
    return rt;
  }

  private stopped(): Runtime {
    const rt = this.live();
    if (rt.state === 'running') throw new AdapterError('the guest is running: pause it first');
    return rt;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = { ...CAPABILITIES };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configurationDone();
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    this.handle(response, async () => {
      if (this.rt && this.rt.state !== 'exited') throw new AdapterError('a program is already running in this session: terminate it or use restart');
      this.config = validateConfig((args ?? {}) as unknown as Record<string, unknown>);
      await this.startGuest(this.config);
      // Clients that send no configurationDone get the guest running after a second anyway.
      await Promise.race([this.configured, new Promise((r) => setTimeout(r, 1000))]);
      setImmediate(() => this.go());
    });
  }

  /** Builds a runtime for cfg and connects breakpoints, filters and events to it. */
  private async startGuest(cfg: LaunchConfig): Promise<void> {
    let rt: Runtime;
    try {
      rt = await Runtime.create(cfg);
    } catch (e) {
      throw new ConfigError(`cannot launch ${cfg.program}: ${(e as Error).message.replace(/^tbscope: /, '')}`);
    }
    this.rt = rt;
    this.announced.clear();
    this.sources.attach(rt);
    rt.filters = applyFilters(this.filterArgs);
    rt.on('output', (o: { category: string; text: string }) => this.sendEvent(new OutputEvent(o.text, o.category)));
    rt.on('stopped', (s: RuntimeStop) => this.onStopped(s));
    rt.on('update', (u: { running: boolean }) => {
      const ended = rt.state === 'exited';
      const body: UpdateEvent = {
        running: u.running, ended, instructions: Number(rt.machine.cpu.instret), translationBlocks: rt.machine.stats.tbsTranslated, pc: hex(rt.pc),
        ...(ended && rt.exitStatus !== undefined ? { exitCode: rt.exitStatus } : {}),
      };
      this.sendEvent(new Event(EVENTS.update, body));
    });
    rt.on('exited', (code: number, signo?: number) => {
      if (this.rt !== rt) return;
      this.sendEvent(new OutputEvent(signo ? `tbscope: program terminated by signal ${signalName(signo)} (exit status ${code})\n`
        : `tbscope: program exited with code ${code}\n`, 'console'));
      this.sendEvent(new ExitedEvent(code));
      this.sendEvent(new TerminatedEvent());
    });
    rt.drainOutput();
    this.bps.apply(rt);
    this.watches.apply(rt);
    // Breakpoints set before the program was loaded are resolved now.
    for (const b of this.bps.current()) this.sendEvent(new BreakpointEvent('changed', b));
  }

  private go(): void {
    const rt = this.rt;
    if (!rt) return;
    if (this.config?.stopOnEntry) rt.stopOnEntry(); else rt.resume();
  }

  private onStopped(s: RuntimeStop): void {
    this.frames.invalidate();
    this.listings.reset();
    this.vars.reset();
    this.announceModules();
    const e = new StoppedEvent(s.reason, THREAD_ID, s.text) as DebugProtocol.StoppedEvent;
    e.body.description = s.description;
    e.body.allThreadsStopped = true;
    if (s.hitBreakpointIds?.length) e.body.hitBreakpointIds = s.hitBreakpointIds;
    // A signal is easy to miss as a badge in the Call Stack: it is said in the Debug Console too.
    if (s.reason === 'exception' && s.text?.startsWith('SIG')) this.sendEvent(new OutputEvent(`tbscope: ${s.description}\n`, 'important'));
    this.sendEvent(e);
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    this.handle(response, async () => {
      if (args?.arguments) this.config = validateConfig(args.arguments as unknown as Record<string, unknown>);
      if (!this.config) throw new AdapterError('nothing to restart: no program was launched');
      this.rt?.terminate();
      this.rt?.removeAllListeners();
      await this.startGuest(this.config);
      setImmediate(() => this.go());
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.handle(response, () => {
      const rt = this.rt;
      if (rt && rt.state !== 'exited') { rt.terminate(); this.sendEvent(new TerminatedEvent()); }
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    this.rt?.terminate();
    // The base class answers and shuts down (ending the process in stdio mode).
    super.disconnectRequest(response, args);
  }

  // ---- execution ---------------------------------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [{ id: THREAD_ID, name: 'vCPU 0' }] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.handle(response, () => { this.stopped().resume(); return { allThreadsContinued: true }; });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.handle(response, () => { this.live().pause(); });
  }

  private step(response: DebugProtocol.Response, kind: StepKind, granularity?: DebugProtocol.SteppingGranularity): void {
    this.handle(response, () => { const rt = this.stopped(); rt.resume(stepMode(rt, this.frames, kind, granularity)); });
  }
  protected override nextRequest(r: DebugProtocol.NextResponse, a: DebugProtocol.NextArguments): void { this.step(r, 'over', a.granularity); }
  protected override stepInRequest(r: DebugProtocol.StepInResponse, a: DebugProtocol.StepInArguments): void { this.step(r, 'in', a.granularity); }
  protected override stepOutRequest(r: DebugProtocol.StepOutResponse, a: DebugProtocol.StepOutArguments): void { this.step(r, 'out', a.granularity); }
  protected override stepBackRequest(r: DebugProtocol.StepBackResponse, a: DebugProtocol.StepBackArguments): void {
    this.handle(r, () => stepBack(this.stopped(), a.granularity));
  }
  protected override reverseContinueRequest(r: DebugProtocol.ReverseContinueResponse): void {
    this.handle(r, () => reverseContinue(this.stopped(), this.watches.writeRanges()));
  }

  // ---- breakpoints -------------------------------------------------------------------------

  protected override setBreakPointsRequest(r: DebugProtocol.SetBreakpointsResponse, a: DebugProtocol.SetBreakpointsArguments): void {
    this.handle(r, () => ({ breakpoints: this.bps.setSource(a) }));
  }
  protected override setFunctionBreakPointsRequest(r: DebugProtocol.SetFunctionBreakpointsResponse, a: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.handle(r, () => ({ breakpoints: this.bps.setFunctions(a) }));
  }
  protected override setInstructionBreakpointsRequest(r: DebugProtocol.SetInstructionBreakpointsResponse, a: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.handle(r, () => ({ breakpoints: this.bps.setInstructions(a) }));
  }
  protected override setExceptionBreakPointsRequest(r: DebugProtocol.SetExceptionBreakpointsResponse, a: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.handle(r, () => {
      const f = applyFilters(a);
      this.filterArgs = a;
      if (this.rt) this.rt.filters = f;
      return { breakpoints: [...a.filters, ...(a.filterOptions ?? []).map((o) => o.filterId)].map(() => ({ verified: true })) };
    });
  }
  protected override dataBreakpointInfoRequest(r: DebugProtocol.DataBreakpointInfoResponse, a: DebugProtocol.DataBreakpointInfoArguments): void {
    this.handle(r, () => {
      const rt = this.rt;
      let resolved = a.variablesReference && rt ? this.vars.addressOf(rt, a.variablesReference, a.name) : undefined;
      // A variable (or access path) by name watches its storage, as gdb's `watch counter` does;
      // any other expression is an address.
      if (!resolved && !a.variablesReference && !a.asAddress && rt?.state === 'stopped') {
        const node = frameEnv(rt, this.frames.get(rt, a.frameId), this.vars).find(a.name);
        if (node?.address !== undefined) resolved = { addr: node.address, len: a.bytes ?? typeSize(node.type) };
      }
      return this.watches.info(rt, a, resolved);
    });
  }
  protected override setDataBreakpointsRequest(r: DebugProtocol.SetDataBreakpointsResponse, a: DebugProtocol.SetDataBreakpointsArguments): void {
    this.handle(r, () => ({ breakpoints: this.watches.set(a) }));
  }
  protected override exceptionInfoRequest(r: DebugProtocol.ExceptionInfoResponse): void {
    this.handle(r, () => {
      const e = this.runtime().lastStop?.exception;
      if (!e) throw new AdapterError('the guest did not stop for an exception');
      return e;
    });
  }

  // ---- inspection --------------------------------------------------------------------------

  protected override stackTraceRequest(r: DebugProtocol.StackTraceResponse, a: DebugProtocol.StackTraceArguments): void {
    this.handle(r, () => stackTrace(this.stopped(), this.frames, this.sources, a, this.listings));
  }
  protected override sourceRequest(r: DebugProtocol.SourceResponse, a: DebugProtocol.SourceArguments): void {
    this.handle(r, () => ({ content: this.listings.content(a.source?.sourceReference ?? a.sourceReference), mimeType: 'text/plain' }));
  }
  protected override scopesRequest(r: DebugProtocol.ScopesResponse, a: DebugProtocol.ScopesArguments): void {
    this.handle(r, () => { const rt = this.stopped(); return { scopes: this.vars.scopes(rt, this.frames.get(rt, a.frameId)) }; });
  }
  protected override variablesRequest(r: DebugProtocol.VariablesResponse, a: DebugProtocol.VariablesArguments): void {
    this.handle(r, () => ({ variables: this.vars.variables(this.stopped(), a) }));
  }
  protected override setVariableRequest(r: DebugProtocol.SetVariableResponse, a: DebugProtocol.SetVariableArguments): void {
    this.handle(r, () => this.vars.setVariable(this.stopped(), this.frames, a));
  }
  protected override evaluateRequest(r: DebugProtocol.EvaluateResponse, a: DebugProtocol.EvaluateArguments): void {
    this.handle(r, () => evaluate(this.stopped(), this.frames, this.vars, a));
  }
  protected override readMemoryRequest(r: DebugProtocol.ReadMemoryResponse, a: DebugProtocol.ReadMemoryArguments): void {
    this.handle(r, () => readMemory(this.runtime(), a));
  }
  protected override writeMemoryRequest(r: DebugProtocol.WriteMemoryResponse, a: DebugProtocol.WriteMemoryArguments): void {
    this.handle(r, () => writeMemory(this.stopped(), a));
  }
  protected override disassembleRequest(r: DebugProtocol.DisassembleResponse, a: DebugProtocol.DisassembleArguments): void {
    this.handle(r, () => disassemble(this.runtime(), this.sources, a));
  }
  /** 'module' events for libraries mapped since the last stop (ld.so maps them while running). */
  private announceModules(): void {
    if (!this.rt) return;
    for (const m of modules(this.rt)) {
      if (this.announced.has(m.id as number)) continue;
      this.announced.add(m.id as number);
      this.sendEvent(new ModuleEvent('new', m));
    }
  }
  /** `modules` has no handler in DebugSession: it arrives through customRequest. */
  private modulesRequest(): DebugProtocol.ModulesResponse['body'] {
    const m = modules(this.runtime());
    return { modules: m, totalModules: m.length };
  }
  protected override loadedSourcesRequest(r: DebugProtocol.LoadedSourcesResponse): void {
    this.handle(r, () => {
      const files = this.runtime().debugInfo?.lines.files ?? [];
      return { sources: [...new Set(files.map((f) => this.sources.toLocal(f)))].map((p) => ({ name: p.slice(p.lastIndexOf('/') + 1), path: p })) };
    });
  }

  // ---- tbscope/* ---------------------------------------------------------------------------

  protected override customRequest(command: string, r: DebugProtocol.Response, a: Record<string, unknown> | undefined): void {
    this.handle<unknown>(r, () => {
      if (command === 'modules') return this.modulesRequest();
      if (!isCustomRequest(command)) throw new AdapterError(`unknown request '${command}'`);
      const ctx = {
        rt: this.runtime(), sources: this.sources,
        setViewDataBreakpoints: (args: DebugProtocol.SetDataBreakpointsArguments) => ({ breakpoints: this.watches.set(args, 'views') }),
      };
      // The argument types are those of adapter/protocol.ts (tbscope/*); the handlers check values.
      return (CUSTOM_HANDLERS[command] as (c: typeof ctx, x: object) => unknown)(ctx, a ?? {});
    });
  }
}

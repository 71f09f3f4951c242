// Assembles documents for the language server off its main loop: a worker thread runs
// analyse() (the assembler has budgets, docs/limits.md, but a document near them still takes
// seconds), so hover, completion and the LSP connection stay responsive while it works. One
// request at a time per document version; an analysis that takes longer than
// ANALYSIS_TIMEOUT_MS ends the worker (a fresh one serves the next request) and yields a
// diagnostic saying so. The worker is this same module (the bundle or, under tests, the .ts
// source) started with workerData.tbscopeAnalysis.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { fileIncludeReader } from '../emulator/node/host';
import { analyse, type Analysis } from './analysis';

/** Longest an analysis may run before it is abandoned. */
export const ANALYSIS_TIMEOUT_MS = 15_000;

interface Request { id: number; text: string; includeDir?: string }

/** The main-thread side: analyse(text) in the worker, resolving with its Analysis. */
export class AnalysisWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: Analysis) => void; timer: NodeJS.Timeout; text: string }>();

  constructor(private readonly entry: string) {}

  analyse(text: string, includeDir?: string): Promise<Analysis> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.abandon(`assembling this document took longer than ${ANALYSIS_TIMEOUT_MS / 1000} s; diagnostics stopped`), ANALYSIS_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer, text });
      w.postMessage({ id, text, includeDir } satisfies Request);
    });
  }

  dispose(): void { void this.worker?.terminate(); this.worker = undefined; }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.entry, {
      workerData: { tbscopeAnalysis: true },
      // The TypeScript source (tests) needs tsx in the worker too; the bundle is plain JS.
      execArgv: this.entry.endsWith('.ts') ? [...process.execArgv, '--require', 'tsx/cjs'] : undefined,
    });
    w.on('message', (m: { id: number; analysis: Analysis }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(m.id);
      p.resolve(m.analysis);
    });
    w.on('error', (e) => this.abandon(`the assembler failed: ${e.message}`));
    w.unref();
    this.worker = w;
    return w;
  }

  /** Ends the worker; every waiting request gets one diagnostic with `why`. */
  private abandon(why: string): void {
    this.dispose();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve({ ...analyse('', undefined), diagnostics: [{ line: 1, col: 1, endCol: 1, severity: 'error', message: why }] });
    }
  }
}

/** The worker side: answers requests until the thread ends. */
export function runAnalysisWorker(): void {
  parentPort!.on('message', (r: Request) => {
    const analysis = analyse(r.text, r.includeDir ? fileIncludeReader(r.includeDir) : undefined);
    parentPort!.postMessage({ id: r.id, analysis });
  });
}

/** True in the worker thread started by AnalysisWorker. */
export const isAnalysisWorker = (): boolean => !isMainThread && !!(workerData as { tbscopeAnalysis?: boolean } | null)?.tbscopeAnalysis;

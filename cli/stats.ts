// The `--stats` report printed to stderr when the guest ends, and its parser: the benchmark
// harness (bench/run.ts) and the CLI tests read the figures back from this exact text, so the
// format lives in one place.

export interface RunStats {
  tbsTranslated: number;
  guestInsns: number;
  seconds: number;
  /** tbscope's own tiers (docs/architecture.md): regions built, TBs given hot code. */
  regionsBuilt?: number;
  tbsPromoted?: number;
}

const LABELS = {
  tbsTranslated: 'TBs translated',
  guestInsns: 'guest instructions',
  seconds: 'seconds',
  mips: 'MIPS',
  regionsBuilt: 'regions built',
  tbsPromoted: 'TBs promoted',
} as const;

export function mips(s: RunStats): number {
  return s.seconds > 0 ? s.guestInsns / s.seconds / 1e6 : 0;
}

/** Multi-line block, one "label: value" per line, so it reads well and parses without ambiguity. */
export function formatStats(s: RunStats): string {
  const rows: [string, string][] = [
    [LABELS.tbsTranslated, String(s.tbsTranslated)],
    [LABELS.guestInsns, String(s.guestInsns)],
    [LABELS.seconds, s.seconds.toFixed(3)],
    [LABELS.mips, mips(s).toFixed(1)],
    ...(s.regionsBuilt !== undefined ? [[LABELS.regionsBuilt, String(s.regionsBuilt)] as [string, string]] : []),
    ...(s.tbsPromoted !== undefined ? [[LABELS.tbsPromoted, String(s.tbsPromoted)] as [string, string]] : []),
  ];
  return ['tbscope stats:', ...rows.map(([k, v]) => `  ${(k + ':').padEnd(20)}${v}`), ''].join('\n');
}

/** Reads a --stats block back out of a stderr text; undefined when there is none. */
export function parseStats(text: string): RunStats | undefined {
  const start = text.lastIndexOf('tbscope stats:');
  if (start < 0) return undefined;
  const block = text.slice(start);
  const field = (label: string): number | undefined => {
    const m = new RegExp(`^\\s+${label}:\\s+([0-9.]+)\\s*$`, 'm').exec(block);
    return m ? Number(m[1]) : undefined;
  };
  const tbsTranslated = field(LABELS.tbsTranslated), guestInsns = field(LABELS.guestInsns), seconds = field(LABELS.seconds);
  if (tbsTranslated === undefined || guestInsns === undefined || seconds === undefined) return undefined;
  return { tbsTranslated, guestInsns, seconds, regionsBuilt: field(LABELS.regionsBuilt), tbsPromoted: field(LABELS.tbsPromoted) };
}

/**
 * `pagetrace check`: trace -> ingest -> replay -> report, and a verdict for people and CI.
 * The CheckResult is a stable, versioned JSON document (README "check --json").
 */
import { ingestTrace, type RunMeta } from '@pagetrace/ingest';
import type { ReplayOptions, ReplaySummary } from '@pagetrace/replay';
import { basename, join, resolve } from 'node:path';
import type { JsonTable, JsonValue } from '../db/json-safe.js';
import { writeReport, type WrittenReport } from '../report/write-report.js';
import { startReplayThread } from './replay-in-worker.js';
import { fails, verdictOf, type FailOn, type Verdict } from '../report/verdict.js';

export const CHECK_SCHEMA_VERSION = 1;
export const TOP_ANOMALIES = 20;

export interface CheckOptions extends ReplayOptions {
  /** Run directory to write; default `./pagetrace-runs/<trace name>/`. */
  outDir?: string;
  /** HTML report path; default `<outDir>/report.html`. */
  reportFile?: string;
  failOn?: FailOn;
}

export interface CheckAnomaly {
  id: number;
  kind: string;
  severity: string;
  /** "0x..." or null for trace-wide findings. */
  pfn: string | null;
  /** exact, as a decimal string. */
  ts_ns: string;
  line: number;
  pid: number;
  comm: string;
  message: string;
}

export interface CheckResult {
  schema: 'pagetrace-check';
  version: typeof CHECK_SCHEMA_VERSION;
  input: string;
  run_dir: string;
  report: string;
  verdict: Verdict;
  fail_on: FailOn;
  /** 0 = nothing at or above fail_on, 1 = found (2 = could not run, never in a result). */
  exit_code: 0 | 1;
  counts: { error: number; warning: number; info: number };
  by_kind: { kind: string; severity: string; count: number; pages: number }[];
  /** Worst first (errors, then warnings, then info; in trace order within each), at most 20. */
  top_anomalies: CheckAnomaly[];
  data_quality: { lines_in: number; events: number; skipped_lines: number; lost_event_markers: number; lost_events: number };
  format: { frontend: string; variant: string };
  profile: { name: string; source: string; evidence: string[] } | null;
  timings: { ingest_s: number; replay_s: number; report_s: number };
}

/** `./pagetrace-runs/<name>` where name is the trace's file name without compression suffix. */
export function defaultRunDir(input: string): string {
  const name = input === '-' ? 'stdin' : basename(input).replace(/\.(zst|gz)$/, '') || 'trace';
  return resolve('pagetrace-runs', name);
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, Math.round(performance.now() - started) / 1000];
}

export async function checkTrace(input: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const runDir = resolve(opts.outDir ?? defaultRunDir(input));
  const failOn = opts.failOn ?? 'error';
  // Replay runs in a thread of its own (started now: its modules load while ingest runs)
  // while the report already queries the events; replay_s and report_s overlap (report_s
  // includes the wait for replay's tables).
  const thread = startReplayThread();
  let meta: RunMeta, ingestS: number, summary: ReplaySummary, replayS: number, written: WrittenReport, reportS: number;
  try {
    [{ meta }, ingestS] = await timed(() => ingestTrace({ input, outDir: runDir }));
    const replaying = timed(() => thread.replay(runDir, opts));
    // The report awaits it only after its events-only queries: a replay that fails before
    // then must not count as an unhandled rejection (it is thrown from the awaits below).
    replaying.catch(() => undefined);
    [written, reportS] = await timed(() => writeReport(runDir, opts.reportFile ?? join(runDir, 'report.html'), { replayDone: replaying }));
    [summary, replayS] = await replaying;
  } finally {
    await thread.stop();
  }
  const tables = written.data.tables;
  const counts = { error: summary.totals.by_severity.error, warning: summary.totals.by_severity.warning, info: summary.totals.by_severity.info };
  const severities = { errors: counts.error, warnings: counts.warning, infos: counts.info };
  return {
    schema: 'pagetrace-check',
    version: CHECK_SCHEMA_VERSION,
    input: input === '-' ? '-' : resolve(input),
    run_dir: runDir,
    report: written.path,
    verdict: verdictOf(severities),
    fail_on: failOn,
    exit_code: fails(severities, failOn) ? 1 : 0,
    counts,
    by_kind: rowObjects(tables.anomalies_by_kind).map((r) => ({
      kind: String(r.kind), severity: String(r.severity), count: Number(r.anomalies), pages: Number(r.pages),
    })),
    top_anomalies: rowObjects(tables.anomalies).slice(0, TOP_ANOMALIES).map(toCheckAnomaly),
    data_quality: dataQuality(meta),
    format: { frontend: meta.format.frontend, variant: meta.format.variant },
    profile: profileOf(summary),
    timings: { ingest_s: ingestS, replay_s: replayS, report_s: reportS },
  };
}

function rowObjects(table: JsonTable): Record<string, JsonValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
}

function toCheckAnomaly(r: Record<string, JsonValue>): CheckAnomaly {
  return {
    id: Number(r.id), kind: String(r.kind), severity: String(r.severity),
    pfn: r.pfn === null ? null : String(r.pfn), ts_ns: String(r.ts_ns), line: Number(r.line),
    pid: Number(r.pid), comm: String(r.comm), message: String(r.message),
  };
}

function dataQuality(meta: RunMeta): CheckResult['data_quality'] {
  const lost = meta.lost_events.filter((m) => m.kind !== 'buffer_started');
  return {
    lines_in: meta.lines.lines_in,
    events: meta.lines.events,
    skipped_lines: meta.lines.skipped,
    lost_event_markers: lost.length,
    lost_events: lost.reduce((a, m) => a + (m.count ?? 0), 0),
  };
}

function profileOf(summary: ReplaySummary): CheckResult['profile'] {
  const p = summary.profile;
  return p ? { name: p.name, source: p.source, evidence: p.evidence } : null;
}

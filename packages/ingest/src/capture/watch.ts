/**
 * `pagetrace watch`: anomalies while the test runs. The trace (recorded live from tracefs,
 * or read from a file, FIFO or stdin) goes through ingest in live batches and into a
 * replayer as it arrives; every anomaly is handed to `onAnomaly` the moment the replayer
 * confirms it. At the end the run directory is a normal one (events, stacks, meta,
 * anomalies, pages, replay.json).
 *
 * Replay is injected (`analysis`) because @pagetrace/replay depends on this package.
 *
 * Live recording:  tracefs -> record (trace.txt in the run dir) -> follower -> FIFO ->
 * ingest (scratch dir) -> replayer -> onAnomaly. When recording ends, the run directory is
 * made from the kept trace.txt and its complete sidecar, exactly as `ingest` + `replay`
 * would make it (same bytes as running them by hand).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { isPagetraceError, PagetraceError } from '../errors.js';
import { ingestTrace } from '../ingest.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { RunMeta } from '../meta-types.js';
import { SCHEMA_VERSION } from '../schema.js';
import { FifoBridge } from './fifo.js';
import { HANDLED_SIGNALS } from './interruption.js';
import { recordTrace, type RecordOptions, type RecordResult } from './record.js';
import { findSidecars, type Sidecars } from '../sidecars.js';
import { sidecarPathFor } from './sidecar.js';
import { snapshotSystem } from './system-info.js';

/** The fields of a replay anomaly that watch prints (structurally @pagetrace/replay's Anomaly). */
export interface LiveAnomaly {
  kind: string;
  severity: 'error' | 'warning' | 'info';
  pfn: bigint | null;
  line: bigint;
  ts_ns: bigint;
  pid: number;
  comm: string;
  message: string;
}

export interface LiveReplayer {
  pushBatch(batch: RecordBatch): void;
  finish(): unknown;
}

export interface WatchAnalysis {
  /** A replayer over the live batches (createReplayer of @pagetrace/replay). */
  createReplayer(meta: RunMeta, onAnomaly: (a: LiveAnomaly) => void): LiveReplayer;
  /** Write anomalies/pages/replay.json of a finished run directory; returns its error count. */
  replayRun(runDir: string): Promise<{ errors: number }>;
}

export interface WatchOptions {
  /** The run directory to leave behind. */
  outDir: string;
  /** Read this file, FIFO or '-' (stdin) instead of recording from tracefs. */
  input?: string;
  /** Live recording: what `record` would get (command, preset, ...). */
  record?: Omit<RecordOptions, 'output' | 'follow'>;
  analysis: WatchAnalysis;
  /** Every anomaly as soon as it is confirmed (all severities; the CLI prints errors). */
  onAnomaly: (a: LiveAnomaly) => void;
  onNotice?: (msg: string) => void;
  /** Emit a partial batch when the stream pauses this long (default 200 ms). */
  flushIntervalMs?: number;
}

export interface WatchResult {
  outDir: string;
  /** Live recording: the kept trace (in the run directory); null with --input. */
  tracePath: string | null;
  record: RecordResult | null;
  /** Anomalies reported live (all severities). */
  liveAnomalies: number;
  /** Error anomalies in the final run directory. */
  errors: number;
  /**
   * The command's status when it failed; else 1 when errors were found, else 0
   * (like `check`: 0 = clean, 1 = errors).
   */
  exitCode: number;
}

export const WATCH_TRACE_FILE = 'trace.txt';

/** One line per anomaly: severity, kind, pfn, trace line, task, message. */
export function formatLiveAnomaly(a: LiveAnomaly): string {
  const pfn = a.pfn === null ? '-' : `0x${a.pfn.toString(16)}`;
  return `${a.severity.toUpperCase()} ${a.kind} pfn=${pfn} line=${a.line} task=${a.comm}-${a.pid}: ${a.message}`;
}
const DEFAULT_FLUSH_MS = 200;

/** What is known before the trace has been read: enough for the replayer to choose its rules. */
interface MetaBase {
  sourcePath: string;
  facts: Sidecars;
}

/**
 * A meta.json stand-in for the live replayer. The real meta (line accounting, lost-event
 * markers, event counts) only exists once ingest has read everything; the replayer needs
 * the kernel release and device ranges up front (found beside the input exactly as ingest
 * finds them), and which events the trace carries (taken from the first batch).
 */
export function provisionalMeta(base: MetaBase, eventNames: Iterable<string>): RunMeta {
  const counts: Record<string, number> = {};
  for (const e of eventNames) counts[e] = 1;
  const clockName = typeof base.facts.sidecar?.trace_clock === 'string' ? base.facts.sidecar.trace_clock : null;
  return {
    schema_version: SCHEMA_VERSION,
    tool: 'pagetrace-watch (live, provisional)',
    source: { path: base.sourcePath, size: 0, sha256: '', compression: 'none' },
    format: { frontend: 'ftrace', variant: 'live stream' },
    clock: { kind: 'ns', fraction_digits: 6, name: clockName },
    lines: { lines_in: 0, events: 0, stack_lines: 0, header_lines: 0, markers: 0, skipped: 0, skipped_by_reason: {} },
    lost_events: [],
    event_counts: counts,
    stacks: { count: 0, frames_total: 0 },
    header: null,
    kernel: base.facts.kernel,
    memory_map: base.facts.memory_map,
    sidecar: base.facts.sidecar,
    timings: { seconds: 0, workers: 0 },
  };
}

function eventNamesOf(batch: RecordBatch): Set<string> {
  const names = new Set<string>();
  const col = batch.getChild('event'); // events.arrow column (schema.ts EVENT_COLUMNS)
  if (col === null) return names;
  for (let i = 0; i < batch.numRows; i++) names.add(String(col.get(i)));
  return names;
}

/** Feeds ingest's live batches to one replayer, created on the first batch. */
class LiveAnalysis {
  private replayer: LiveReplayer | null = null;
  count = 0;

  constructor(
    private readonly analysis: WatchAnalysis,
    private readonly base: MetaBase,
    private readonly onAnomaly: (a: LiveAnomaly) => void,
  ) {}

  readonly push = (batch: RecordBatch): void => {
    if (batch.numRows === 0) return;
    this.replayer ??= this.analysis.createReplayer(provisionalMeta(this.base, eventNamesOf(batch)), (a) => {
      this.count++;
      this.onAnomaly(a);
    });
    this.replayer.pushBatch(batch);
  };

  /** End of stream: end-of-trace detectors (orphaned references, ...) report now. */
  finish(): void {
    this.replayer?.finish();
  }
}

async function metaBaseFor(input: string): Promise<MetaBase> {
  return { sourcePath: input, facts: await findSidecars(input) };
}

/**
 * Keep the process alive through Ctrl-C while a stream is read: the producer in the same
 * terminal gets the signal too and closes the stream, which ends ingest normally. A second
 * signal gives up at once.
 */
function holdSignalsWhileReading(notice: (m: string) => void): () => void {
  let seen = false;
  const handler = (sig: NodeJS.Signals): void => {
    if (seen) process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
    seen = true;
    notice(`${sig}: finishing the run directory with what was read (again to abandon)`);
  };
  for (const s of HANDLED_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of HANDLED_SIGNALS) process.off(s, handler);
  };
}

async function watchInput(opts: WatchOptions & { input: string }, notice: (m: string) => void): Promise<WatchResult> {
  const live = new LiveAnalysis(opts.analysis, await metaBaseFor(opts.input), opts.onAnomaly);
  const release = holdSignalsWhileReading(notice);
  try {
    await ingestTrace({ input: opts.input, outDir: opts.outDir, onBatch: live.push, flushIntervalMs: opts.flushIntervalMs ?? DEFAULT_FLUSH_MS });
    live.finish();
    const { errors } = await opts.analysis.replayRun(opts.outDir);
    return { outDir: opts.outDir, tracePath: null, record: null, liveAnomalies: live.count, errors, exitCode: errors > 0 ? 1 : 0 };
  } finally {
    release();
  }
}

async function watchLive(opts: WatchOptions, notice: (m: string) => void): Promise<WatchResult> {
  await mkdir(opts.outDir, { recursive: true });
  const tracePath = join(opts.outDir, WATCH_TRACE_FILE);
  const fifo = await FifoBridge.create(WATCH_TRACE_FILE);
  try {
    const system = await snapshotSystem();
    // ingest looks for <input>.record.json: give the live pass the machine facts known now.
    await writeFileAtomic(sidecarPathFor(fifo.path), `${JSON.stringify({ uname_r: system.uname_r, device_ranges: system.device_ranges, provisional: true })}\n`);
    const live = new LiveAnalysis(opts.analysis, await metaBaseFor(fifo.path), opts.onAnomaly);
    const stop = new AbortController();
    fifo.openWriter();
    let ingestError: unknown = null;
    const ingesting = ingestTrace({
      input: fifo.path,
      outDir: join(fifo.dir, 'live'),
      onBatch: live.push,
      flushIntervalMs: opts.flushIntervalMs ?? DEFAULT_FLUSH_MS,
    }).catch(async (e: unknown) => {
      ingestError = e;
      stop.abort(); // analysis is gone: stop recording rather than run blind
      await fifo.abandon();
    });
    let recorded: RecordResult;
    try {
      recorded = await recordTrace({ ...opts.record, command: opts.record?.command ?? [], output: tracePath, stop: stop.signal, follow: (s) => fifo.feed(s), onNotice: notice });
    } catch (e) {
      fifo.end();
      await ingesting;
      throw e;
    }
    await ingesting;
    if (ingestError !== null) throw asUserError(ingestError, 'live ingest failed');
    live.finish();
    notice(`recording done; writing the run directory ${opts.outDir} from ${tracePath}`);
    await ingestTrace({ input: tracePath, outDir: opts.outDir });
    const { errors } = await opts.analysis.replayRun(opts.outDir);
    const exitCode = recorded.exitCode !== 0 ? recorded.exitCode : errors > 0 ? 1 : 0;
    return { outDir: opts.outDir, tracePath, record: recorded, liveAnomalies: live.count, errors, exitCode };
  } finally {
    await fifo.remove();
  }
}

function asUserError(e: unknown, what: string): Error {
  if (isPagetraceError(e)) return e;
  return new PagetraceError(`${what}: ${(e as Error).message}`);
}

export async function watchTrace(opts: WatchOptions): Promise<WatchResult> {
  const notice = opts.onNotice ?? ((): void => undefined);
  if (opts.input !== undefined) {
    if (opts.record?.command !== undefined && opts.record.command.length > 0) {
      throw new PagetraceError('watch: give either --input or a command to record, not both');
    }
    return watchInput({ ...opts, input: opts.input }, notice);
  }
  return watchLive(opts, notice);
}

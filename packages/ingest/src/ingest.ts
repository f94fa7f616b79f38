/**
 * ingestTrace(): trace text -> events.arrow, stacks.arrow, meta.json in a run directory.
 *
 * Input bytes are cut into line-aligned chunks, parsed by the pure chunk parser (on worker
 * threads when workers > 1), merged in trace order, and written batch by batch. Every output
 * file is written atomically; a run directory holding an older run is replaced file by file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { EventBatchBuilder, stackBatches } from './arrow/events.js';
import { IpcFileSink, writeIpcFile } from './arrow/writer.js';
import { ingestCsv } from './formats/csv.js';
import { detectFormat, rejectNonText } from './formats/detect.js';
import type { Variant } from './formats/types.js';
import { removeStaleTemporaries, writeAtomically, writeFileAtomic } from './io/atomic.js';
import { openInput, type InputSource } from './io/input.js';
import { LineChunker, type LineChunk } from './io/line-chunker.js';
import type { Frontend, RunMeta } from './meta-types.js';
import { Merger } from './parse/merge.js';
import { ParserPool } from './parse/pool.js';
import type { RowStore } from './parse/row-store.js';
import { RUN_FILES, SCHEMA_VERSION } from './schema.js';
import { findSidecars } from './sidecars.js';

export interface IngestProgress { bytesRead: number; totalBytes: number | null; events: number }

export interface IngestOptions {
  /** Path, or '-' for stdin. */
  input: string;
  /** Run directory (created; outputs written atomically). */
  outDir: string;
  /** Default: min(2, os.availableParallelism()). */
  workers?: number;
  /** Force a front-end; default auto-detect. */
  format?: Frontend;
  /** Rows per Arrow record batch (default 65536). */
  batchRows?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Every events batch, in order, as it is written; a batch's stack frames are complete. */
  onBatch?: (batch: RecordBatch) => void | Promise<void>;
  /** Live streams: emit a partial batch when no input arrived for this long (default: off for files, 200ms for '-'). */
  flushIntervalMs?: number;
  /** Bytes per parse chunk (default 4 MiB). Small values exercise chunk boundaries in tests. */
  chunkBytes?: number;
}

export interface IngestResult { meta: RunMeta; outDir: string }

export const TOOL = 'pagetrace-ingest/0.1.0';
const SAMPLE_BYTES = 256 * 1024;
const SAMPLE_LINES = 2000;
const DEFAULT_CHUNK = 4 << 20;

export async function ingestTrace(opts: IngestOptions): Promise<IngestResult> {
  const started = performance.now();
  const workers = Math.max(1, Math.floor(opts.workers ?? Math.min(2, availableParallelism())));
  const batchRows = Math.max(1, Math.floor(opts.batchRows ?? 65536));
  const input = await openInput(opts.input);
  const head = await readHead(input);
  rejectNonText(head.bytes, input.display);
  const detected = detectFormat(sampleLines(head.bytes, head.eof), input.display, opts.format);
  await mkdir(opts.outDir, { recursive: true });
  await removeStaleTemporaries(opts.outDir);
  const sidecars = await findSidecars(opts.input);
  if (detected.frontend === 'csv') {
    const meta = await ingestCsv({ input, head: head.bytes, outDir: opts.outDir, batchRows, opts, sidecars, started });
    return { meta, outDir: opts.outDir };
  }
  const variant = detected as Variant;
  const merger = await writeEvents(input, head.bytes, variant, workers, batchRows, opts);
  const stacksPath = join(opts.outDir, RUN_FILES.stacks);
  await writeAtomically(stacksPath, (tmp) => writeIpcFile(tmp, stackBatches(merger.stacks, batchRows)));
  const meta = buildMeta(input, variant, merger, sidecars, workers, started);
  await writeFileAtomic(join(opts.outDir, RUN_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
  return { meta, outDir: opts.outDir };
}

/** The first bytes, enough to detect the format (all of a small input). */
async function readHead(input: InputSource): Promise<{ bytes: Uint8Array; eof: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let lines = 0;
  for (;;) {
    const n = await input.chunks.next();
    if (n.done) return { bytes: Buffer.concat(parts), eof: true };
    parts.push(n.value);
    size += n.value.length;
    // Live streams: do not wait for 256 KiB once a few lines are there.
    if (input.live) lines += countLines(n.value);
    if (size >= SAMPLE_BYTES || (input.live && lines >= 64)) return { bytes: Buffer.concat(parts), eof: false };
  }
}

function countLines(b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
}

function sampleLines(bytes: Uint8Array, eof: boolean): string[] {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!eof) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return text.split('\n', SAMPLE_LINES).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

async function writeEvents(input: InputSource, head: Uint8Array, variant: Variant, workers: number, batchRows: number,
  opts: IngestOptions): Promise<Merger> {
  const eventsPath = join(opts.outDir, RUN_FILES.events);
  let merger!: Merger;
  await writeAtomically(eventsPath, async (tmp) => {
    const sink = new IpcFileSink(tmp);
    const ready: RecordBatch[] = [];
    let builder: EventBatchBuilder | null = null;
    merger = new Merger(batchRows, (rows: RowStore, n: number) => {
      builder ??= new EventBatchBuilder({
        comm: merger.dicts.comm.values, event: merger.dicts.event.values, flags: merger.dicts.flags.values, gfp: merger.dicts.gfp.values,
      });
      const batch = builder.build(rows, n);
      sink.write(batch);
      ready.push(batch);
    });
    const deliver = async (): Promise<void> => {
      while (ready.length > 0) {
        const b = ready.shift() as RecordBatch;
        if (opts.onBatch !== undefined) await opts.onBatch(b);
      }
    };
    const pool = new ParserPool(workers, variant);
    try {
      await pump(input, head, pool, merger, deliver, opts);
    } finally {
      await pool.close();
    }
    merger.finish();
    if (sink.batches === 0) {
      // An empty run still gets a readable file with the schema (and empty dictionaries).
      builder ??= new EventBatchBuilder({ comm: [], event: [], flags: [], gfp: [] });
      sink.write(builder.build(merger.pending, 0));
    }
    await deliver();
    await sink.close();
  });
  return merger;
}

async function pump(input: InputSource, head: Uint8Array, pool: ParserPool, merger: Merger,
  deliver: () => Promise<void>, opts: IngestOptions): Promise<void> {
  const live = input.live;
  const chunker = new LineChunker(opts.chunkBytes ?? (live ? 256 * 1024 : DEFAULT_CHUNK));
  const flushMs = opts.flushIntervalMs ?? (opts.input === '-' ? 200 : 0);
  const inflight: Array<Promise<import('./parse/chunk.js').ChunkResult>> = [];
  const maxInFlight = Math.max(2, pool.size * 2);
  const progress = (): void => opts.onProgress?.({ bytesRead: input.bytesRead, totalBytes: input.size, events: merger.totalRows });
  const drainOne = async (): Promise<void> => {
    merger.add(await (inflight.shift() as Promise<import('./parse/chunk.js').ChunkResult>));
    await deliver();
    progress();
  };
  const submit = async (chunks: Array<LineChunk | null>): Promise<void> => {
    for (const c of chunks) {
      if (c === null) continue;
      inflight.push(pool.parse(c.bytes, c.startLine));
      while (inflight.length >= maxInFlight) await drainOne();
    }
  };
  await submit(chunker.push(head));
  let pending: Promise<IteratorResult<Uint8Array>> | null = null;
  for (;;) {
    pending ??= input.chunks.next();
    const next = flushMs > 0 ? await raceTimeout(pending, flushMs) : await pending;
    if (next === null) {
      // Input paused: parse what is there and emit it, so `watch` sees events promptly.
      await submit([chunker.takeComplete()]);
      while (inflight.length > 0) await drainOne();
      merger.flushAll();
      await deliver();
      continue;
    }
    pending = null;
    if (next.done) break;
    await submit(chunker.push(next.value));
  }
  await submit([chunker.end()]);
  while (inflight.length > 0) await drainOne();
}

async function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

function buildMeta(input: InputSource, variant: Variant, merger: Merger, sidecars: Awaited<ReturnType<typeof findSidecars>>,
  workers: number, started: number): RunMeta {
  const a = merger.acct;
  const clockName = typeof sidecars.sidecar?.trace_clock === 'string' ? sidecars.sidecar.trace_clock : null;
  return {
    schema_version: SCHEMA_VERSION,
    tool: TOOL,
    source: { path: input.path, size: input.bytesRead, sha256: input.sha256(), compression: input.compression },
    format: {
      frontend: variant.frontend, variant: variant.name, flags_width: variant.flagsWidth, has_tgid: variant.hasTgid,
      has_stacks: merger.stacks.length > 0, latency_format: variant.latency,
      ...(variant.instance !== null ? { instance: variant.instance } : {}),
    },
    clock: { kind: variant.clock, fraction_digits: variant.fractionDigits, name: clockName },
    lines: {
      lines_in: a.linesIn, events: a.events, stack_lines: a.stackLines, header_lines: a.headerLines, markers: a.markers,
      skipped: a.skipped, skipped_by_reason: a.skippedByReason,
      stack_breakdown: { entry_lines: a.stackEntries, frame_lines: a.stackFrames, callchain_end_lines: a.callchainEnds },
    },
    lost_events: a.lost,
    event_counts: merger.eventCountsByName(),
    stacks: { count: merger.stacks.length, frames_total: merger.stacks.reduce((s, f) => s + f.length, 0) },
    header: Object.keys(a.header).length > 0 ? a.header : null,
    kernel: sidecars.kernel,
    memory_map: sidecars.memory_map,
    sidecar: sidecars.sidecar,
    timings: { seconds: Math.round((performance.now() - started)) / 1000, workers },
  };
}

/**
 * ingestTrace(): trace text -> events.arrow, stacks.arrow, meta.json in a run directory.
 *
 * Input bytes are cut into line-aligned chunks, parsed by the pure chunk parser (on worker
 * threads when workers > 1), merged in trace order, and written batch by batch. Every output
 * file is written atomically; a run directory holding an older run is replaced file by file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { lstat, rename, rm } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import { ColumnMemory } from './arrow/columns.js';
import { EventBatchBuilder, stackBatches } from './arrow/events.js';
import { IpcFileSink, writeIpcFile } from './arrow/writer.js';
import { csvVariant, readCsv } from './formats/csv.js';
import { detectFormat, rejectNonText } from './formats/detect.js';
import type { Variant } from './formats/types.js';
import { makeDirectory, removeStaleTemporaries, tempPathFor, writeAtomically, writeFileAtomic } from './io/atomic.js';
import { openInput, type InputSource } from './io/input.js';
import { DEFAULT_MAX_LINE_BYTES, LineChunker, type LineChunk } from './io/line-chunker.js';
import { PagetraceError } from './errors.js';
import type { Frontend, RunMeta } from './meta-types.js';
import { Merger } from './parse/merge.js';
import { ParserPool } from './parse/pool.js';
import type { RowStore } from './parse/row-store.js';
import type { ChunkResult } from './parse/chunk.js';
import { RUN_FILES, SCHEMA_VERSION } from './schema.js';
import { findSidecars } from './sidecars.js';

export interface IngestProgress { bytesRead: number; totalBytes: number | null; events: number }

export interface IngestOptions {
  /** Path, or '-' for stdin. */
  input: string;
  /** Run directory (created; outputs written atomically). */
  outDir: string;
  /** Parsers: the main thread and workers - 1 worker threads. Default: min(2, os.availableParallelism()). */
  workers?: number;
  /** Force a front-end; default auto-detect. */
  format?: Frontend;
  /** Rows per Arrow record batch (default 65536). */
  batchRows?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Every events batch, in order, as it is written; a batch's stack frames are complete. */
  onBatch?: (batch: RecordBatch) => void | Promise<void>;
  /** Live streams: emit a partial batch when no input arrived for this long (default: off for files, 200ms for stdin and FIFOs). */
  flushIntervalMs?: number;
  /** Bytes per parse chunk (default 4 MiB). Small values exercise chunk boundaries in tests. */
  chunkBytes?: number;
  /**
   * Longest accepted line in bytes (default: env PAGETRACE_MAX_LINE_BYTES, else 64 MiB). A longer
   * line is a PagetraceError naming file:line, so a huge line without a newline never exhausts memory.
   */
  maxLineBytes?: number;
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
  try {
    return await ingestOpened(opts, input, workers, batchRows, started);
  } finally {
    input.close();
  }
}

async function ingestOpened(opts: IngestOptions, input: InputSource, workers: number, batchRows: number, started: number): Promise<IngestResult> {
  const head = await readHead(input, flushIntervalOf(opts, input));
  rejectNonText(head.bytes, input.display);
  const detected = detectFormat(sampleLines(head.bytes, head.eof), input.display, opts.format);
  await makeDirectory(opts.outDir).catch((e: NodeJS.ErrnoException) => {
    throw new PagetraceError(`cannot create the run directory (${e.code ?? e.message})`, { file: opts.outDir });
  });
  await removeStaleTemporaries(opts.outDir);
  const older = await retireOlderRun(opts.outDir);
  try {
    return await writeRun(opts, input, head, detected, workers, batchRows, started);
  } finally {
    await older.deleted;
  }
}

/** The run's tables, then its meta.json (last: its presence marks a complete ingest). */
async function writeRun(opts: IngestOptions, input: InputSource, head: { bytes: Uint8Array }, detected: ReturnType<typeof detectFormat>,
  workers: number, batchRows: number, started: number): Promise<IngestResult> {
  const sidecars = await findSidecars(opts.input);
  let variant: Variant;
  let merger: Merger;
  if (detected.frontend === 'csv') {
    const header: string[] = [];
    merger = await writeEvents(input, batchRows, opts, async (onChunk) => {
      header.push(...await readCsv(withHead(head.bytes, input), input.display, onChunk));
    });
    variant = csvVariant(header);
  } else {
    variant = detected as Variant;
    const v = variant;
    merger = await writeEvents(input, batchRows, opts, async (onChunk, flushNow) => {
      const chunker = new LineChunker(opts.chunkBytes ?? (input.live ? 256 * 1024 : DEFAULT_CHUNK), maxLineBytes(opts),
        (line, max) => new PagetraceError(`line longer than ${max} bytes: not a text trace (limit: PAGETRACE_MAX_LINE_BYTES)`, { file: input.display, line }));
      // Chunk buffers come back from the parser to be filled again.
      const pool = new ParserPool(workers, v, (b) => chunker.pool.release(b));
      try { await pump(input, head.bytes, chunker, pool, onChunk, flushNow, opts); } finally { await pool.close(); }
    });
  }
  const stacksPath = join(opts.outDir, RUN_FILES.stacks);
  await writeAtomically(stacksPath, (tmp) => writeIpcFile(tmp, stackBatches(merger.stacks, batchRows)));
  const meta = buildMeta(input, variant, merger, sidecars, workers, started);
  await writeFileAtomic(join(opts.outDir, RUN_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
  return { meta, outDir: opts.outDir };
}

/**
 * An older run in the output directory stops being a run before the new tables are written:
 * its meta.json (written last, so its presence marks a complete ingest) goes first, then the
 * replay outputs that describe its events and its tables. A run killed half-way is then
 * refused by replay/report ("not a run directory") instead of mixing new events with old
 * anomalies.
 *
 * Each file is renamed to a temporary name (instant) and the temporaries are deleted in the
 * background: deleting a large table frees its page cache (≈ 0.15 s of kernel time for the
 * events.arrow of a 1 GB trace), which then overlaps the start of parsing instead of stalling
 * the final rename that would replace the file. `deleted` settles when they are gone (it never
 * rejects: a temporary left behind is removed by the next run); it is wrapped in an object
 * because an async function's result adopts a promise it returns (returned bare, the caller
 * would wait for the deletion).
 */
async function retireOlderRun(outDir: string): Promise<{ deleted: Promise<void> }> {
  const retired: string[] = [];
  for (const f of [RUN_FILES.meta, RUN_FILES.replay, RUN_FILES.anomalies, RUN_FILES.pages, RUN_FILES.events, RUN_FILES.stacks]) {
    const path = join(outDir, f);
    const kind = await lstat(path).catch(() => null);
    if (kind === null) continue;
    // Anything but a file (a directory of that name?) is left to rm, which refuses it as before.
    if (!kind.isFile()) { await rm(path, { force: true }); continue; }
    const tmp = tempPathFor(path);
    await rename(path, tmp);
    retired.push(tmp);
  }
  return { deleted: Promise.all(retired.map((t) => rm(t, { force: true }))).then(() => undefined, () => undefined) };
}

/** The first bytes, enough to detect the format (all of a small input). */
async function readHead(input: InputSource, flushMs: number): Promise<{ bytes: Uint8Array; eof: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let lines = 0;
  for (;;) {
    const p = input.chunks.next();
    // A live stream that pauses after a few lines: detect the format on what is there.
    const n = input.live && lines > 0 && flushMs > 0 ? await raceTimeout(p, flushMs) : await p;
    if (n === null) { carried.set(input, p); return { bytes: Buffer.concat(parts), eof: false }; }
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

/** A read started while detecting the format that is still to arrive (live streams). */
const carried = new WeakMap<InputSource, Promise<IteratorResult<Uint8Array>>>();

function flushIntervalOf(opts: IngestOptions, input: InputSource): number {
  return opts.flushIntervalMs ?? (input.live ? 200 : 0);
}

async function* withHead(head: Uint8Array, input: InputSource): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  const first = carried.get(input);
  carried.delete(input);
  if (first !== undefined) {
    const n = await first;
    if (n.done) return;
    yield n.value;
  }
  for (;;) {
    const n = await input.chunks.next();
    if (n.done) return;
    yield n.value;
  }
}

type ChunkSink = (c: ChunkResult) => Promise<void>;

/**
 * Run a chunk producer and write what it produces to events.arrow (atomically), merging
 * chunks in order and handing each written batch to onBatch.
 */
async function writeEvents(input: InputSource, batchRows: number, opts: IngestOptions,
  produce: (onChunk: ChunkSink, flushNow: () => Promise<void>) => Promise<void>): Promise<Merger> {
  const eventsPath = join(opts.outDir, RUN_FILES.events);
  let merger!: Merger;
  await writeAtomically(eventsPath, async (tmp) => {
    const sink = new IpcFileSink(tmp);
    const ready: RecordBatch[] = [];
    const onBatch = opts.onBatch;
    // Without a consumer that keeps batches, each one is written and dropped before the next
    // is built: its columns can be views of the merger's rows and reused scratch buffers.
    const memory = onBatch === undefined ? ColumnMemory.reused() : ColumnMemory.fresh();
    let builder: EventBatchBuilder | null = null;
    merger = new Merger(batchRows, (rows: RowStore, n: number) => {
      builder ??= new EventBatchBuilder({
        comm: merger.dicts.comm.values, event: merger.dicts.event.values, flags: merger.dicts.flags.values, gfp: merger.dicts.gfp.values,
      }, memory);
      const batch = builder.build(rows, n);
      sink.write(batch);
      if (onBatch !== undefined) ready.push(batch);
    });
    const deliver = async (): Promise<void> => {
      while (ready.length > 0) await (onBatch as NonNullable<typeof onBatch>)(ready.shift() as RecordBatch);
      await sink.drain();
    };
    await produce(async (c) => {
      merger.add(c);
      await deliver();
      opts.onProgress?.({ bytesRead: input.bytesRead, totalBytes: input.size, events: merger.totalRows });
    }, async () => {
      merger.flushAll();
      await deliver();
    });
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

/** Cut the input into line-aligned chunks, parse them on the pool, hand results on in order. */
async function pump(input: InputSource, head: Uint8Array, chunker: LineChunker, pool: ParserPool, onChunk: ChunkSink,
  flushNow: () => Promise<void>, opts: IngestOptions): Promise<void> {
  const flushMs = flushIntervalOf(opts, input);
  const inflight: Array<Promise<ChunkResult>> = [];
  const maxInFlight = Math.max(2, pool.size * 4);
  const drainOne = async (): Promise<void> => {
    const c = await (inflight.shift() as Promise<ChunkResult>);
    await onChunk(c);
    pool.recycleRows(c.rows);
  };
  const submit = async (chunks: Array<LineChunk | null>): Promise<void> => {
    for (const c of chunks) {
      if (c === null) continue;
      inflight.push(pool.parse(c.bytes, c.startLine));
      while (inflight.length >= maxInFlight) await drainOne();
    }
  };
  await submit(chunker.push(head));
  let pending: Promise<IteratorResult<Uint8Array>> | null = carried.get(input) ?? null;
  carried.delete(input);
  const readInto = pending === null && flushMs === 0 ? input.readInto : null;
  if (readInto !== null) {
    // A regular file: read straight into the chunk buffers.
    for (let n = await readInto(chunker.space()); n > 0; n = await readInto(chunker.space())) await submit(chunker.commit(n));
  } else for (;;) {
    pending ??= input.chunks.next();
    const next = flushMs > 0 ? await raceTimeout(pending, flushMs) : await pending;
    if (next === null) {
      // Input paused: parse what is there and emit it, so `watch` sees events promptly.
      await submit([chunker.takeComplete()]);
      while (inflight.length > 0) await drainOne();
      await flushNow();
      continue;
    }
    pending = null;
    if (next.done) break;
    await submit(chunker.push(next.value));
  }
  await submit([chunker.end()]);
  while (inflight.length > 0) await drainOne();
}

/** Reasons in a fixed order: chunks merge skips in an order that depends on the chunking. */
function byKey<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function maxLineBytes(opts: IngestOptions): number {
  const env = Number(process.env.PAGETRACE_MAX_LINE_BYTES);
  return opts.maxLineBytes ?? (Number.isSafeInteger(env) && env > 0 ? env : DEFAULT_MAX_LINE_BYTES);
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
      skipped: a.skipped, skipped_by_reason: byKey(a.skippedByReason),
      unreadable_fields: byKey(a.badFieldsByEvent),
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

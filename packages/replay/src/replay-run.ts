/**
 * replayRun: read a run directory's events.arrow batch by batch, replay it, and write
 * anomalies.arrow, pages.arrow and replay.json atomically.
 */
import { PagetraceError, RUN_FILES, isPagetraceError, removeStaleTemporaries, writeFileAtomic, type RunMeta } from '@pagetrace/ingest';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { existsSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachBatchReusing } from './io/batch-file.js';
import { writeReplayTables } from './io/tables.js';
import { createReplayer, type ReplayerHooks } from './processor.js';
import type { ReplayOptions, ReplaySummary } from './types.js';

export async function readRunMeta(runDir: string): Promise<RunMeta> {
  const path = join(runDir, RUN_FILES.meta);
  if (!existsSync(path)) throw new PagetraceError(`not a run directory (no ${RUN_FILES.meta}); run \`pagetrace ingest\` first`, { file: runDir });
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunMeta;
  } catch (e) {
    throw new PagetraceError(`unreadable ${RUN_FILES.meta}: ${(e as Error).message}`, { file: path });
  }
}

/** Stream the record batches of an Arrow IPC file without holding them all. */
export async function* readBatches(path: string): AsyncGenerator<RecordBatch> {
  if (!existsSync(path)) throw new PagetraceError('file not found', { file: path });
  const fh = await open(path, 'r');
  try {
    try {
      yield* await RecordBatchReader.from(fh);
    } catch (e) {
      if (isPagetraceError(e)) throw e;
      throw new PagetraceError(`not a readable Arrow IPC file (${(e as Error).message}); re-run \`pagetrace ingest\``, { file: path });
    }
  } finally {
    await fh.close();
  }
}

/**
 * Call fn on every batch of an Arrow IPC file, asking for the next batch before fn runs on
 * the current one: the file read of batch k+1 (libuv's thread pool) overlaps the replay of
 * batch k instead of the replay waiting for it. At most two batches are held.
 */
export async function forEachBatchPrefetched(path: string, fn: (batch: RecordBatch) => void): Promise<void> {
  const it = readBatches(path);
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done === true) return;
      next = it.next();
      // Let the reader's promise chain run up to its file read before fn blocks the thread.
      await new Promise<void>((resolve) => setImmediate(resolve));
      fn(r.value);
    }
  } catch (e) {
    // The read in flight must not become an unhandled rejection; the first error wins.
    await next.catch(() => undefined);
    throw e;
  } finally {
    await it.return(undefined);
  }
}

/**
 * Call fn on every batch of an Arrow IPC file, the next batch's read overlapping fn's work,
 * each batch read into one of two reused buffers (io/batch-file.ts; made by newBuffer when
 * given): the batch is valid only during fn. Files in the IPC stream format are read by forEachBatchPrefetched.
 */
export async function forEachBatch(path: string, fn: (batch: RecordBatch) => void, newBuffer?: (bytes: number) => Uint8Array): Promise<void> {
  if (!existsSync(path)) throw new PagetraceError('file not found', { file: path });
  // Errors of fn (the replay's own) pass through; errors of reading name the file.
  const failed: { error?: unknown } = {};
  let read: boolean;
  try {
    read = await forEachBatchReusing(path, (batch) => {
      try { fn(batch); } catch (e) { failed.error = e; throw e; }
    }, newBuffer);
  } catch (e) {
    if ('error' in failed || isPagetraceError(e)) throw e;
    throw new PagetraceError(`not a readable Arrow IPC file (${(e as Error).message}); re-run \`pagetrace ingest\``, { file: path });
  }
  if (!read) await forEachBatchPrefetched(path, fn);
}

/** Frames of every stack (stacks.arrow is small: deduplicated stacks). */
export async function loadStacks(runDir: string): Promise<string[][]> {
  const path = join(runDir, RUN_FILES.stacks);
  const out: string[][] = [];
  if (!existsSync(path)) return out;
  for await (const b of readBatches(path)) {
    const ids = b.getChild('stack_id');
    const frames = b.getChild('frames');
    if (ids === null || frames === null) break;
    for (let i = 0; i < b.numRows; i++) {
      const f: unknown = frames.get(i);
      out[Number(ids.get(i))] = f === null || f === undefined ? [] : ([...(f as Iterable<unknown>)].map(String));
    }
  }
  return out;
}

export async function replayRun(runDir: string, opts: ReplayOptions = {}, hooks: ReplayerHooks = {}): Promise<ReplaySummary> {
  const meta = await readRunMeta(runDir);
  await removeStaleTemporaries(runDir);
  const stacks = await loadStacks(runDir);
  const replayer = createReplayer(meta, opts, { frames: (id) => stacks[id] ?? [], ...hooks });
  await forEachBatch(join(runDir, RUN_FILES.events), (batch) => replayer.pushBatch(batch), (bytes) => replayer.batchBuffer(bytes));
  const result = replayer.finish();
  // replay.json goes first and comes back last: its presence marks anomalies/pages of one replay.
  await rm(join(runDir, RUN_FILES.replay), { force: true });
  await writeReplayTables(runDir, result.anomalies, result.pageRows, result.endTs);
  await writeFileAtomic(join(runDir, RUN_FILES.replay), `${JSON.stringify(result.summary, null, 2)}\n`);
  return result.summary;
}

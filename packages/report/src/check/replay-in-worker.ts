/**
 * Replay in a worker thread. `check` overlaps it with the report: replay is single-threaded
 * JS, and so is the report's DuckDB scan of events.arrow (DuckDB pulls its chunks from a JS
 * table function), so on two cores the events-only half of the report costs no wall time.
 */
import { Worker } from 'node:worker_threads';
import { PagetraceError } from '@pagetrace/ingest';
import type { ReplayOptions, ReplaySummary } from '@pagetrace/replay';

export type ReplayWorkerMessage =
  | { ok: true; summary: ReplaySummary }
  | { ok: false; name: string; message: string; file?: string; line?: number; exitCode?: number };

export interface ReplayThread {
  /** Replay `runDir`; resolves with its summary, or rejects with its error (a PagetraceError stays one). */
  replay(runDir: string, opts: ReplayOptions): Promise<ReplaySummary>;
  /** End the thread (done, or the caller failed first); resolves once it is gone. */
  stop(): Promise<void>;
}

/** Starts the thread now, so its module loading overlaps whatever the caller does first. */
export function startReplayThread(): ReplayThread {
  const worker = new Worker(new URL('./replay-worker.js', import.meta.url));
  let settled = false;
  const result = new Promise<ReplaySummary>((resolve, reject) => {
    worker.once('message', (m: ReplayWorkerMessage) => {
      settled = true;
      if (m.ok) resolve(m.summary);
      else reject(m.name === 'PagetraceError' ? rebuiltPagetraceError(m) : new Error(m.message));
    });
    worker.once('error', (e) => { settled = true; reject(e); });
    worker.once('exit', (code) => { if (!settled) reject(new Error(`replay thread exited with code ${code} before it finished`)); });
  });
  // Stopping the thread before it replays (ingest failed) rejects `result`: that is not news.
  result.catch(() => undefined);
  return {
    // Options are plain data (structured clone keeps their bigints): every one crosses as is.
    replay: (runDir, opts) => { worker.postMessage({ runDir, opts }); return result; },
    stop: async () => { settled = true; await worker.terminate(); },
  };
}

function rebuiltPagetraceError(m: Extract<ReplayWorkerMessage, { ok: false }>): PagetraceError {
  // The message already starts with "file:line: "; keep it, and the fields, as they were.
  const e = new PagetraceError(m.message, { exitCode: m.exitCode });
  Object.assign(e, { file: m.file, line: m.line });
  return e;
}

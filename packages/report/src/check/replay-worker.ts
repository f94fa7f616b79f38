/**
 * Worker-thread entry of `check`: replays a run directory on a core of its own while the main
 * thread already runs the report's queries over the events (see replay-in-worker.ts). The
 * thread starts (and loads its modules) while ingest runs; the run directory comes later, in
 * one message.
 */
import { parentPort } from 'node:worker_threads';
import { replayRun, type ReplayOptions } from '@pagetrace/replay';
import type { ReplayWorkerMessage } from './replay-in-worker.js';

parentPort?.once('message', ({ runDir, opts }: { runDir: string; opts: ReplayOptions }) => {
  void replay(runDir, opts).then((m) => parentPort?.postMessage(m));
});

async function replay(runDir: string, opts: ReplayOptions): Promise<ReplayWorkerMessage> {
  try {
    return { ok: true, summary: await replayRun(runDir, opts) };
  } catch (e) {
    const err = e as Error & { file?: string; line?: number; exitCode?: number };
    return { ok: false, name: err.name, message: err.message, file: err.file, line: err.line, exitCode: err.exitCode };
  }
}

/**
 * Drains an instance's trace_pipe into the output file while the workload runs, so a long
 * run never overflows the ring buffer: trace_pipe consumes what it returns, freeing buffer
 * pages for the writer.
 *
 * The pipe is opened O_NONBLOCK: a blocking read() would sit in the kernel with nothing to
 * wake it once tracing stops, and an open file keeps the instance busy (rmdir -> EBUSY).
 * Non-blocking reads return EAGAIN when every CPU buffer is empty, which is also how
 * `finish()` knows it has taken the last event after tracing was switched off.
 * The reading loop runs in a worker thread (drain-worker.ts).
 */
import { Worker } from 'node:worker_threads';
import { PagetraceError } from '../errors.js';
import type { DrainWorkerData, DrainWorkerResult } from './drain-worker.js';

export class TracePipeDrain {
  private readonly control = new SharedArrayBuffer(4);
  private readonly worker: Worker;
  private readonly result: Promise<DrainWorkerResult>;

  /** Start reading `pipePath` into the open file `outFd` (the caller closes it afterwards). */
  constructor(
    readonly pipePath: string,
    outFd: number,
    pollMs = 20,
  ) {
    const data: DrainWorkerData = { pipePath, outFd, control: this.control, pollMs };
    this.worker = new Worker(new URL('./drain-worker.js', import.meta.url), { workerData: data });
    this.result = new Promise((resolve) => {
      let settled = false;
      this.worker.once('message', (m: DrainWorkerResult) => {
        settled = true;
        resolve(m);
      });
      this.worker.once('error', (e) => {
        settled = true;
        resolve({ ok: false, error: e.message });
      });
      this.worker.once('exit', () => {
        if (!settled) resolve({ ok: false, error: 'reader thread exited early' });
      });
    });
  }

  /** Ask the reader to take what is left (call after tracing_on=0) and wait for it. */
  async finish(): Promise<number> {
    const stop = new Int32Array(this.control);
    Atomics.store(stop, 0, 1);
    Atomics.notify(stop, 0);
    const r = await this.result;
    if (!r.ok) throw new PagetraceError(`reading ${this.pipePath} failed: ${r.error}`);
    return r.bytes;
  }
}

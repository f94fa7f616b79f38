/**
 * The trace_pipe reader, on its own thread so that nothing the main thread does (ingest
 * and replay under `watch`, a slow disk write) delays reading: the kernel formats text only
 * as fast as it is read, and a reader that pauses lets the ring buffer overflow.
 *
 * Reads with O_NONBLOCK (see drain.ts), writes straight to the output fd, sleeps on an
 * Atomics.wait that the main thread interrupts to say "tracing is off: take the rest".
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export interface DrainWorkerData {
  pipePath: string;
  outFd: number;
  /** Int32Array view: [0] = 1 once the main thread asks to finish */
  control: SharedArrayBuffer;
  pollMs: number;
}

export type DrainWorkerResult = { ok: true; bytes: number } | { ok: false; error: string };

const BATCH = 1 << 20;

/** Read until the batch buffer is full or every CPU buffer is empty (EAGAIN). */
function fill(fd: number, buf: Buffer): number {
  let total = 0;
  while (total < buf.length) {
    let n: number;
    try {
      n = readSync(fd, buf, total, buf.length - total, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR') break;
      throw e;
    }
    if (n <= 0) break;
    total += n;
  }
  return total;
}

function writeAll(fd: number, buf: Buffer, length: number): void {
  let off = 0;
  while (off < length) off += writeSync(fd, buf, off, length - off);
}

function drain(data: DrainWorkerData): number {
  const stop = new Int32Array(data.control);
  const fd = openSync(data.pipePath, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.allocUnsafe(BATCH);
  let bytes = 0;
  try {
    for (;;) {
      const stopping = Atomics.load(stop, 0) === 1;
      const n = fill(fd, buf);
      if (n > 0) {
        writeAll(data.outFd, buf, n);
        bytes += n;
      }
      if (n === 0 && stopping) return bytes; // tracing is off and the buffers are empty
      if (n < buf.length && !stopping) Atomics.wait(stop, 0, 0, data.pollMs);
    }
  } finally {
    closeSync(fd); // an open trace_pipe keeps the instance busy (rmdir -> EBUSY)
  }
}

if (parentPort !== null) {
  let result: DrainWorkerResult;
  try {
    result = { ok: true, bytes: drain(workerData as DrainWorkerData) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    result = { ok: false, error: err.code !== undefined ? `${err.code} (${err.syscall ?? 'io'} ${err.path ?? ''})`.trim() : err.message };
  }
  parentPort.postMessage(result);
}

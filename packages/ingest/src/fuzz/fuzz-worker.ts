/** The fuzz harness inside a worker thread, reporting each case to the watchdog of guard.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz, type FuzzOptions } from './harness.js';

const port = parentPort;
if (port === null) throw new Error('fuzz-worker.js runs as a worker thread');
const opts = workerData as FuzzOptions & { spinAt?: number };
const stats = await fuzz({
  ...opts,
  onCase: (index, phase, s) => {
    port.postMessage({ type: 'case', index, phase, stats: s });
    // Test hook: a synchronous endless loop, as a parser bug would be (proves the watchdog).
    if (phase === 'start' && index === opts.spinAt) for (;;);
  },
  onProgress: (done, s) => port.postMessage({ type: 'progress', done, stats: s }),
});
port.postMessage({ type: 'done', stats });

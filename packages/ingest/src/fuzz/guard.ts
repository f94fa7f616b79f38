/**
 * The per-case time limit, made real: a Promise.race cannot stop a parser stuck in a
 * synchronous loop (the timer never fires), so the harness runs in a worker thread and this
 * watchdog, on the main thread, terminates it when one case runs over the limit, records the
 * hang with its reproducible input, and starts a new worker at the next case.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzOptions, FuzzStats } from './harness.js';
import { loadSeeds, makeCase } from './mutator.js';

type FromWorker = { type: 'case'; index: number; phase: 'start' | 'end'; stats: FuzzStats } | { type: 'done'; stats: FuzzStats } | { type: 'progress'; done: number; stats: FuzzStats };
export type GuardedOptions = Omit<FuzzOptions, 'onCase' | 'first'> & {
  /** Tests only: case index at which the worker spins forever (to prove the watchdog). */
  spinAt?: number;
};

const empty = (): FuzzStats => ({ cases: 0, accepted: 0, rejected: 0, compared: 0, failures: [], rejectReasons: {} });

function add(a: FuzzStats, b: FuzzStats): FuzzStats {
  const reasons = { ...a.rejectReasons };
  for (const [k, n] of Object.entries(b.rejectReasons)) reasons[k] = (reasons[k] ?? 0) + n;
  return {
    cases: a.cases + b.cases, accepted: a.accepted + b.accepted, rejected: a.rejected + b.rejected,
    compared: a.compared + b.compared, failures: [...a.failures, ...b.failures], rejectReasons: reasons,
  };
}

export async function guardedFuzz(opts: GuardedOptions): Promise<FuzzStats> {
  let total = empty();
  let first = 0;
  while (first < opts.cases) {
    const { stats, hungAt } = await runWorker(opts, first, total);
    total = add(total, stats);
    if (hungAt === null) break;
    total = add(total, hangOf(opts, hungAt));
    first = hungAt + 1;
  }
  return total;
}

function hangOf(opts: GuardedOptions, index: number): FuzzStats {
  const c = makeCase(loadSeeds(), opts.seed, index);
  mkdirSync(opts.failuresDir, { recursive: true });
  const savedAs = join(opts.failuresDir, `seed${opts.seed}-case${index}.txt`);
  writeFileSync(savedAs, c.bytes);
  return { ...empty(), cases: 1, failures: [{ kind: 'hang', description: c.description, detail: `no result after ${opts.timeoutMs} ms (worker terminated)`, savedAs }] };
}

function runWorker(opts: GuardedOptions, first: number, before: FuzzStats): Promise<{ stats: FuzzStats; hungAt: number | null }> {
  const { onProgress, ...plain } = opts;
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: { ...plain, first } });
  let latest = empty();
  let running: { index: number; since: number } | null = null;
  return new Promise((resolve, reject) => {
    const watchdog = setInterval(() => {
      if (running === null || Date.now() - running.since <= opts.timeoutMs) return;
      const hungAt = running.index;
      clearInterval(watchdog);
      void worker.terminate().then(() => resolve({ stats: latest, hungAt }));
    }, Math.min(1000, Math.max(50, opts.timeoutMs / 4)));
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'case') {
        latest = m.stats;
        running = m.phase === 'start' ? { index: m.index, since: Date.now() } : null;
      } else if (m.type === 'progress') {
        onProgress?.(m.done, add(before, m.stats));
      } else {
        clearInterval(watchdog);
        resolve({ stats: m.stats, hungAt: null });
      }
    });
    worker.on('error', (e) => { clearInterval(watchdog); reject(e); });
  });
}

/**
 * The fuzz harness: run mutated real traces through ingestTrace() and hold every case to
 * the promises of issue 6 — no crash (only a PagetraceError may stop a run, as one line
 * naming the file), no hang (per-case time limit), every line accounted
 * (lines_in == events + stack_lines + header_lines + markers + skipped, and lines_in is the
 * real number of input lines), tables agreeing with meta.json, and the same tables for 1 and
 * 2 workers and any chunk size.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { isPagetraceError } from '../errors.js';
import { ingestTrace } from '../ingest.js';
import type { RunMeta } from '../meta-types.js';
import { RUN_FILES } from '../schema.js';
import { expectedLines, loadSeeds, makeCase, type FuzzCase } from './mutator.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Per-case time limit; a case over it is a hang. */
  timeoutMs: number;
  /** Every n-th accepted case is ingested again with other workers/chunking and compared byte for byte. */
  compareEvery: number;
  /** Where failing inputs are saved (one file per case). */
  failuresDir: string;
  onProgress?: (done: number, stats: FuzzStats) => void;
  /** First case index (a guarded run restarts after a hung case). */
  first?: number;
  /** Called before each case starts and after it ended (the watchdog of guard.ts listens). */
  onCase?: (index: number, phase: 'start' | 'end', stats: FuzzStats) => void;
}

export interface FuzzFailure { description: string; kind: 'crash' | 'hang' | 'accounting' | 'tables' | 'determinism' | 'message'; detail: string; savedAs: string }

export interface FuzzStats { cases: number; accepted: number; rejected: number; compared: number; failures: FuzzFailure[]; rejectReasons: Record<string, number> }

export const DEFAULT_FUZZ: Omit<FuzzOptions, 'cases'> = {
  seed: 1, timeoutMs: 10_000, compareEvery: 25, failuresDir: join(tmpdir(), 'pagetrace-fuzz-failures'),
};

export async function fuzz(opts: FuzzOptions): Promise<FuzzStats> {
  const seeds = loadSeeds();
  // tmpfs when there is one: every case fsyncs three files, which costs disk time, not test value.
  const work = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `pagetrace-fuzz-${process.pid}-${threadId}`);
  mkdirSync(work, { recursive: true });
  const stats: FuzzStats = { cases: 0, accepted: 0, rejected: 0, compared: 0, failures: [], rejectReasons: {} };
  try {
    for (let i = opts.first ?? 0; i < opts.cases; i++) {
      const c = makeCase(seeds, opts.seed, i);
      opts.onCase?.(i, 'start', stats);
      const failure = await runCase(c, work, opts, stats);
      stats.cases++;
      if (failure !== null) {
        mkdirSync(opts.failuresDir, { recursive: true });
        const savedAs = join(opts.failuresDir, `seed${opts.seed}-case${i}.txt`);
        writeFileSync(savedAs, c.bytes);
        stats.failures.push({ ...failure, description: c.description, savedAs });
        if (failure.kind === 'hang') break; // the hung call cannot be cancelled in-process
      }
      opts.onCase?.(i, 'end', stats);
      if ((i + 1) % 1000 === 0) opts.onProgress?.(i + 1, stats);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return stats;
}

type Problem = Omit<FuzzFailure, 'description' | 'savedAs'>;

async function runCase(c: FuzzCase, work: string, opts: FuzzOptions, stats: FuzzStats): Promise<Problem | null> {
  const input = join(work, 'input.txt');
  writeFileSync(input, c.bytes);
  const runDir = join(work, 'run');
  const first = await ingestWithLimit(input, runDir, c.workers, c.chunkBytes, c.batchRows, opts.timeoutMs);
  if (first.kind !== 'ok') {
    if (first.kind === 'rejected') {
      const msg = first.message;
      if (msg.includes('\n') || !msg.startsWith(input)) return { kind: 'message', detail: `error not one line naming the file: ${msg}` };
      stats.rejected++;
      const reason = msg.slice(input.length).replace(/^:\d+/, '').replace(/\d+/g, 'N');
      stats.rejectReasons[reason] = (stats.rejectReasons[reason] ?? 0) + 1;
      return null;
    }
    return { kind: first.kind, detail: first.message };
  }
  stats.accepted++;
  const meta = first.meta;
  const problem = accountingProblem(meta, c.bytes) ?? tablesProblem(meta, runDir);
  if (problem !== null) return problem;
  if (stats.accepted % opts.compareEvery !== 0) return null;
  stats.compared++;
  const before = snapshot(runDir);
  const other = join(work, 'run2');
  const again = await ingestWithLimit(input, other, c.workers === 1 ? 2 : 1, c.chunkBytes === 64 ? 1 << 20 : 64, c.batchRows, opts.timeoutMs);
  if (again.kind !== 'ok') return { kind: again.kind === 'hang' ? 'hang' : 'determinism', detail: `second ingest: ${again.message}` };
  const after = snapshot(other);
  for (const k of Object.keys(before) as Array<keyof typeof before>) {
    if (before[k] !== after[k]) return { kind: 'determinism', detail: `${k} differs between workers/chunk sizes` };
  }
  return null;
}

type Outcome = { kind: 'ok'; meta: RunMeta; message: '' } | { kind: 'rejected' | 'crash' | 'hang'; message: string };

async function ingestWithLimit(input: string, outDir: string, workers: number, chunkBytes: number, batchRows: number, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Outcome>((resolve) => { timer = setTimeout(() => resolve({ kind: 'hang', message: `no result after ${timeoutMs} ms` }), timeoutMs); });
  const run = ingestTrace({ input, outDir, workers, chunkBytes, batchRows }).then(
    (r): Outcome => ({ kind: 'ok', meta: r.meta, message: '' }),
    (e: unknown): Outcome => (isPagetraceError(e) ? { kind: 'rejected', message: e.message } : { kind: 'crash', message: String((e as Error)?.stack ?? e) }),
  );
  try { return await Promise.race([run, limit]); } finally { clearTimeout(timer); }
}

export function accountingProblem(meta: RunMeta, bytes: Uint8Array): Problem | null {
  const l = meta.lines;
  const sum = l.events + l.stack_lines + l.header_lines + l.markers + l.skipped;
  if (l.lines_in !== sum) return { kind: 'accounting', detail: `lines_in ${l.lines_in} != events+stack+header+markers+skipped ${sum}` };
  const want = expectedLines(bytes);
  if (meta.format.frontend !== 'csv' && l.lines_in !== want) return { kind: 'accounting', detail: `lines_in ${l.lines_in}, the input has ${want} lines` };
  const bySum = Object.values(l.skipped_by_reason).reduce((s, r) => s + r.count, 0);
  if (bySum !== l.skipped) return { kind: 'accounting', detail: `skipped ${l.skipped} != sum by reason ${bySum}` };
  for (const [reason, r] of Object.entries(l.skipped_by_reason)) {
    if (r.first_lines.some((n) => n < 1 || n > l.lines_in)) return { kind: 'accounting', detail: `"${reason}" names a line outside 1..${l.lines_in}` };
  }
  return null;
}

function tablesProblem(meta: RunMeta, runDir: string): Problem | null {
  const events = tableFromIPC(readFileSync(join(runDir, RUN_FILES.events)));
  const stacks = tableFromIPC(readFileSync(join(runDir, RUN_FILES.stacks)));
  if (events.numRows !== meta.lines.events) return { kind: 'tables', detail: `events.arrow has ${events.numRows} rows, meta.json says ${meta.lines.events}` };
  if (stacks.numRows !== meta.stacks.count) return { kind: 'tables', detail: `stacks.arrow has ${stacks.numRows} rows, meta.json says ${meta.stacks.count}` };
  const ids = events.getChild('stack_id');
  const lines = events.getChild('line');
  let prev = 0n;
  for (let i = 0; i < events.numRows; i++) {
    const s = ids?.get(i) as number | null;
    if (s !== null && (s < 0 || s >= stacks.numRows)) return { kind: 'tables', detail: `row ${i}: stack_id ${s} not in stacks.arrow` };
    const line = BigInt(lines?.get(i) as bigint | number);
    if (line <= prev || line > BigInt(meta.lines.lines_in)) return { kind: 'tables', detail: `row ${i}: line ${line} out of order or range` };
    prev = line;
  }
  return null;
}

/** The run's outputs as compared across runs: tables byte for byte, meta.json without timings. */
export function snapshot(runDir: string): { events: string; stacks: string; meta: string } {
  const hex = (f: string): string => readFileSync(join(runDir, f)).toString('base64');
  const meta = JSON.parse(readFileSync(join(runDir, RUN_FILES.meta), 'utf8')) as Partial<RunMeta>;
  // Timings (seconds, workers used) are the only fields allowed to differ.
  delete meta.timings;
  return { events: hex(RUN_FILES.events), stacks: hex(RUN_FILES.stacks), meta: JSON.stringify(meta) };
}

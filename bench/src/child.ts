/**
 * One measurement in its own process, so its peak RSS is its own:
 *   node bench/dist/child.js <task> '<json options>'
 * prints one JSON line: {ok, seconds, maxRssBytes, ...task figures} or
 * {ok:false, unavailable} when the library function does not exist (yet), or {ok:false, error}.
 *
 * The pagetrace libraries are looked up at run time by name, so the bench builds and says
 * "not available" for a stage whose API has not landed instead of faking a number.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readlineBaseline } from './baseline-readline.js';
import { replayFloor } from './baseline-replay.js';
import { RUN_FILES } from '@pagetrace/ingest';
import type { Format } from './templates.js';

export type TaskName = 'readline' | 'ingest' | 'replay' | 'replay-floor' | 'duckdb' | 'check';

export interface TaskOptions {
  input?: string;
  format?: Format;
  outDir?: string;
  runDir?: string;
  workers?: number;
}

export type ChildReport =
  | ({ ok: true; seconds: number; cpuSeconds: number; maxRssBytes: number } & Record<string, unknown>)
  | { ok: false; unavailable?: string; error?: string };

class Unavailable extends Error {}

type AnyFn = (...args: unknown[]) => unknown;

/** A named export of a workspace package, or Unavailable. */
async function api(pkg: string, ...names: string[]): Promise<AnyFn> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pkg)) as Record<string, unknown>;
  } catch (e) {
    throw new Unavailable(`${pkg} cannot be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  for (const name of names) if (typeof mod[name] === 'function') return mod[name] as AnyFn;
  throw new Unavailable(`${pkg} has no ${names.join(' / ')}()`);
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`missing option ${what}`);
  return v;
}

interface MetaSummary { events: number; lines: number; skipped: number; stack_lines: number }

function metaSummary(runDir: string): MetaSummary {
  const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as { lines: { lines_in: number; events: number; skipped: number; stack_lines: number } };
  return { events: meta.lines.events, lines: meta.lines.lines_in, skipped: meta.lines.skipped, stack_lines: meta.lines.stack_lines };
}

/** The facts of replay.json worth keeping with a measurement (anomalies by severity and kind, pages). */
function replaySummary(runDir: string): Record<string, unknown> {
  try {
    const r = JSON.parse(readFileSync(join(runDir, 'replay.json'), 'utf8')) as Record<string, unknown> & { totals?: Record<string, unknown>; profile?: { name?: string } };
    return { by_severity: r.totals?.by_severity, by_kind: r.totals?.by_kind, pages_touched: r.pages_touched, profile: r.profile?.name, timings: r.timings };
  } catch {
    return {};
  }
}

const TASKS: Record<TaskName, (o: TaskOptions) => Promise<Record<string, unknown>>> = {
  async readline(o) {
    const r = await readlineBaseline(need(o.input, 'input'), need(o.format, 'format'));
    return { bytes: r.bytes, lines: r.lines, events: r.events, stackLines: r.stackLines, otherLines: r.otherLines };
  },

  async ingest(o) {
    const ingestTrace = await api('@pagetrace/ingest', 'ingestTrace');
    const outDir = need(o.outDir, 'outDir');
    await ingestTrace({ input: need(o.input, 'input'), outDir, workers: o.workers ?? 1 });
    return { ...metaSummary(outDir) };
  },

  async replay(o) {
    const replayRun = await api('@pagetrace/replay', 'replayRun');
    const runDir = need(o.runDir, 'runDir');
    await replayRun(runDir);
    return { events: metaSummary(runDir).events, replay: replaySummary(runDir) };
  },

  async 'replay-floor'(o) {
    const r = await replayFloor(join(need(o.runDir, 'runDir'), RUN_FILES.events));
    return { events: r.events, pages: r.pages, countMismatches: r.countMismatches };
  },

  async duckdb(o) {
    const openRunDb = await api('@pagetrace/report', 'openRunDb');
    const runDir = need(o.runDir, 'runDir');
    const started = performance.now();
    const db = (await openRunDb(runDir)) as { all(sql: string): Promise<Array<Record<string, unknown>>>; close(): void };
    const opened = performance.now();
    // A load is done when every row can be answered: scan all rows over several columns.
    const rows = await db.all('SELECT count(*) AS n, count(DISTINCT event) AS events, sum(pfn) AS pfn_sum, max(ts_ns) AS last_ts FROM events');
    const scanned = performance.now();
    db.close();
    return { rows: Number(rows[0]?.n ?? 0), openSeconds: (opened - started) / 1000, scanSeconds: (scanned - opened) / 1000 };
  },

  async check(o) {
    const checkTrace = await api('@pagetrace/report', 'checkTrace');
    const outDir = need(o.outDir, 'outDir');
    const result = await checkTrace(need(o.input, 'input'), { outDir });
    return { events: metaSummary(outDir).events, result: typeof result === 'object' ? summarizeCheck(result) : result };
  },
};

/** The small facts of a check result (verdict, counts, data quality, stage timings). */
function summarizeCheck(result: unknown): unknown {
  if (result === null) return null;
  const r = result as Record<string, unknown>;
  const keep = ['verdict', 'exit_code', 'counts', 'data_quality', 'timings', 'profile'];
  return Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]]));
}

/** Package each task calls: imported before the clock starts, so module loading is not timed. */
const TASK_PACKAGE: Partial<Record<TaskName, string>> = { ingest: '@pagetrace/ingest', replay: '@pagetrace/replay', duckdb: '@pagetrace/report', check: '@pagetrace/report' };

export async function runTask(task: TaskName, opts: TaskOptions): Promise<ChildReport> {
  const fn = TASKS[task];
  if (!fn) return { ok: false, error: `unknown task ${task}` };
  const pkg = TASK_PACKAGE[task];
  if (pkg) await import(pkg).catch(() => undefined); // a failure is reported by api() below
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  try {
    const figures = await fn(opts);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore); // all threads of the process, user + system
    return { ok: true, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...figures };
  } catch (e) {
    if (e instanceof Unavailable) return { ok: false, unavailable: e.message };
    return { ok: false, error: (e as Error).message.split('\n')[0] ?? String(e) };
  }
}

async function main(): Promise<void> {
  const [task, json] = process.argv.slice(2);
  const report = await runTask(task as TaskName, JSON.parse(json ?? '{}') as TaskOptions);
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
}

if (process.argv[1]?.endsWith('child.js')) await main();

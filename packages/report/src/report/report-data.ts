/**
 * The data behind the report: every figure and table is one .sql file of packages/report/sql,
 * run over the run's DuckDB views. Only aggregates and the drawn points leave DuckDB, so a run
 * of millions of events still gives a small, responsive page.
 */
import { readFile } from 'node:fs/promises';
import type { JsonTable } from '../db/json-safe.js';
import type { RunDb } from '../db/run-db.js';
import { queryTable } from '../query/query.js';

/** Queries whose result the page shows, in page order. */
export const REPORT_QUERIES = [
  'summary', 'run_facts', 'line_accounting', 'skipped_lines', 'unreadable_fields', 'lost_events', 'timeline',
  'anomalies_by_kind', 'anomalies', 'worst_pages', 'page_series', 'page_window',
  'top_tasks', 'top_stacks', 'dist_lifetime', 'dist_pins', 'dist_refmax', 'profile', 'event_counts',
] as const;

export type ReportQuery = (typeof REPORT_QUERIES)[number];

export interface ReportData {
  schema: 'pagetrace-report-data';
  version: 1;
  tool: string;
  run_dir: string;
  tables: Record<ReportQuery, JsonTable>;
}

export const sqlUrl = (name: string): URL => new URL(`../../sql/${name}.sql`, import.meta.url);

export async function readReportSql(name: string): Promise<string> {
  return readFile(sqlUrl(name), 'utf8');
}

/**
 * Temp tables the report's queries read, each a .sql file run once, in this order: the
 * per-tracepoint, per-task and per-pfn groups of events (one scan of events for event_stats
 * and event_counts instead of one each), the event-wide figures, the events per time bucket,
 * and the worst pages (the page queries join it).
 */
const EVENT_TEMP_TABLES = [
  ['report_event_groups', 'event_groups'], ['report_event_stats', 'event_stats'], ['report_event_buckets', 'event_buckets'],
] as const;
const REPLAY_TEMP_TABLES = [['report_worst_pages', 'worst_pages']] as const;

/**
 * Queries that read only what ingest wrote (events, meta): `check` runs them while replay is
 * still running in another thread. The others need anomalies.arrow, pages.arrow or replay.json.
 */
const EVENT_QUERIES: readonly ReportQuery[] = ['run_facts', 'line_accounting', 'skipped_lines', 'unreadable_fields', 'event_counts', 'dist_lifetime'];

async function createTempTables(db: RunDb, tables: readonly (readonly [string, string])[]): Promise<void> {
  for (const [table, sqlName] of tables) await db.conn.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${await readReportSql(sqlName)}`);
}

/** The temp tables every report query may read (tests that run one query use this too). */
export async function prepareReportTables(db: RunDb): Promise<void> {
  await createTempTables(db, EVENT_TEMP_TABLES);
  await createTempTables(db, REPLAY_TEMP_TABLES);
}

export interface CollectOptions {
  /**
   * Replay is still running (check): the events-only queries run first, then this promise is
   * awaited and the replay tables are attached (RunDb.attachReplay) before the others run.
   */
  replayDone?: Promise<unknown>;
}

/** Runs the report's queries (in two phases: what ingest wrote, then what replay wrote). */
export async function collectReportData(db: RunDb, tool: string, opts: CollectOptions = {}): Promise<ReportData> {
  const results = new Map<ReportQuery, JsonTable>();
  const run = async (name: ReportQuery): Promise<void> => {
    const sql = name === 'worst_pages' ? 'SELECT * FROM report_worst_pages' : await readReportSql(name);
    results.set(name, await queryTable(db, sql, `report query sql/${name}.sql`));
  };
  await createTempTables(db, EVENT_TEMP_TABLES);
  for (const name of EVENT_QUERIES) await run(name);
  if (opts.replayDone !== undefined) {
    await opts.replayDone;
    await db.attachReplay();
  }
  await createTempTables(db, REPLAY_TEMP_TABLES);
  for (const name of REPORT_QUERIES) if (!results.has(name)) await run(name);
  // In page order, whatever order they ran in: the JSON inside the page stays byte-identical.
  const tables = {} as Record<ReportQuery, JsonTable>;
  for (const name of REPORT_QUERIES) tables[name] = results.get(name) as JsonTable;
  return { schema: 'pagetrace-report-data', version: 1, tool, run_dir: db.runDir, tables };
}

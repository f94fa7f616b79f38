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

/** Runs the report's queries. `worst_pages` also becomes a temp table the page queries join. */
export async function collectReportData(db: RunDb, tool: string): Promise<ReportData> {
  const worstSql = await readReportSql('worst_pages');
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE report_worst_pages AS ${worstSql}`);
  const tables = {} as Record<ReportQuery, JsonTable>;
  for (const name of REPORT_QUERIES) {
    const sql = name === 'worst_pages' ? 'SELECT * FROM report_worst_pages' : await readReportSql(name);
    tables[name] = await queryTable(db, sql, `report query sql/${name}.sql`);
  }
  return { schema: 'pagetrace-report-data', version: 1, tool, run_dir: db.runDir, tables };
}

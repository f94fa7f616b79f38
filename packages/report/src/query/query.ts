/**
 * `pagetrace query`: SQL over a run directory. One statement's result (the last one when
 * several are given) as text; with no SQL, the tables and their columns.
 */
import { PagetraceError } from '@pagetrace/ingest';
import { jsonSafeTable, type JsonTable } from '../db/json-safe.js';
import { openRunDb, type OpenRunDbOptions, type RunDb } from '../db/run-db.js';
import { formatResult, type OutputFormat } from '../format/formats.js';

export interface QueryOptions {
  format?: OutputFormat;
  allowWrite?: boolean;
}

export interface TableInfo {
  name: string;
  rows: number;
  columns: { name: string; type: string }[];
}

export async function withRunDb<T>(runDir: string, opts: OpenRunDbOptions, use: (db: RunDb) => Promise<T>): Promise<T> {
  const db = await openRunDb(runDir, opts);
  try { return await use(db); } finally { db.close(); }
}

/** Runs `sql` and returns the result; DuckDB's message becomes a one-line PagetraceError. */
export async function queryTable(db: RunDb, sql: string, what = 'query'): Promise<JsonTable> {
  try {
    return jsonSafeTable(await db.conn.runAndReadAll(sql));
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new PagetraceError(`${what} failed: ${first}`);
  }
}

export async function runQuery(runDir: string, sql: string, opts: QueryOptions = {}): Promise<string> {
  return withRunDb(runDir, opts, async (db) => formatResult(await queryTable(db, sql), opts.format ?? 'table'));
}

export async function describeTables(db: RunDb): Promise<TableInfo[]> {
  const columns = await db.all(
    `SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name, ordinal_position`);
  const infos: TableInfo[] = [];
  for (const name of db.tables) {
    const [count] = await db.all(`SELECT count(*) AS n FROM "${name}"`);
    infos.push({
      name,
      rows: Number(count?.n ?? 0),
      columns: columns.filter((c) => c.table_name === name)
        .map((c) => ({ name: String(c.column_name), type: String(c.data_type).startsWith('ENUM(') ? 'ENUM (text)' : String(c.data_type) })),
    });
  }
  return infos;
}

export async function listTables(runDir: string): Promise<TableInfo[]> {
  return withRunDb(runDir, {}, describeTables);
}

/** The table listing as text in the requested format (one row per column). */
export function formatTableList(infos: TableInfo[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(infos, null, 2) + '\n';
  const rows = infos.flatMap((t) => t.columns.map((c) => [t.name, t.rows, c.name, c.type]));
  return formatResult({ columns: ['table', 'rows', 'column', 'type'], rows }, format);
}

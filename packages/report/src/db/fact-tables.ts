/**
 * meta.json and replay.json as small SQL tables, so data quality and the replay's choices are
 * queryable like everything else:
 *   meta(key, value)                 every leaf of meta.json, key = dotted path, value = JSON text
 *   line_accounting(category, lines) where every input line went
 *   skipped_lines(reason, lines, first_lines)
 *   unreadable_fields(event, events, first_lines)  events kept with a field that could not be read
 *   lost_events(cpu, line, count, kind)
 *   replay_facts(key, value)         every leaf of replay.json
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PagetraceError, RUN_FILES, type RunMeta } from '@pagetrace/ingest';
import { quoteLiteral } from './arrow-columns.js';

type SqlCell = string | number | null;

export async function readJsonFile<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    throw new PagetraceError(`cannot read JSON: ${(e as Error).message}`, { file: path });
  }
}

/** The fact tables of meta.json (what ingest wrote). */
export async function loadMetaFactTables(conn: DuckDBConnection, dir: string): Promise<string[]> {
  const tables: string[] = [];
  const metaPath = join(dir, RUN_FILES.meta);
  const meta = existsSync(metaPath) ? await readJsonFile<RunMeta>(metaPath) : null;
  await createFactTable(conn, 'meta', 'key VARCHAR, value VARCHAR', meta ? flatten(meta) : []);
  const lines = meta?.lines;
  await createFactTable(conn, 'line_accounting', 'category VARCHAR, lines BIGINT', lines
    ? (['events', 'stack_lines', 'header_lines', 'markers', 'skipped'] as const).map((c) => [c, lines[c] ?? 0])
    : []);
  await createFactTable(conn, 'skipped_lines', 'reason VARCHAR, lines BIGINT, first_lines VARCHAR',
    Object.entries(lines?.skipped_by_reason ?? {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, r]) => [reason, r.count, r.first_lines.join(' ')]));
  await createFactTable(conn, 'unreadable_fields', 'event VARCHAR, events BIGINT, first_lines VARCHAR',
    Object.entries(lines?.unreadable_fields ?? {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([event, r]) => [event, r.count, r.first_lines.join(' ')]));
  await createFactTable(conn, 'lost_events', 'cpu INTEGER, line UBIGINT, count BIGINT, kind VARCHAR',
    (meta?.lost_events ?? []).map((m) => [m.cpu, m.line, m.count, m.kind]));
  tables.push('meta', 'line_accounting', 'skipped_lines', 'unreadable_fields', 'lost_events');
  return tables;
}

/** replay_facts from replay.json (empty when the run was not replayed). */
export async function loadReplayFactTable(conn: DuckDBConnection, dir: string): Promise<string> {
  const replayPath = join(dir, RUN_FILES.replay);
  const replay = existsSync(replayPath) ? await readJsonFile<Record<string, unknown>>(replayPath) : null;
  await createFactTable(conn, 'replay_facts', 'key VARCHAR, value VARCHAR', replay ? flatten(replay) : []);
  return 'replay_facts';
}

async function createFactTable(conn: DuckDBConnection, name: string, columns: string, rows: SqlCell[][]): Promise<void> {
  await conn.run(`CREATE TABLE ${name} (${columns})`);
  if (rows.length === 0) return;
  const values = rows.map((row) => `(${row.map(sqlLiteral).join(', ')})`).join(',\n');
  await conn.run(`INSERT INTO ${name} VALUES ${values}`);
}

function sqlLiteral(cell: SqlCell): string {
  if (cell === null) return 'NULL';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : 'NULL';
  return quoteLiteral(cell);
}

/** Leaves of a JSON document as [dotted.path, JSON text] (arrays of scalars stay one leaf). */
export function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  return [[prefix, typeof value === 'string' ? value : JSON.stringify(value ?? null)]];
}

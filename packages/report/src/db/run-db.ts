/**
 * A run directory as a DuckDB database: the Arrow tables of ingest and replay become tables
 * `events`, `stacks`, `anomalies`, `pages`; meta.json and replay.json become small fact tables.
 * The Arrow tables are views that scan the Arrow buffers in place (see arrow-scan.ts), read
 * from the files column by column as queries first need them (arrow-file.ts); the database is
 * in memory, so nothing is written next to the run. A run that was not replayed
 * (or a trace without stacks) gets empty `anomalies`, `pages` and `stacks` views of the right shape, so every query still runs.
 *
 * After loading, file access is switched off and the configuration locked, so a query cannot
 * read `/etc/passwd` or `COPY ... TO` anywhere unless the caller asked for `allowWrite`.
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PagetraceError, RUN_FILES, STACK_COLUMNS, type ColumnSpec } from '@pagetrace/ingest';
import { openArrowFileLazily, type LazyArrowFile } from './arrow-file.js';
import { registerArrowTable } from './arrow-scan.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS } from './replay-tables.js';
import { tableOf } from './rows-table.js';
import { loadMetaFactTables, loadReplayFactTable } from './fact-tables.js';
import { jsonSafeRows, type JsonRow } from './json-safe.js';

export interface OpenRunDbOptions {
  /** Let queries read and write files anywhere (COPY ... TO, read_csv of any path). */
  allowWrite?: boolean;
  /**
   * Replay is running on this run directory right now (check): open only what ingest wrote;
   * anomalies, pages and replay_facts come with attachReplay() once replay is done.
   */
  replayPending?: boolean;
}

/** Opening a table: its file's metadata (the columns are read when a scan first needs them). */
export interface LoadTiming {
  table: string;
  rows: number;
  seconds: number;
}

export interface RunDb {
  readonly runDir: string;
  readonly conn: DuckDBConnection;
  /** Tables loaded from the run directory, in load order. */
  readonly tables: string[];
  readonly loadTimings: LoadTiming[];
  /** Rows as JSON-safe objects (BIGINT within 2^53 as numbers, beyond as strings). */
  all(sql: string): Promise<JsonRow[]>;
  /** Load anomalies, pages and replay_facts (opened with replayPending; otherwise a no-op). */
  attachReplay(): Promise<void>;
  close(): void;
}

/** Arrow tables of a run directory, the view each becomes, and its shape when absent. */
const INGEST_TABLES = [
  ['events', RUN_FILES.events, null],
  ['stacks', RUN_FILES.stacks, STACK_COLUMNS],
] as const;
const REPLAY_TABLES = [
  ['anomalies', RUN_FILES.anomalies, ANOMALY_COLUMNS],
  ['pages', RUN_FILES.pages, PAGE_COLUMNS],
] as const;

type ArrowTableSpec = readonly [string, string, readonly ColumnSpec[] | null];

export async function openRunDb(runDir: string, opts: OpenRunDbOptions = {}): Promise<RunDb> {
  const dir = resolve(runDir);
  await assertRunDir(dir, opts.replayPending === true);
  const db = await duckdb.open(':memory:');
  const raw = await duckdb.connect(db);
  const conn = new DuckDBConnection(raw);
  const files: LazyArrowFile[] = [];
  const close = (): void => {
    duckdb.disconnect_sync(raw);
    duckdb.close_sync(db);
    for (const file of files.splice(0)) file.close();
  };
  try {
    const tables: string[] = [];
    const loadTimings: LoadTiming[] = [];
    const loadArrow = async (specs: readonly ArrowTableSpec[]): Promise<void> => {
      for (const [name, file, columnsWhenAbsent] of specs) {
        const path = join(dir, file);
        const present = existsSync(path);
        if (!present && !columnsWhenAbsent) continue;
        const started = performance.now();
        const arrowFile = present ? openArrowFile(path) : null;
        if (arrowFile) files.push(arrowFile);
        const table = arrowFile?.table ?? tableOf(columnsWhenAbsent!, []);
        await registerArrowTable(raw, conn, name, table, arrowFile?.loadBatch);
        loadTimings.push({ table: name, rows: table.numRows, seconds: (performance.now() - started) / 1000 });
        tables.push(name);
      }
    };
    await loadArrow(INGEST_TABLES);
    if (!opts.replayPending) await loadArrow(REPLAY_TABLES);
    tables.push(...await loadMetaFactTables(conn, dir));
    if (!opts.replayPending) tables.push(await loadReplayFactTable(conn, dir));
    // For a small left side DuckDB runs an ASOF join as a loop that rescans the right side
    // (here: the events, produced by JS) once per row; the sort-merge ASOF join scans it once.
    await conn.run('SET asof_loop_join_threshold = 0');
    // While replay runs in another thread it needs a core of its own: DuckDB's extra threads
    // would take it (measured on 2 cores: replay 4.5 s beside the report instead of 3.3 s on
    // 1 GB), and gain little here, where every scan of events is one JS table function anyway.
    if (opts.replayPending) await conn.run('SET threads = 1');
    if (!opts.allowWrite) await lockDown(conn, dir);
    let replayAttached = !opts.replayPending;
    return {
      runDir: dir, conn, tables, loadTimings, close,
      all: async (sql) => jsonSafeRows(await conn.runAndReadAll(sql)),
      // Files are read by JS (not DuckDB), so this works after lockDown too.
      attachReplay: async () => {
        if (replayAttached) return;
        replayAttached = true;
        await loadArrow(REPLAY_TABLES);
        tables.push(await loadReplayFactTable(conn, dir));
      },
    };
  } catch (e) {
    close();
    throw e;
  }
}

async function assertRunDir(dir: string, replayPending: boolean): Promise<void> {
  const s = await stat(dir).catch(() => null);
  if (!s?.isDirectory()) throw new PagetraceError('not a run directory (run `pagetrace ingest` or `pagetrace check` first)', { file: dir });
  if (!existsSync(join(dir, RUN_FILES.events))) {
    throw new PagetraceError(`no ${RUN_FILES.events} here: not a run directory (run \`pagetrace ingest\` first)`, { file: dir });
  }
  // Ingest writes meta.json last (and removes an older one first): without it the tables may
  // be half old, half new, from an interrupted ingest.
  if (!existsSync(join(dir, RUN_FILES.meta))) {
    throw new PagetraceError(`no ${RUN_FILES.meta} here: an incomplete run (interrupted ingest?); run \`pagetrace ingest\` again`, { file: dir });
  }
  // Likewise replay writes replay.json last: anomalies without it may mix two replays
  // (unless replay is running right now; its tables are read once it is done).
  if (!replayPending && (existsSync(join(dir, RUN_FILES.anomalies)) || existsSync(join(dir, RUN_FILES.pages))) && !existsSync(join(dir, RUN_FILES.replay))) {
    throw new PagetraceError(`no ${RUN_FILES.replay} beside ${RUN_FILES.anomalies}: an incomplete replay (interrupted?); run \`pagetrace replay\` again`, { file: dir });
  }
}

/** The file's metadata now, its columns when a query first scans them (arrow-file.ts). */
function openArrowFile(path: string): LazyArrowFile {
  let file: LazyArrowFile;
  try {
    file = openArrowFileLazily(path);
  } catch (e) {
    throw new PagetraceError(`cannot read Arrow table: ${(e as Error).message}`, { file: path });
  }
  // Arrow JS reads a non-Arrow file (e.g. text written over it) as a table with no columns.
  if (file.table.schema.fields.length === 0) {
    file.close();
    throw new PagetraceError('cannot read Arrow table: not an Arrow IPC file (no columns)', { file: path });
  }
  return file;
}

/**
 * No file access at all once the tables are loaded (they are in memory), and no way to switch
 * it back on. Not even the run directory stays writable: `COPY ... TO 'run/events.arrow'`
 * would otherwise overwrite a table in place, non-atomically, breaking the run.
 */
async function lockDown(conn: DuckDBConnection, _dir: string): Promise<void> {
  await conn.run('SET enable_external_access = false');
  await conn.run('SET lock_configuration = true');
}

import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@pagetrace/ingest/testing';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { formatTableList, listTables, runQuery } from './query.js';

let work = '';
let run = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pagetrace-query-'));
  run = await writeSyntheticRun(join(work, 'run'), {
    events: [
      { line: 3, ts_ns: 9_007_199_254_740_993n, cpu: 1, pid: 42, comm: 'dd', event: 'mm_page_alloc', pfn: 0x1234, order: 0 },
      { line: 4, ts_ns: 9_007_199_254_740_994n, cpu: 1, pid: 42, comm: 'dd', event: 'page_ref_mod', pfn: 0x1234, count: 2, val: 1 },
    ],
  });
});
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'packages', 'cli', 'bin', 'run.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('runQuery', () => {
  it('answers in table, CSV and JSON; 64-bit values beyond 2^53 stay exact strings', async () => {
    const sql = 'SELECT line, ts_ns, comm, pfn FROM events ORDER BY line';
    expect(await runQuery(run, sql, { format: 'csv' })).toBe('line,ts_ns,comm,pfn\n3,9007199254740993,dd,4660\n4,9007199254740994,dd,4660\n');
    expect(JSON.parse(await runQuery(run, sql, { format: 'json' }))).toEqual([
      { line: 3, ts_ns: '9007199254740993', comm: 'dd', pfn: 4660 },
      { line: 4, ts_ns: '9007199254740994', comm: 'dd', pfn: 4660 },
    ]);
    expect(await runQuery(run, 'SELECT event, count(*) AS n FROM events GROUP BY 1 ORDER BY 1')).toBe(
      'event          n\n-------------  -\nmm_page_alloc  1\npage_ref_mod   1\n(2 rows)\n');
  });

  it('turns an SQL error into one line', async () => {
    await expect(runQuery(run, 'SELECT nope FROM events')).rejects.toThrow(/^query failed: Binder Error: [^\n]*nope[^\n]*$/);
  });

  it('lists every table with its columns and row count', async () => {
    const tables = await listTables(run);
    expect(tables.map((t) => t.name)).toEqual(['events', 'stacks', 'anomalies', 'pages', 'meta', 'line_accounting', 'skipped_lines', 'unreadable_fields', 'lost_events', 'replay_facts']);
    const events = tables.find((t) => t.name === 'events')!;
    expect(events.rows).toBe(2);
    expect(events.columns.slice(0, 6)).toEqual([
      { name: 'line', type: 'UBIGINT' }, { name: 'ts_ns', type: 'BIGINT' }, { name: 'cpu', type: 'USMALLINT' },
      { name: 'pid', type: 'INTEGER' }, { name: 'tgid', type: 'INTEGER' }, { name: 'comm', type: 'ENUM (text)' },
    ]);
    expect(formatTableList(tables, 'csv').split('\n')[1]).toBe('events,2,line,UBIGINT');
  });
});

describe('pagetrace query (CLI)', () => {
  it('cannot write or read outside the run directory without --allow-write', () => {
    const target = join(work, 'copied.csv');
    const copy = cli(['query', run, `COPY events TO '${target}'`]);
    expect(copy.status).toBe(2);
    expect(copy.stderr).toMatch(/^pagetrace: query failed: Permission Error: .*disabled by configuration\n$/);
    expect(existsSync(target)).toBe(false);
    const read = cli(['query', run, "SELECT * FROM read_csv('/etc/passwd')"]);
    expect(read.status).toBe(2);
    expect(read.stdout).toBe('');
    const allowed = cli(['query', run, '--allow-write', `COPY events TO '${target}'`]);
    expect(allowed.status).toBe(0);
    expect(existsSync(target)).toBe(true);
  });

  it('prints CSV, JSON and the table list', () => {
    expect(cli(['query', run, '--csv', 'SELECT count(*) AS n FROM events']).stdout).toBe('n\n2\n');
    expect(JSON.parse(cli(['query', run, '--json', 'SELECT comm FROM events LIMIT 1']).stdout)).toEqual([{ comm: 'dd' }]);
    expect(cli(['query', run]).stdout).toMatch(/^table +rows +column +type\n/);
    const sqlFile = join(work, 'q.sql');
    writeFileSync(sqlFile, '-- a comment first\nSELECT max(line) AS last FROM events');
    expect(cli(['query', run, '--csv', '-f', sqlFile]).stdout).toBe('last\n4\n');
  });
});

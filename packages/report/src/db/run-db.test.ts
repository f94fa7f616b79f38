import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table, tableToIPC } from 'apache-arrow';
import { EVENT_COLUMNS, RUN_FILES } from '@pagetrace/ingest';
import { openRunDb } from './run-db.js';
import { tableOf } from './rows-table.js';
import { syntheticMeta, writeSyntheticRun, type Row } from '../testing/synthetic-run.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pagetrace-rundb-'));
  dirs.push(d);
  return d;
}
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

const HOSTILE = '<img src=x onerror=alert(1)>';

function manyEvents(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    line: i + 1, ts_ns: 1_000_000_000_000 + i, cpu: i % 3, pid: 100 + (i % 7), tgid: i % 5 === 0 ? null : 100,
    comm: i % 11 === 0 ? HOSTILE : `task-${i % 4}`, event: i % 2 ? 'page_ref_mod' : 'mm_page_alloc',
    pfn: i % 13 === 0 ? null : 0x100000 + (i % 97), count: i % 2 ? i % 9 : null, val: i % 2 ? 1 : null,
    flags: i % 3 === 0 ? null : 'uptodate|lru', args: i % 17 === 0 ? `raw args ${i}` : null, stack_id: i % 19 === 0 ? 0 : null,
  }));
}

describe('openRunDb', () => {
  it('exposes every column of events.arrow with its values, nulls and dictionary text', async () => {
    const rows = manyEvents(5000);
    const dir = await writeSyntheticRun(await tempDir(), { events: rows, stacks: [{ stack_id: 0, frames: ['put_page', 'do_exit'] }] });
    const db = await openRunDb(dir);
    try {
      const [agg] = await db.all(`SELECT count(*) AS n, count(pfn) AS pfns, count(tgid) AS tgids, count(count) AS counts,
        count(flags) AS flags, count(args) AS args, sum(count) AS sum_count, max(ts_ns) AS max_ts,
        count(*) FILTER (WHERE comm = '${HOSTILE}') AS hostile FROM events`);
      const expectCount = (pred: (r: Row) => boolean): number => rows.filter(pred).length;
      expect(agg).toEqual({
        n: 5000,
        pfns: expectCount((r) => r.pfn !== null),
        tgids: expectCount((r) => r.tgid !== null),
        counts: expectCount((r) => r.count !== null),
        flags: expectCount((r) => r.flags !== null),
        args: expectCount((r) => r.args !== null),
        sum_count: rows.reduce((a, r) => a + Number(r.count ?? 0), 0),
        max_ts: 1_000_000_000_000 + 4999,
        hostile: expectCount((r) => r.comm === HOSTILE),
      });
      const some = await db.all('SELECT line, comm, event, pfn, args, flags FROM events WHERE line IN (1, 18, 4999) ORDER BY line');
      expect(some).toEqual([
        { line: 1, comm: HOSTILE, event: 'mm_page_alloc', pfn: null, args: 'raw args 0', flags: null },
        { line: 18, comm: 'task-1', event: 'page_ref_mod', pfn: 0x100000 + 17, args: 'raw args 17', flags: 'uptodate|lru' },
        { line: 4999, comm: 'task-2', event: 'mm_page_alloc', pfn: 0x100000 + (4998 % 97), args: 'raw args 4998', flags: null },
      ]);
      expect(await db.all('SELECT stack_id, frames FROM stacks')).toEqual([{ stack_id: 0, frames: ['put_page', 'do_exit'] }]);
      expect(db.tables).toEqual(expect.arrayContaining(['events', 'stacks', 'anomalies', 'pages', 'meta', 'line_accounting', 'lost_events']));
    } finally { db.close(); }
  });

  it('reads sliced record batches (unaligned offsets) and a dictionary with repeated strings', async () => {
    const dir = await tempDir();
    const whole = tableOf(EVENT_COLUMNS, manyEvents(6000));
    const batch = whole.batches[0]!;
    // 2999 is not a multiple of 8: the validity bits of the second batch start mid-byte.
    const sliced = new Table(whole.schema, [batch.slice(0, 2999), batch.slice(2999, 6000)]);
    await writeFile(join(dir, RUN_FILES.events), tableToIPC(sliced, 'file'));
    await writeFile(join(dir, RUN_FILES.meta), JSON.stringify(syntheticMeta(6000))); // a complete run has its meta.json
    const db = await openRunDb(dir);
    try {
      const rows = manyEvents(6000);
      const [agg] = await db.all('SELECT count(*) AS n, count(pfn) AS pfns, count(flags) AS flags, sum(line) AS lines FROM events');
      expect(agg).toEqual({ n: 6000, pfns: rows.filter((r) => r.pfn !== null).length, flags: rows.filter((r) => r.flags !== null).length, lines: (6000 * 6001) / 2 });
      const [row] = await db.all('SELECT comm, pfn, flags FROM events WHERE line = 3001');
      expect(row).toEqual({ comm: 'task-0', pfn: 0x100000 + (3000 % 97), flags: null });
    } finally { db.close(); }
  });

  it('locks queries out of the file system unless allowWrite', async () => {
    const dir = await writeSyntheticRun(await tempDir(), { events: manyEvents(10) });
    const outside = join(await tempDir(), 'leak.csv');
    const db = await openRunDb(dir);
    try {
      await expect(db.all(`COPY events TO '${outside}'`)).rejects.toThrow(/disabled by configuration/);
      await expect(db.all("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(/disabled by configuration/);
      await expect(db.all('SET enable_external_access = true')).rejects.toThrow(/locked/);
      await expect(db.all("ATTACH '/tmp/x.duckdb' AS x")).rejects.toThrow();
      expect(existsSync(outside)).toBe(false);
    } finally { db.close(); }
    const writable = await openRunDb(dir, { allowWrite: true });
    try {
      await writable.all(`COPY events TO '${outside}'`);
      expect(existsSync(outside)).toBe(true);
    } finally { writable.close(); }
  });

  it('names the directory when it is not a run', async () => {
    const dir = await tempDir();
    await expect(openRunDb(dir)).rejects.toThrow(new RegExp(`${dir}: no events.arrow`));
    await expect(openRunDb(join(dir, 'missing'))).rejects.toThrow(/not a run directory/);
  });

  it('gives a never-replayed run empty anomalies and pages tables', async () => {
    const dir = await writeSyntheticRun(await tempDir(), { events: manyEvents(3) });
    const db = await openRunDb(dir);
    try {
      expect(await db.all('SELECT count(*) AS n FROM anomalies')).toEqual([{ n: 0 }]);
      expect(await db.all('SELECT count(*) AS n FROM pages')).toEqual([{ n: 0 }]);
    } finally { db.close(); }
  });

  it('lists the events kept with an unreadable field (meta.lines.unreadable_fields) as a table', async () => {
    const lines = { lines_in: 3, events: 3, stack_lines: 0, header_lines: 0, markers: 0, skipped: 0, skipped_by_reason: {},
      unreadable_fields: { page_ref_mod: { count: 2, first_lines: [2, 3] } } };
    const dir = await writeSyntheticRun(await tempDir(), { events: manyEvents(3), meta: { lines } });
    const db = await openRunDb(dir);
    try {
      expect(await db.all('SELECT event, events, first_lines FROM unreadable_fields')).toEqual([
        { event: 'page_ref_mod', events: 2, first_lines: '2 3' },
      ]);
    } finally { db.close(); }
  });
});

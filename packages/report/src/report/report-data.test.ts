import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunDb } from '../db/run-db.js';
import { queryTable } from '../query/query.js';
import { writeSyntheticRun, type Row } from '../testing/synthetic-run.js';
import { prepareReportTables, readReportSql } from './report-data.js';

const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/**
 * The plain-SQL definitions event_groups.sql replaces (one scan of events for both): the
 * figures must stay exactly these, whatever the number of tracepoints.
 */
const PLAIN_EVENT_STATS = `SELECT count(*) AS events, count(DISTINCT pfn) AS pfns, count(DISTINCT comm) AS tasks,
  min(ts_ns) AS first_ts_ns, max(ts_ns) AS last_ts_ns FROM events`;
const PLAIN_EVENT_COUNTS = `SELECT event, count(*) AS events, count(DISTINCT pfn) AS pfns FROM events
  GROUP BY event ORDER BY events DESC, event`;

/**
 * 150 tracepoint names (ENUM codes in three blocks of 64), pfns shared between tracepoints,
 * null pfns, tracepoints whose events have no pfn at all, and ties in the event counts.
 */
function manyTracepoints(): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < 6000; i++) {
    const tracepoint = (i * 7) % 150;
    rows.push({
      line: i + 1, ts_ns: 9_000_000_000 - (i % 50) * 1000 + i, cpu: i % 2, pid: 10 + (i % 9), comm: `t${i % 13}`,
      event: `tp_${tracepoint}`, pfn: tracepoint % 10 === 9 || i % 17 === 0 ? null : 0x5000 + ((i * 31) % 211),
    });
  }
  return rows;
}

async function reportAndPlain(rows: Row[]): Promise<{ report: unknown[]; plain: unknown[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'pagetrace-reportdata-'));
  dirs.push(dir);
  await writeSyntheticRun(dir, { events: rows });
  const db = await openRunDb(dir);
  try {
    await prepareReportTables(db);
    return {
      report: [await queryTable(db, 'SELECT * FROM report_event_stats'), await queryTable(db, await readReportSql('event_counts'))],
      plain: [await queryTable(db, PLAIN_EVENT_STATS), await queryTable(db, PLAIN_EVENT_COUNTS)],
    };
  } finally { db.close(); }
}

describe('event-wide figures from one scan (event_groups.sql)', () => {
  it('equal the plain count(DISTINCT ...) queries with more than 64 tracepoints', async () => {
    const { report, plain } = await reportAndPlain(manyTracepoints());
    expect(report).toEqual(plain);
    const counts = plain[1] as { rows: unknown[][] };
    expect(counts.rows.length).toBe(150);
    expect(counts.rows.some((r) => r[2] === 0)).toBe(true);
  });

  it('equal them for a run without events', async () => {
    const { report, plain } = await reportAndPlain([]);
    expect(report).toEqual(plain);
    expect((plain[0] as { rows: unknown[][] }).rows).toEqual([[0, 0, 0, null, null]]);
  });
});

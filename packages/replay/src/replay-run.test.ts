import { describe, expect, it } from '@jest/globals';
import { RUN_FILES } from '@pagetrace/ingest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { replayRun } from './replay-run.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS } from './schema.js';
import { guestTrace, haveTraces, mutatedRun, readRows } from './testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('replayRun outputs', () => {
  it('same input -> byte-identical anomalies.arrow and pages.arrow, no temporaries left', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.duplicatePut());
    const dir = m.run.runDir;
    const first = [RUN_FILES.anomalies, RUN_FILES.pages].map((f) => readFileSync(join(dir, f)));
    await replayRun(dir);
    const second = [RUN_FILES.anomalies, RUN_FILES.pages].map((f) => readFileSync(join(dir, f)));
    expect(second[0]?.equals(first[0] as Buffer)).toBe(true);
    expect(second[1]?.equals(first[1] as Buffer)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('pagetrace-tmp'))).toEqual([]);
  });

  it('tables carry the schema.ts columns, replay.json the summary', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.getAfterFree());
    const anomalies = await readRows(join(m.run.runDir, RUN_FILES.anomalies));
    expect(Object.keys(anomalies[0] ?? {})).toEqual(ANOMALY_COLUMNS.map((c) => c.name));
    const pages = await readRows(join(m.run.runDir, RUN_FILES.pages));
    expect(Object.keys(pages[0] ?? {})).toEqual(PAGE_COLUMNS.map((c) => c.name));
    const pfns = pages.map((p) => p.pfn as bigint);
    expect([...pfns].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(pfns);
    expect(pages.reduce((n, p) => n + (p.anomalies as number), 0)).toBe(anomalies.filter((a) => a.pfn !== null).length);
    const json = JSON.parse(readFileSync(join(m.run.runDir, RUN_FILES.replay), 'utf8'));
    expect(json.totals.by_kind.ref_on_free_page.error).toBe(1);
    expect(json.events).toBe(m.run.summary.events);
    expect(json.timings.events_per_second).toBeGreaterThan(0);
  });
});

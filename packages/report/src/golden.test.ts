/**
 * Golden tests of the report's queries: fixture + SQL (a report .sql or the case's own) +
 * expected CSV. The fixture is golden/<case>/run.json (rows with the real table contracts) or
 * golden/<case>/trace.ref (a real trace of shared/traces, through the real ingest + replay).
 * UPDATE_GOLDEN=1 rewrites the CSVs (review the diff).
 */
import { describe, it, expect, afterAll } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestTrace } from '@pagetrace/ingest';
import { haveSharedTraces, sharedTracesDir } from '@pagetrace/ingest/testing';
import { replayRun } from '@pagetrace/replay';
import { openRunDb } from './db/run-db.js';
import { formatCsv } from './format/formats.js';
import { queryTable } from './query/query.js';
import { prepareReportTables, readReportSql } from './report/report-data.js';
import { writeSyntheticRun, type SyntheticRun } from './testing/synthetic-run.js';

const goldenDir = fileURLToPath(new URL('../golden/', import.meta.url));
const cases = readdirSync(goldenDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const temps: string[] = [];
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

/** One run directory per case, built on first use. */
const runs = new Map<string, Promise<string>>();
function runFor(name: string, caseDir: string): Promise<string> {
  let run = runs.get(name);
  if (!run) {
    run = (async () => {
      const dir = await mkdtemp(join(tmpdir(), `pagetrace-golden-${name}-`));
      temps.push(dir);
      const ref = join(caseDir, 'trace.ref');
      if (existsSync(ref)) {
        await ingestTrace({ input: join(sharedTracesDir(), (await readFile(ref, 'utf8')).trim()), outDir: dir });
        await replayRun(dir);
      } else {
        await writeSyntheticRun(dir, JSON.parse(await readFile(join(caseDir, 'run.json'), 'utf8')) as SyntheticRun);
      }
      return dir;
    })();
    runs.set(name, run);
  }
  return run;
}

describe.each(cases)('golden case %s', (name) => {
  const caseDir = join(goldenDir, name);
  const expectedFiles = readdirSync(caseDir).filter((f) => f.endsWith('.csv')).sort();

  it('has expectations', () => { expect(expectedFiles.length).toBeGreaterThan(0); });

  const needsTraces = existsSync(join(caseDir, 'trace.ref'));
  (needsTraces && !haveSharedTraces() ? it.skip.each(expectedFiles) : it.each(expectedFiles))('%s', async (csvFile) => {
    const query = csvFile.replace(/\.csv$/, '');
    const dir = await runFor(name, caseDir);
    const own = join(caseDir, `${query}.sql`);
    const sql = existsSync(own) ? await readFile(own, 'utf8') : await readReportSql(query);
    const db = await openRunDb(dir);
    try {
      await prepareReportTables(db);
      const actual = formatCsv(await queryTable(db, sql));
      const expectedPath = join(caseDir, csvFile);
      if (process.env.UPDATE_GOLDEN) await writeFile(expectedPath, actual);
      expect(actual).toBe(await readFile(expectedPath, 'utf8'));
    } finally { db.close(); }
  });
});

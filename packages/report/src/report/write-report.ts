/** `pagetrace report`: the run directory's HTML report, written atomically. */
import { resolve } from 'node:path';
import { writeFileAtomic } from '@pagetrace/ingest';
import { withRunDb } from '../query/query.js';
import { renderReportHtml } from './html.js';
import { collectReportData, type ReportData } from './report-data.js';
import { verdictOf, type Verdict } from './verdict.js';

export const REPORT_TOOL = 'pagetrace-report 0.1.0';

export interface WrittenReport {
  path: string;
  bytes: number;
  verdict: Verdict;
  data: ReportData;
}

export interface WriteReportOptions {
  /** Replay of the run is still running (check): see CollectOptions.replayDone. */
  replayDone?: Promise<unknown>;
}

export async function writeReport(runDir: string, outFile: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  const replayPending = opts.replayDone !== undefined;
  const data = await withRunDb(runDir, { replayPending }, (db) => collectReportData(db, REPORT_TOOL, { replayDone: opts.replayDone }));
  const html = await renderReportHtml(data);
  const path = resolve(outFile);
  await writeFileAtomic(path, html);
  const summary = data.tables.summary;
  const at = (name: string): number => Number(summary.rows[0]?.[summary.columns.indexOf(name)] ?? 0);
  return { path, bytes: Buffer.byteLength(html), verdict: verdictOf({ errors: at('errors'), warnings: at('warnings'), infos: at('infos') }), data };
}

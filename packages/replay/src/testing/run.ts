/**
 * Test helpers: ingest trace text (real or mutated) into a temporary run directory, replay it,
 * and read the outputs back as plain rows.
 */
import { ingestTrace } from '@pagetrace/ingest';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBatches } from '../replay-run.js';
import { replayRun } from '../replay-run.js';
import type { Anomaly, ReplayOptions, ReplaySummary } from '../types.js';

export interface ReplayedRun { runDir: string; summary: ReplaySummary; anomalies: Anomaly[] }

const SIDECARS = ['uname.txt', 'iomem.txt'];

/** Write `text` as trace.txt in a fresh directory, with the sidecars of `like` (a real trace path) beside it. */
export function writeTraceText(text: string, like?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pagetrace-replay-'));
  const path = join(dir, 'trace.txt');
  writeFileSync(path, text);
  if (like !== undefined) {
    for (const s of SIDECARS) {
      const src = join(dirname(like), s);
      if (existsSync(src)) copyFileSync(src, join(dir, s));
    }
  }
  return path;
}

export async function replayFile(input: string, opts: ReplayOptions = {}): Promise<ReplayedRun> {
  const runDir = mkdtempSync(join(tmpdir(), 'pagetrace-run-'));
  await ingestTrace({ input, outDir: runDir, workers: 1 });
  const summary = await replayRun(runDir, opts);
  return { runDir, summary, anomalies: await readAnomalies(runDir) };
}

export async function replayText(text: string, like?: string, opts: ReplayOptions = {}): Promise<ReplayedRun> {
  return replayFile(writeTraceText(text, like), opts);
}

export async function readAnomalies(runDir: string): Promise<Anomaly[]> {
  return (await readRows(join(runDir, 'anomalies.arrow'))) as unknown as Anomaly[];
}

export async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of readBatches(path)) {
    for (let i = 0; i < b.numRows; i++) out.push((b.get(i) as { toJSON(): Record<string, unknown> }).toJSON());
  }
  return out;
}

export const errorsOf = (r: ReplayedRun): Anomaly[] => r.anomalies.filter((a) => a.severity === 'error');

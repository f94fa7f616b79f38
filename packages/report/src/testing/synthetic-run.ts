/**
 * Writes a small run directory from rows, with the real table contracts, for the report's unit
 * and golden tests (cases that a real trace cannot show on demand: a hostile task name, an
 * anomaly at a chosen pfn). Real traces go through the real ingest + replay in other tests.
 */
import { tableToIPC } from 'apache-arrow';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_COLUMNS, RUN_FILES, STACK_COLUMNS, type RunMeta } from '@pagetrace/ingest';
import { tableOf, type Row } from '../db/rows-table.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS } from '../db/replay-tables.js';

export type { Row };

export interface SyntheticRun {
  events: Row[];
  stacks?: { stack_id: number; frames: string[] }[];
  anomalies?: Row[];
  pages?: Row[];
  meta?: Partial<RunMeta>;
  replay?: Record<string, unknown>;
}

export function syntheticMeta(events: number, extra: Partial<RunMeta> = {}): RunMeta {
  return {
    schema_version: 1,
    tool: 'synthetic-test',
    source: { path: 'synthetic.txt', size: 0, sha256: '', compression: 'none' },
    format: { frontend: 'ftrace', variant: 'synthetic' },
    clock: { kind: 'ns', fraction_digits: 6, name: null },
    lines: { lines_in: events, events, stack_lines: 0, header_lines: 0, markers: 0, skipped: 0, skipped_by_reason: {} },
    lost_events: [],
    event_counts: {},
    stacks: { count: 0, frames_total: 0 },
    header: null,
    kernel: null,
    memory_map: null,
    sidecar: null,
    timings: { seconds: 0, workers: 1 },
    ...extra,
  };
}

export async function writeSyntheticRun(dir: string, run: SyntheticRun): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, RUN_FILES.events), tableToIPC(tableOf(EVENT_COLUMNS, run.events), 'file'));
  await writeFile(join(dir, RUN_FILES.stacks), tableToIPC(tableOf(STACK_COLUMNS, run.stacks ?? []), 'file'));
  await writeFile(join(dir, RUN_FILES.meta), JSON.stringify(syntheticMeta(run.events.length, run.meta)));
  if (run.anomalies) await writeFile(join(dir, RUN_FILES.anomalies), tableToIPC(tableOf(ANOMALY_COLUMNS, run.anomalies), 'file'));
  if (run.pages) await writeFile(join(dir, RUN_FILES.pages), tableToIPC(tableOf(PAGE_COLUMNS, run.pages), 'file'));
  // A real replay always writes replay.json beside its tables (report refuses anomalies without it).
  if (run.replay || run.anomalies || run.pages) await writeFile(join(dir, RUN_FILES.replay), JSON.stringify(run.replay ?? {}));
  return dir;
}

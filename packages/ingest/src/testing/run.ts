/** Test helpers: ingest a text in a temporary run directory and read the tables back. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ingestTrace, type IngestOptions, type IngestResult } from '../ingest.js';
import { RUN_FILES } from '../schema.js';

export function tempDir(prefix = 'pagetrace-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TextRun extends IngestResult { events: Table; stacks: Table; input: string }

/** Write `text` (or bytes) to a file named `name` in a fresh directory and ingest it. */
export async function ingestText(text: string | Uint8Array, opts: Partial<IngestOptions> = {}, name = 'trace.txt'): Promise<TextRun> {
  const dir = tempDir();
  const input = join(dir, name);
  writeFileSync(input, text);
  const r = await ingestTrace({ input, outDir: join(dir, 'run'), workers: 1, ...opts });
  return { ...r, ...readRun(r.outDir), input };
}

export function readRun(runDir: string): { events: Table; stacks: Table } {
  return {
    events: tableFromIPC(readFileSync(join(runDir, RUN_FILES.events))),
    stacks: tableFromIPC(readFileSync(join(runDir, RUN_FILES.stacks))),
  };
}

export function column<T = unknown>(t: Table, name: string): T[] {
  const c = t.getChild(name);
  if (c === null) throw new Error(`no column ${name}`);
  return [...c] as T[];
}

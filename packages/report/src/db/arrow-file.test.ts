import { describe, it, expect, afterAll } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, type Table, type Vector } from 'apache-arrow';
import { EVENT_COLUMNS, RUN_FILES, STACK_COLUMNS, ingestTrace } from '@pagetrace/ingest';
import { fixture } from '@pagetrace/ingest/testing';
import { openArrowFileLazily, type LazyArrowFile } from './arrow-file.js';
import { tableOf } from './rows-table.js';

const dirs: string[] = [];
async function tempFile(name: string, bytes: Uint8Array | string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pagetrace-arrowfile-'));
  dirs.push(d);
  const path = join(d, name);
  await writeFile(path, bytes);
  return path;
}
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

/** The pin fixture ingested in batches of 500 rows: many record batches and delta dictionaries. */
async function ingestedEvents(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pagetrace-arrowfile-'));
  dirs.push(d);
  await ingestTrace({ input: fixture('guest-6.1', 'pin', 'trace.txt.zst'), outDir: d, workers: 1, batchRows: 500 });
  return join(d, RUN_FILES.events);
}

/** Every byte of the column's value buffers, over all batches. */
const valueBytes = (column: Vector | null): number[] =>
  (column?.data ?? []).flatMap((d) => [...new Uint8Array(d.values.buffer, d.values.byteOffset, d.values.byteLength)]);
/** These columns of every record batch read from disk (as a scan over all rows reads them). */
const loadAll = (file: LazyArrowFile, columns: readonly number[]): void => file.table.batches.forEach((_b, batch) => file.loadBatch(batch, columns));
const columnValues = (table: Table, i: number): unknown[] => [...(table.getChildAt(i) ?? [])].map((v) => (typeof v === 'bigint' ? String(v) : v?.toString?.() ?? v));

describe('openArrowFileLazily', () => {
  it('reads a column only when asked, and then exactly as a whole-file read gives it', async () => {
    const path = await ingestedEvents();
    const eager = tableFromIPC(await readFile(path));
    const file = openArrowFileLazily(path);
    try {
      expect(file.table.numRows).toBe(eager.numRows);
      expect(file.table.batches.length).toBeGreaterThan(3);
      const pfn = EVENT_COLUMNS.findIndex((c) => c.name === 'pfn');
      const count = EVENT_COLUMNS.findIndex((c) => c.name === 'count');
      // Not read yet: the buffer is still the zeros it was allocated with.
      expect(valueBytes(file.table.getChildAt(pfn)).some((b) => b !== 0)).toBe(false);
      expect(valueBytes(eager.getChildAt(pfn)).some((b) => b !== 0)).toBe(true);
      loadAll(file, [pfn]);
      expect(columnValues(file.table, pfn)).toEqual(columnValues(eager, pfn));
      expect(columnValues(file.table, count)).not.toEqual(columnValues(eager, count));
      loadAll(file, EVENT_COLUMNS.map((_c, i) => i));
      EVENT_COLUMNS.forEach((c, i) => expect([c.name, columnValues(file.table, i)]).toEqual([c.name, columnValues(eager, i)]));
    } finally { file.close(); }
  });

  it('reads list columns (stack frames) with their child buffers', async () => {
    const stacks = [{ stack_id: 0, frames: ['put_page', 'do_exit'] }, { stack_id: 1, frames: [] }, { stack_id: 2, frames: ['a', 'b', 'c'] }];
    const path = await tempFile('stacks.arrow', tableToIPC(tableOf(STACK_COLUMNS, stacks), 'file'));
    const file = openArrowFileLazily(path);
    try {
      loadAll(file, [0, 1]);
      expect(file.table.toArray().map((r) => ({ stack_id: r.stack_id, frames: [...r.frames] }))).toEqual(stacks);
    } finally { file.close(); }
  });

  it('gives a table without columns for a file that is not Arrow (run-db reports it)', async () => {
    const path = await tempFile('events.arrow', 'this is text written over an Arrow file\n'.repeat(50));
    let fields = -1;
    try {
      const file = openArrowFileLazily(path);
      fields = file.table.schema.fields.length;
      file.close();
    } catch {
      fields = 0;
    }
    expect(fields).toBe(0);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Table, tableToIPC, vectorFromArray, Dictionary, Utf8, Int32, type RecordBatch } from 'apache-arrow';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPagetraceError } from '@pagetrace/ingest';
import { forEachBatch } from '../replay-run.js';
import { forEachBatchReusing } from './batch-file.js';

/** Three batches of different sizes (slices of one: one schema), an int64 column and a dictionary column. */
function sampleTable(): Table {
  const rows = 322;
  const ids = BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 4294967297n);
  const names = Array.from({ length: rows }, (_, i) => `comm-${i % 3}`);
  const whole = new Table({ id: vectorFromArray(ids), comm: vectorFromArray(names, new Dictionary(new Utf8(), new Int32())) });
  const b = whole.batches[0] as RecordBatch;
  return new Table([b.slice(0, 5), b.slice(5, 305), b.slice(305, rows)]);
}

const rowsOf = (b: RecordBatch): string[] => {
  const out: string[] = [];
  for (let i = 0; i < b.numRows; i++) out.push(`${String(b.getChild('id')?.get(i))}/${String(b.getChild('comm')?.get(i))}`);
  return out;
};

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'pagetrace-batch-file-')), name);
  writeFileSync(path, bytes);
  return path;
}

describe('forEachBatch', () => {
  it.each(['file', 'stream'] as const)('reads every batch of an IPC %s in order, values and dictionaries intact', async (format) => {
    const table = sampleTable();
    const path = tempFile(`${format}.arrow`, tableToIPC(table, format));
    const seen: string[][] = [];
    await forEachBatch(path, (b) => { seen.push(rowsOf(b)); });
    expect(seen).toEqual(table.batches.map(rowsOf));
    expect(seen.map((s) => s.length)).toEqual([5, 300, 17]);
  });

  it('reads IPC files with the reusing reader itself, stream files not at all (the caller falls back)', async () => {
    const table = sampleTable();
    const file = tempFile('f.arrow', tableToIPC(table, 'file'));
    const stream = tempFile('s.arrow', tableToIPC(table, 'stream'));
    let fileBatches = 0;
    let streamBatches = 0;
    expect(await forEachBatchReusing(file, () => { fileBatches++; })).toBe(true);
    expect(await forEachBatchReusing(stream, () => { streamBatches++; })).toBe(false);
    expect([fileBatches, streamBatches]).toEqual([3, 0]);
  });

  it('names the file of a truncated IPC file in a PagetraceError', async () => {
    const bytes = tableToIPC(sampleTable(), 'file');
    // Keep the magic and the footer, lose the middle: the footer points past the data.
    const broken = new Uint8Array(bytes.length);
    broken.set(bytes.subarray(0, 8));
    broken.set(bytes.subarray(bytes.length - 600), bytes.length - 600);
    const path = tempFile('broken.arrow', broken);
    const err = await forEachBatch(path, () => undefined).then(() => null, (e: unknown) => e);
    expect(isPagetraceError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/not a readable Arrow IPC file/);
  });

  it('passes errors of the callback through unchanged', async () => {
    const path = tempFile('t.arrow', tableToIPC(sampleTable(), 'file'));
    const mine = new Error('from the callback');
    await expect(forEachBatch(path, () => { throw mine; })).rejects.toBe(mine);
  });
});

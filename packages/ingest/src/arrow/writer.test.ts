import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int32, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, Table, tableFromIPC } from 'apache-arrow';
import { RowStore } from '../parse/row-store.js';
import { ColumnMemory } from './columns.js';
import { EventBatchBuilder } from './events.js';
import { IpcFileSink, writeIpcFile } from './writer.js';

/** Arrow's own file writer, all in memory: the bytes the sink must reproduce. */
function arrowBytes(batches: RecordBatch[]): Uint8Array {
  const w = new RecordBatchFileWriter();
  for (const b of batches) w.write(b);
  w.finish();
  return w.toUint8Array(true);
}

/** Batches whose pieces fall across 1 MiB blocks in every way: small, large (> 1 block) and empty. */
function batchesOfSizes(rows: number[], big: (i: number) => number = (i) => i / 3): RecordBatch[] {
  const schema = new Schema([new Field('id', new Int32()), new Field('big', new Float64())]);
  return rows.map((n, k) => new RecordBatch(schema, makeData({
    type: new Struct(schema.fields), length: n, nullCount: 0, children: [
      makeData({ type: new Int32(), length: n, data: Int32Array.from({ length: n }, (_, i) => i * 7 + k) }),
      makeData({ type: new Float64(), length: n, data: Float64Array.from({ length: n }, (_, i) => big(i)) }),
    ],
  })));
}

/** A row store of `n` rows with some nulls and args, rows numbered from `first`. */
function storeOf(n: number, first: number): RowStore {
  const s = new RowStore(n);
  for (let i = 0; i < n; i++) {
    const r = s.addRow();
    s.setLine(r, first + i);
    s.cpu[r] = i % 4;
    s.pid[r] = 100 + (i % 9);
    s.comm[r] = i % 3;
    s.event[r] = i % 2;
    if (i % 5 !== 0) s.setU64('pfn', r, first + i, 0);
    if (i % 7 === 0) s.setArgs(r, Buffer.from(`raw ${first + i}`));
    s.flags[r] = i % 11 === 0 ? -1 : i % 2;
    s.gfp[r] = -1;
  }
  return s;
}

describe('IpcFileSink', () => {
  it('writes the same bytes as Arrow\'s own file writer, whatever the block boundaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    try {
      // 20 000 rows of 12 bytes ≈ 240 KB per batch; 200 000 rows ≈ 2.4 MB: a piece larger than two blocks.
      const batches = batchesOfSizes([1, 20_000, 200_000, 0, 3, 90_000]);
      const path = join(dir, 'out.arrow');
      await writeIpcFile(path, batches);
      expect(Buffer.compare(readFileSync(path), Buffer.from(arrowBytes(batches)))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves long runs of zeros (a column with no value in a batch) as holes, and the file still reads as Arrow\'s bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    try {
      // Column `big` all zeros: 1.6 MB (across blocks), 40 KB (below HOLE_MIN: written), 720 KB.
      const rows = [200_000, 5_000, 90_000];
      const batches = batchesOfSizes(rows, () => 0);
      const path = join(dir, 'out.arrow');
      const sink = new IpcFileSink(path);
      for (const b of batches) { sink.write(b); await sink.drain(); }
      await sink.close();
      expect(Buffer.compare(readFileSync(path), Buffer.from(arrowBytes(batches)))).toBe(0);
      expect(sink.holeBytes).toBe(8 * (200_000 + 90_000));
      expect(tableFromIPC(readFileSync(path)).getChild('id')?.get(199_999)).toBe(199_999 * 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts the record batches of a table written at once (a table is the whole file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    try {
      const batches = batchesOfSizes([3, 5, 7]);
      const sink = new IpcFileSink(join(dir, 'out.arrow'));
      sink.write(new Table(batches));
      await sink.close();
      expect(sink.batches).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts writebacks while it writes (every 1 MiB here) and still writes the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    // FileHandle is not exported: its prototype, from a handle.
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const datasync = jest.spyOn(proto, 'datasync');
    try {
      const batches = batchesOfSizes([200_000, 20_000, 200_000, 1, 90_000]);
      const path = join(dir, 'out.arrow');
      const sink = new IpcFileSink(path, 1 << 20);
      for (const b of batches) { sink.write(b); await sink.drain(); }
      await sink.close();
      expect(Buffer.compare(readFileSync(path), Buffer.from(arrowBytes(batches)))).toBe(0);
      // ≈ 6 MB in 1 MiB blocks: a writeback after the first block, then whenever the previous one is done.
      expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    } finally {
      datasync.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on close, not as an unhandled rejection, when the file cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    try {
      const sink = new IpcFileSink(join(dir, 'no-such-dir', 'out.arrow'));
      for (const b of batchesOfSizes([10])) sink.write(b);
      await expect(sink.close()).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets reused column memory be filled again once a batch is written (the file keeps every batch as it was)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-writer-'));
    try {
      const dicts = { comm: ['a', 'b', 'c'], event: ['x', 'y'], flags: ['f0', 'f1'], gfp: [] };
      const reused = new EventBatchBuilder(dicts, ColumnMemory.reused());
      const fresh = new EventBatchBuilder(dicts, ColumnMemory.fresh());
      const stores = [storeOf(300, 1), storeOf(300, 1000), storeOf(17, 5000)];
      const path = join(dir, 'events.arrow');
      const sink = new IpcFileSink(path);
      const kept: RecordBatch[] = [];
      for (const s of stores) {
        sink.write(reused.build(s, s.length));
        kept.push(fresh.build(s, s.length));
        // The next batch is built into the same scratch buffers: clobber the rows too.
        s.pid.fill(-9);
        s.flags.fill(1);
      }
      await sink.close();
      expect(Buffer.compare(readFileSync(path), Buffer.from(arrowBytes(kept)))).toBe(0);
      const t = tableFromIPC(readFileSync(path));
      expect(t.numRows).toBe(617);
      expect(t.getChild('pid')?.get(0)).toBe(100);
      expect(t.getChild('flags')?.get(0)).toBeNull();
      expect(t.getChild('flags')?.get(1)).toBe('f1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

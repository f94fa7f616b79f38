import { describe, expect, it } from '@jest/globals';
import { RecordBatch, Struct, Table, makeBuilder, makeData, tableFromIPC, tableToIPC, type Schema, type Vector } from 'apache-arrow';
import type { ColumnSpec } from '@pagetrace/ingest';
import { PageState, BUDDY, type PageSeq } from '../model/page.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS, anomaliesSchema, pagesSchema } from '../schema.js';
import type { Anomaly } from '../types.js';
import { anomaliesTable, pagesTable } from './tables.js';

/** The reference encoding: one generic Arrow builder per column, rows appended in order. */
function builderTable(schema: Schema, columns: readonly ColumnSpec[], rows: readonly Record<string, unknown>[]): Table {
  const vectors: Vector[] = columns.map((c) => {
    const b = makeBuilder({ type: c.type, nullValues: [null, undefined] });
    for (const r of rows) b.append(r[c.name] as never);
    return b.finish().toVector();
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

const rowsOf = (t: Table): Record<string, unknown>[] => t.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());

/** Pages with nulls, device kinds, pins and values beyond 2^32 (ts) in several columns; > 512 rows so bitmaps span several 64-byte blocks. */
function samplePages(n: number): PageState[] {
  const pages: PageState[] = [];
  for (let i = 0; i < n; i++) {
    const p = new PageState(0x1000 + i * 7);
    p.events = i % 13;
    p.refKnown = i % 5 !== 0;
    p.ref = i % 4;
    p.maxRef = i % 3 === 0 ? -1 : i % 9;
    p.refSeen = i % 6 !== 0;
    p.buddy = i % 3 === 0 ? BUDDY.FREE : BUDDY.ALLOCATED;
    p.frozen = i % 97 === 0;
    if (i % 11 === 0) { p.device = i % 2 === 0 ? 'fsdax' : 'device_private'; }
    if (i % 17 === 0) { p.pins = 1; p.store.pushPin(p.slot, i, i, 1, 0, 1024, -1, 5_000_000_000 + i); }
    p.firstTs = 4_294_967_296 * 3 + i;
    p.lastTs = p.firstTs + 1000;
    p.firstLine = i + 1;
    p.lastLine = i + 2;
    pages.push(p);
  }
  return pages;
}

/** Standalone pages as the sequence pagesTable reads (the replay hands it the model's cursor). */
function seqOf(pages: readonly PageState[]): PageSeq {
  return { length: pages.length, at: (i) => pages[i] as PageState, warm: () => 0 };
}

describe('replay tables', () => {
  it('pages.arrow from typed columns is byte-identical to the generic Arrow builders, values round-trip', () => {
    const pages = samplePages(1300);
    const endTs = 6_000_000_000;
    const fast = tableToIPC(pagesTable(seqOf(pages), endTs), 'file');
    const rows = rowsOf(tableFromIPC(fast));
    expect(rows).toHaveLength(1300);
    expect(rows[0]?.pfn).toBe(0x1000n);
    expect(rows[0]?.device_kind).toBe('fsdax');
    expect(rows[0]?.pin_since_ts_ns).toBe(5_000_000_000n);
    expect(rows[0]?.pin_max_ns).toBe(1_000_000_000n);
    expect(rows[1]?.device_kind).toBeNull();
    expect(rows[1]?.first_ts_ns).toBe(4_294_967_296n * 3n + 1n);
    expect(rows[5]?.final_refcount).toBeNull();
    expect(rows[97]?.final_state).toBe('frozen');
    expect(Buffer.from(fast).equals(Buffer.from(tableToIPC(builderTable(pagesSchema(), PAGE_COLUMNS, rows), 'file')))).toBe(true);
  });

  it('anomalies.arrow (text, nullable ids and pfns) is byte-identical to the generic Arrow builders', () => {
    const anomalies: Anomaly[] = Array.from({ length: 600 }, (_, i) => ({
      id: i, kind: i % 2 === 0 ? 'double_free' : 'live_at_end', severity: i % 3 === 0 ? 'error' : 'info',
      pfn: i % 7 === 0 ? null : BigInt(0x4000 + i), ts_ns: BigInt(7_000_000_000 + i), line: BigInt(i + 1), event_row: BigInt(i),
      expected: i % 5 === 0 ? null : `refcount ${i}`, observed: `refcount ${i + 1}`, pid: i, comm: `task-${i % 4}`,
      stack_id: i % 2 === 0 ? null : i, message: `message ${i}`,
    }));
    const fast = tableToIPC(anomaliesTable(anomalies), 'file');
    const reference = tableToIPC(builderTable(anomaliesSchema(), ANOMALY_COLUMNS, anomalies as unknown as Record<string, unknown>[]), 'file');
    expect(Buffer.from(fast).equals(Buffer.from(reference))).toBe(true);
    expect(rowsOf(tableFromIPC(fast))[7]?.pfn).toBeNull();
  });
});

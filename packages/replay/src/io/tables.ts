/**
 * anomalies.arrow and pages.arrow: built column by column from the replay result with the
 * schemas of schema.ts, one record batch each, written atomically. Rows are in a fixed order
 * (anomalies by detection, pages by pfn) and dictionaries are built in first-seen order, so
 * the same input gives byte-identical files.
 */
import { RUN_FILES, writeFileAtomic, type ColumnSpec } from '@pagetrace/ingest';
import { RecordBatch, Table, makeBuilder, tableToIPC, Struct, makeData, type Schema, type Vector } from 'apache-arrow';
import { join } from 'node:path';
import type { PageState } from '../model/page.js';
import { BUDDY } from '../model/page.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS, anomaliesSchema, pagesSchema } from '../schema.js';
import type { Anomaly } from '../types.js';

type Row = Record<string, unknown>;

function tableFrom(schema: Schema, columns: readonly ColumnSpec[], rows: readonly Row[]): Table {
  const vectors: Vector[] = columns.map((c) => {
    const b = makeBuilder({ type: c.type, nullValues: [null, undefined] });
    for (const r of rows) b.append(r[c.name] as never);
    return b.finish().toVector();
  });
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

export function anomaliesTable(anomalies: readonly Anomaly[]): Table {
  return tableFrom(anomaliesSchema(), ANOMALY_COLUMNS, anomalies as unknown as Row[]);
}

export function finalState(p: PageState): string {
  if (p.frozen) return 'frozen';
  return p.buddy === BUDDY.ALLOCATED ? 'allocated' : p.buddy === BUDDY.FREE ? 'free' : 'unknown';
}

export function pageRow(p: PageState, endTs: number): Row {
  const oldestPin = p.pinHolders[0]?.ts;
  const outstandingMax = oldestPin === undefined ? -1 : endTs - oldestPin;
  const pinMax = Math.max(p.pinMaxNs, outstandingMax);
  return {
    pfn: BigInt(p.pfn),
    device: p.device !== null,
    device_kind: p.device,
    events: p.events,
    gets: p.gets,
    puts: p.puts,
    pins: p.pinCount,
    unpins: p.unpinCount,
    allocs: p.allocs,
    frees: p.frees,
    max_refcount: p.maxRef >= 0 ? p.maxRef : null,
    final_refcount: p.refKnown ? p.ref : null,
    final_mapcount: p.refSeen ? p.mapcount : null,
    final_state: finalState(p),
    pins_outstanding: p.pins,
    pin_since_ts_ns: oldestPin === undefined ? null : BigInt(oldestPin),
    pin_max_ns: pinMax >= 0 ? BigInt(pinMax) : null,
    anomalies: p.anomalies,
    first_ts_ns: BigInt(p.firstTs),
    last_ts_ns: BigInt(p.lastTs),
    first_line: BigInt(p.firstLine),
    last_line: BigInt(p.lastLine),
  };
}

export function pagesTable(pages: readonly PageState[], endTs: number): Table {
  return tableFrom(pagesSchema(), PAGE_COLUMNS, pages.map((p) => pageRow(p, endTs)));
}

export async function writeReplayTables(runDir: string, anomalies: readonly Anomaly[], pages: readonly PageState[], endTs: number): Promise<void> {
  await writeFileAtomic(join(runDir, RUN_FILES.anomalies), tableToIPC(anomaliesTable(anomalies), 'file'));
  await writeFileAtomic(join(runDir, RUN_FILES.pages), tableToIPC(pagesTable(pages, endTs), 'file'));
}

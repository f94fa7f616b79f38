/**
 * anomalies.arrow and pages.arrow: built column by column from the replay result with the
 * schemas of schema.ts, one record batch each, written atomically. Rows are in a fixed order
 * (anomalies by detection, pages by pfn) and dictionaries are built in first-seen order, so
 * the same input gives byte-identical files.
 *
 * pages.arrow has one row per page touched (hundreds of thousands on a large trace), so
 * columns are filled straight into typed arrays from per-column value functions: no row
 * objects, no BigInt per value, no generic Arrow builder in the loop.
 */
import { RUN_FILES, writeFileAtomic, type ColumnSpec } from '@pagetrace/ingest';
import { Bool, DataType, RecordBatch, Struct, Table, makeBuilder, makeData, tableToIPC, type Data, type Schema } from 'apache-arrow';
import { join } from 'node:path';
import type { PageState } from '../model/page.js';
import { BUDDY } from '../model/page.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS, anomaliesSchema, pagesSchema } from '../schema.js';
import type { Anomaly } from '../types.js';

/** A cell: numbers (64-bit columns take exact integers below 2^53, or a bigint), text, a boolean, or null. */
export type Cell = number | bigint | string | boolean | null | undefined;
/** The value of one column for row i. */
type CellOf = (i: number) => Cell;

function tableFrom(schema: Schema, columns: readonly ColumnSpec[], length: number, cellOf: (name: string) => CellOf): Table {
  const children = columns.map((c) => columnData(c, length, cellOf(c.name)));
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

function columnData(c: ColumnSpec, length: number, cell: CellOf): Data {
  const t = c.type as DataType;
  if (DataType.isInt(t)) return intData(t, length, cell);
  if (DataType.isBool(t)) return boolData(t, length, cell);
  if (DataType.isDictionary(t)) return dictData(t, length, cell);
  // Text columns (anomaly messages) are few: the generic builder is fine there.
  const b = makeBuilder({ type: t, nullValues: [null, undefined] });
  for (let i = 0; i < length; i++) b.append(cell(i) as never);
  return b.finish().flush();
}

/**
 * Bytes of a bitmap of `length` bits, padded to 64 bytes the way Arrow JS builders allocate
 * them: the IPC writer copies bitmaps whole, so the padding is part of the file's bytes.
 */
const bitmapBytes = (length: number): number => Math.ceil(length / 512) * 64;

/** Validity bitmap (LSB first, as Arrow stores it) and the count of nulls. */
class Validity {
  readonly bitmap: Uint8Array;
  nulls = 0;
  constructor(length: number) { this.bitmap = new Uint8Array(bitmapBytes(length)); }
  set(i: number, valid: boolean): void {
    if (valid) this.bitmap[i >> 3] = (this.bitmap[i >> 3] as number) | (1 << (i & 7));
    else this.nulls++;
  }
}

function intData(t: DataType, length: number, cell: CellOf): Data {
  const { bitWidth, isSigned } = t as unknown as { bitWidth: number; isSigned: boolean };
  const valid = new Validity(length);
  if (bitWidth === 64) {
    // Two 32-bit words per value (little-endian, as Arrow JS assumes): exact for |x| < 2^53.
    const values = isSigned ? new BigInt64Array(length) : new BigUint64Array(length);
    const words = new Uint32Array(values.buffer);
    for (let i = 0; i < length; i++) {
      const v = cell(i);
      valid.set(i, v !== null && v !== undefined);
      if (typeof v === 'bigint') (values as unknown as bigint[])[i] = v;
      else if (typeof v === 'number') {
        const lo = v >>> 0;
        words[2 * i] = lo;
        words[2 * i + 1] = ((v - lo) / 4294967296) >>> 0;
      }
    }
    return makeData({ type: t as never, length, nullCount: valid.nulls, nullBitmap: valid.bitmap, data: values as never });
  }
  const Ctor = bitWidth === 32 ? (isSigned ? Int32Array : Uint32Array) : bitWidth === 16 ? (isSigned ? Int16Array : Uint16Array) : (isSigned ? Int8Array : Uint8Array);
  const values = new Ctor(length);
  for (let i = 0; i < length; i++) {
    const v = cell(i);
    valid.set(i, v !== null && v !== undefined);
    if (typeof v === 'number') values[i] = v;
  }
  return makeData({ type: t as never, length, nullCount: valid.nulls, nullBitmap: valid.bitmap, data: values as never });
}

function boolData(t: DataType, length: number, cell: CellOf): Data {
  const valid = new Validity(length);
  const values = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < length; i++) {
    const v = cell(i);
    valid.set(i, v !== null && v !== undefined);
    if (v === true) values[i >> 3] = (values[i >> 3] as number) | (1 << (i & 7));
  }
  return makeData({ type: t as Bool, length, nullCount: valid.nulls, nullBitmap: valid.bitmap, data: values });
}

/** Dictionary<Utf8, Int32> with entries in first-seen order (deterministic output). */
function dictData(t: DataType, length: number, cell: CellOf): Data {
  const valid = new Validity(length);
  const keys = new Int32Array(length);
  const ids = new Map<string, number>();
  for (let i = 0; i < length; i++) {
    const v = cell(i);
    valid.set(i, v !== null && v !== undefined);
    if (v === null || v === undefined) continue;
    const s = String(v);
    let k = ids.get(s);
    if (k === undefined) { k = ids.size; ids.set(s, k); }
    keys[i] = k;
  }
  const dictType = (t as unknown as { dictionary: DataType }).dictionary;
  const b = makeBuilder({ type: dictType });
  for (const s of ids.keys()) b.append(s as never);
  const dictionary = b.finish().toVector();
  return makeData({ type: t as never, length, nullCount: valid.nulls, nullBitmap: valid.bitmap, data: keys, dictionary } as never);
}

export function anomaliesTable(anomalies: readonly Anomaly[]): Table {
  return tableFrom(anomaliesSchema(), ANOMALY_COLUMNS, anomalies.length, (name) => (i) => (anomalies[i] as unknown as Record<string, Cell>)[name]);
}

export function finalState(p: PageState): string {
  if (p.frozen) return 'frozen';
  return p.buddy === BUDDY.ALLOCATED ? 'allocated' : p.buddy === BUDDY.FREE ? 'free' : 'unknown';
}

/** pages.arrow cells of one page; 64-bit columns as plain numbers (exact: pfns, ns and lines are < 2^53). */
const PAGE_CELLS: Record<string, (p: PageState, endTs: number) => Cell> = {
  pfn: (p) => p.pfn,
  device: (p) => p.device !== null,
  device_kind: (p) => p.device,
  events: (p) => p.events,
  gets: (p) => p.gets,
  puts: (p) => p.puts,
  pins: (p) => p.pinCount,
  unpins: (p) => p.unpinCount,
  allocs: (p) => p.allocs,
  frees: (p) => p.frees,
  max_refcount: (p) => (p.maxRef >= 0 ? p.maxRef : null),
  final_refcount: (p) => (p.refKnown ? p.ref : null),
  final_mapcount: (p) => (p.refSeen ? p.mapcount : null),
  final_state: (p) => finalState(p),
  pins_outstanding: (p) => p.pins,
  pin_since_ts_ns: (p) => p.pinHolders[0]?.ts ?? null,
  pin_max_ns: (p, endTs) => {
    const oldestPin = p.pinHolders[0]?.ts;
    const pinMax = Math.max(p.pinMaxNs, oldestPin === undefined ? -1 : endTs - oldestPin);
    return pinMax >= 0 ? pinMax : null;
  },
  anomalies: (p) => p.anomalies,
  first_ts_ns: (p) => p.firstTs,
  last_ts_ns: (p) => p.lastTs,
  first_line: (p) => p.firstLine,
  last_line: (p) => p.lastLine,
};

export function pagesTable(pages: readonly PageState[], endTs: number): Table {
  return tableFrom(pagesSchema(), PAGE_COLUMNS, pages.length, (name) => {
    const of = PAGE_CELLS[name];
    if (of === undefined) throw new Error(`pages.arrow column ${name} has no value function`);
    return (i) => of(pages[i] as PageState, endTs);
  });
}

export async function writeReplayTables(runDir: string, anomalies: readonly Anomaly[], pages: readonly PageState[], endTs: number): Promise<void> {
  await writeFileAtomic(join(runDir, RUN_FILES.anomalies), tableToIPC(anomaliesTable(anomalies), 'file'));
  await writeFileAtomic(join(runDir, RUN_FILES.pages), tableToIPC(pagesTable(pages, endTs), 'file'));
}

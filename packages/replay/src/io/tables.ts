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
import { RUN_FILES, writeAtomically, writeIpcFile, type ColumnSpec } from '@pagetrace/ingest';
import { DataType, RecordBatch, Struct, Table, makeBuilder, makeData, type Data, type Schema } from 'apache-arrow';
import { join } from 'node:path';
import { B, BUDDY, D, I, type PageSeq, type PageState } from '../model/page.js';
import { ANOMALY_COLUMNS, PAGE_COLUMNS, anomaliesSchema, pagesSchema } from '../schema.js';
import type { Anomaly } from '../types.js';

/** A cell: numbers (64-bit columns take exact integers below 2^53, or a bigint), text, a boolean, or null. */
export type Cell = number | bigint | string | boolean | null | undefined;
/** The value of one column for row i. */
type CellOf = (i: number) => Cell;

/**
 * Rows outer, columns inner: every cell of a row reads the same page, which is then in cache
 * (column by column, each column would walk all pages again: one cache miss per cell).
 */
function tableFrom(schema: Schema, columns: readonly ColumnSpec[], length: number, cellOf: (name: string) => CellOf): Table {
  const writers = columns.map((c) => writerFor(c.type as DataType, length));
  const cells = columns.map((c) => cellOf(c.name));
  for (let i = 0; i < length; i++) {
    for (let k = 0; k < writers.length; k++) (writers[k] as ColumnWriter).set(i, (cells[k] as CellOf)(i));
  }
  const children = writers.map((w) => w.finish());
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

interface ColumnWriter {
  set(i: number, v: Cell): void;
  finish(): Data;
}

function writerFor(t: DataType, length: number): ColumnWriter {
  if (DataType.isInt(t)) return (t as unknown as { bitWidth: number }).bitWidth === 64 ? new Int64Writer(t, length) : new IntWriter(t, length);
  if (DataType.isBool(t)) return new BoolWriter(t, length);
  if (DataType.isDictionary(t)) return new DictWriter(t, length);
  return new BuilderWriter(t);
}

/**
 * Bytes of a bitmap of `length` bits, padded to 64 bytes the way Arrow JS builders allocate
 * them: the IPC writer copies bitmaps whole, so the padding is part of the file's bytes.
 */
const bitmapBytes = (length: number): number => Math.ceil(length / 512) * 64;

/**
 * Validity bitmap (LSB first, as Arrow stores it) and the count of nulls, for a column whose
 * every row is set once. It starts with rows [0, length) valid (the padding after them stays
 * zero), so a value, the common case, writes nothing and a null clears its bit: the same
 * bitmap as setting the bit of every value, without a read-modify-write per cell (pages.arrow
 * of a 1 GB trace has 9 M cells).
 */
class Validity {
  readonly bitmap: Uint8Array;
  nulls = 0;
  constructor(length: number) {
    this.bitmap = new Uint8Array(bitmapBytes(length));
    this.bitmap.fill(0xff, 0, length >> 3);
    if ((length & 7) !== 0) this.bitmap[length >> 3] = (1 << (length & 7)) - 1;
  }
  /** Records whether v is a value; true when it is. */
  set(i: number, v: Cell): boolean {
    if (v !== null && v !== undefined) return true;
    this.setNull(i);
    return false;
  }
  setNull(i: number): void {
    this.nulls++;
    this.bitmap[i >> 3] = (this.bitmap[i >> 3] as number) & ~(1 << (i & 7));
  }
}

abstract class ValidityWriter {
  readonly valid: Validity;
  constructor(protected readonly type: DataType, protected readonly length: number) { this.valid = new Validity(length); }
  protected data(values: ArrayBufferView, extra: object = {}): Data {
    return makeData({ type: this.type as never, length: this.length, nullCount: this.valid.nulls, nullBitmap: this.valid.bitmap, data: values as never, ...extra } as never);
  }
}

class IntWriter extends ValidityWriter implements ColumnWriter {
  readonly values: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
  constructor(type: DataType, length: number) {
    super(type, length);
    const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
    const Ctor = bitWidth === 32 ? (isSigned ? Int32Array : Uint32Array) : bitWidth === 16 ? (isSigned ? Int16Array : Uint16Array) : (isSigned ? Int8Array : Uint8Array);
    this.values = new Ctor(length);
  }
  set(i: number, v: Cell): void { if (this.valid.set(i, v)) this.values[i] = v as number; }
  finish(): Data { return this.data(this.values); }
}

/** 64-bit integers written as two 32-bit words (little-endian, as Arrow JS assumes): exact for |x| < 2^53, no BigInt per value. */
class Int64Writer extends ValidityWriter implements ColumnWriter {
  private readonly values: BigInt64Array | BigUint64Array;
  /** The values as (lo, hi) 32-bit words: put64 writes a number here. */
  readonly words: Uint32Array;
  constructor(type: DataType, length: number) {
    super(type, length);
    this.values = (type as unknown as { isSigned: boolean }).isSigned ? new BigInt64Array(length) : new BigUint64Array(length);
    this.words = new Uint32Array(this.values.buffer);
  }
  set(i: number, v: Cell): void {
    if (!this.valid.set(i, v)) return;
    if (typeof v === 'bigint') { (this.values as unknown as bigint[])[i] = v; return; }
    put64(this.words, i, v as number);
  }
  finish(): Data { return this.data(this.values); }
}

class BoolWriter extends ValidityWriter implements ColumnWriter {
  /** The values as bits (LSB first). */
  readonly values: Uint8Array;
  constructor(type: DataType, length: number) { super(type, length); this.values = new Uint8Array(bitmapBytes(length)); }
  set(i: number, v: Cell): void {
    if (this.valid.set(i, v) && v === true) this.values[i >> 3] = (this.values[i >> 3] as number) | (1 << (i & 7));
  }
  finish(): Data { return this.data(this.values); }
}

/** A number (an exact integer below 2^53) as the (lo, hi) words of entry i. */
function put64(words: Uint32Array, i: number, x: number): void {
  const lo = x >>> 0;
  words[2 * i] = lo;
  words[2 * i + 1] = ((x - lo) / 4294967296) >>> 0;
}

/** Dictionary<Utf8, Int32> with entries in first-seen order (deterministic output). */
class DictWriter extends ValidityWriter implements ColumnWriter {
  private readonly keys: Int32Array;
  private readonly ids = new Map<string, number>();
  constructor(type: DataType, length: number) { super(type, length); this.keys = new Int32Array(length); }
  /** The previous cell's value and key: most rows repeat a few values (final_state). */
  private lastValue: Cell = undefined;
  private lastKey = 0;
  set(i: number, v: Cell): void {
    if (!this.valid.set(i, v)) return;
    if (v === this.lastValue) { this.keys[i] = this.lastKey; return; }
    const s = String(v);
    let k = this.ids.get(s);
    if (k === undefined) { k = this.ids.size; this.ids.set(s, k); }
    this.keys[i] = k;
    this.lastValue = v;
    this.lastKey = k;
  }
  finish(): Data {
    const b = makeBuilder({ type: (this.type as unknown as { dictionary: DataType }).dictionary });
    for (const s of this.ids.keys()) b.append(s as never);
    return this.data(this.keys, { dictionary: b.finish().toVector() });
  }
}

/** Text columns (anomaly messages) are few: the generic builder is fine there. */
class BuilderWriter implements ColumnWriter {
  private readonly builder;
  constructor(type: DataType) { this.builder = makeBuilder({ type, nullValues: [null, undefined] }); }
  set(i: number, v: Cell): void { this.builder.set(i, v as never); }
  finish(): Data { return this.builder.finish().flush(); }
}

export function anomaliesTable(anomalies: readonly Anomaly[]): Table {
  return tableFrom(anomaliesSchema(), ANOMALY_COLUMNS, anomalies.length, (name) => (i) => (anomalies[i] as unknown as Record<string, Cell>)[name]);
}

export function finalState(p: PageState): string {
  if (p.frozen) return 'frozen';
  return p.buddy === BUDDY.ALLOCATED ? 'allocated' : p.buddy === BUDDY.FREE ? 'free' : 'unknown';
}

/**
 * pages.arrow, one row per page in pfn order. One hand-written row fill that reads the page's
 * record and writes the columns' typed arrays directly: a `set` call per cell (23 per row,
 * 9 M on a 1 GB trace) was more than the compiler would inline into one function, so most
 * cells paid a real call. Only the dictionary columns (first-seen keys) go through their
 * writer. Every row is written once, in order; a null clears its validity bit (see Validity).
 * 64-bit columns take plain numbers (exact: pfns, ns and lines are < 2^53).
 */
export function pagesTable(pages: PageSeq, endTs: number): Table {
  const n = pages.length;
  const writers = new Map(PAGE_COLUMNS.map((c) => [c.name, writerFor(c.type as DataType, n)]));
  const used = new Set<string>();
  const col = <W extends ColumnWriter>(name: string, kind: new (...args: never[]) => W): W => {
    const w = writers.get(name);
    if (!(w instanceof kind)) throw new Error(`pages.arrow column ${name} is not written by a ${kind.name}`);
    used.add(name);
    return w;
  };
  const pfn = col('pfn', Int64Writer).words; const device = col('device', BoolWriter).values; const deviceKind = col('device_kind', DictWriter);
  const events = col('events', IntWriter).values; const gets = col('gets', IntWriter).values; const puts = col('puts', IntWriter).values;
  const pins = col('pins', IntWriter).values; const unpins = col('unpins', IntWriter).values;
  const allocs = col('allocs', IntWriter).values; const frees = col('frees', IntWriter).values;
  const maxRefcount = col('max_refcount', IntWriter); const finalRefcount = col('final_refcount', IntWriter); const finalMapcount = col('final_mapcount', IntWriter);
  const state = col('final_state', DictWriter); const pinsOutstanding = col('pins_outstanding', IntWriter).values;
  const pinSince = col('pin_since_ts_ns', Int64Writer); const pinMax = col('pin_max_ns', Int64Writer); const anomalies = col('anomalies', IntWriter).values;
  const firstTs = col('first_ts_ns', Int64Writer).words; const lastTs = col('last_ts_ns', Int64Writer).words;
  const firstLine = col('first_line', Int64Writer).words; const lastLine = col('last_line', Int64Writer).words;
  for (const c of PAGE_COLUMNS) if (!used.has(c.name)) throw new Error(`pages.arrow column ${c.name} has no value`);
  let sink = 0;
  for (let i = 0; i < n; i++) {
    // Pages in pfn order are scattered in memory: touch the next window's records first, so
    // their cache misses overlap (see PageModel.warm) instead of stalling row by row.
    if (i % WARM_ROWS === 0) sink += pages.warm(i, Math.min(n, i + WARM_ROWS));
    const p = pages.at(i);
    const d = p.d; const db = p.db; const r = p.i; const ib = p.ib; const b = p.b; const bb = p.bb;
    put64(pfn, i, p.pfn);
    if (b[bb + B.device] !== 0) device[i >> 3] = (device[i >> 3] as number) | (1 << (i & 7));
    deviceKind.set(i, p.device);
    events[i] = r[ib + I.events] as number;
    gets[i] = r[ib + I.gets] as number;
    puts[i] = r[ib + I.puts] as number;
    pins[i] = r[ib + I.pinCount] as number;
    unpins[i] = r[ib + I.unpinCount] as number;
    allocs[i] = r[ib + I.allocs] as number;
    frees[i] = r[ib + I.frees] as number;
    const maxRef = d[db + D.maxRef] as number;
    if (maxRef >= 0) maxRefcount.values[i] = maxRef; else maxRefcount.valid.setNull(i);
    if (b[bb + B.refKnown] !== 0) finalRefcount.values[i] = d[db + D.ref] as number; else finalRefcount.valid.setNull(i);
    if (b[bb + B.refSeen] !== 0) finalMapcount.values[i] = d[db + D.mapcount] as number; else finalMapcount.valid.setNull(i);
    state.set(i, finalState(p));
    // pins counts the pin list's entries: no list to look up when it is 0.
    const outstanding = r[ib + I.pins] as number;
    const oldestPin = outstanding > 0 ? p.oldestPinTs : undefined;
    pinsOutstanding[i] = outstanding;
    if (oldestPin !== undefined) put64(pinSince.words, i, oldestPin); else pinSince.valid.setNull(i);
    const longest = Math.max(d[db + D.pinMaxNs] as number, oldestPin === undefined ? -1 : endTs - oldestPin);
    if (longest >= 0) put64(pinMax.words, i, longest); else pinMax.valid.setNull(i);
    anomalies[i] = r[ib + I.anomalies] as number;
    put64(firstTs, i, d[db + D.firstTs] as number);
    put64(lastTs, i, d[db + D.lastTs] as number);
    put64(firstLine, i, d[db + D.firstLine] as number);
    put64(lastLine, i, d[db + D.lastLine] as number);
  }
  warmSink = sink; // keeps the warming reads from being optimised away
  const schema = pagesSchema();
  const children = PAGE_COLUMNS.map((c) => (writers.get(c.name) as ColumnWriter).finish());
  const data = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

const WARM_ROWS = 64;
let warmSink = 0;

export async function writeReplayTables(runDir: string, anomalies: readonly Anomaly[], pages: PageSeq, endTs: number): Promise<void> {
  // Arrow's file writer through ingest's block sink: the bytes of tableToIPC(table, 'file'),
  // written as they are produced (never joined into one buffer: 46 MB of pages on 1 GB).
  await writeAtomically(join(runDir, RUN_FILES.anomalies), (tmp) => writeIpcFile(tmp, anomaliesTable(anomalies)));
  await writeAtomically(join(runDir, RUN_FILES.pages), (tmp) => writeIpcFile(tmp, pagesTable(pages, endTs)));
}

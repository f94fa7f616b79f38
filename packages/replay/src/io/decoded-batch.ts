/**
 * One events.arrow RecordBatch decoded column by column into plain typed arrays, nulls as
 * sentinels or has-bits, so the replay loop reads array[i] and nothing else. Column-wise
 * decoding is a sequential pass per column (cheap); decoding row by row through column
 * objects cost a method call, a null-bitmap test and a branch per field per event. The
 * arrays are reused from batch to batch (grown when a batch is larger): no garbage per batch.
 */
import type { RecordBatch } from 'apache-arrow';
import { Int64Col, NumCol, DictCol } from './columns.js';

/** Bits of `has`: which nullable page_ref fields the row carries. */
export const HAS_COUNT = 1;
export const HAS_MAPCOUNT = 2;
export const HAS_VAL = 4;
export const HAS_RET = 8;

export class DecodedBatch {
  length = 0;
  line = new Float64Array(0);
  ts = new Float64Array(0);
  cpu = new Int32Array(0);
  pid = new Int32Array(0);
  comm = new Int32Array(0);
  /** Dictionary index of the event name (the processor maps it to an operation). */
  event = new Int32Array(0);
  /** -1 when null. */
  pfn = new Float64Array(0);
  pfnEnd = new Float64Array(0);
  order = new Int32Array(0);
  flagsIndex = new Int32Array(0);
  stack = new Int32Array(0);
  /**
   * The page_ref values as Arrow stores them (not copied: a null row's slot may hold anything,
   * so read them only where `has` says the row has the value).
   */
  count: Int32Array = new Int32Array(0);
  mapcount: Int32Array = new Int32Array(0);
  val: Int32Array = new Int32Array(0);
  ret: Int32Array = new Int32Array(0);
  /** HAS_* bits per row. */
  has = new Uint8Array(0);
  /** page->mapping split in its 32-bit words (the MAPPING kind needs only those); mappingValid 0 when null. */
  mappingLo = new Uint32Array(0);
  mappingHi = new Uint32Array(0);
  mappingValid = new Uint8Array(0);
  /** Stands in for a page_ref column the file does not have. */
  private zeros = new Int32Array(0);

  /** Fill from a batch whose columns were located by the caller (required ones checked there). */
  fill(n: number, c: {
    line: Int64Col; ts: Int64Col; cpu: NumCol; pid: NumCol; comm: DictCol; event: DictCol;
    pfn: Int64Col | null; pfnEnd: Int64Col | null; order: NumCol | null; count: NumCol | null; mapcount: NumCol | null;
    val: NumCol | null; ret: NumCol | null; flags: DictCol | null; mapping: Int64Col | null; stack: NumCol | null;
  }): void {
    if (this.line.length < n) this.grow(n);
    this.length = n;
    int64Into(this.line, c.line, n);
    int64Into(this.ts, c.ts, n);
    numInto(this.cpu, c.cpu, n);
    numInto(this.pid, c.pid, n);
    dictInto(this.comm, c.comm, n);
    dictInto(this.event, c.event, n);
    if (c.pfn === null) this.pfn.fill(-1, 0, n); else nullableInt64Into(this.pfn, c.pfn, n);
    if (c.pfnEnd === null) this.pfnEnd.fill(-1, 0, n); else nullableInt64Into(this.pfnEnd, c.pfnEnd, n);
    nullableNumInto(this.order, c.order, n, -1);
    nullableNumInto(this.stack, c.stack, n, -1);
    if (c.flags === null) this.flagsIndex.fill(-1, 0, n); else nullableDictInto(this.flagsIndex, c.flags, n);
    this.count = valuesOf(c.count, this.zeros);
    this.mapcount = valuesOf(c.mapcount, this.zeros);
    this.val = valuesOf(c.val, this.zeros);
    this.ret = valuesOf(c.ret, this.zeros);
    this.fillHas(n, c.count, c.mapcount, c.val, c.ret);
    if (c.mapping === null) this.mappingValid.fill(0, 0, n); else this.fillMapping(c.mapping, n);
  }

  /** One pass over the four page_ref validity bitmaps (a missing column: never present). */
  private fillHas(n: number, count: NumCol | null, mapcount: NumCol | null, val: NumCol | null, ret: NumCol | null): void {
    const c = validity(count); const m = validity(mapcount); const v = validity(val); const r = validity(ret);
    for (let i = 0; i < n; i++) {
      this.has[i] = (isSet(c, i) ? HAS_COUNT : 0) | (isSet(m, i) ? HAS_MAPCOUNT : 0) | (isSet(v, i) ? HAS_VAL : 0) | (isSet(r, i) ? HAS_RET : 0);
    }
  }

  private fillMapping(col: Int64Col, n: number): void {
    const { words, bitmap, offset } = col.raw();
    for (let i = 0; i < n; i++) {
      const j = i + offset;
      this.mappingValid[i] = bitmap !== null && ((bitmap[j >> 3] as number) & (1 << (j & 7))) === 0 ? 0 : 1;
      this.mappingLo[i] = words[2 * i] as number;
      this.mappingHi[i] = words[2 * i + 1] as number;
    }
  }

  private grow(n: number): void {
    this.line = new Float64Array(n); this.ts = new Float64Array(n); this.pfn = new Float64Array(n); this.pfnEnd = new Float64Array(n);
    this.cpu = new Int32Array(n); this.pid = new Int32Array(n); this.comm = new Int32Array(n); this.event = new Int32Array(n);
    this.order = new Int32Array(n); this.flagsIndex = new Int32Array(n); this.stack = new Int32Array(n);
    this.zeros = new Int32Array(n);
    this.has = new Uint8Array(n); this.mappingLo = new Uint32Array(n); this.mappingHi = new Uint32Array(n); this.mappingValid = new Uint8Array(n);
  }
}

/** Validity bitmap of a column (null when it has no nulls) and its bit offset. */
interface Raw<T> { values: T; bitmap: Uint8Array | null; offset: number }

function int64Into(out: Float64Array, col: Int64Col, n: number): void {
  const { words, signed } = col.raw();
  if (signed) for (let i = 0; i < n; i++) out[i] = ((words[2 * i + 1] as number) | 0) * 4294967296 + (words[2 * i] as number);
  else for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] as number) * 4294967296 + (words[2 * i] as number);
}

function nullableInt64Into(out: Float64Array, col: Int64Col, n: number): void {
  const { words, signed, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const j = i + offset;
    if (bitmap !== null && ((bitmap[j >> 3] as number) & (1 << (j & 7))) === 0) { out[i] = -1; continue; }
    const hi = words[2 * i + 1] as number;
    out[i] = (signed ? hi | 0 : hi) * 4294967296 + (words[2 * i] as number);
  }
}

function numInto(out: Int32Array, col: NumCol, n: number): void {
  const { values } = col.raw();
  for (let i = 0; i < n; i++) out[i] = values[i] as number;
}

function nullableNumInto(out: Int32Array, col: NumCol | null, n: number, sentinel: number): void {
  if (col === null) { out.fill(sentinel, 0, n); return; }
  const { values, bitmap, offset }: Raw<ArrayLike<number>> = col.raw();
  for (let i = 0; i < n; i++) {
    const j = i + offset;
    out[i] = bitmap !== null && ((bitmap[j >> 3] as number) & (1 << (j & 7))) === 0 ? sentinel : (values[i] as number);
  }
}

function dictInto(out: Int32Array, col: DictCol, n: number): void {
  out.set(col.raw().indices.subarray(0, n));
}

function nullableDictInto(out: Int32Array, col: DictCol, n: number): void {
  const { indices, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const j = i + offset;
    out[i] = bitmap !== null && ((bitmap[j >> 3] as number) & (1 << (j & 7))) === 0 ? -1 : (indices[i] as number);
  }
}

/** The values of an Int32 column (all page_ref columns are Int32), or zeros when absent. */
function valuesOf(col: NumCol | null, zeros: Int32Array): Int32Array {
  return col === null ? zeros : (col.raw().values as Int32Array);
}

/** A column's validity for isSet: null = column absent (never set), bitmap null = no nulls. */
interface Validity { bitmap: Uint8Array | null; offset: number }

function validity(col: NumCol | null): Validity | null {
  if (col === null) return null;
  const { bitmap, offset } = col.raw();
  return { bitmap, offset };
}

function isSet(v: Validity | null, i: number): boolean {
  if (v === null) return false;
  if (v.bitmap === null) return true;
  const j = i + v.offset;
  return ((v.bitmap[j >> 3] as number) & (1 << (j & 7))) !== 0;
}

/**
 * Typed column views of one events.arrow RecordBatch: the hot loop reads typed arrays,
 * null bitmaps and dictionary indices directly, never row objects or vector.get(i).
 */
import type { Data, RecordBatch, Vector } from 'apache-arrow';

/**
 * True when bit j of an Arrow validity bitmap says null (no bitmap: nothing is null). One
 * small function for every null test of the replay's column reading (V8 inlines it).
 */
export function isNullAt(bitmap: Uint8Array | null, j: number): boolean {
  return bitmap !== null && ((bitmap[j >> 3] as number) & (1 << (j & 7))) === 0;
}

/** Value k of 64-bit integers held as (lo, hi) 32-bit word pairs, as a number (exact below 2^53, no BigInt). */
export function int64At(words: Uint32Array, k: number, signed: boolean): number {
  const hi = words[2 * k + 1] as number;
  return (signed ? hi | 0 : hi) * 4294967296 + (words[2 * k] as number);
}

/** A nullable numeric column: value(i) and isValid(i) without allocation. */
export class NumCol {
  private constructor(private readonly vals: ArrayLike<number>, private readonly bitmap: Uint8Array | null, private readonly off: number) {}

  /** The column, or null when the batch has none or every row of it is null. */
  static of(batch: RecordBatch, name: string): NumCol | null {
    const data = dataOf(batch, name);
    if (data === null) return null;
    return new NumCol(data.values as ArrayLike<number>, data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null, data.offset);
  }
  value(i: number): number { return this.vals[i] as number; }
  /** The arrays themselves, for column-wise decoding (io/decoded-batch.ts). */
  raw(): { values: ArrayLike<number>; bitmap: Uint8Array | null; offset: number } { return { values: this.vals, bitmap: this.bitmap, offset: this.off }; }
  isValid(i: number): boolean { return !isNullAt(this.bitmap, i + this.off); }
}

/** A 64-bit integer column read as two 32-bit halves (exact below 2^53, no BigInt per row). */
export class Int64Col {
  private constructor(private readonly words: Uint32Array, private readonly signed: boolean, private readonly bitmap: Uint8Array | null, private readonly off: number) {}

  /** The column, or null when the batch has none or every row of it is null. */
  static of(batch: RecordBatch, name: string): Int64Col | null {
    const data = dataOf(batch, name);
    if (data === null) return null;
    const v = data.values as BigInt64Array | BigUint64Array;
    const words = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
    return new Int64Col(words, v instanceof BigInt64Array, data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null, data.offset);
  }
  value(i: number): number { return int64At(this.words, i, this.signed); }
  /** The words themselves (lo, hi per value), for column-wise decoding. */
  raw(): { words: Uint32Array; signed: boolean; bitmap: Uint8Array | null; offset: number } { return { words: this.words, signed: this.signed, bitmap: this.bitmap, offset: this.off }; }
  isValid(i: number): boolean { return !isNullAt(this.bitmap, i + this.off); }
}

/** A dictionary<utf8> column: index(i) plus the (cumulative) dictionary. */
export class DictCol {
  private constructor(private readonly idx: Int32Array, readonly dictionary: Vector | null, private readonly bitmap: Uint8Array | null, private readonly off: number) {}

  /** The column, or null when the batch has none or every row of it is null. */
  static of(batch: RecordBatch, name: string): DictCol | null {
    const data = dataOf(batch, name);
    if (data === null) return null;
    return new DictCol(data.values as Int32Array, (data.dictionary as Vector | undefined) ?? null, data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null, data.offset);
  }
  index(i: number): number { return this.idx[i] as number; }
  /** The dictionary indices themselves and the validity bitmap, for column-wise decoding. */
  raw(): { indices: Int32Array; bitmap: Uint8Array | null; offset: number } { return { indices: this.idx, bitmap: this.bitmap, offset: this.off }; }
  isValid(i: number): boolean { return !isNullAt(this.bitmap, i + this.off); }
  text(i: number): string | null {
    if (!this.isValid(i) || this.dictionary === null) return null;
    const s: unknown = this.dictionary.get(this.index(i));
    return typeof s === 'string' ? s : null;
  }
  /** Dictionary entries as strings (small: event names, comms). */
  entries(): string[] {
    const out: string[] = [];
    if (this.dictionary === null) return out;
    for (let k = 0; k < this.dictionary.length; k++) out.push(String(this.dictionary.get(k)));
    return out;
  }
}


/**
 * The column's data, or null when the batch has no such column or no value in it: a column
 * null on every row (stack_id without stack traces, pfn_end without compaction events) says
 * nothing a missing one does not, and its absence lets the decoder fill a sentinel in one pass.
 */
function dataOf(batch: RecordBatch, name: string): Data | null {
  const v = batch.getChild(name);
  if (v === null) return null;
  const d = v.data[0];
  if (d === undefined) return null;
  return d.length > 0 && d.nullCount === d.length ? null : (d as Data);
}

/**
 * Arrow Data from typed arrays (never row objects): validity bitmaps, 64-bit columns from
 * (lo, hi) pairs, utf8 from bytes, and dictionaries that grow across batches by DELTA
 * (the IPC file format forbids replacing a dictionary).
 */
import { makeData, Utf8, Vector, type Data, type DataType, type Dictionary, type Int32 } from 'apache-arrow';

/**
 * Where a batch's column buffers come from. `fresh`: new arrays and copies, so the batch may
 * be kept (live `onBatch` consumers hold batches). `reused`: views of the row store and
 * scratch buffers filled again batch after batch, for a batch that is serialized before
 * the next one is built (the file sink copies its bytes while it is written): a 1 GB trace
 * then allocates no new column memory per batch, where fresh copies cost ~620 MB of
 * short-lived external memory, the Mark-Compacts it triggers and the first touch of its pages.
 * Each column gets its own scratch (`column(name)`), so no two columns share a buffer.
 */
export class ColumnMemory {
  private readonly columns = new Map<string, ColumnScratch>();

  private constructor(readonly reuse: boolean) {}

  static fresh(): ColumnMemory { return new ColumnMemory(false); }
  static reused(): ColumnMemory { return new ColumnMemory(true); }

  /** The scratch of one column (the same object for the same name). */
  column(name: string): ColumnScratch {
    let c = this.columns.get(name);
    if (c === undefined) { c = new ColumnScratch(this.reuse); this.columns.set(name, c); }
    return c;
  }
}

/** What a column builder writes into: its bitmap, ids, offsets... (`Role`), reused or new each time. */
type Role = 'validity' | 'ids' | 'ok' | 'offsets' | 'data';

export class ColumnScratch {
  private readonly buffers = new Map<Role, ArrayBuffer>();

  constructor(readonly reuse: boolean) {}

  /** `n` zeroed elements: new, or this column's buffer for `role` cleared. */
  zeroed<A extends Int32Array | Uint8Array>(role: Role, Ctor: { new (b: ArrayBuffer, o: number, n: number): A; new (n: number): A; BYTES_PER_ELEMENT: number }, n: number): A {
    if (!this.reuse) return new Ctor(n);
    const bytes = n * Ctor.BYTES_PER_ELEMENT;
    let buf = this.buffers.get(role);
    if (buf === undefined || buf.byteLength < bytes) {
      buf = new ArrayBuffer(Math.max(bytes, 8));
      this.buffers.set(role, buf);
    }
    const a = new Ctor(buf, 0, n);
    a.fill(0);
    return a;
  }

  /** The first `len` elements of `values`: a view, or a copy. */
  prefix<V extends Values>(values: V, len: number): V {
    return (this.reuse ? values.subarray(0, len) : values.slice(0, len)) as V;
  }
}

/** New arrays and copies: for callers that keep what they build. */
const FRESH = new ColumnScratch(false);

/** Set bits per byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, v) => { let c = 0; for (let x = v; x > 0; x >>= 1) c += x & 1; return c; });

/** The validity bitmap of null flags ok[0, n) (each exactly 0 or 1), packed 8 rows at a time; none when nothing is null. */
export function validity(ok: Uint8Array, n: number, mem: ColumnScratch = FRESH): { bitmap: Uint8Array | undefined; nullCount: number } {
  const bitmap = mem.zeroed('validity', Uint8Array, (n + 7) >> 3);
  let valid = 0;
  const whole = n >> 3;
  for (let byte = 0; byte < whole; byte++) {
    const i = byte << 3;
    const v = (ok[i] as number) | ((ok[i + 1] as number) << 1) | ((ok[i + 2] as number) << 2) | ((ok[i + 3] as number) << 3)
      | ((ok[i + 4] as number) << 4) | ((ok[i + 5] as number) << 5) | ((ok[i + 6] as number) << 6) | ((ok[i + 7] as number) << 7);
    bitmap[byte] = v;
    valid += POPCOUNT[v] as number;
  }
  for (let i = whole << 3; i < n; i++) {
    if (ok[i] === 1) { bitmap[i >> 3]! |= 1 << (i & 7); valid++; }
  }
  const nulls = n - valid;
  return { bitmap: nulls === 0 ? undefined : bitmap, nullCount: nulls };
}

type Values = Int8Array | Uint16Array | Int32Array | Uint32Array;

/**
 * A primitive column from the first n rows (`width` values per row) of `values`, copied as
 * they are: the row store keeps 0 in the slots of nulls (garbage there would make equal
 * tables differ byte-wise).
 */
export function primitive<T extends DataType>(type: T, values: Values, n: number, ok?: Uint8Array, width = 1, mem: ColumnScratch = FRESH): Data<T> {
  const v = ok === undefined ? { bitmap: undefined, nullCount: 0 } : validity(ok, n, mem);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data: mem.prefix(values, n * width) } as never) as Data<T>;
}

/** A 64-bit column from `n` (lo, hi) pairs (null rows hold 0). */
export function int64<T extends DataType>(type: T, pairs: Int32Array | Uint32Array, n: number, ok?: Uint8Array, signed = false,
  mem: ColumnScratch = FRESH): Data<T> {
  const v = ok === undefined ? { bitmap: undefined, nullCount: 0 } : validity(ok, n, mem);
  // A view needs 8-byte alignment (row store columns start their own buffers); else a copy.
  const pairsOf = mem.reuse && pairs.byteOffset % 8 === 0 ? pairs.subarray(0, 2 * n) : pairs.slice(0, 2 * n);
  const values = signed ? new BigInt64Array(pairsOf.buffer, pairsOf.byteOffset, n) : new BigUint64Array(pairsOf.buffer, pairsOf.byteOffset, n);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data: values } as never) as Data<T>;
}

/** Utf8 Data from per-row (start, len) into a byte heap; len -1 = null. */
export function utf8FromHeap(heap: Uint8Array, starts: Int32Array, lens: Int32Array, n: number, mem: ColumnScratch = FRESH): Data<Utf8> {
  let total = 0;
  for (let i = 0; i < n; i++) if ((lens[i] as number) > 0) total += lens[i] as number;
  const offsets = mem.zeroed('offsets', Int32Array, n + 1);
  const data = mem.zeroed('data', Uint8Array, total);
  const ok = mem.zeroed('ok', Uint8Array, n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = lens[i] as number;
    if (len >= 0) {
      ok[i] = 1;
      const s = starts[i] as number;
      data.set(heap.subarray(s, s + len), at);
      at += len;
    }
    offsets[i + 1] = at;
  }
  const v = validity(ok, n, mem);
  return makeData({ type: new Utf8(), length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offsets, data });
}

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a string held in latin1 form (1 char = 1 input byte): the input's own
 * bytes when they are valid UTF-8, else decoded with U+FFFD replacements.
 */
export function latin1ToUtf8(s: string): Uint8Array {
  const raw = Buffer.from(s, 'latin1');
  for (let i = 0; i < raw.length; i++) if ((raw[i] as number) >= 0x80) return encoder.encode(decoder.decode(raw));
  return raw;
}

export function utf8FromStrings(values: readonly string[]): Data<Utf8> {
  const parts = values.map(latin1ToUtf8);
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((p, i) => { total += p.length; offsets[i + 1] = total; });
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { data.set(p, at); at += p.length; }
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

/**
 * One dictionary column across batches: each batch gets a Vector whose chunks are the
 * previous batches' chunks (same objects) plus one chunk of new values, so the IPC writer
 * emits exactly one delta per batch that introduced values.
 */
export class GrowingDictionary {
  private readonly chunks: Data<Utf8>[] = [];
  private written = 0;

  constructor(private readonly values: readonly string[]) {}

  /** The dictionary vector covering ids [0, upTo). */
  vectorUpTo(upTo: number): Vector<Utf8> {
    if (upTo > this.written || this.chunks.length === 0) {
      this.chunks.push(utf8FromStrings(this.values.slice(this.written, Math.max(upTo, this.written))));
      this.written = Math.max(upTo, this.written);
    }
    return new Vector([...this.chunks]);
  }
}

/** A dictionary column from ids (-1 = null, stored as index 0). */
export function dictionaryColumn(type: Dictionary<Utf8, Int32>, ids: Int32Array, n: number, dict: GrowingDictionary,
  mem: ColumnScratch = FRESH): Data<Dictionary<Utf8, Int32>> {
  const { values, ok, max } = nonNegative(ids, n, mem);
  const v = ok === undefined ? { bitmap: undefined, nullCount: 0 } : validity(ok, n, mem);
  return makeData({ type, length: n, nullCount: v.nullCount, nullBitmap: v.bitmap, data: values, dictionary: dict.vectorUpTo(max + 1) });
}

/** ids[0, n) with -1 (null) as 0, their null flags (undefined: none null) and the largest id. */
export function nonNegative(ids: Int32Array, n: number, mem: ColumnScratch = FRESH): { values: Int32Array; ok: Uint8Array | undefined; max: number } {
  let max = -1;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = ids[i] as number;
    if (v > max) max = v;
    else if (v < 0) nulls++;
  }
  if (nulls === 0) return { values: mem.prefix(ids, n), ok: undefined, max };
  const values = mem.zeroed('ids', Int32Array, n);
  const ok = mem.zeroed('ok', Uint8Array, n);
  if (nulls < n) {
    for (let i = 0; i < n; i++) {
      const v = ids[i] as number;
      if (v >= 0) { values[i] = v; ok[i] = 1; }
    }
  }
  return { values, ok, max };
}

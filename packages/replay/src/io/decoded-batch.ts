/**
 * A block of rows of one events.arrow RecordBatch decoded column by column into plain typed
 * arrays, nulls as sentinels or has-bits, so the replay loop reads array[i] and nothing else.
 * Column-wise decoding is a sequential pass per column (cheap); decoding row by row through
 * column objects cost a method call, a null-bitmap test and a branch per field per event. The
 * arrays are reused from block to block (grown when a block is larger): no garbage per batch,
 * and nothing of the batch is kept (its buffers are reused by the reader, io/batch-file.ts).
 */
import type { RecordBatch } from 'apache-arrow';
import { Int64Col, NumCol, DictCol, isNullAt } from './columns.js';
import { MAPPING } from '../model/model.js';
import { OP } from '../model/ops.js';

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
   * The page_ref values, 0 where null (the EventView convention), so the replay copies them
   * without a branch per field; `has` says which were present.
   */
  count = new Int32Array(0);
  mapcount = new Int32Array(0);
  val = new Int32Array(0);
  ret = new Int32Array(0);
  /** HAS_* bits per row. */
  has = new Uint8Array(0);
  /** MAPPING.* of the row's page->mapping (UNKNOWN when null): all the model needs of the pointer. */
  mappingKind = new Uint8Array(0);
  /** Operation per row (OP.*), from the event dictionary's ops (see fillOps). */
  op = new Uint8Array(0);

  /**
   * Rows [from, from + n) of a batch whose columns were located by the caller (required ones
   * checked there) into the arrays' first n entries. The replay decodes a batch a block of
   * rows at a time: the block's arrays stay in the CPU cache between this pass and the replay
   * loop that reads them (a whole 64 k-row batch decoded at once is 5 MB, out of cache again
   * before the loop reaches its rows).
   */
  fill(from: number, n: number, c: {
    line: Int64Col; ts: Int64Col; cpu: NumCol; pid: NumCol; comm: DictCol; event: DictCol;
    pfn: Int64Col | null; pfnEnd: Int64Col | null; order: NumCol | null; count: NumCol | null; mapcount: NumCol | null;
    val: NumCol | null; ret: NumCol | null; flags: DictCol | null; mapping: Int64Col | null; stack: NumCol | null;
  }): void {
    if (this.line.length < n) this.grow(n);
    this.length = n;
    int64Into(this.line, c.line, from, n);
    int64Into(this.ts, c.ts, from, n);
    numInto(this.cpu, c.cpu, from, n);
    numInto(this.pid, c.pid, from, n);
    dictInto(this.comm, c.comm, from, n);
    dictInto(this.event, c.event, from, n);
    if (c.pfn === null) this.pfn.fill(-1, 0, n); else nullableInt64Into(this.pfn, c.pfn, from, n);
    if (c.pfnEnd === null) this.pfnEnd.fill(-1, 0, n); else nullableInt64Into(this.pfnEnd, c.pfnEnd, from, n);
    nullableNumInto(this.order, c.order, from, n, -1);
    nullableNumInto(this.stack, c.stack, from, n, -1);
    if (c.flags === null) this.flagsIndex.fill(-1, 0, n); else nullableDictInto(this.flagsIndex, c.flags, from, n);
    this.has.fill(0, 0, n);
    pageRefInto(this.count, this.has, HAS_COUNT, c.count, from, n);
    pageRefInto(this.mapcount, this.has, HAS_MAPCOUNT, c.mapcount, from, n);
    pageRefInto(this.val, this.has, HAS_VAL, c.val, from, n);
    pageRefInto(this.ret, this.has, HAS_RET, c.ret, from, n);
    if (c.mapping === null) this.mappingKind.fill(MAPPING.UNKNOWN, 0, n); else this.fillMapping(c.mapping, from, n);
  }

  /** op[i] = ops[event[i]], OP.OTHER for an index the dictionary does not name. */
  fillOps(ops: readonly number[]): void {
    const n = this.length;
    for (let i = 0; i < n; i++) this.op[i] = ops[this.event[i] as number] ?? OP.OTHER;
  }

  private fillMapping(col: Int64Col, from: number, n: number): void {
    const { words, bitmap, offset } = col.raw();
    for (let i = 0; i < n; i++) {
      const r = from + i;
      const j = r + offset;
      this.mappingKind[i] = isNullAt(bitmap, j)
        ? MAPPING.UNKNOWN
        : mappingKindOf(words[2 * r + 1] as number, words[2 * r] as number);
    }
  }

  private grow(n: number): void {
    this.line = new Float64Array(n); this.ts = new Float64Array(n); this.pfn = new Float64Array(n); this.pfnEnd = new Float64Array(n);
    this.cpu = new Int32Array(n); this.pid = new Int32Array(n); this.comm = new Int32Array(n); this.event = new Int32Array(n);
    this.order = new Int32Array(n); this.flagsIndex = new Int32Array(n); this.stack = new Int32Array(n);
    this.count = new Int32Array(n); this.mapcount = new Int32Array(n); this.val = new Int32Array(n); this.ret = new Int32Array(n);
    this.has = new Uint8Array(n); this.mappingKind = new Uint8Array(n); this.op = new Uint8Array(n);
  }
}

function int64Into(out: Float64Array, col: Int64Col, from: number, n: number): void {
  const { words, signed } = col.raw();
  const w = 2 * from;
  if (signed) for (let i = 0; i < n; i++) out[i] = ((words[w + 2 * i + 1] as number) | 0) * 4294967296 + (words[w + 2 * i] as number);
  else for (let i = 0; i < n; i++) out[i] = (words[w + 2 * i + 1] as number) * 4294967296 + (words[w + 2 * i] as number);
}

function nullableInt64Into(out: Float64Array, col: Int64Col, from: number, n: number): void {
  const { words, signed, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    if (isNullAt(bitmap, j)) { out[i] = -1; continue; }
    const hi = words[2 * r + 1] as number;
    out[i] = (signed ? hi | 0 : hi) * 4294967296 + (words[2 * r] as number);
  }
}

function numInto(out: Int32Array, col: NumCol, from: number, n: number): void {
  const { values } = col.raw();
  for (let i = 0; i < n; i++) out[i] = values[from + i] as number;
}

function nullableNumInto(out: Int32Array, col: NumCol | null, from: number, n: number, sentinel: number): void {
  if (col === null) { out.fill(sentinel, 0, n); return; }
  const { values, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    out[i] = isNullAt(bitmap, j) ? sentinel : (values[r] as number);
  }
}

function dictInto(out: Int32Array, col: DictCol, from: number, n: number): void {
  out.set(col.raw().indices.subarray(from, from + n));
}

function nullableDictInto(out: Int32Array, col: DictCol, from: number, n: number): void {
  const { indices, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    out[i] = isNullAt(bitmap, j) ? -1 : (indices[r] as number);
  }
}

/**
 * One page_ref column (all are Int32) into out, 0 where null, and its HAS_* bit into has.
 * Branch-free per row: a null slot may hold anything, so the value is masked by its validity
 * bit (-1 keeps it, 0 clears it) instead of tested. A missing column is all null.
 */
function pageRefInto(out: Int32Array, has: Uint8Array, bit: number, col: NumCol | null, from: number, n: number): void {
  if (col === null) { out.fill(0, 0, n); return; }
  const { values, bitmap, offset } = col.raw();
  if (bitmap === null) {
    for (let i = 0; i < n; i++) { out[i] = values[from + i] as number; has[i] = (has[i] as number) | bit; }
    return;
  }
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    const valid = ((bitmap[j >> 3] as number) >> (j & 7)) & 1;
    out[i] = (values[r] as number) & -valid;
    has[i] = (has[i] as number) | (bit & -valid);
  }
}

/** MAPPING.* of a non-null mapping= value given as its two 32-bit words. */
function mappingKindOf(hi: number, lo: number): number {
  if (hi === 0 && lo === 0) return MAPPING.NONE;
  // Only real kernel pointers (no_hash_pointers / hash-ptr off) carry the PAGE_MAPPING_* bits.
  if (hi < 0xffff0000) return MAPPING.UNKNOWN;
  switch (lo & 3) {
    case 0: return MAPPING.FILE;
    case 2: return MAPPING.MOVABLE;
    default: return MAPPING.ANON;
  }
}

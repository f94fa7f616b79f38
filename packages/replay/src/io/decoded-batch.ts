/**
 * A block of rows of one events.arrow RecordBatch decoded column by column into plain typed
 * arrays, nulls as sentinels or has-bits, so the replay loop reads array[i] without a null
 * test or branch per field. Column-wise decoding is a sequential pass per column (cheap);
 * decoding row by row through column objects cost a method call, a null-bitmap test and a
 * branch per field per event. Columns that are never null (line, ts, cpu, pid, comm, event)
 * are not decoded at all: the loop reads Arrow's buffers at the row (see bind). The arrays
 * are allocated once for a block's rows and reused from block to block: no garbage per batch, and
 * nothing of the batch is kept past it (its buffers are reused by the reader, io/batch-file.ts).
 */
import { Int64Col, NumCol, DictCol, int64At, isNullAt } from './columns.js';
import { MAPPING } from '../model/model.js';
import type { ReplayCore } from '../wasm/replay-core.js';

/**
 * Rows decoded at a time (the replay decodes a batch block by block, see fill; a multiple of
 * the processor's WARM_WINDOW): ~85 KB of decoded columns, which stay in the L2 cache from
 * decoding to replay.
 */
export const BLOCK_ROWS = 1024;

/** Bits of `has`: which nullable page_ref fields the row carries. */
export const HAS_COUNT = 1;
export const HAS_MAPCOUNT = 2;
export const HAS_VAL = 4;
export const HAS_RET = 8;

export class DecodedBatch {
  length = 0;

  /**
   * The never-null columns are not decoded into block arrays: the replay reads them from
   * Arrow's buffers at the event's row (bind() points these at the current batch). A copy
   * into a block array and then into the EventView was two more stores and loads per field
   * per event for nothing: there is no null to resolve and no branch to avoid.
   */
  lineWords: Uint32Array = new Uint32Array(0);
  lineSigned = true;
  tsWords: Uint32Array = new Uint32Array(0);
  tsSigned = true;
  cpuValues: ArrayLike<number> = new Int32Array(0);
  pidValues: ArrayLike<number> = new Int32Array(0);
  /** Dictionary indices of comm and event. */
  commIndices: Int32Array = new Int32Array(0);
  eventIndices: Int32Array = new Int32Array(0);
  /** OP.* per event dictionary index (read as `?? OP.OTHER`: an index the dictionary does not name). */
  opOfEvent = new Uint8Array(0);
  /** -1 when null. */
  readonly pfn: Float64Array;
  readonly pfnEnd: Float64Array;
  readonly order: Int32Array;
  readonly flagsIndex: Int32Array;
  readonly stack: Int32Array;
  /**
   * The page_ref values, 0 where null (the EventView convention), so the replay copies them
   * without a branch per field; `has` says which were present.
   */
  readonly count: Int32Array;
  readonly mapcount: Int32Array;
  readonly val: Int32Array;
  readonly ret: Int32Array;
  /** HAS_* bits per row. */
  readonly has: Uint8Array;
  /** MAPPING.* of the row's page->mapping (UNKNOWN when null): all the model needs of the pointer. */
  readonly mappingKind: Uint8Array;
  /** The batch's never-null columns as the core reads them (bind copies them there), and its tables. */
  private batchAt = 0;
  private batchBytes = 0;
  private tablesAt = 0;
  private tablesBytes = 0;

  /**
   * The block's arrays are in the replay core's memory, where its loop reads the same rows
   * (assembly/core.ts blockLayout gives their offsets).
   */
  constructor(private readonly core: ReplayCore) {
    const x = core.x;
    const at = core.alloc(x.blockLayout(12), 'the decoded block');
    if (x.blockLayout(1) !== 8 * BLOCK_ROWS) throw new Error('replay-core.wasm: unexpected block layout (rebuild with pnpm build)');
    x.block.value = at;
    const buf = core.u8.buffer;
    const f64 = (k: number): Float64Array => new Float64Array(buf, at + x.blockLayout(k), BLOCK_ROWS);
    const i32 = (k: number): Int32Array => new Int32Array(buf, at + x.blockLayout(k), BLOCK_ROWS);
    const u8 = (k: number): Uint8Array => new Uint8Array(buf, at + x.blockLayout(k), BLOCK_ROWS);
    this.pfn = f64(0); this.pfnEnd = f64(1); this.order = i32(2); this.flagsIndex = i32(3); this.stack = i32(4);
    this.count = i32(5); this.mapcount = i32(6); this.val = i32(7); this.ret = i32(8);
    this.has = u8(10); this.mappingKind = u8(11);
  }

  /** Point the never-null columns at a batch (its required columns, checked by the caller) and its event names' operations. */
  bind(c: { line: Int64Col; ts: Int64Col; cpu: NumCol; pid: NumCol; comm: DictCol; event: DictCol }, ops: readonly number[]): void {
    const line = c.line.raw();
    const ts = c.ts.raw();
    this.lineWords = line.words; this.lineSigned = line.signed;
    this.tsWords = ts.words; this.tsSigned = ts.signed;
    this.cpuValues = c.cpu.raw().values;
    this.pidValues = c.pid.raw().values;
    this.commIndices = c.comm.raw().indices;
    this.eventIndices = c.event.raw().indices;
    this.opOfEvent = Uint8Array.from(ops);
    this.copyForCore();
  }

  /**
   * The never-null columns into the core's memory (one copy per batch: the core reads them
   * at the event's row as the processor's decode() does).
   */
  private copyForCore(): void {
    const x = this.core.x;
    const columns: ArrayBufferView[] = [this.lineWords, this.tsWords, cpuAsInt(this.cpuValues), asView(this.pidValues), this.commIndices, this.eventIndices];
    let bytes = 0;
    for (const c of columns) bytes += (c.byteLength + 63) & ~63;
    if (bytes > this.batchBytes) { this.batchBytes = Math.max(bytes, 2 * this.batchBytes); this.batchAt = this.core.alloc(this.batchBytes, 'batch columns'); }
    const addresses: number[] = [];
    let at = this.batchAt;
    for (const c of columns) {
      this.core.u8.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
      addresses.push(at);
      at += (c.byteLength + 63) & ~63;
    }
    [x.lineAt.value, x.tsAt.value, x.cpuAt.value, x.pidAt.value, x.commAt.value, x.eventAt.value] = addresses as [number, number, number, number, number, number];
    x.lineSigned.value = this.lineSigned ? 1 : 0;
    x.tsSigned.value = this.tsSigned ? 1 : 0;
    x.cpuShift.value = (columns[2] as ArrayBufferView & { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT === 2 ? 1 : 2;
  }

  /** The operation per event-dictionary id and the FLAG_* bits per flags-dictionary id (null: none), where the core reads them. */
  bindTables(ops: Uint8Array, flagBits: Uint8Array | null): void {
    const x = this.core.x;
    const flags = flagBits ?? new Uint8Array(0);
    const bytes = ((ops.length + 63) & ~63) + flags.length;
    if (bytes > this.tablesBytes) { this.tablesBytes = Math.max(bytes, 2 * this.tablesBytes, 4096); this.tablesAt = this.core.alloc(this.tablesBytes, 'dictionary tables'); }
    const flagsAt = this.tablesAt + ((ops.length + 63) & ~63);
    this.core.u8.set(ops, this.tablesAt);
    this.core.u8.set(flags, flagsAt);
    x.opsAt.value = this.tablesAt; x.opsLength.value = ops.length;
    x.flagBitsAt.value = flagsAt; x.flagBitsLength.value = flags.length;
  }

  /**
   * Rows [from, from + n) of a batch whose columns were located by the caller (required ones
   * checked there) into the arrays' first n entries. The replay decodes a batch a block of
   * rows at a time: the block's arrays stay in the CPU cache between this pass and the replay
   * loop that reads them (a whole 64 k-row batch decoded at once is 5 MB, out of cache again
   * before the loop reaches its rows).
   */
  fill(from: number, n: number, c: {
    pfn: Int64Col | null; pfnEnd: Int64Col | null; order: NumCol | null; count: NumCol | null; mapcount: NumCol | null;
    val: NumCol | null; ret: NumCol | null; flags: DictCol | null; mapping: Int64Col | null; stack: NumCol | null;
  }): void {
    if (n > BLOCK_ROWS) throw new RangeError(`DecodedBatch: ${n} rows in one block, at most ${BLOCK_ROWS}`);
    this.length = n;
    if (c.pfn === null) this.pfn.fill(-1, 0, n); else nullableInt64Into(this.pfn, c.pfn, from, n);
    if (c.pfnEnd === null) this.pfnEnd.fill(-1, 0, n); else nullableInt64Into(this.pfnEnd, c.pfnEnd, from, n);
    nullableNumInto(this.order, c.order, from, n, -1);
    nullableNumInto(this.stack, c.stack, from, n, -1);
    nullableNumInto(this.flagsIndex, c.flags, from, n, -1);
    this.has.fill(0, 0, n);
    pageRefInto(this.count, this.has, HAS_COUNT, c.count, from, n);
    pageRefInto(this.mapcount, this.has, HAS_MAPCOUNT, c.mapcount, from, n);
    pageRefInto(this.val, this.has, HAS_VAL, c.val, from, n);
    pageRefInto(this.ret, this.has, HAS_RET, c.ret, from, n);
    if (c.mapping === null) this.mappingKind.fill(MAPPING.UNKNOWN, 0, n); else this.fillMapping(c.mapping, from, n);
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

}

function nullableInt64Into(out: Float64Array, col: Int64Col, from: number, n: number): void {
  const { words, signed, bitmap, offset } = col.raw();
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    out[i] = isNullAt(bitmap, j) ? -1 : int64At(words, r, signed);
  }
}

/** A number column's values or a dictionary column's indices, sentinel where null (all of them for a missing column). */
function nullableNumInto(out: Int32Array, col: NumCol | DictCol | null, from: number, n: number, sentinel: number): void {
  if (col === null) { out.fill(sentinel, 0, n); return; }
  const raw = col.raw();
  int32OrSentinelInto(out, 'indices' in raw ? raw.indices : raw.values, raw.bitmap, raw.offset, from, n, sentinel);
}

/**
 * out[i] = values[from + i], or sentinel where null, without a branch per row: order, flags
 * and stack_id are null on some event kinds and not others, which the trace interleaves
 * unpredictably (a mispredicted branch per row and column). The value is masked by its
 * validity bit instead (a null slot may hold anything); Int32Array stores wrap values the
 * same way the mask does.
 */
function int32OrSentinelInto(out: Int32Array, values: ArrayLike<number>, bitmap: Uint8Array | null, offset: number, from: number, n: number, sentinel: number): void {
  if (bitmap === null) {
    for (let i = 0; i < n; i++) out[i] = values[from + i] as number;
    return;
  }
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const j = r + offset;
    const valid = ((bitmap[j >> 3] as number) >> (j & 7)) & 1;
    out[i] = ((values[r] as number) & -valid) | (sentinel & (valid - 1));
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

/** A never-null integer column as a typed array the core can read (Uint16 or 32-bit as they are). */
function cpuAsInt(values: ArrayLike<number>): ArrayBufferView {
  if (values instanceof Uint16Array || values instanceof Int32Array || values instanceof Uint32Array) return values;
  return Int32Array.from(values);
}

/** An Int32 column's values as a typed array (copied into one when it is not). */
function asView(values: ArrayLike<number>): ArrayBufferView {
  return values instanceof Int32Array || values instanceof Uint32Array ? values : Int32Array.from(values);
}

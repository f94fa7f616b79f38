/**
 * A block of rows of one events.arrow RecordBatch decoded column by column into typed arrays,
 * nulls as sentinels or has-bits, so the replay reads array[i] without a null test or branch
 * per field. The arrays are in the replay core's memory and the core decodes them
 * (assembly/fill.ts): its loop and the JavaScript model read the same rows. Columns that are
 * never null (line, ts, cpu, pid, comm, event) are not decoded at all: both read them at the
 * event's row (see bind). The arrays are allocated once and reused from block to block: no
 * garbage per batch, and nothing of the batch is kept past it (its buffers are reused by the
 * reader, io/batch-file.ts).
 */
import type { DictCol, Int64Col, NumCol } from './columns.js';
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
  /** Where bind copies a batch's columns that are not in the core's memory already, and the dictionary tables. */
  private copiesAt = 0;
  private copiesBytes = 0;
  private tablesAt = 0;
  private tablesBytes = 0;

  /**
   * The block's arrays are in the replay core's memory, where its loop reads the same rows
   * (assembly/block.ts blockLayout gives their offsets).
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

  /**
   * Point the decoding at a batch (its required columns checked by the caller), its event
   * names' operations and its flags' FLAG_* bits (null: no flags). The core reads every
   * column where it is: in place when the batch was read into its memory
   * (Replayer.batchBuffer), else from a copy made here.
   */
  bind(c: BoundColumns, ops: readonly number[], flagBits: Uint8Array | null): void {
    const line = c.line.raw();
    const ts = c.ts.raw();
    this.lineWords = line.words; this.lineSigned = line.signed;
    this.tsWords = ts.words; this.tsSigned = ts.signed;
    this.cpuValues = c.cpu.raw().values;
    this.pidValues = c.pid.raw().values;
    this.commIndices = c.comm.raw().indices;
    this.eventIndices = c.event.raw().indices;
    this.opOfEvent = Uint8Array.from(ops);
    const x = this.core.x;
    const cpu = intArray(this.cpuValues, true);
    const placed = this.place([this.lineWords, this.tsWords, cpu, intArray(this.pidValues, false), this.commIndices, this.eventIndices, ...nullableViews(c)]);
    [x.lineAt.value, x.tsAt.value, x.cpuAt.value, x.pidAt.value, x.commAt.value, x.eventAt.value] = placed.splice(0, 6) as [number, number, number, number, number, number];
    x.lineSigned.value = this.lineSigned ? 1 : 0;
    x.tsSigned.value = this.tsSigned ? 1 : 0;
    x.cpuShift.value = cpu.BYTES_PER_ELEMENT === 2 ? 1 : 2;
    // The nullable columns' table (assembly/fill.ts): values, bitmap (0: none), offset, kind.
    const table = this.core.x.columnTable() / 4;
    nullableColumns(c).forEach((col, k) => {
      const t = table + 4 * k;
      const i32 = this.core.i32;
      if (col === null) { i32[t] = 0; i32[t + 1] = 0; i32[t + 2] = 0; i32[t + 3] = KIND_ABSENT; return; }
      i32[t] = placed.shift() as number;
      i32[t + 1] = col.raw().bitmap === null ? 0 : (placed.shift() as number);
      i32[t + 2] = col.raw().offset;
      i32[t + 3] = kindOf(col);
    });
    this.bindTables(this.opOfEvent, flagBits);
  }

  /** Rows [from, from + n) of the bound batch into the block's arrays (assembly/fill.ts). */
  fill(from: number, n: number): void {
    if (n > BLOCK_ROWS) throw new RangeError(`DecodedBatch: ${n} rows in one block, at most ${BLOCK_ROWS}`);
    this.length = n;
    this.core.x.fill(from, n);
  }

  /** Addresses of the views in the core's memory: their own, or of copies made in this batch's region. */
  private place(views: ArrayBufferView[]): number[] {
    const mine = this.core.u8.buffer;
    let bytes = 0;
    for (const v of views) if (v.buffer !== mine) bytes += (v.byteLength + 63) & ~63;
    if (bytes > this.copiesBytes) { this.copiesBytes = Math.max(bytes, 2 * this.copiesBytes); this.copiesAt = this.core.alloc(this.copiesBytes, 'batch columns'); }
    let at = this.copiesAt;
    return views.map((v) => {
      if (v.buffer === mine) return v.byteOffset;
      this.core.u8.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
      const placedAt = at;
      at += (v.byteLength + 63) & ~63;
      return placedAt;
    });
  }

  /** The operation per event-dictionary id and the FLAG_* bits per flags-dictionary id (null: none), where the core reads them. */
  private bindTables(ops: Uint8Array, flagBits: Uint8Array | null): void {
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
}

/** The columns bind reads (processor.ts BatchColumns). */
export interface BoundColumns {
  line: Int64Col; ts: Int64Col; cpu: NumCol; pid: NumCol; comm: DictCol; event: DictCol;
  pfn: Int64Col | null; pfnEnd: Int64Col | null; order: NumCol | null; stack: NumCol | null; flags: DictCol | null;
  count: NumCol | null; mapcount: NumCol | null; val: NumCol | null; ret: NumCol | null; mapping: Int64Col | null;
}

type Nullable = Int64Col | NumCol | DictCol | null;

/** The nullable columns in assembly/fill.ts's table order. */
function nullableColumns(c: BoundColumns): Nullable[] {
  return [c.pfn, c.pfnEnd, c.order, c.stack, c.flags, c.count, c.mapcount, c.val, c.ret, c.mapping];
}

/** The typed arrays of the nullable columns the core reads, in table order: values, then the bitmap when there is one. */
function nullableViews(c: BoundColumns): ArrayBufferView[] {
  const out: ArrayBufferView[] = [];
  for (const col of nullableColumns(c)) {
    if (col === null) continue;
    const raw = col.raw();
    out.push('words' in raw ? raw.words : 'indices' in raw ? raw.indices : intArray(raw.values, false, true));
    if (raw.bitmap !== null) out.push(raw.bitmap);
  }
  return out;
}

// assembly/fill.ts value kinds
const KIND_ABSENT = -1; const KIND_I32 = 0; const KIND_I8 = 1; const KIND_U64 = 2; const KIND_I64 = 3;

function kindOf(col: Int64Col | NumCol | DictCol): number {
  const raw = col.raw();
  if ('words' in raw) return raw.signed ? KIND_I64 : KIND_U64;
  if ('indices' in raw) return KIND_I32;
  return raw.values instanceof Int8Array ? KIND_I8 : KIND_I32;
}

/**
 * An integer column's values as a typed array the core reads: Int32 (or Uint16 where allowed,
 * Int8 for order) as they are, anything else converted to Int32.
 */
function intArray(values: ArrayLike<number>, uint16: boolean, int8 = false): ArrayBufferView & { BYTES_PER_ELEMENT: number } {
  if (values instanceof Int32Array || values instanceof Uint32Array) return values;
  if (uint16 && values instanceof Uint16Array) return values;
  if (int8 && values instanceof Int8Array) return values;
  return Int32Array.from(values);
}

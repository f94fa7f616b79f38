/**
 * Column buffers for events, as typed arrays (never row objects). The same store serves a
 * chunk parser (ids local to the chunk) and the main thread's pending rows (global ids):
 * append() copies a chunk in with id remapping; takeFront() hands out a batch's rows.
 *
 * 64-bit columns (line numbers too) are kept as little-endian (lo, hi) 32-bit pairs so they
 * can be filled exactly without BigInt, and viewed as BigInt64Array/BigUint64Array for Arrow.
 * The `*Ok` null flags hold exactly 0 or 1 (the batch builder packs them 8 at a time), and
 * the value slots of a null are 0 (rows are cleared in bulk before use; the builder copies
 * values as they are).
 */

/** Typed-array columns: [name, constructor, elements per row]. */
const COLUMNS = [
  ['line', Uint32Array, 2],
  ['ts', Int32Array, 2],
  ['cpu', Uint16Array, 1],
  ['pid', Int32Array, 1],
  ['tgid', Int32Array, 1], ['tgidOk', Uint8Array, 1],
  ['comm', Int32Array, 1],
  ['event', Int32Array, 1],
  ['pfn', Uint32Array, 2], ['pfnOk', Uint8Array, 1],
  ['order', Int8Array, 1], ['orderOk', Uint8Array, 1],
  ['count', Int32Array, 1], ['countOk', Uint8Array, 1],
  ['mapcount', Int32Array, 1], ['mapcountOk', Uint8Array, 1],
  ['val', Int32Array, 1], ['valOk', Uint8Array, 1],
  ['ret', Int32Array, 1], ['retOk', Uint8Array, 1],
  ['mt', Int8Array, 1], ['mtOk', Uint8Array, 1],
  ['flags', Int32Array, 1],
  ['gfp', Int32Array, 1],
  ['mapping', Uint32Array, 2], ['mappingOk', Uint8Array, 1],
  ['stack', Int32Array, 1],
  ['pfnEnd', Uint32Array, 2], ['pfnEndOk', Uint8Array, 1],
  ['ofs', Uint32Array, 2], ['ofsOk', Uint8Array, 1],
  ['argsStart', Int32Array, 1],
  ['argsLen', Int32Array, 1],
] as const;

type ColumnName = (typeof COLUMNS)[number][0];
type TypedArray = Int32Array | Uint32Array | Uint16Array | Int8Array | Uint8Array;
export type U64Column = 'pfn' | 'mapping' | 'pfnEnd' | 'ofs';

/** Plain-object form, transferable between threads. */
export type RowStoreData = { length: number; heap: Uint8Array; heapLen: number } & Record<ColumnName, TypedArray>;

export class RowStore {
  length = 0;
  capacity: number;
  heap: Uint8Array;
  heapLen = 0;
  line!: Uint32Array; ts!: Int32Array; cpu!: Uint16Array; pid!: Int32Array; tgid!: Int32Array; tgidOk!: Uint8Array;
  comm!: Int32Array; event!: Int32Array;
  pfn!: Uint32Array; pfnOk!: Uint8Array; order!: Int8Array; orderOk!: Uint8Array;
  count!: Int32Array; countOk!: Uint8Array; mapcount!: Int32Array; mapcountOk!: Uint8Array;
  val!: Int32Array; valOk!: Uint8Array; ret!: Int32Array; retOk!: Uint8Array; mt!: Int8Array; mtOk!: Uint8Array;
  flags!: Int32Array; gfp!: Int32Array; mapping!: Uint32Array; mappingOk!: Uint8Array; stack!: Int32Array;
  pfnEnd!: Uint32Array; pfnEndOk!: Uint8Array; ofs!: Uint32Array; ofsOk!: Uint8Array;
  argsStart!: Int32Array; argsLen!: Int32Array;

  /** A store with room for `capacity` rows, or one wrapping posted column data. */
  constructor(capacity = 4096, data?: RowStoreData) {
    // Both paths assign the same properties in the same order: one object shape for all stores.
    this.capacity = data === undefined ? Math.max(16, capacity) : data.cpu.length;
    for (const [name, Ctor, w] of COLUMNS) {
      (this as unknown as Record<string, TypedArray>)[name] = data === undefined ? new Ctor(this.capacity * w) : data[name];
    }
    this.heap = data === undefined ? new Uint8Array(Math.max(1024, capacity * 32)) : data.heap;
    if (data !== undefined) { this.length = data.length; this.heapLen = data.heapLen; } else this.clearRows(0);
  }

  static fromData(d: RowStoreData): RowStore {
    return new RowStore(0, d);
  }

  /**
   * An empty store over the full buffers of posted column data (handed back for reuse, so a
   * parser thread does not allocate and zero ~5 MB per chunk, nor the main thread adopt as
   * much new external memory, which drives its Mark-Compacts). Old values stay in the
   * buffers: addRow() resets the null flags, and the batch builder zeroes every null slot.
   */
  static reuse(d: RowStoreData): RowStore {
    const full = {} as Record<string, TypedArray>;
    let capacity = Infinity;
    for (const [name, Ctor, w] of COLUMNS) {
      const a = new Ctor(d[name].buffer as ArrayBuffer);
      full[name] = a;
      capacity = Math.min(capacity, Math.floor(a.length / w));
    }
    const rows = full as unknown as RowStoreData;
    for (const [name, , w] of COLUMNS) rows[name] = full[name]!.subarray(0, capacity * w) as never;
    rows.heap = new Uint8Array(d.heap.buffer as ArrayBuffer);
    rows.length = 0;
    rows.heapLen = 0;
    const store = new RowStore(0, rows);
    store.clearRows(0);
    return store;
  }

  /** The columns trimmed to length (for posting to another thread). */
  toData(): RowStoreData {
    const d = { length: this.length, heap: this.heap.subarray(0, this.heapLen), heapLen: this.heapLen } as RowStoreData;
    for (const [name, , w] of COLUMNS) (d as Record<string, unknown>)[name] = this.col(name).subarray(0, this.length * w);
    return d;
  }

  transferables(): ArrayBuffer[] {
    const out = new Set<ArrayBuffer>([this.heap.buffer as ArrayBuffer]);
    for (const [name] of COLUMNS) out.add(this.col(name).buffer as ArrayBuffer);
    return [...out];
  }

  col(name: ColumnName): TypedArray {
    return (this as unknown as Record<ColumnName, TypedArray>)[name];
  }

  private grow(minRows: number): void {
    let cap = this.capacity;
    while (cap < minRows) cap *= 2;
    for (const [name, Ctor, w] of COLUMNS) {
      const next = new Ctor(cap * w);
      next.set(this.col(name).subarray(0, this.length * w));
      (this as unknown as Record<string, TypedArray>)[name] = next;
    }
    this.capacity = cap;
    this.clearRows(this.length);
  }

  reserveHeap(bytes: number): void {
    if (this.heapLen + bytes <= this.heap.length) return;
    let cap = this.heap.length * 2;
    while (cap < this.heapLen + bytes) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.heap.subarray(0, this.heapLen));
    this.heap = next;
  }

  /** Line number of row r (as a (lo, hi) pair: exact beyond 2^32 lines). */
  setLine(r: number, line: number): void {
    const hi = line >= TWO32 ? Math.floor(line / TWO32) : 0;
    this.line[2 * r] = line - hi * TWO32;
    this.line[2 * r + 1] = hi;
  }

  /**
   * Append an empty row (all nullable columns null) and return its index. Rows past `length`
   * are kept empty in bulk (clearRows) rather than row by row: this runs once per event.
   */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.length + 1);
    return this.length++;
  }

  /** Make rows [from, capacity) empty: null flags and values 0, ids -1 (null). */
  private clearRows(from: number): void {
    for (const [name, , w] of COLUMNS) this.col(name).fill(NULL_IS_MINUS_ONE.has(name) ? -1 : 0, from * w);
  }

  setU64(col: U64Column, r: number, lo: number, hi: number): void {
    switch (col) {
      case 'pfn': this.pfn[2 * r] = lo; this.pfn[2 * r + 1] = hi; this.pfnOk[r] = 1; return;
      case 'mapping': this.mapping[2 * r] = lo; this.mapping[2 * r + 1] = hi; this.mappingOk[r] = 1; return;
      case 'pfnEnd': this.pfnEnd[2 * r] = lo; this.pfnEnd[2 * r + 1] = hi; this.pfnEndOk[r] = 1; return;
      case 'ofs': this.ofs[2 * r] = lo; this.ofs[2 * r + 1] = hi; this.ofsOk[r] = 1; return;
    }
  }

  setArgs(r: number, bytes: Uint8Array): void {
    this.reserveHeap(bytes.length);
    this.heap.set(bytes, this.heapLen);
    this.argsStart[r] = this.heapLen;
    this.argsLen[r] = bytes.length;
    this.heapLen += bytes.length;
  }

  /** setArgs for bytes [from, to) of buf, without making a view object. */
  setArgsFrom(r: number, buf: Buffer, from: number, to: number): void {
    const n = to - from;
    this.reserveHeap(n);
    buf.copy(this.heap, this.heapLen, from, to);
    this.argsStart[r] = this.heapLen;
    this.argsLen[r] = n;
    this.heapLen += n;
  }

  /**
   * Append all rows of `src`, mapping its dictionary and stack ids through the given
   * tables (index = local id, value = global id) and offsetting args into this heap.
   */
  append(src: RowStore, maps: { comm: Int32Array; event: Int32Array; flags: Int32Array; gfp: Int32Array; stack: Int32Array }): void {
    const n = src.length;
    const base = this.length;
    if (base + n > this.capacity) this.grow(base + n);
    for (const [name, , w] of COLUMNS) {
      if (name === 'comm' || name === 'event' || name === 'flags' || name === 'gfp' || name === 'stack' || name === 'argsStart') continue;
      this.col(name).set(src.col(name).subarray(0, n * w), base * w);
    }
    remap(src.comm, this.comm, base, n, maps.comm);
    remap(src.event, this.event, base, n, maps.event);
    remap(src.flags, this.flags, base, n, maps.flags);
    remap(src.gfp, this.gfp, base, n, maps.gfp);
    remap(src.stack, this.stack, base, n, maps.stack);
    this.reserveHeap(src.heapLen);
    const heapBase = this.heapLen;
    this.heap.set(src.heap.subarray(0, src.heapLen), heapBase);
    this.heapLen += src.heapLen;
    const from = src.argsStart;
    const to = this.argsStart;
    for (let i = 0; i < n; i++) to[base + i] = (from[i] as number) + heapBase;
    this.length = base + n;
  }

  /** Drop the first n rows (after they were written as a batch) and compact the heap. */
  dropFront(n: number): void {
    const rest = this.length - n;
    for (const [name, , w] of COLUMNS) this.col(name).copyWithin(0, n * w, this.length * w);
    this.length = rest;
    // Args of the remaining rows start at the smallest remaining offset (rows are appended in order).
    const starts = this.argsStart;
    const lens = this.argsLen;
    let first = this.heapLen;
    for (let i = 0; i < rest; i++) if ((lens[i] as number) >= 0) { first = starts[i] as number; break; }
    this.heap.copyWithin(0, first, this.heapLen);
    this.heapLen -= first;
    for (let i = 0; i < rest; i++) starts[i] = (starts[i] as number) - first;
  }
}

const TWO32 = 4294967296;

/** Id columns whose null is -1 (flags, gfp, stack) and argsLen (-1: no args); every other column's empty value is 0. */
const NULL_IS_MINUS_ONE = new Set<string>(['flags', 'gfp', 'stack', 'argsLen']);

function remap(src: Int32Array, dst: Int32Array, base: number, n: number, map: Int32Array): void {
  for (let i = 0; i < n; i++) {
    const v = src[i] as number;
    dst[base + i] = v < 0 ? -1 : (map[v] as number);
  }
}

/**
 * Decoding the nullable columns of a block of rows into the block's arrays (src/io/
 * decoded-batch.ts describes them: -1 where pfn, pfn_end, order, stack_id or flags is null;
 * page_ref values 0 where null with a HAS_* bit where present; the mapping as a MAPPING
 * kind), for the core's loop and the JavaScript model alike. The JavaScript side describes
 * each column of the current batch in the table at columnTable(): where its values and its
 * validity bitmap are in this memory (Arrow's own buffers when the batch was read here, a copy
 * otherwise), the bitmap's offset and the values' kind.
 */
import { blockArray } from './block';

/** Columns in the order of the table: pfn, pfn_end, order, stack_id, flags, count, mapcount, val, ret, mapping. */
const COLUMNS: i32 = 10;
/** Per column: values address, bitmap address (0: none null), bitmap offset, kind. */
const table = memory.data(COLUMNS * 16);

export function columnTable(): i32 { return <i32>table; }

// Kinds: the column is absent (or null on every row), or its values' type.
const ABSENT: i32 = -1; const I32: i32 = 0; const I8: i32 = 1; const U64: i32 = 2; const I64: i32 = 3;
const HAS_COUNT: u8 = 1; const HAS_MAPCOUNT: u8 = 2; const HAS_VAL: u8 = 4; const HAS_RET: u8 = 8;
const MAPPING_NONE: u8 = 0; const MAPPING_FILE: u8 = 1; const MAPPING_ANON: u8 = 2; const MAPPING_MOVABLE: u8 = 3; const MAPPING_UNKNOWN: u8 = 4;
const MAPPING_RELEASED: u8 = 5;

@inline function column(c: i32, k: i32): i32 { return load<i32>(table + (<usize>c << 4) + (<usize>k << 2)); }

/** 1 when bit j of the validity bitmap at `bitmap` is set (0: no bitmap, every row valid). */
@inline function validBit(bitmap: usize, j: i32): i32 {
  return bitmap == 0 ? 1 : <i32>(load<u8>(bitmap + <usize>(j >> 3)) >> <u8>(j & 7)) & 1;
}

// The loops below read the column's descriptor into locals once (stores to the block could
// alias the table, so the compiler would reload it per row) and mask values by their validity
// bit instead of branching on it: nulls follow the event kind, which traces interleave.

function int64Into(out: usize, c: i32, from: i32, n: i32): void {
  const kind = column(c, 3);
  if (kind == ABSENT) { for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), -1); return; }
  const values = <usize>column(c, 0); const bitmap = <usize>column(c, 1); const offset = column(c, 2);
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const p = values + (<usize>r << 3);
    const v = kind == I64 ? <f64>load<i64>(p) : <f64>load<u64>(p);
    store<f64>(out + (<usize>i << 3), validBit(bitmap, r + offset) != 0 ? v : -1);
  }
}

function intOrSentinelInto(out: usize, c: i32, from: i32, n: i32, sentinel: i32): void {
  const kind = column(c, 3);
  if (kind == ABSENT) { for (let i = 0; i < n; i++) store<i32>(out + (<usize>i << 2), sentinel); return; }
  const values = <usize>column(c, 0); const bitmap = <usize>column(c, 1); const offset = column(c, 2);
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const v = kind == I8 ? <i32>load<i8>(values + <usize>r) : load<i32>(values + (<usize>r << 2));
    const valid = validBit(bitmap, r + offset);
    store<i32>(out + (<usize>i << 2), (v & -valid) | (sentinel & (valid - 1)));
  }
}

function pageRefInto(out: usize, has: usize, bit: u8, c: i32, from: i32, n: i32): void {
  const kind = column(c, 3);
  if (kind == ABSENT) { memory.fill(out, 0, <usize>n << 2); return; }
  const values = <usize>column(c, 0); const bitmap = <usize>column(c, 1); const offset = column(c, 2);
  for (let i = 0; i < n; i++) {
    const r = from + i;
    const v = kind == I8 ? <i32>load<i8>(values + <usize>r) : load<i32>(values + (<usize>r << 2));
    const valid = validBit(bitmap, r + offset);
    store<i32>(out + (<usize>i << 2), v & -valid);
    store<u8>(has + <usize>i, load<u8>(has + <usize>i) | (bit & <u8>-valid));
  }
}

/** MAPPING kind of a mapping= value (only real kernel pointers carry the PAGE_MAPPING_* bits). */
@inline function mappingKind(v: u64): u8 {
  if (v == 0) return MAPPING_NONE;
  // PAGE_MAPPING_MOVABLE alone: __ClearPageMovable, the owner (zsmalloc, balloon) gave the page up
  if (v == 2) return MAPPING_RELEASED;
  if (<u32>(v >> 32) < 0xffff0000) return MAPPING_UNKNOWN;
  const low = <u32>v & 3;
  return low == 0 ? MAPPING_FILE : low == 2 ? MAPPING_MOVABLE : MAPPING_ANON;
}

/** Rows [from, from + n) of the batch into the block's arrays. */
export function fill(from: i32, n: i32): void {
  int64Into(blockArray(0), 0, from, n);
  int64Into(blockArray(1), 1, from, n);
  intOrSentinelInto(blockArray(2), 2, from, n, -1);
  intOrSentinelInto(blockArray(4), 3, from, n, -1);
  intOrSentinelInto(blockArray(3), 4, from, n, -1);
  const has = blockArray(10);
  memory.fill(has, 0, <usize>n);
  pageRefInto(blockArray(5), has, HAS_COUNT, 5, from, n);
  pageRefInto(blockArray(6), has, HAS_MAPCOUNT, 6, from, n);
  pageRefInto(blockArray(7), has, HAS_VAL, 7, from, n);
  pageRefInto(blockArray(8), has, HAS_RET, 8, from, n);
  const kinds = blockArray(11);
  if (column(9, 3) == ABSENT) { memory.fill(kinds, MAPPING_UNKNOWN, <usize>n); return; }
  const values = <usize>column(9, 0); const bitmap = <usize>column(9, 1); const offset = column(9, 2);
  for (let i = 0; i < n; i++) {
    const r = from + i;
    store<u8>(kinds + <usize>i, validBit(bitmap, r + offset) != 0 ? mappingKind(load<u64>(values + (<usize>r << 3))) : MAPPING_UNKNOWN);
  }
}

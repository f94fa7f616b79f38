/**
 * Arrow tables as DuckDB views, without copying them into DuckDB and without touching values
 * one by one in JS.
 *
 * DuckDB's Node client cannot scan Arrow (duckdb-node-neo#45), and appending the columns
 * into a DuckDB table costs ~12 ns per value inside DuckDB's appender (measured: ~2.5 M
 * events rows/s for the 21 event columns). So each Arrow table is registered as a table
 * function with projection pushdown: every scan memcpy's only the columns a query uses from
 * the buffers apache-arrow carved out of the file (`copy_data_to_vector`, validity via
 * `copy_data_to_vector_validity`), at most `vector_size()` (2048) rows per chunk. "Loading"
 * a run is then just reading the files, and only the columns a scan uses, when it first reaches
 * each record batch (arrow-file.ts). Dictionary-encoded text becomes a DuckDB ENUM whose
 * members are the Arrow dictionary (the int32 codes are copied, not the strings); only plain
 * text columns (raw args, stack frames, anomaly messages) are assigned per non-null value.
 */
import duckdb from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { makeVector, type Data, type RecordBatch, type Table } from 'apache-arrow';
import { columnKindOf, enumMembers, fullDictionary, quoteIdent, type ColumnKind } from './arrow-columns.js';

interface ColumnPlan {
  name: string;
  kind: ColumnKind;
  logicalType: duckdb.LogicalType;
  /** enum columns: code -> member when the Arrow dictionary had repeats. */
  remap: Int32Array | null;
  /** enum columns: bytes per code in DuckDB's ENUM storage (1, 2 or 4). */
  enumWidth: number;
}

interface ScanState {
  /** Table columns in the order DuckDB asked for them (projection pushdown). */
  columns: number[];
  batch: number;
  row: number;
}

/** Makes the buffers of these columns of one record batch readable (see arrow-file.ts). */
export type LoadBatchColumns = (batch: number, columns: readonly number[]) => void;

/**
 * Registers `table` as the view `viewName` of the connection. `loadBatch`, when given, is called
 * before the first chunk a scan produces from a record batch, with the columns the scan
 * projects: arrow-file.ts reads them from disk then, so a scan that DuckDB stops after one
 * chunk (e.g. the probe side of a join whose build side is empty) reads one batch, not all.
 */
export async function registerArrowTable(
  raw: duckdb.Connection, conn: DuckDBConnection, viewName: string, table: Table,
  loadBatch?: LoadBatchColumns,
): Promise<void> {
  const plans = planColumns(viewName, table);
  const fn = duckdb.create_table_function();
  const functionName = `pagetrace_arrow_${viewName}`;
  duckdb.table_function_set_name(fn, functionName);
  duckdb.table_function_supports_projection_pushdown(fn, true);
  duckdb.table_function_set_bind(fn, (info) => {
    for (const plan of plans) duckdb.bind_add_result_column(info, plan.name, plan.logicalType);
    duckdb.bind_set_cardinality(info, table.numRows, true);
  });
  duckdb.table_function_set_init(fn, (info) => {
    const columns: number[] = [];
    for (let i = 0; i < duckdb.init_get_column_count(info); i++) columns.push(duckdb.init_get_column_index(info, i));
    // Chunks are produced by JS on the main thread: more DuckDB threads would only wait.
    duckdb.init_set_max_threads(info, 1);
    duckdb.init_set_init_data(info, { columns, batch: 0, row: 0 } satisfies ScanState);
  });
  duckdb.table_function_set_function(fn, (info, output) => {
    try {
      produceChunk(table, plans, duckdb.function_get_init_data(info) as ScanState, output, loadBatch);
    } catch (e) {
      duckdb.function_set_error(info, `reading ${viewName}: ${(e as Error).message}`);
    }
  });
  duckdb.register_table_function(raw, fn);
  await conn.run(`CREATE VIEW ${quoteIdent(viewName)} AS SELECT * FROM ${functionName}()`);
}

function planColumns(tableName: string, table: Table): ColumnPlan[] {
  return table.schema.fields.map((field, i) => {
    const kind = columnKindOf(tableName, field);
    if (kind.kind !== 'enum') return { name: field.name, kind, logicalType: logicalTypeOf(kind), remap: null, enumWidth: 0 };
    const { members, remap } = enumMembers(fullDictionary(table.getChildAt(i)));
    // DuckDB refuses an ENUM without members; an empty dictionary means every value is null.
    const logicalType = duckdb.create_enum_type(members.length ? members : ['']);
    return { name: field.name, kind, logicalType, remap, enumWidth: enumStorageWidth(logicalType) };
  });
}

const FIXED_TYPE_IDS: Record<string, duckdb.Type> = {
  TINYINT: duckdb.Type.TINYINT, SMALLINT: duckdb.Type.SMALLINT, INTEGER: duckdb.Type.INTEGER, BIGINT: duckdb.Type.BIGINT,
  UTINYINT: duckdb.Type.UTINYINT, USMALLINT: duckdb.Type.USMALLINT, UINTEGER: duckdb.Type.UINTEGER, UBIGINT: duckdb.Type.UBIGINT,
  FLOAT: duckdb.Type.FLOAT, DOUBLE: duckdb.Type.DOUBLE,
};

function logicalTypeOf(kind: ColumnKind): duckdb.LogicalType {
  switch (kind.kind) {
    case 'fixed': return duckdb.create_logical_type(FIXED_TYPE_IDS[kind.sqlType]!);
    case 'bool': return duckdb.create_logical_type(duckdb.Type.BOOLEAN);
    case 'list_utf8': return duckdb.create_list_type(duckdb.create_logical_type(duckdb.Type.VARCHAR));
    default: return duckdb.create_logical_type(duckdb.Type.VARCHAR);
  }
}

/** Next chunk of the scan: up to 2048 rows of one record batch; 0 rows ends the scan. */
function produceChunk(table: Table, plans: ColumnPlan[], state: ScanState, output: duckdb.DataChunk, loadBatch?: LoadBatchColumns): void {
  let batch: RecordBatch | undefined = table.batches[state.batch];
  while (batch && state.row >= batch.numRows) { state.batch++; state.row = 0; batch = table.batches[state.batch]; }
  if (!batch) { duckdb.data_chunk_set_size(output, 0); return; }
  // The first chunk of a batch (row 0) reads its columns; loadBatch skips what is already read.
  if (loadBatch && state.row === 0) loadBatch(state.batch, state.columns);
  const rows = Math.min(duckdb.vector_size(), batch.numRows - state.row);
  state.columns.forEach((column, k) => {
    const plan = plans[column];
    const data = batch.getChildAt(column)?.data[0];
    if (plan && data) fillVector(duckdb.data_chunk_get_vector(output, k), plan, data, state.row, rows);
  });
  duckdb.data_chunk_set_size(output, rows);
  state.row += rows;
}

function enumStorageWidth(type: duckdb.LogicalType): number {
  switch (duckdb.enum_internal_type(type)) {
    case duckdb.Type.UTINYINT: return 1;
    case duckdb.Type.USMALLINT: return 2;
    default: return 4;
  }
}

function fillVector(vector: duckdb.Vector, plan: ColumnPlan, data: Data, start: number, rows: number): void {
  copyValidity(vector, data, start, rows);
  const at = data.offset + start;
  switch (plan.kind.kind) {
    case 'fixed': {
      const values = data.values as ArrayBufferView & { BYTES_PER_ELEMENT: number };
      const bpv = plan.kind.bytesPerValue;
      duckdb.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + at * bpv, rows * bpv);
      return;
    }
    case 'enum': return copyEnumCodes(vector, plan, data.values as Int32Array, at, rows);
    case 'bool': return copyBooleans(vector, data, at, rows);
    case 'utf8': return assignStrings(vector, data, start, rows, 0);
    case 'list_utf8': return assignStringLists(vector, data, start, rows);
    case 'text_fallback': return assignFallbackText(vector, data, start, rows);
  }
}

/** Arrow and DuckDB validity masks share the LSB-first bit layout: copy bytes when aligned. */
function copyValidity(vector: duckdb.Vector, data: Data, start: number, rows: number): void {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return;
  duckdb.vector_ensure_validity_writable(vector);
  const bitStart = data.offset + start;
  const bitmap = data.nullBitmap;
  if (bitStart % 8 === 0) {
    duckdb.copy_data_to_vector_validity(vector, 0, bitmap.buffer as ArrayBuffer, bitmap.byteOffset + bitStart / 8, Math.ceil(rows / 8));
    return;
  }
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
  for (let r = 0; r < rows; r++) {
    const bit = bitStart + r;
    if ((bitmap[bit >> 3]! & (1 << (bit & 7))) === 0) duckdb.validity_set_row_invalid(validity, r);
  }
}

function isValid(data: Data, row: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const bit = data.offset + row;
  return (data.nullBitmap[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

function copyEnumCodes(vector: duckdb.Vector, plan: ColumnPlan, codes: Int32Array, at: number, rows: number): void {
  let source: Int32Array | Uint8Array | Uint16Array = codes.subarray(at, at + rows);
  if (plan.remap) {
    const remap = plan.remap;
    source = source.map((code) => remap[code] ?? 0);
  }
  // Narrow to the ENUM's storage width with a native typed-array conversion.
  if (plan.enumWidth === 1) source = Uint8Array.from(source);
  else if (plan.enumWidth === 2) source = Uint16Array.from(source);
  duckdb.copy_data_to_vector(vector, 0, source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
}

function copyBooleans(vector: duckdb.Vector, data: Data, at: number, rows: number): void {
  const bits = data.values as Uint8Array;
  const bytes = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) bytes[r] = (bits[(at + r) >> 3]! >> ((at + r) & 7)) & 1;
  duckdb.copy_data_to_vector(vector, 0, bytes.buffer, 0, rows);
}

function assignStrings(vector: duckdb.Vector, data: Data, start: number, rows: number, targetOffset: number): void {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  for (let r = 0; r < rows; r++) {
    if (!isValid(data, start + r)) continue;
    const i = data.offset + start + r;
    duckdb.vector_assign_string_element_len(vector, targetOffset + r, bytes.subarray(offsets[i]!, offsets[i + 1]!));
  }
}

function assignStringLists(vector: duckdb.Vector, data: Data, start: number, rows: number): void {
  const offsets = data.valueOffsets as Int32Array;
  const child = data.children[0];
  if (!child) return;
  const first = offsets[data.offset + start]!;
  const total = offsets[data.offset + start + rows]! - first;
  // list entries are {uint64 offset, uint64 length} pairs, relative to this chunk's child rows.
  const entries = new BigUint64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const a = offsets[data.offset + start + r]!;
    entries[2 * r] = BigInt(a - first);
    entries[2 * r + 1] = BigInt(offsets[data.offset + start + r + 1]! - a);
  }
  duckdb.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
  duckdb.list_vector_reserve(vector, total);
  duckdb.list_vector_set_size(vector, total);
  assignStrings(duckdb.list_vector_get_child(vector), child, first, total, 0);
}

/** Types without a raw mapping (never in the contracts today) still load, as their text. */
function assignFallbackText(vector: duckdb.Vector, data: Data, start: number, rows: number): void {
  const column = makeVector(data);
  for (let r = 0; r < rows; r++) {
    if (!isValid(data, start + r)) continue;
    duckdb.vector_assign_string_element(vector, r, String(column.get(start + r)));
  }
}

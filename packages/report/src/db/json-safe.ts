/**
 * Query results as JSON-safe values. DuckDB's JSON converter turns every 64/128-bit integer
 * into a string; pfns, timestamps and counts fit in a double almost always, so integers within
 * ±2^53 become numbers and only the rare larger one stays a (exact) string.
 */
import { DuckDBTypeId, type DuckDBResultReader, type Json } from '@duckdb/node-api';

export type JsonValue = Json;
export type JsonRow = Record<string, JsonValue>;

const WIDE_INTEGER_TYPES = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);

export function narrowWideInteger(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function narrowDecimal(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

export interface JsonTable {
  columns: string[];
  rows: JsonValue[][];
}

export function jsonSafeTable(reader: DuckDBResultReader): JsonTable {
  const columns = reader.columnNames();
  const converters = reader.columnTypes().map((t) =>
    WIDE_INTEGER_TYPES.has(t.typeId) ? narrowWideInteger : t.typeId === DuckDBTypeId.DECIMAL ? narrowDecimal : null);
  const rows = reader.getRowsJson().map((row) => row.map((v, i) => (converters[i] ? converters[i]!(v) : v)));
  return { columns, rows };
}

export function jsonSafeRows(reader: DuckDBResultReader): JsonRow[] {
  const { columns, rows } = jsonSafeTable(reader);
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null])));
}

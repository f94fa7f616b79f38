/**
 * A small Arrow table from JS rows, with a contract's column types. Used for the empty
 * anomalies/pages tables of a run that was never replayed, and by tests to write run dirs.
 */
import { RecordBatch, Struct, Table, makeData, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { schemaOf, type ColumnSpec } from '@pagetrace/ingest';

export type Row = Record<string, unknown>;

function columnVector(spec: ColumnSpec, rows: Row[]): Vector {
  const values = rows.map((r) => {
    const v = r[spec.name];
    if (v === undefined || v === null) return null;
    // 64-bit columns take bigint; let tests write plain numbers.
    if (typeof v === 'number' && /64/.test(String(spec.type))) return BigInt(v);
    return v;
  });
  return vectorFromArray(values, spec.type as DataType);
}

export function tableOf(columns: readonly ColumnSpec[], rows: Row[]): Table {
  const schema = schemaOf(columns);
  const children = columns.map((c) => columnVector(c, rows).data[0]!);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }));
  return new Table(schema, [batch]);
}


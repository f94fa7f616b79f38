/**
 * How each Arrow column type becomes a DuckDB column. Fixed-width numbers are copied as raw
 * bytes (same little-endian layout on both sides); dictionary-encoded text becomes a DuckDB
 * ENUM whose members are the Arrow dictionary, so the int32 codes are copied, not the strings.
 */
import { DataType, Type as ArrowType, type Field, type Vector } from 'apache-arrow';

export type ColumnKind =
  | { kind: 'fixed'; sqlType: string; bytesPerValue: number }
  | { kind: 'bool' }
  | { kind: 'utf8' }
  | { kind: 'enum'; enumName: string }
  | { kind: 'list_utf8' }
  | { kind: 'text_fallback' };

const FIXED_SQL_TYPES: Record<string, [string, number]> = {
  'Int8': ['TINYINT', 1], 'Int16': ['SMALLINT', 2], 'Int32': ['INTEGER', 4], 'Int64': ['BIGINT', 8],
  'Uint8': ['UTINYINT', 1], 'Uint16': ['USMALLINT', 2], 'Uint32': ['UINTEGER', 4], 'Uint64': ['UBIGINT', 8],
  'Float32': ['FLOAT', 4], 'Float64': ['DOUBLE', 8],
};

function intKey(type: DataType): string | undefined {
  if (DataType.isInt(type)) return `${type.isSigned ? 'Int' : 'Uint'}${type.bitWidth}`;
  if (DataType.isFloat(type)) return type.precision === 1 ? 'Float32' : type.precision === 2 ? 'Float64' : undefined;
  return undefined;
}

export function columnKindOf(table: string, field: Field): ColumnKind {
  const type = field.type as DataType;
  const key = intKey(type);
  if (key !== undefined && FIXED_SQL_TYPES[key]) {
    const [sqlType, bytesPerValue] = FIXED_SQL_TYPES[key]!;
    return { kind: 'fixed', sqlType, bytesPerValue };
  }
  if (type.typeId === ArrowType.Bool) return { kind: 'bool' };
  if (type.typeId === ArrowType.Utf8) return { kind: 'utf8' };
  if (DataType.isDictionary(type) && type.dictionary.typeId === ArrowType.Utf8 && DataType.isInt(type.indices)) {
    return { kind: 'enum', enumName: `${table}_${field.name}_t` };
  }
  if (DataType.isList(type) && (type.children[0]?.type as DataType | undefined)?.typeId === ArrowType.Utf8) return { kind: 'list_utf8' };
  return { kind: 'text_fallback' };
}

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * The dictionary of a dictionary column over all batches. With delta dictionaries every batch
 * sees the concatenation so far, so the longest one covers every code.
 */
export function fullDictionary(column: Vector | null): string[] {
  let longest: Vector | undefined;
  for (const data of column?.data ?? []) {
    if (data.dictionary && (!longest || data.dictionary.length > longest.length)) longest = data.dictionary;
  }
  const out: string[] = [];
  if (!longest) return out;
  for (let i = 0; i < longest.length; i++) out.push(String(longest.get(i) ?? ''));
  return out;
}

/**
 * ENUM members must be unique. When the Arrow dictionary repeats a string, codes are
 * remapped to the first occurrence; `remap` is null when the dictionary is already unique.
 */
export function enumMembers(dictionary: readonly string[]): { members: string[]; remap: Int32Array | null } {
  const indexOf = new Map<string, number>();
  const codes = new Int32Array(dictionary.length);
  dictionary.forEach((value, code) => {
    let member = indexOf.get(value);
    if (member === undefined) { member = indexOf.size; indexOf.set(value, member); }
    codes[code] = member;
  });
  const members = [...indexOf.keys()];
  return { members, remap: members.length === dictionary.length ? null : codes };
}

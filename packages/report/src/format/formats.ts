/**
 * Query results as text: an aligned table for people, CSV and JSON for programs.
 * Trace text can hold anything a task can name itself, terminal escapes included, so the
 * table form shows control characters as \xNN instead of sending them to the terminal.
 */
import type { JsonTable, JsonValue } from '../db/json-safe.js';

export type OutputFormat = 'table' | 'csv' | 'json';

export function formatResult(result: JsonTable, format: OutputFormat): string {
  switch (format) {
    case 'table': return formatTable(result);
    case 'csv': return formatCsv(result);
    case 'json': return formatJson(result);
  }
}

function cellText(value: JsonValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
export const escapeControl = (text: string): string =>
  text.replace(CONTROL_CHARS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function formatTable({ columns, rows }: JsonTable): string {
  const cells = rows.map((row) => row.map((v) => escapeControl(cellText(v))));
  const header = columns.map(escapeControl);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const line = (parts: string[]): string =>
    parts.map((p, i) => (numeric[i] ? p.padStart(widths[i]!) : p.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

function csvField(value: JsonValue): string {
  if (value === null) return '';
  const text = cellText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv({ columns, rows }: JsonTable): string {
  return [columns.map(csvField), ...rows.map((r) => r.map(csvField))].map((r) => r.join(',')).join('\n') + '\n';
}

export function formatJson({ columns, rows }: JsonTable): string {
  const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null])));
  return JSON.stringify(objects, null, 2) + '\n';
}

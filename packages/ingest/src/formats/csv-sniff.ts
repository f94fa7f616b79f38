/** The CSV front-end's sniffer (kept apart from csv.ts so workers never load csv-parse). */
export const CSV_REQUIRED = ['cpu', 'pid', 'comm', 'event'] as const;

export function csvHeader(firstLine: string): string[] {
  return firstLine.replace(/^\uFEFF/, '').split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
}

export function sniff(firstLines: readonly string[]): boolean {
  const first = firstLines.find((l) => l.trim().length > 0 && !l.startsWith('#'));
  if (first === undefined) return false;
  const cols = csvHeader(first);
  return (cols.includes('ts_ns') || cols.includes('ts')) && CSV_REQUIRED.every((c) => cols.includes(c));
}

/**
 * Where every input line went. lines_in == events + stack_lines + header_lines + markers + skipped.
 */
import type { LostEventsMarker } from '../meta-types.js';

export const FIRST_LINES_KEPT = 10;

/**
 * Keep the smallest line numbers, sorted. Skips are not always found in line order (a stack
 * is skipped when the chunk after it is merged), and "the smallest N" of a union does not
 * depend on how the input was chunked, so 1 and N workers report the same lines.
 */
function keepFirst(lines: number[]): void {
  lines.sort((a, b) => a - b);
  if (lines.length > FIRST_LINES_KEPT) lines.length = FIRST_LINES_KEPT;
}

export class Accounting {
  linesIn = 0;
  events = 0;
  stackEntries = 0;
  stackFrames = 0;
  callchainEnds = 0;
  headerLines = 0;
  markers = 0;
  skipped = 0;
  skippedByReason: Record<string, { count: number; first_lines: number[] }> = {};
  /** Events kept whose known field had an unreadable value (column NULL, raw text in args), by event name. */
  badFieldsByEvent: Record<string, { count: number; first_lines: number[] }> = {};
  lost: LostEventsMarker[] = [];
  /** Timestamps seen per form (checked against the detected clock). */
  header: { entries_in_buffer?: number; entries_written?: number; cpus?: number } = {};

  get stackLines(): number {
    return this.stackEntries + this.stackFrames + this.callchainEnds;
  }

  skip(reason: string, line: number, n = 1): void {
    this.skipped += n;
    const r = (this.skippedByReason[reason] ??= { count: 0, first_lines: [] });
    r.count += n;
    for (let i = 0; i < n && i < FIRST_LINES_KEPT; i++) r.first_lines.push(line + i);
    keepFirst(r.first_lines);
  }

  /** An event was kept, but one of its known fields could not be read (e.g. `pfn=zz`). */
  badField(event: string, line: number): void {
    const r = (this.badFieldsByEvent[event] ??= { count: 0, first_lines: [] });
    r.count++;
    if (r.first_lines.length < FIRST_LINES_KEPT) r.first_lines.push(line);
  }

  /** Add another chunk's accounting (chunks are added in trace order). */
  add(o: Accounting): void {
    this.linesIn += o.linesIn;
    this.events += o.events;
    this.stackEntries += o.stackEntries;
    this.stackFrames += o.stackFrames;
    this.callchainEnds += o.callchainEnds;
    this.headerLines += o.headerLines;
    this.markers += o.markers;
    for (const [reason, r] of Object.entries(o.skippedByReason)) {
      this.skipped += r.count;
      const mine = (this.skippedByReason[reason] ??= { count: 0, first_lines: [] });
      mine.count += r.count;
      mine.first_lines.push(...r.first_lines);
      keepFirst(mine.first_lines);
    }
    for (const [event, r] of Object.entries(o.badFieldsByEvent ?? {})) {
      const mine = (this.badFieldsByEvent[event] ??= { count: 0, first_lines: [] });
      mine.count += r.count;
      mine.first_lines.push(...r.first_lines);
      keepFirst(mine.first_lines);
    }
    this.lost.push(...o.lost);
    Object.assign(this.header, o.header);
  }

  /** Move n already-counted stack lines to skipped (a stack that found no event). */
  stackToSkipped(reason: string, firstLine: number, entryLines: number, frameLines: number): void {
    this.stackEntries -= entryLines;
    this.stackFrames -= frameLines;
    this.skip(reason, firstLine, entryLines + frameLines);
  }

  static fromJSON(o: Accounting): Accounting {
    return Object.assign(new Accounting(), o);
  }
}

/**
 * Where every input line went. lines_in == events + stack_lines + header_lines + markers + skipped.
 */
import type { LostEventsMarker } from '../meta-types.js';

export const FIRST_LINES_KEPT = 10;

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
    for (let i = 0; i < n && r.first_lines.length < FIRST_LINES_KEPT; i++) r.first_lines.push(line + i);
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
      for (const l of r.first_lines) if (mine.first_lines.length < FIRST_LINES_KEPT) mine.first_lines.push(l);
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

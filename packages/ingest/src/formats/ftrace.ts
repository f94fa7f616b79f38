/**
 * ftrace `trace` and `trace_pipe` text (kernel/trace/trace_output.c): with or without the
 * irq-info column (4 chars before 5.15, 5 after, up to 7 on RT), `record-tgid`, latency
 * format, `<stack trace>` + ` => func` frames, `CPU:N [LOST n EVENTS]`,
 * `##### CPU N buffer started ####`, function-tracer lines, any trace clock.
 */
import { classifyAfterContext, contextStats, matchArrowFrame, matchContext, matchMarker, mostCommon } from './context.js';
import type { Line } from './line.js';
import { SKIP, type FrontendModule, type Token, type Variant } from './types.js';

const identity = (l: string): string => l;

export function sniff(firstLines: readonly string[]): Variant | null {
  const hasHeader = firstLines.some((l) => l.startsWith('# tracer:') || l.startsWith('# entries-in-buffer'));
  let latency = false;
  let st = contextStats(firstLines, false, identity);
  if (st.events === 0) {
    st = contextStats(firstLines, true, identity);
    latency = st.events > 0;
  }
  if (st.events === 0) return null;
  const flagsWidth = mostCommon(st.flagsWidth, 0);
  const hasTgid = st.tgid * 2 > st.events;
  const counter = st.counter * 2 > st.events;
  const fractionDigits = counter ? 0 : mostCommon(st.digits, 6);
  const parts = [hasHeader ? 'trace' : 'trace_pipe'];
  if (latency) parts.push('latency-format');
  if (hasTgid) parts.push('tgid');
  parts.push(flagsWidth === 0 ? 'no irq-info' : `irq-info:${flagsWidth}`);
  if (counter) parts.push('counter clock');
  return {
    frontend: 'ftrace', name: parts.join(' '), flagsWidth, hasTgid, latency, instance: null,
    clock: counter ? 'counter' : 'ns', fractionDigits, hasHeader,
  };
}

export function tokenize(line: Line, tok: Token, variant: Variant): void {
  const b = line.bytes;
  const s = line.start;
  const n = line.end;
  if (s === n) { tok.kind = 'header'; return; }
  const c0 = b[s] as number;
  if (c0 === 35 /* # */) {
    if (!matchMarker(line, tok)) tok.kind = 'header';
    return;
  }
  if (c0 === 32 || c0 === 61) {
    // Frames are ` => func`; event lines start with the right-aligned task name.
    let i = s;
    while (i < n && b[i] === 32) i++;
    if (i < n && b[i] === 61 && matchArrowFrame(line, tok)) return;
  }
  if (c0 === 67 /* C */ && matchMarker(line, tok)) return;
  tokenizeContextLine(line, s, tok, variant.latency);
}

/** Context + what follows from byte `from`; shared with trace-cmd (after its instance prefix). */
export function tokenizeContextLine(line: Line, from: number, tok: Token, latency: boolean): void {
  tok.reason = SKIP.unparsed;
  const ctx = matchContext(line, tok, latency, from);
  if (ctx === null || !classifyAfterContext(line, ctx.rest, tok)) tok.kind = 'unparsed';
}

export const ftrace: FrontendModule = { frontend: 'ftrace', sniff, tokenize };

/**
 * What a front-end's line tokenizer produces. One mutable `Token` is reused for every line
 * (no per-line objects in the hot loop); the chunk parser reads it right after tokenize().
 * Offsets are absolute positions in the line's bytes (`Line.bytes`), not line-relative.
 */
import type { Frontend } from '../meta-types.js';
import type { Line } from './line.js';

export type LineKind =
  | 'event' // a trace event with its context
  | 'stack_header' // ftrace `<stack trace>`, trace-cmd `kernel_stack: <stack trace >`
  | 'frame' // ` => func`, `=> func (addr)`, perf tab-indented callchain line
  | 'callchain_end' // perf: the blank line that ends a callchain
  | 'header' // comments, headers, blank lines, `cpus=`
  | 'marker' // lost/dropped events, buffer started
  | 'unparsed'; // nothing we know: skipped with `reason`

/** How a detected trace is laid out. Serialisable (it is posted to worker threads). */
export interface Variant {
  frontend: Frontend;
  /** Human-readable, e.g. "trace tgid irq-info:5" (goes to meta.format.variant). */
  name: string;
  /** Flag characters of the irq-info/latency column (0 = absent). */
  flagsWidth: number;
  hasTgid: boolean;
  latency: boolean;
  /** trace-cmd: instance name printed before every line ("klabtc"), else null. */
  instance: string | null;
  clock: 'ns' | 'counter';
  /** Digits after the decimal point of the timestamps (6 or 9; 0 for counters). */
  fractionDigits: number;
  /** The file has a header (ftrace `trace`, not `trace_pipe`). */
  hasHeader: boolean;
}

export type MarkerKind = 'lost' | 'dropped' | 'buffer_started';

export interface Token {
  kind: LineKind;
  /** Task name: bytes [commStart, commEnd) (offsets avoid a string per line). */
  commStart: number;
  commEnd: number;
  pid: number;
  /** NaN when the trace has no tgid column or prints `(-----)`. */
  tgid: number;
  cpu: number;
  /** Timestamp as two 32-bit halves of an int64 (exact; never a float above 2^53). */
  tsHi: number;
  tsLo: number;
  /** The timestamp was a plain integer (counter clock). */
  tsCounter: boolean;
  tsDigits: number;
  /**
   * irq-info hardirq/softirq flag ('.', 's', 'h', ...; '' without the column): a stack
   * entry belongs to an event of the same context (an interrupt can come in between).
   */
  irqContext: string;
  /** stack_header: a user-space stack (`<user stack trace>`, trace-cmd user_stack). */
  userStack: boolean;
  /** Event name without system prefix: bytes [eventStart, eventEnd) (-1: the function tracer's). */
  eventStart: number;
  eventEnd: number;
  /** Argument text: bytes [argsStart, line end). */
  argsStart: number;
  frame: string;
  markerKind: MarkerKind;
  markerCount: number | null;
  /** For 'unparsed': a short reason (a key of meta.lines.skipped_by_reason). */
  reason: string;
}

export function newToken(): Token {
  return {
    kind: 'unparsed', commStart: 0, commEnd: 0, pid: 0, tgid: NaN, cpu: 0, tsHi: 0, tsLo: 0, tsCounter: false, tsDigits: 0, irqContext: '', userStack: false,
    eventStart: 0, eventEnd: 0, argsStart: 0, frame: '', markerKind: 'lost', markerCount: null, reason: '',
  };
}

/** A front-end module: the same code sniffs the format and tokenizes its lines. */
export interface FrontendModule {
  frontend: Frontend;
  /** Returns the variant when these first lines are this front-end's, else null. */
  sniff(firstLines: readonly string[]): Variant | null;
  /**
   * Tokenize one line (no line terminator). `inCallchain` tells perf-script whether a
   * callchain is open (a blank line then ends it).
   */
  tokenize(line: Line, tok: Token, variant: Variant, inCallchain: boolean): void;
}

/** Skip reasons are a closed, documented set (meta.lines.skipped_by_reason keys). */
export const SKIP = {
  unparsed: 'unparsed line',
  frameWithoutStack: 'stack frame without a stack header',
  stackWithoutEvent: 'stack trace without a preceding event on its CPU',
  clockMismatch: 'timestamp form differs from the trace clock',
  badTimestamp: 'timestamp out of range',
  stackAfterEmit: 'stack trace for an event already emitted (live stream)',
  // An event line at the very end without its newline was cut off (full disk, killed capture):
  // its last field may be a prefix of the real value, so it is not trusted.
  cutOff: 'last line cut off (no newline at end of input)',
} as const;

/**
 * The per-line context of ftrace and trace-cmd lines (kernel trace_print_context(),
 * trace-cmd trace_show_data()): `COMM-PID [(TGID)] [CPU] [FLAGS] TS: EVENT: ARGS`.
 *
 * Anchored on `-PID`, optional `(TGID)`/`(-----)`, `[CPU]` (Perfetto's approach): the comm is
 * whatever comes before and may contain spaces, dashes, brackets, parens, `<...>`. The lazy
 * comm group makes the FIRST anchor that yields a whole context win, so an event's argument
 * text can never be mistaken for a context.
 */
import { parseMicros, parseTimestamp } from './timestamp.js';
import { SKIP, type Token } from './types.js';

// 1 comm, 2 pid, 3 tgid, 4 cpu, 5 flags (0..7 chars), 6 secs, 7 frac
const CONTEXT = /^(.*?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,7})\s+)?(\d+)(?:\.(\d+))?:(?: |$)/;
// latency-format: `%8.8s-%-7d %3d` + flags + ` %4lldus%c: ` -> 1 comm, 2 pid, 3 cpu, 4 flags, 5 usecs
const LATENCY = /^(.*?)-(\d+)\s+(\d+)(\D\S{0,6})?\s+(\d+)us.: /;
const EVENT_NAME = /^([A-Za-z0-9_.-]+):(?: +|$)/;
const FUNCTION_LINE = /^\S+ <-\S/;

export interface ContextMatch {
  /** Offset in the line where the text after the context starts. */
  rest: number;
  flags: string;
  hasTgid: boolean;
}

/** Match the context at the start of `line`; fills tok's comm/pid/tgid/cpu/ts. */
export function matchContext(line: string, tok: Token, latency: boolean): ContextMatch | null {
  if (latency) {
    const m = LATENCY.exec(line);
    if (m === null) return null;
    tok.comm = trimLeft(m[1] as string);
    tok.pid = Number(m[2]);
    tok.tgid = NaN;
    tok.cpu = Number(m[3]);
    tok.irqContext = irqContextOf(m[4]);
    if (!parseMicros(m[5] as string, tok)) return markBadTs(tok);
    return { rest: m[0].length, flags: m[4] ?? '', hasTgid: false };
  }
  const m = CONTEXT.exec(line);
  if (m === null) return null;
  tok.comm = trimLeft(m[1] as string);
  tok.pid = Number(m[2]);
  const tgid = m[3];
  tok.tgid = tgid === undefined || tgid.charCodeAt(0) === 45 /* - */ ? NaN : Number(tgid);
  tok.cpu = Number(m[4]);
  tok.irqContext = irqContextOf(m[5]);
  if (!parseTimestamp(m[6] as string, m[7], tok)) return markBadTs(tok);
  return { rest: m[0].length, flags: m[5] ?? '', hasTgid: tgid !== undefined };
}

/** The hardirq/softirq character of the irq-info flags (3rd), '' when the column is absent. */
function irqContextOf(flags: string | undefined): string {
  return flags !== undefined && flags.length >= 3 ? (flags[2] as string) : '';
}

function markBadTs(tok: Token): null {
  tok.reason = SKIP.badTimestamp;
  return null;
}

function trimLeft(s: string): string {
  let i = 0;
  while (s.charCodeAt(i) === 32) i++;
  return i === 0 ? s : s.slice(i);
}

/**
 * After the context: `<stack trace>`, `EVENT: ARGS`, or a function-tracer `func <-parent`.
 * Sets tok.kind/event/argsStart. Returns false when nothing fits.
 */
export function classifyAfterContext(line: string, start: number, tok: Token): boolean {
  const rest = start === 0 ? line : line.slice(start);
  if (rest.charCodeAt(0) === 60 /* < */ && (rest.startsWith('<stack trace') || rest.startsWith('<user stack trace'))) {
    tok.kind = 'stack_header';
    tok.userStack = rest.charCodeAt(1) === 117 /* u */;
    return true;
  }
  const m = EVENT_NAME.exec(rest);
  if (m !== null) {
    const name = m[1] as string;
    // trace-cmd's stack event carries the frames on the following `=>` lines.
    if (name === 'kernel_stack' || name === 'user_stack') {
      tok.kind = 'stack_header';
      tok.userStack = name === 'user_stack';
      return true;
    }
    tok.kind = 'event';
    tok.event = name;
    tok.argsStart = start + m[0].length;
    return true;
  }
  if (FUNCTION_LINE.test(rest)) {
    tok.kind = 'event';
    tok.event = 'function';
    tok.argsStart = start;
    return true;
  }
  return false;
}

/** `CPU:N [LOST n EVENTS]`, `CPU:N [LOST EVENTS]`, `CPU:N [n EVENTS DROPPED]`, `CPU:N [EVENTS DROPPED]`. */
const LOST = /^CPU:(\d+) \[(?:LOST (?:(\d+) )?EVENTS|(?:(\d+) )?EVENTS DROPPED)\]\s*$/;
const BUFFER_STARTED = /^##### CPU (\d+) buffer started ####\s*$/;

export function matchMarker(line: string, tok: Token): boolean {
  if (line.charCodeAt(0) === 67 /* C */) {
    const m = LOST.exec(line);
    if (m === null) return false;
    tok.kind = 'marker';
    tok.cpu = Number(m[1]);
    const n = m[2] ?? m[3];
    tok.markerCount = n === undefined ? null : Number(n);
    tok.markerKind = line.includes('DROPPED') ? 'dropped' : 'lost';
    return true;
  }
  if (line.charCodeAt(0) === 35 /* # */) {
    const m = BUFFER_STARTED.exec(line);
    if (m === null) return false;
    tok.kind = 'marker';
    tok.cpu = Number(m[1]);
    tok.markerCount = null;
    tok.markerKind = 'buffer_started';
    return true;
  }
  return false;
}

/** ` => func` (ftrace), `=> func (addr)` (trace-cmd): the frame text after `=> `. */
export function matchArrowFrame(line: string, tok: Token): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  if (line.charCodeAt(i) !== 61 /* = */ || line.charCodeAt(i + 1) !== 62 /* > */) return false;
  tok.kind = 'frame';
  tok.frame = line.slice(i + 2).trim();
  return true;
}

/** Count the events' context shapes in sample lines: used by the ftrace and trace-cmd sniffers. */
export interface ContextStats {
  events: number;
  flagsWidth: Map<number, number>;
  tgid: number;
  counter: number;
  digits: Map<number, number>;
  paddedNames: number;
}

export function contextStats(lines: readonly string[], latency: boolean, strip: (l: string) => string): ContextStats {
  const st: ContextStats = { events: 0, flagsWidth: new Map(), tgid: 0, counter: 0, digits: new Map(), paddedNames: 0 };
  const tok = { comm: '', pid: 0, tgid: NaN, cpu: 0, tsHi: 0, tsLo: 0, tsCounter: false, tsDigits: 0 } as Token;
  for (const raw of lines) {
    const line = strip(raw);
    const ctx = matchContext(line, tok, latency);
    if (ctx === null) continue;
    if (!classifyAfterContext(line, ctx.rest, tok)) continue;
    st.events++;
    st.flagsWidth.set(ctx.flags.length, (st.flagsWidth.get(ctx.flags.length) ?? 0) + 1);
    if (ctx.hasTgid) st.tgid++;
    if (tok.tsCounter) st.counter++;
    else st.digits.set(tok.tsDigits, (st.digits.get(tok.tsDigits) ?? 0) + 1);
    // trace-cmd pads `name:` to 20+ columns; the kernel prints exactly one space.
    if (tok.kind === 'event' && tok.argsStart - (ctx.rest + tok.event.length + 1) >= 2) st.paddedNames++;
  }
  return st;
}

export function mostCommon(m: Map<number, number>, dflt: number): number {
  let best = dflt;
  let n = -1;
  for (const [k, v] of m) if (v > n) { best = k; n = v; }
  return best;
}

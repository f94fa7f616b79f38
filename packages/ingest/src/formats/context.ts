/**
 * The per-line context of ftrace and trace-cmd lines (kernel trace_print_context(),
 * trace-cmd trace_show_data()): `COMM-PID [(TGID)] [CPU] [FLAGS] TS: EVENT: ARGS`.
 *
 * Anchored on `-PID`, optional `(TGID)`/`(-----)`, `[CPU]` (Perfetto's approach): the comm is
 * whatever comes before and may contain spaces, dashes, brackets, parens, `<...>`. The FIRST
 * dash from the left at which a whole context (through `TS: `) can be read wins, so an
 * event's argument text can never be mistaken for a context. Hand-written scanning (no regex,
 * no substrings, in the line reader: assembly/context.ts) because this runs for every line;
 * it reads exactly what this regex reads:
 *   ^(.*?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,7})\s+)?(\d+)(?:\.(\d+))?:(?: |$)
 */
import { CHAR, Line } from './line.js';
import { addressOf, readContext, record, recordF64 } from '../wasm/line-reader.js';
import { parseMicros, parseTimestamp } from './timestamp.js';
import { SKIP, type Token } from './types.js';

// latency-format: `%8.8s-%-7d %3d` + flags + ` %4lldus%c: ` -> 1 comm, 2 pid, 3 cpu, 4 flags, 5 usecs;
// `trace-cmd report -l` prints the same context with a seconds timestamp -> 5 secs, 6 fraction.
const LATENCY = /^(.*?)-(\d+)\s+(\d+)(\D\S{0,6})?\s+(\d+)us.: /;
const LATENCY_SECS = /^(.*?)-(\d+)\s+(\d+)(\D\S{0,6})?\s+(\d+)(?:\.(\d+))?:(?: |$)/;
const FUNCTION_LINE = /^\S+ <-\S/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export interface ContextMatch {
  /** Offset in the line's bytes where the text after the context starts. */
  rest: number;
  flagsWidth: number;
  hasTgid: boolean;
}

const match: ContextMatch = { rest: 0, flagsWidth: 0, hasTgid: false };

/**
 * Match the context at bytes [from, line.end); fills tok's comm/pid/tgid/cpu/ts/irqContext.
 * The result object is reused. The line reader (assembly/context.ts) reads it; every read
 * there is bounded by the line end: the bytes after it are the next line's.
 */
export function matchContext(line: Line, tok: Token, latency: boolean, from = line.start): ContextMatch | null {
  if (latency) return matchLatency(line, tok, from);
  const n = line.end;
  const base = addressOf(line.bytes, from, n);
  const rest = readContext(base + from, base + n);
  if (rest === BAD_TIMESTAMP) return markBadTs(tok);
  if (rest < 0) return null;
  const rec = record;
  const f64 = recordF64;
  tok.commStart = (rec[C_COMM_START] as number) - base;
  tok.commEnd = (rec[C_COMM_END] as number) - base;
  tok.pid = f64[F_PID] as number;
  tok.tgid = f64[F_TGID] as number;
  tok.cpu = f64[F_CPU] as number;
  const irq = rec[C_IRQ] as number;
  tok.irqContext = irq < 0 ? '' : CHAR[irq] as string;
  tok.tsLo = (rec[C_TS_LO] as number) >>> 0;
  tok.tsHi = rec[C_TS_HI] as number;
  tok.tsCounter = rec[C_TS_COUNTER] === 1;
  tok.tsDigits = rec[C_TS_DIGITS] as number;
  match.rest = rest - base;
  match.flagsWidth = rec[C_FLAGS_WIDTH] as number;
  match.hasTgid = rec[C_HAS_TGID] === 1;
  return match;
}

/** readContext's answer for a timestamp beyond int64, and its result record (assembly/context.ts). */
const BAD_TIMESTAMP = -2;
const C_COMM_START = 64;
const C_COMM_END = 65;
const C_FLAGS_WIDTH = 66;
const C_HAS_TGID = 67;
const C_IRQ = 68;
const C_TS_LO = 69;
const C_TS_HI = 70;
const C_TS_COUNTER = 71;
const C_TS_DIGITS = 72;
const F_PID = 0;
const F_TGID = 1;
const F_CPU = 2;

function matchLatency(line: Line, tok: Token, from: number): ContextMatch | null {
  const text = from === line.start ? line.text() : line.slice(from);
  let m = LATENCY.exec(text);
  const secs = m === null;
  if (secs) m = LATENCY_SECS.exec(text);
  if (m === null) return null;
  const comm = m[1] as string;
  let c0 = 0;
  while (comm.charCodeAt(c0) === 32) c0++;
  tok.commStart = from + c0;
  tok.commEnd = from + comm.length;
  tok.pid = Number(m[2]);
  tok.tgid = NaN;
  tok.cpu = Number(m[3]);
  const flags = m[4] ?? '';
  tok.irqContext = flags.length >= 3 ? flags[2] as string : '';
  const tsOk = secs ? parseTimestamp(m[5] as string, m[6], tok) : parseMicros(m[5] as string, tok);
  if (!tsOk) return markBadTs(tok);
  match.rest = from + m[0].length;
  match.flagsWidth = flags.length;
  match.hasTgid = false;
  return match;
}

function markBadTs(tok: Token): null {
  tok.reason = SKIP.badTimestamp;
  return null;
}

/** Characters of an event name ([A-Za-z0-9_.-]), as a table: this runs for every character of every name. */
const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  NAME_CHAR[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 46 || c === 45 ? 1 : 0;
}

/**
 * After the context: `<stack trace>`, `EVENT: ARGS`, or a function-tracer `func <-parent`.
 * Sets tok.kind/event/argsStart. Returns false when nothing fits.
 */
export function classifyAfterContext(line: Line, start: number, tok: Token): boolean {
  const b = line.bytes;
  const n = line.end;
  const c = start < n ? b[start] as number : -1;
  if (c === 60 /* < */ && (startsWithAt(b, n, start, '<stack trace') || startsWithAt(b, n, start, '<user stack trace'))) {
    tok.kind = 'stack_header';
    tok.userStack = b[start + 1] === 117 /* u */;
    return true;
  }
  let i = start;
  while (i < n && NAME_CHAR[b[i] as number] === 1) i++;
  if (i > start && i < n && b[i] === 58 /* : */ && (i + 1 === n || b[i + 1] === 32)) {
    // trace-cmd's stack events carry the frames on the following `=>` lines.
    // First-character guard: two startsWith calls per event line showed in the profile.
    if ((c === 107 /* k */ && startsWithAt(b, n, start, 'kernel_stack:')) || (c === 117 /* u */ && startsWithAt(b, n, start, 'user_stack:'))) {
      tok.kind = 'stack_header';
      tok.userStack = c === 117;
      return true;
    }
    tok.kind = 'event';
    tok.eventStart = start;
    tok.eventEnd = i;
    let a = i + 1;
    while (a < n && b[a] === 32) a++;
    tok.argsStart = a;
    return true;
  }
  if (FUNCTION_LINE.test(start === line.start ? line.text() : line.slice(start))) {
    tok.kind = 'event';
    tok.eventStart = -1; // the function tracer's event: no name in the line
    tok.eventEnd = -1;
    tok.argsStart = start;
    return true;
  }
  return false;
}

/** Bytes [at, ...) of a line ending at n spell the latin1 string s. */
export function startsWithAt(b: Uint8Array, n: number, at: number, s: string): boolean {
  if (n - at < s.length) return false;
  for (let k = 0; k < s.length; k++) if (b[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** `CPU:N [LOST n EVENTS]`, `CPU:N [LOST EVENTS]`, `CPU:N [n EVENTS DROPPED]`, `CPU:N [EVENTS DROPPED]`. */
const LOST = /^CPU:(\d+) \[(?:LOST (?:(\d+) )?EVENTS|(?:(\d+) )?EVENTS DROPPED)\]\s*$/;
const BUFFER_STARTED = /^##### CPU (\d+) buffer started ####\s*$/;

/** A marker line at bytes [from, line.end) (trace-cmd: after the instance prefix). */
export function matchMarker(line: Line, tok: Token, from = line.start): boolean {
  const c0 = from < line.end ? line.bytes[from] : -1;
  if (c0 === 67 /* C */) {
    const text = line.slice(from);
    const m = LOST.exec(text);
    if (m === null) return false;
    tok.kind = 'marker';
    tok.cpu = Number(m[1]);
    const n = m[2] ?? m[3];
    tok.markerCount = n === undefined ? null : Number(n);
    tok.markerKind = text.includes('DROPPED') ? 'dropped' : 'lost';
    return true;
  }
  if (c0 === 35 /* # */) {
    const m = BUFFER_STARTED.exec(line.slice(from));
    if (m === null) return false;
    tok.kind = 'marker';
    tok.cpu = Number(m[1]);
    tok.markerCount = null;
    tok.markerKind = 'buffer_started';
    return true;
  }
  return false;
}

/** ` => func` (ftrace), `=> func (addr)` (trace-cmd) at bytes [from, line.end): the frame text after `=> `. */
export function matchArrowFrame(line: Line, tok: Token, from = line.start): boolean {
  const b = line.bytes;
  const n = line.end;
  let i = from;
  while (i < n && (b[i] === 32 || b[i] === 9)) i++;
  if (i + 1 >= n || b[i] !== 61 /* = */ || b[i + 1] !== 62 /* > */) return false;
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
  const tok = { commStart: 0, commEnd: 0, pid: 0, tgid: NaN, cpu: 0, tsHi: 0, tsLo: 0, tsCounter: false, tsDigits: 0 } as Token;
  for (const raw of lines) {
    const line = Line.of(strip(raw));
    const ctx = matchContext(line, tok, latency);
    if (ctx === null) continue;
    const { flagsWidth, hasTgid, rest } = ctx;
    if (!classifyAfterContext(line, rest, tok)) continue;
    st.events++;
    st.flagsWidth.set(flagsWidth, (st.flagsWidth.get(flagsWidth) ?? 0) + 1);
    if (hasTgid) st.tgid++;
    if (tok.tsCounter) st.counter++;
    else st.digits.set(tok.tsDigits, (st.digits.get(tok.tsDigits) ?? 0) + 1);
    // trace-cmd pads `name:` to 20+ columns; the kernel prints exactly one space.
    if (tok.kind === 'event' && tok.eventEnd >= 0 && tok.argsStart - (tok.eventEnd + 1) >= 2) st.paddedNames++;
  }
  return st;
}

export function mostCommon(m: Map<number, number>, dflt: number): number {
  let best = dflt;
  let n = -1;
  for (const [k, v] of m) if (v > n) { best = k; n = v; }
  return best;
}

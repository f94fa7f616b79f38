/**
 * The per-line context of ftrace and trace-cmd lines (kernel trace_print_context(),
 * trace-cmd trace_show_data()): `COMM-PID [(TGID)] [CPU] [FLAGS] TS: EVENT: ARGS`.
 *
 * Anchored on `-PID`, optional `(TGID)`/`(-----)`, `[CPU]` (Perfetto's approach): the comm is
 * whatever comes before and may contain spaces, dashes, brackets, parens, `<...>`. The FIRST
 * dash from the left at which a whole context (through `TS: `) can be read wins, so an
 * event's argument text can never be mistaken for a context. Hand-written scanning (no regex,
 * no substrings) because this runs for every line; it reads exactly what this regex reads:
 *   ^(.*?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,7})\s+)?(\d+)(?:\.(\d+))?:(?: |$)
 */
import { CHAR, Line } from './line.js';
import { parseMicros, parseTimestamp, parseTimestampAt } from './timestamp.js';
import { newToken, SKIP, type Token } from './types.js';

// latency-format: `%8.8s-%-7d %3d` + flags + ` %4lldus%c: ` -> 1 comm, 2 pid, 3 cpu, 4 flags, 5 usecs;
// `trace-cmd report -l` prints the same context with a seconds timestamp -> 5 secs, 6 fraction.
const LATENCY = /^(.*?)-(\d+)\s+(\d+)(\D\S{0,6})?\s+(\d+)us.: /;
const LATENCY_SECS = /^(.*?)-(\d+)\s+(\d+)(\D\S{0,6})?\s+(\d+)(?:\.(\d+))?:(?: |$)/;
const FUNCTION_LINE = /^\S+ <-\S/;

/** JavaScript's \s within latin1 (the bytes are read as latin1 characters). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

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
 * The result object is reused. Every read below is bounded by the line end: the bytes after
 * it are the next line's.
 */
export function matchContext(line: Line, tok: Token, latency: boolean, from = line.start): ContextMatch | null {
  if (latency) return matchLatency(line, tok, from);
  const b = line.bytes;
  const n = line.end;
  const again = sameContextAgain(b, n, from, tok);
  if (again >= 0) {
    match.rest = again;
    return match;
  }
  // Whether every dash tried before the one that matched failed at the byte after it (a dash
  // inside the task name, `hmm-tests-64`): then the same bytes make it fail the same way.
  let missesAtNextByte = true;
  for (let dash = indexOfByte(b, 45, from, n); dash >= 0; dash = indexOfByte(b, 45, dash + 1, n)) {
    const rest = contextAt(b, n, dash, tok);
    if (rest === -2) return markBadTs(tok);
    if (rest >= 0) {
      let c0 = from;
      while (c0 < n && b[c0] === 32) c0++;
      tok.commStart = Math.min(c0, dash);
      tok.commEnd = dash;
      match.rest = rest;
      if (missesAtNextByte && match.flagsWidth > 0) remember(b, from, tok);
      else previous.bytes = null;
      return match;
    }
    if (isDigit(b[dash + 1] as number)) missesAtNextByte = false;
  }
  return null;
}

/**
 * The context of the last line matched, when another line can reuse it: consecutive lines
 * of a real trace mostly come from the same task on the same CPU (95-99 % of the event
 * lines of the captures in shared/traces), so their bytes up to the timestamp are the same.
 * Such a line is read from its timestamp on; everything before it is taken from here.
 *
 * Why that gives what the full match gives: the full match tries the same dashes in the
 * same bytes; the ones before the dash that matched fail at the byte after them (a letter,
 * not a pid: only such contexts are remembered), and at that dash it reads the same bytes
 * (pid, tgid, cpu, the flags column and the spaces after it) up to the timestamp, so it gets
 * there with the same values, then reads the same timestamp. Contexts without a flags column
 * are not remembered: there the full match first tries the timestamp's own bytes as flags,
 * which depends on what follows them. A timestamp that does not read (another width, out of
 * range) sends the line to the full match.
 */
const previous = {
  /** The chunk the remembered line is in (null: nothing to reuse). */
  bytes: null as Uint8Array | null,
  /** Where that line's context starts, and its length up to the timestamp. */
  from: 0, length: 0,
  /** Its context fields, comm offsets relative to `from` (a Token: one shape for copyContext). */
  tok: newToken(),
  flagsWidth: 0, hasTgid: false,
};

function remember(b: Uint8Array, from: number, tok: Token): void {
  const p = previous;
  p.bytes = b;
  p.from = from;
  p.length = timestampStart - from;
  copyContext(p.tok, tok, -from);
  p.flagsWidth = match.flagsWidth;
  p.hasTgid = match.hasTgid;
}

/** The offset after the context when bytes [from, timestamp) repeat the remembered line's; else -1. */
function sameContextAgain(b: Uint8Array, n: number, from: number, tok: Token): number {
  const p = previous;
  if (p.bytes !== b || n - from <= p.length) return -1;
  const at = p.from;
  for (let k = 0; k < p.length; k++) if (b[from + k] !== b[at + k]) return -1;
  const end = timestampAt(b, n, from + p.length, tok);
  if (end < 0) return -1;
  copyContext(tok, p.tok, from);
  match.flagsWidth = p.flagsWidth;
  match.hasTgid = p.hasTgid;
  p.from = from;
  return end;
}

/** The fields a context sets besides the timestamp, comm offsets moved by `shift`. */
function copyContext(to: Token, from: Token, shift: number): void {
  to.commStart = from.commStart + shift;
  to.commEnd = from.commEnd + shift;
  to.pid = from.pid;
  to.tgid = from.tgid;
  to.cpu = from.cpu;
  to.irqContext = from.irqContext;
}

function indexOfByte(b: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === byte) return i;
  return -1;
}

/** The context after the comm, with the pid's dash at `dash`, in a line ending at n: end offset, -1 (no match) or -2 (bad timestamp). */
function contextAt(b: Uint8Array, n: number, dash: number, tok: Token): number {
  let i = dash + 1;
  let pid = 0;
  const p0 = i;
  for (; i < n; i++) {
    const c = b[i] as number;
    if (!isDigit(c)) break;
    pid = pid * 10 + (c - 48);
  }
  if (i === p0 || i - p0 > 10) return -1;
  const s0 = i;
  while (i < n && isSpace(b[i] as number)) i++;
  if (i === s0 || i >= n) return -1;
  let tgid = NaN;
  let hasTgid = false;
  if (b[i] === 40 /* ( */) {
    let j = i + 1;
    while (j < n && isSpace(b[j] as number)) j++;
    const t0 = j;
    if (j < n && isDigit(b[j] as number)) {
      let t = 0;
      for (; j < n; j++) {
        const c = b[j] as number;
        if (!isDigit(c)) break;
        t = t * 10 + (c - 48);
      }
      tgid = j - t0 > 10 ? NaN : t;
    } else while (j < n && b[j] === 45) j++;
    if (j === t0 || j >= n || b[j] !== 41 /* ) */) return -1;
    j++;
    const s1 = j;
    while (j < n && isSpace(b[j] as number)) j++;
    if (j === s1) return -1;
    i = j;
    hasTgid = true;
  }
  if (i >= n || b[i] !== 91 /* [ */) return -1;
  i++;
  const c0 = i;
  let cpu = 0;
  for (; i < n; i++) {
    const c = b[i] as number;
    if (!isDigit(c)) break;
    cpu = cpu * 10 + (c - 48);
  }
  if (i === c0 || i >= n || b[i] !== 93 /* ] */) return -1;
  i++;
  const s2 = i;
  while (i < n && isSpace(b[i] as number)) i++;
  if (i === s2) return -1;
  // Optional flags column (\S{1,7} then whitespace), tried first as the regex does.
  let f = i;
  while (f < n && !isSpace(b[f] as number)) f++;
  let flagsWidth = 0;
  let end = -1;
  if (f - i >= 1 && f - i <= 7 && f < n) {
    let t = f;
    while (t < n && isSpace(b[t] as number)) t++;
    end = timestampAt(b, n, t, tok);
    if (end >= 0) { flagsWidth = f - i; timestampStart = t; }
  }
  if (end === -1) end = timestampAt(b, n, i, tok);
  if (end < 0) return end;
  tok.pid = pid;
  tok.tgid = tgid;
  tok.cpu = cpu;
  tok.irqContext = flagsWidth >= 3 ? CHAR[b[i + 2] as number] as string : '';
  match.flagsWidth = flagsWidth;
  match.hasTgid = hasTgid;
  return end;
}

/** Where the timestamp of contextAt's last match with a flags column starts. */
let timestampStart = 0;

/** `(\d+)(?:\.(\d+))?:(?: |$)` at i (line end n): the offset after it, -1 when absent, -2 when out of range. */
function timestampAt(b: Uint8Array, n: number, i: number, tok: Token): number {
  const s0 = i;
  while (i < n && isDigit(b[i] as number)) i++;
  if (i === s0) return -1;
  const s1 = i;
  let f0 = -1;
  let f1 = -1;
  if (i < n && b[i] === 46 /* . */) {
    f0 = i + 1;
    i = f0;
    while (i < n && isDigit(b[i] as number)) i++;
    if (i === f0) return -1;
    f1 = i;
  }
  if (i >= n || b[i] !== 58 /* : */) return -1;
  i++;
  if (i < n) {
    if (b[i] !== 32) return -1;
    i++;
  }
  return parseTimestampAt(b, s0, s1, f0, f1, tok) ? i : -2;
}

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

/**
 * The per-line context of ftrace and trace-cmd lines (src/formats/context.ts matchContext
 * runs it; the grammar and the reasons for it are documented there):
 *   ^(.*?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,7})\s+)?(\d+)(?:\.(\d+))?:(?: |$)
 * The FIRST dash from the left at which a whole context can be read wins.
 *
 * Numbers are computed as the JavaScript parser computed them before this moved here: pid,
 * tgid and cpu as f64 (the same IEEE operations, so even absurd widths give the same value),
 * the timestamp exactly in 64 bits.
 */
import { at, isDigit, setF64, setSlot } from './memory';

// Result record slots: i32 from 64, f64 from 0.
const C_COMM_START = 64;
const C_COMM_END = 65;
const C_FLAGS_WIDTH = 66;
const C_HAS_TGID = 67;
const C_IRQ = 68; // the irq-info column's third character, -1 without one
const C_TS_LO = 69;
const C_TS_HI = 70;
const C_TS_COUNTER = 71;
const C_TS_DIGITS = 72;
const F_PID = 0;
const F_TGID = 1; // NaN when absent
const F_CPU = 2;

const NO_MATCH = -1;
const BAD_TIMESTAMP = -2;
const I64_MAX: u64 = 0x7fffffffffffffff;

/** JavaScript's \s within latin1 (the bytes are read as latin1 characters). */
@inline function isSpace(c: u32): bool {
  return c == 32 || c - 9 <= 4 || c == 160;
}

/**
 * The context of bytes [from, n) (addresses): the address after it, NO_MATCH or
 * BAD_TIMESTAMP (a timestamp beyond int64); the fields in the result record.
 */
export function readContext(from: i32, n: i32): i32 {
  for (let dash = from; dash < n; dash++) {
    if (at(dash) != 45) continue;
    const rest = contextAt(n, dash);
    if (rest == BAD_TIMESTAMP) return BAD_TIMESTAMP;
    if (rest >= 0) {
      let c0 = from;
      while (c0 < n && at(c0) == 32) c0++;
      setSlot(C_COMM_START, c0 < dash ? c0 : dash);
      setSlot(C_COMM_END, dash);
      return rest;
    }
  }
  return NO_MATCH;
}

/** The context after the comm, with the pid's dash at `dash`: the end, NO_MATCH or BAD_TIMESTAMP. */
function contextAt(n: i32, dash: i32): i32 {
  let i = dash + 1;
  let pid: f64 = 0;
  const p0 = i;
  for (; i < n; i++) {
    const c = at(i);
    if (!isDigit(c)) break;
    pid = pid * 10 + <f64>(c - 48);
  }
  if (i == p0 || i - p0 > 10) return NO_MATCH;
  const s0 = i;
  while (i < n && isSpace(at(i))) i++;
  if (i == s0 || i >= n) return NO_MATCH;
  let tgid: f64 = NaN;
  let hasTgid = false;
  if (at(i) == 40 /* ( */) {
    let j = i + 1;
    while (j < n && isSpace(at(j))) j++;
    const t0 = j;
    if (j < n && isDigit(at(j))) {
      let t: f64 = 0;
      for (; j < n; j++) {
        const c = at(j);
        if (!isDigit(c)) break;
        t = t * 10 + <f64>(c - 48);
      }
      tgid = j - t0 > 10 ? NaN : t;
    } else while (j < n && at(j) == 45) j++;
    if (j == t0 || j >= n || at(j) != 41 /* ) */) return NO_MATCH;
    j++;
    const s1 = j;
    while (j < n && isSpace(at(j))) j++;
    if (j == s1) return NO_MATCH;
    i = j;
    hasTgid = true;
  }
  if (i >= n || at(i) != 91 /* [ */) return NO_MATCH;
  i++;
  const c0 = i;
  let cpu: f64 = 0;
  for (; i < n; i++) {
    const c = at(i);
    if (!isDigit(c)) break;
    cpu = cpu * 10 + <f64>(c - 48);
  }
  if (i == c0 || i >= n || at(i) != 93 /* ] */) return NO_MATCH;
  i++;
  const s2 = i;
  while (i < n && isSpace(at(i))) i++;
  if (i == s2) return NO_MATCH;
  // Optional flags column (\S{1,7} then whitespace), tried first as the regex does.
  let f = i;
  while (f < n && !isSpace(at(f))) f++;
  let flagsWidth = 0;
  let end = NO_MATCH;
  if (f - i >= 1 && f - i <= 7 && f < n) {
    let t = f;
    while (t < n && isSpace(at(t))) t++;
    end = timestampAt(n, t);
    if (end >= 0) flagsWidth = f - i;
  }
  if (end == NO_MATCH) end = timestampAt(n, i);
  if (end < 0) return end;
  setF64(F_PID, pid);
  setF64(F_TGID, tgid);
  setF64(F_CPU, cpu);
  setSlot(C_IRQ, flagsWidth >= 3 ? <i32>at(i + 2) : -1);
  setSlot(C_FLAGS_WIDTH, flagsWidth);
  setSlot(C_HAS_TGID, hasTgid ? 1 : 0);
  return end;
}

/** `(\d+)(?:\.(\d+))?:(?: |$)` at i: the address after it, NO_MATCH, or BAD_TIMESTAMP. */
function timestampAt(n: i32, i: i32): i32 {
  const s0 = i;
  while (i < n && isDigit(at(i))) i++;
  if (i == s0) return NO_MATCH;
  const s1 = i;
  let f0 = -1;
  let f1 = -1;
  if (i < n && at(i) == 46 /* . */) {
    f0 = i + 1;
    i = f0;
    while (i < n && isDigit(at(i))) i++;
    if (i == f0) return NO_MATCH;
    f1 = i;
  }
  if (i >= n || at(i) != 58 /* : */) return NO_MATCH;
  i++;
  if (i < n) {
    if (at(i) != 32) return NO_MATCH;
    i++;
  }
  return setTimestamp(s0, s1, f0, f1) ? i : BAD_TIMESTAMP;
}

/**
 * Seconds digits [s0, s1) and fraction digits [f0, f1) (f0 < 0: a counter clock) as int64
 * ns: exact, false beyond int64. A fraction longer than 9 digits is cut to ns.
 */
function setTimestamp(s0: i32, s1: i32, f0: i32, f1: i32): bool {
  let secs: u64 = 0;
  if (s1 - s0 <= 18) {
    // Below 10^18: no digit can take it beyond int64 (and no division per digit).
    for (let i = s0; i < s1; i++) secs = secs * 10 + <u64>(at(i) - 48);
  } else {
    for (let i = s0; i < s1; i++) {
      const d = <u64>(at(i) - 48);
      if (secs > (I64_MAX - d) / 10) return false; // beyond int64 whatever follows
      secs = secs * 10 + d;
    }
  }
  let v = secs;
  if (f0 < 0) {
    setSlot(C_TS_COUNTER, 1);
    setSlot(C_TS_DIGITS, 0);
  } else {
    const digits = f1 - f0;
    let f9: u64 = 0;
    for (let i = 0; i < 9; i++) f9 = f9 * 10 + (i < digits ? <u64>(at(f0 + i) - 48) : 0);
    setSlot(C_TS_COUNTER, 0);
    setSlot(C_TS_DIGITS, digits);
    // Up to 9223372035 s any fraction fits; beyond, compare (once per line, not per digit).
    if (secs > 9223372035 && secs > (I64_MAX - f9) / 1000000000) return false;
    v = secs * 1000000000 + f9;
  }
  setSlot(C_TS_LO, <i32>v);
  setSlot(C_TS_HI, <i32>(v >> 32));
  return true;
}

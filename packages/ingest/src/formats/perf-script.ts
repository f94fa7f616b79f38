/**
 * `perf script` text (tools/perf/builtin-script.c): default fields
 * `COMM TID [CPU] SECS.USECS: [PERIOD] sys:event: ARGS` (comm right-aligned and free-form,
 * tid `%5d`/`%7d` or `pid/tid`, cpu only for system-wide recordings, `--ns` gives 9 digits),
 * and with `-g` one tab-indented `addr sym+off (dso)` line per frame, ended by a blank line.
 * The `sys:event:` token is found by shape, not by column.
 */
import { parseTimestamp } from './timestamp.js';
import type { Line } from './line.js';
import { SKIP, type FrontendModule, type Token, type Variant } from './types.js';

// 1 comm, 2 pid-or-tid, 3 tid (pid/tid form), 4 cpu, 5 secs, 6 frac, 7 sys:event
const SAMPLE = /^(.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(\d+)(?:\.(\d+))?:\s+(?:\d+\s+)?([A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)+):(?:\s|$)/;
/** A callchain frame printed with spaces instead of a tab (older perf). */
const SPACE_FRAME = /^\s+[0-9a-f]{1,16} \S/;

export function sniff(firstLines: readonly string[]): Variant | null {
  let events = 0;
  let withCpu = 0;
  let tabs = 0;
  let digits = 6;
  for (const line of firstLines) {
    if (line.charCodeAt(0) === 9) { tabs++; continue; }
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    events++;
    if (m[4] !== undefined) withCpu++;
    if (m[6] !== undefined) digits = m[6].length;
  }
  if (events === 0) return null;
  const parts = ['script'];
  if (tabs > 0) parts.push('-g');
  if (withCpu * 2 <= events) parts.push('no cpu column');
  if (digits === 9) parts.push('--ns');
  return {
    frontend: 'perf-script', name: parts.join(' '), flagsWidth: 0, hasTgid: false, latency: false, instance: null,
    clock: 'ns', fractionDigits: digits, hasHeader: false,
  };
}

/** Regex-driven on the line's text (made once per line); offsets are then moved to the line's bytes. */
export function tokenize(ref: Line, tok: Token, _variant: Variant, inCallchain: boolean): void {
  const line = ref.text();
  const base = ref.start;
  const c0 = line.charCodeAt(0);
  if (c0 === 9 /* tab */) { setFrame(line, tok); return; }
  if (line.length === 0 || (c0 === 32 && line.trim().length === 0)) {
    tok.kind = inCallchain ? 'callchain_end' : 'header';
    return;
  }
  if (c0 === 35 /* # */) { tok.kind = 'header'; return; }
  const m = SAMPLE.exec(line);
  if (m !== null) {
    const comm = m[1] as string;
    let i = 0;
    while (comm.charCodeAt(i) === 32) i++;
    tok.commStart = base + i;
    tok.commEnd = base + comm.length;
    tok.pid = Number(m[3] ?? m[2]);
    tok.tgid = m[3] === undefined ? NaN : Number(m[2]);
    tok.cpu = m[4] === undefined ? 0 : Number(m[4]);
    if (!parseTimestamp(m[5] as string, m[6], tok)) { tok.kind = 'unparsed'; tok.reason = SKIP.badTimestamp; return; }
    // The event name is the last part of `sys:event`, which ends just before the final ':' of the match.
    const full = m[7] as string;
    let e = m[0].length;
    if (e > 0 && line.charCodeAt(e - 1) !== 58) e--;
    e--;
    tok.eventEnd = base + e;
    tok.eventStart = base + e - full.length + full.lastIndexOf(':') + 1;
    tok.kind = 'event';
    let a = m[0].length;
    while (line.charCodeAt(a) === 32) a++;
    tok.argsStart = base + a;
    return;
  }
  if (inCallchain && SPACE_FRAME.test(line)) { setFrame(line, tok); return; }
  tok.kind = 'unparsed';
  tok.reason = SKIP.unparsed;
}

function setFrame(line: string, tok: Token): void {
  tok.kind = 'frame';
  tok.frame = line.trim();
}

export const perfScript: FrontendModule = { frontend: 'perf-script', sniff, tokenize };

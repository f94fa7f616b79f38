/**
 * `trace-cmd report` text (trace-cmd tracecmd/trace-read.c + libtraceevent): the `cpus=N`
 * first line, optional instance-name prefix on every line (`klabtc: ...`), event names
 * padded to 20 columns, optional latency column (default since trace-cmd 3.3),
 * `kernel_stack: <stack trace >` + `=> func (addr)` frames, `CPU:N [n EVENTS DROPPED]`,
 * trace-cmd 2.x `version = N` / `CPU N is empty` notices.
 */
import { contextStats, matchArrowFrame, matchMarker, mostCommon, startsWithAt } from './context.js';
import { tokenizeContextLine } from './ftrace.js';
import type { Line } from './line.js';
import { type FrontendModule, type Token, type Variant } from './types.js';

const CPUS = /^cpus=(\d+)\s*$/;
const NOTICE = /^(?:version = \d+|CPU \d+ is empty|CPU:\d+ \[SUBBUFFER START\])\s*$/;
const INSTANCE = /^([^\s:]+): +\S/;

/** The instance prefix when every sampled event-like line carries the same one. */
function findInstance(lines: readonly string[]): string | null {
  let name: string | null = null;
  let n = 0;
  for (const l of lines) {
    if (l.length === 0 || CPUS.test(l) || NOTICE.test(l) || l.startsWith('#')) continue;
    if (/^\s*=>/.test(l)) continue;
    const m = INSTANCE.exec(l);
    if (m === null || (name !== null && m[1] !== name)) return null;
    name = m[1] as string;
    n++;
  }
  return n > 0 ? name : null;
}

export function sniff(firstLines: readonly string[]): Variant | null {
  const hasCpus = firstLines.some((l) => CPUS.test(l));
  const instance = findInstance(firstLines);
  const strip = instance === null ? (l: string) => l : (l: string) => stripInstance(l, instance);
  let latency = false;
  let st = contextStats(firstLines, false, strip);
  // `trace-cmd report -l`: `%8.8s-%-5d %3d` + latency flags, no brackets around the cpu.
  if (st.events === 0 && hasCpus) { st = contextStats(firstLines, true, strip); latency = st.events > 0; }
  if (st.events === 0) return null;
  // Without `cpus=` the only tell-tale is libtraceevent's padding after the event name.
  if (!hasCpus && instance === null && st.paddedNames * 2 <= st.events) return null;
  const flagsWidth = mostCommon(st.flagsWidth, 0);
  const counter = st.counter * 2 > st.events;
  const parts = ['report'];
  if (instance !== null) parts.push(`instance:${instance}`);
  if (latency) parts.push('-l');
  parts.push(flagsWidth === 0 ? 'no latency column' : `latency:${flagsWidth}`);
  if (counter) parts.push('counter clock');
  return {
    frontend: 'trace-cmd', name: parts.join(' '), flagsWidth, hasTgid: st.tgid * 2 > st.events, latency,
    instance, clock: counter ? 'counter' : 'ns', fractionDigits: counter ? 0 : mostCommon(st.digits, 6), hasHeader: hasCpus,
  };
}

function stripInstance(line: string, instance: string): string {
  return line.startsWith(instance) && line.charCodeAt(instance.length) === 58 /* : */ ? line.slice(instance.length + 1) : line;
}

export function tokenize(line: Line, tok: Token, variant: Variant): void {
  const b = line.bytes;
  const s = line.start;
  const n = line.end;
  if (s === n || b[s] === 35 /* # */) { tok.kind = 'header'; return; }
  let from = s;
  const instance = variant.instance;
  if (instance !== null && s + instance.length < n && startsWithAt(b, n, s, instance) && b[s + instance.length] === 58) {
    from = s + instance.length + 1;
  }
  const c0 = from < n ? b[from] as number : -1;
  if ((c0 === 32 || c0 === 61) && matchArrowFrame(line, tok, from)) return;
  if (c0 === 67 /* C */ && matchMarker(line, tok, from)) return;
  // `cpus=N` starts with c, the notices with v or C: no regex for the other lines.
  if ((c0 === 99 || c0 === 118 || c0 === 67) && isNotice(line.slice(from))) { tok.kind = 'header'; return; }
  tokenizeContextLine(line, from, tok, variant.latency);
}

function isNotice(body: string): boolean {
  return CPUS.test(body) || NOTICE.test(body);
}

export const traceCmd: FrontendModule = { frontend: 'trace-cmd', sniff, tokenize };

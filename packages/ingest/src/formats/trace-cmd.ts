/**
 * `trace-cmd report` text (trace-cmd tracecmd/trace-read.c + libtraceevent): the `cpus=N`
 * first line, optional instance-name prefix on every line (`klabtc: ...`), event names
 * padded to 20 columns, optional latency column (default since trace-cmd 3.3),
 * `kernel_stack: <stack trace >` + `=> func (addr)` frames, `CPU:N [n EVENTS DROPPED]`,
 * trace-cmd 2.x `version = N` / `CPU N is empty` notices.
 */
import { contextStats, matchArrowFrame, matchMarker, mostCommon } from './context.js';
import { tokenizeContextLine } from './ftrace.js';
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

export function tokenize(line: string, tok: Token, variant: Variant): void {
  if (line.length === 0 || line.charCodeAt(0) === 35 /* # */) { tok.kind = 'header'; return; }
  let from = 0;
  if (variant.instance !== null && line.startsWith(variant.instance) && line.charCodeAt(variant.instance.length) === 58) {
    from = variant.instance.length + 1;
  }
  const body = from === 0 ? line : line.slice(from);
  const c0 = body.charCodeAt(0);
  if ((c0 === 32 || c0 === 61) && matchArrowFrame(body, tok)) return;
  if (c0 === 67 /* C */ && matchMarker(body, tok)) return;
  if (CPUS.test(body) || NOTICE.test(body)) { tok.kind = 'header'; return; }
  tokenizeContextLine(line, from, tok, variant.latency);
}

export const traceCmd: FrontendModule = { frontend: 'trace-cmd', sniff, tokenize };

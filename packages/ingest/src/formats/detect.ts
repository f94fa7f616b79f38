/**
 * Which front-end wrote this text. Binary inputs that have a text form get a hint on how to
 * produce it; anything else that is not a trace gets one clear line.
 */
import { PagetraceError } from '../errors.js';
import type { Frontend } from '../meta-types.js';
import { sniff as sniffCsv } from './csv-sniff.js';
import { LINE_FRONTENDS, lineFrontend } from './index.js';
import { Line } from './line.js';
import { newToken, type Variant } from './types.js';

const TRACE_DAT = Buffer.from([0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]);

/** Throws for inputs that are not text traces at all. */
export function rejectNonText(head: Uint8Array, file: string): void {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length === 0) throw new PagetraceError('empty input: no trace lines', { file });
  if (b.subarray(0, TRACE_DAT.length).equals(TRACE_DAT)) {
    throw new PagetraceError('binary trace-cmd data (trace.dat): run `trace-cmd report FILE > trace.txt` and ingest the text', { file });
  }
  if (b.subarray(0, 8).toString('latin1') === 'PERFILE2') {
    throw new PagetraceError('binary perf.data: run `perf script -i FILE > perf.txt` (add -g callchains when recorded) and ingest the text', { file });
  }
  if (b.subarray(0, 4).toString('latin1') === '\x7fELF') throw new PagetraceError('not a trace: an ELF binary', { file });
  if (b.subarray(0, 8).toString('latin1') === '\x89PNG\r\n\x1a\n') throw new PagetraceError('not a trace: a PNG image', { file });
  // A few NUL bytes (a task name, a corrupted line) do not make a text trace binary; many do.
  const probe = b.subarray(0, 4096);
  if (countByte(probe, 0) * 64 > probe.length) throw new PagetraceError('not a trace: binary data (NUL bytes)', { file });
}

function countByte(b: Buffer, byte: number): number {
  let n = 0;
  for (let i = b.indexOf(byte); i >= 0; i = b.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * The front-end that reads the most sample lines as events (ties: sniffing order), so a
 * few lines of another front-end pasted at the top do not decide the format of the rest.
 */
function bestLineFrontend(sampleLines: readonly string[]): Variant | null {
  let best: Variant | null = null;
  let bestEvents = -1;
  const tok = newToken();
  const lines = sampleLines.map((l) => Line.of(l));
  for (const fe of LINE_FRONTENDS) {
    const v = fe.sniff(sampleLines);
    if (v === null) continue;
    let events = 0;
    for (const line of lines) {
      fe.tokenize(line, tok, v, false);
      if (tok.kind === 'event') events++;
    }
    if (events > bestEvents) { best = v; bestEvents = events; }
  }
  return best;
}

export function detectFormat(sampleLines: readonly string[], file: string, forced?: Frontend): Variant | { frontend: 'csv' } {
  if (forced === 'csv') return { frontend: 'csv' };
  if (forced !== undefined) {
    const v = lineFrontend(forced).sniff(sampleLines);
    if (v === null) throw new PagetraceError(`no ${forced} lines found at the start of the input`, { file });
    return v;
  }
  const best = bestLineFrontend(sampleLines);
  if (best !== null) return best;
  if (sniffCsv(sampleLines)) return { frontend: 'csv' };
  const first = sampleLines.find((l) => l.trim().length > 0) ?? '';
  const what = /^\s*[{[]/.test(first) ? 'JSON, not trace text'
    : sampleLines.some((l) => l.includes('\0')) ? 'binary data (NUL bytes)'
      : 'no ftrace, trace-cmd report, perf script or CSV event lines found';
  throw new PagetraceError(`not a trace: ${what}`, { file, line: 1 });
}

/**
 * CSV front-end: events from elsewhere (bpftrace scripts, custom probes on production
 * kernels without page_ref tracepoints). The header row names events.arrow columns:
 * required `ts_ns` (integer ns) or `ts` (decimal seconds), `cpu`, `pid`, `comm`, `event`;
 * optional any typed column (`tgid pfn order count mapcount val ret mt flags gfp mapping
 * args pfn_end ofs`) and `stack` (frames separated by `;`, innermost first). Empty cells
 * are null. Parsed with csv-parse; rows become chunk results for the same merger and
 * writer as the text front-ends.
 */
import { parse } from 'csv-parse';
import { PagetraceError } from '../errors.js';
import { parseInt32, parsePointer, parseU64, type U64 } from '../events/numbers.js';
import { Accounting } from '../parse/accounting.js';
import type { ChunkResult, StackRef } from '../parse/chunk.js';
import { Dict } from '../parse/dict.js';
import { RowStore, type U64Column } from '../parse/row-store.js';
import { EVENT_COLUMNS } from '../schema.js';
import { parseTimestamp } from './timestamp.js';
import { newToken, type Variant } from './types.js';
import { CSV_REQUIRED } from './csv-sniff.js';

const ROWS_PER_CHUNK = 65536;
/** Columns a CSV may name: the events.arrow columns (except the ones ingest computes) plus ts and stack. */
const KNOWN = new Set([...EVENT_COLUMNS.map((c) => c.name).filter((n) => n !== 'line' && n !== 'stack_id'), 'ts', 'stack']);

export function csvVariant(header: string[]): Variant {
  return {
    frontend: 'csv', name: `columns ${header.join(',')}`, flagsWidth: 0, hasTgid: header.includes('tgid'), latency: false,
    instance: null, clock: 'ns', fractionDigits: header.includes('ts_ns') ? 9 : 0, hasHeader: true,
  };
}

class BadValue extends Error {}

/** Parse the CSV byte stream; `emit` receives chunk results in order. Returns the header. */
export async function readCsv(bytes: AsyncIterable<Uint8Array>, file: string, emit: (c: ChunkResult) => Promise<void>): Promise<string[]> {
  const parser = parse({ info: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, relax_quotes: false, bom: true });
  const feed = (async () => {
    try {
      for await (const b of bytes) if (!parser.write(b)) await new Promise((r) => parser.once('drain', r));
      parser.end();
    } catch (e) { parser.destroy(e as Error); }
  })();
  let header: string[] | null = null;
  let chunk = newChunk();
  let lastLine = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === null) { header = checkHeader(record, file, info.lines); lastLine = info.lines; continue; }
      addRecord(chunk, header, record, info.lines, file);
      lastLine = info.lines;
      if (chunk.store.length >= ROWS_PER_CHUNK) { await emit(finish(chunk, lastLine)); chunk = newChunk(lastLine); }
    }
  } catch (e) {
    if (e instanceof PagetraceError) throw e;
    const err = e as Error & { lines?: number };
    throw new PagetraceError(`invalid CSV: ${err.message}`, { file, line: err.lines });
  }
  await feed;
  if (header === null) throw new PagetraceError('CSV without a header row', { file });
  await emit(finish(chunk, lastLine));
  return header;
}

interface CsvChunk {
  store: RowStore;
  dicts: { comm: Dict; event: Dict; flags: Dict; gfp: Dict };
  stacks: string[][];
  stackIds: Map<string, number>;
  /** Stacks of the accepted rows, in order (ids are given by the merger). */
  closed: StackRef[];
  /** The stack cell of the record being read (-1: none). */
  recordStack: number;
  acct: Accounting;
  firstLine: number;
}

function newChunk(afterLine = 0): CsvChunk {
  return {
    store: new RowStore(ROWS_PER_CHUNK), dicts: { comm: new Dict(), event: new Dict(), flags: new Dict(), gfp: new Dict() },
    stacks: [], stackIds: new Map(), closed: [], recordStack: -1, acct: new Accounting(), firstLine: afterLine + 1,
  };
}

/** Lines that are not records (header row, comments, blank and continuation lines) count as header lines. */
function finish(c: CsvChunk, lastLine: number): ChunkResult {
  const a = c.acct;
  a.linesIn = lastLine - c.firstLine + 1;
  a.headerLines = a.linesIn - a.events - a.skipped;
  return {
    startLine: c.firstLine, rows: c.store.toData(),
    dicts: { comm: c.dicts.comm.values, event: c.dicts.event.values, flags: c.dicts.flags.values, gfp: c.dicts.gfp.values },
    stacks: c.stacks, closed: c.closed, leading: { frames: [], firstLine: c.firstLine, terminatorLine: 0, open: false },
    tail: null, targets: [], acct: a,
  };
}

function checkHeader(record: string[], file: string, line: number): string[] {
  const header = record.map((h) => h.trim());
  const unknown = header.filter((h) => !KNOWN.has(h));
  if (unknown.length > 0) {
    throw new PagetraceError(`unknown CSV column ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${[...KNOWN].join(' ')})`, { file, line });
  }
  const missing = CSV_REQUIRED.filter((c) => !header.includes(c));
  if (!header.includes('ts_ns') && !header.includes('ts')) missing.unshift('ts_ns' as never);
  if (missing.length > 0) throw new PagetraceError(`CSV header lacks ${missing.join(', ')}`, { file, line });
  return header;
}

const tok = newToken();
const u64: U64 = { lo: 0, hi: 0 };

function addRecord(c: CsvChunk, header: string[], record: string[], line: number, file: string): void {
  const s = c.store;
  const r = s.addRow();
  try {
    s.setLine(r, line);
    c.recordStack = -1;
    for (let i = 0; i < header.length; i++) setCell(c, r, header[i] as string, (record[i] ?? '').trim());
    c.acct.events++;
    if (c.recordStack >= 0) {
      c.closed.push({ stack: c.recordStack, target: r, cpu: s.cpu[r] as number, ctx: '', rowsBefore: r, cpuEventsBefore: 0, line, entryLines: 0, frameLines: 0 });
    }
  } catch (e) {
    if (!(e instanceof BadValue)) throw e;
    s.length--; // the row is dropped, the line is accounted as skipped
    c.acct.skip(`invalid CSV value (${e.message})`, line);
    void file;
  }
}

function setCell(c: CsvChunk, r: number, col: string, v: string): void {
  const s = c.store;
  const need = (ok: boolean): void => { if (!ok) throw new BadValue(col); };
  if (v === '' && col !== 'comm' && col !== 'args') {
    if (col === 'ts_ns' || col === 'ts' || col === 'cpu' || col === 'pid' || col === 'event') throw new BadValue(`${col} is empty`);
    return;
  }
  switch (col) {
    case 'ts_ns': need(/^\d+$/.test(v) && parseTimestamp(v, undefined, tok)); setTs(s, r); return;
    case 'ts': {
      const m = /^(\d+)(?:\.(\d+))?$/.exec(v);
      need(m !== null && parseTimestamp(m[1] as string, m[2] ?? '0', tok));
      setTs(s, r);
      return;
    }
    case 'cpu': { const n = parseInt32(v, 0, 65535); need(!Number.isNaN(n)); s.cpu[r] = n; return; }
    case 'pid': { const n = parseInt32(v); need(!Number.isNaN(n)); s.pid[r] = n; return; }
    case 'comm': s.comm[r] = c.dicts.comm.intern(asLatin1(v)); return;
    // bpftrace names probes `tracepoint:kmem:mm_page_alloc`: keep the event name.
    case 'event': s.event[r] = c.dicts.event.intern(asLatin1(v.slice(v.lastIndexOf(':') + 1))); return;
    case 'tgid': small(s.tgid, s.tgidOk, r, parseInt32(v)); return;
    case 'order': small(s.order, s.orderOk, r, parseInt32(v, -128, 127)); return;
    case 'mt': small(s.mt, s.mtOk, r, parseInt32(v, -128, 127)); return;
    case 'count': small(s.count, s.countOk, r, parseInt32(v)); return;
    case 'mapcount': small(s.mapcount, s.mapcountOk, r, parseInt32(v)); return;
    case 'val': small(s.val, s.valOk, r, parseInt32(v)); return;
    case 'ret': small(s.ret, s.retOk, r, parseInt32(v)); return;
    case 'flags': s.flags[r] = c.dicts.flags.intern(asLatin1(v)); return;
    case 'gfp': s.gfp[r] = c.dicts.gfp.intern(asLatin1(v)); return;
    case 'pfn': case 'pfn_end': case 'ofs': wide(s, col === 'pfn_end' ? 'pfnEnd' : col, r, parseU64(v, u64)); return;
    case 'mapping': wide(s, 'mapping', r, parsePointer(v, u64)); return;
    case 'args': s.setArgs(r, Buffer.from(v, 'utf8')); return;
    case 'stack': {
      const frames = v.split(';').map((f) => asLatin1(f.trim())).filter((f) => f.length > 0);
      let id = c.stackIds.get(frames.join('\n'));
      if (id === undefined) { id = c.stacks.length; c.stackIds.set(frames.join('\n'), id); c.stacks.push(frames); }
      c.recordStack = id;
      return;
    }
    default: throw new BadValue(col);
  }
}

/** Dictionary strings are kept as latin1 views of the input bytes (1 char = 1 byte) until output. */
function asLatin1(v: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(v) ? v : Buffer.from(v, 'utf8').toString('latin1');
}

function setTs(s: RowStore, r: number): void {
  s.ts[2 * r] = tok.tsLo | 0;
  s.ts[2 * r + 1] = tok.tsHi | 0;
}

function small(col: Int32Array | Int8Array, ok: Uint8Array, r: number, n: number): void {
  if (Number.isNaN(n)) throw new BadValue('not an integer in range');
  col[r] = n;
  ok[r] = 1;
}

function wide(s: RowStore, col: U64Column, r: number, ok: boolean): void {
  if (!ok) throw new BadValue(`${col} is not a number`);
  s.setU64(col, r, u64.lo, u64.hi);
}

/**
 * The chunk parser: a pure function from (line-aligned text chunk, number of its first line,
 * detected variant) to column arrays, chunk-local dictionaries and stacks, line accounting,
 * and what it could not finish alone (frames at its start that continue the previous
 * chunk's stack, a stack still open at its end, stack headers whose event is in an earlier
 * chunk). Worker threads run it on consecutive chunks; the main thread merges the results
 * in order (merge.ts), so 1 and N workers give identical tables.
 */
import { isAscii } from 'node:buffer';
import { FIELDS_BAD_VALUE, FIELDS_TYPED, parseFields, specFor, type EventSpec } from '../events/fields.js';
import { placeChunk, placements } from '../wasm/line-reader.js';
import { lineFrontend } from '../formats/index.js';
import { Line } from '../formats/line.js';
import { newToken, SKIP, type Variant } from '../formats/types.js';
import { Accounting } from './accounting.js';
import { newChunkDicts, type ChunkDict } from './chunk-dict.js';
import { RowStore, type RowStoreData } from './row-store.js';
import { StackTargets, type StackTargetsData } from './stack-targets.js';

/**
 * A completed stack, in the order of its header: the merger gives it a global id only once
 * its event is known (a stack that finds no event must not take an id), so ids follow trace
 * order however the trace was cut into chunks.
 */
export interface StackRef {
  /** Index into ChunkResult.stacks (the chunk's distinct frame lists); -1: a header without frames. */
  stack: number;
  /** Chunk-local row of its event, or -1: look in earlier chunks (cpu, ctx, position). */
  target: number;
  cpu: number;
  ctx: string;
  /** Rows of this chunk before the stack header. */
  rowsBefore: number;
  /** Events of this chunk on `cpu` before the stack header. */
  cpuEventsBefore: number;
  line: number;
  entryLines: number;
  frameLines: number;
}

/** A stack being read: a StackRef whose frames are still arriving. */
export interface OpenStack extends Omit<StackRef, 'stack'> {
  frames: string[];
  /** Set when the stack can never attach: its lines are skipped with this reason once complete. */
  skipReason: string | null;
}

export interface ChunkResult {
  startLine: number;
  rows: RowStoreData;
  dicts: { comm: string[]; event: string[]; flags: string[]; gfp: string[] };
  /** The chunk's distinct frame lists (innermost first). */
  stacks: string[][];
  /** Every completed stack of the chunk, in trace order. */
  closed: StackRef[];
  /**
   * Frame lines before anything else: they continue the previous chunk's open stack.
   * `open`: the whole chunk was such frames (the stack may go on in the next chunk).
   */
  leading: { frames: string[]; firstLine: number; terminatorLine: number; open: boolean };
  tail: OpenStack | null;
  targets: StackTargetsData;
  acct: Accounting;
}

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** `rows`: an empty store to fill (one handed back for reuse), else a new one. */
export function parseChunk(input: Uint8Array, startLine: number, variant: Variant, rows?: RowStore): ChunkResult {
  // Parsed in the line reader's memory, where it reads each line in place.
  const buf = placeChunk(input);
  const placement = placements;
  const line = new Line();
  const highBytes = !isAscii(buf);
  const fe = lineFrontend(variant.frontend);
  const tok = newToken();
  const store = rows ?? new RowStore(Math.max(1024, buf.length >> 7));
  const dicts = newChunkDicts();
  const acct = new Accounting();
  const stackIds = new Map<string, number>();
  const stacks: string[][] = [];
  const closed: StackRef[] = [];
  const targets = new StackTargets();
  /** Field table per chunk-local event id (null: no typed fields). */
  const specs: Array<EventSpec | null | undefined> = [];
  const leading = { frames: [] as string[], firstLine: startLine, terminatorLine: 0, open: false };
  const perf = variant.frontend === 'perf-script';
  let inLeading = true;
  let open: OpenStack | null = null;

  const closeOpen = (): void => {
    if (open === null) return;
    const o = open;
    open = null;
    if (o.skipReason !== null) { acct.stackToSkipped(o.skipReason, o.line, o.entryLines, o.frameLines); return; }
    if (o.frames.length === 0 && o.entryLines === 0) return; // a perf sample without callchain
    // A header without frames still claims its event (as it does when placed by the merger).
    let id = -1;
    if (o.frames.length > 0) {
      const key = o.frames.join('\n');
      id = stackIds.get(key) ?? -1;
      if (id < 0) { id = stacks.length; stackIds.set(key, id); stacks.push(o.frames); }
    }
    closed.push({ stack: id, target: o.target, cpu: o.cpu, ctx: o.ctx, rowsBefore: o.rowsBefore, cpuEventsBefore: o.cpuEventsBefore, line: o.line, entryLines: o.entryLines, frameLines: o.frameLines });
  };

  let lineNo = startLine - 1;
  let pos = 0;
  const len = buf.length;
  while (pos < len) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = len;
    let end = nl;
    if (end > pos && buf[end - 1] === 13) end--;
    line.set(buf, pos, end);
    lineNo++;
    acct.linesIn++;
    fe.tokenize(line, tok, variant, inLeading || open !== null);
    switch (tok.kind) {
      case 'frame':
        if (open !== null) { open.frames.push(tok.frame); open.frameLines++; acct.stackFrames++; }
        else if (inLeading) leading.frames.push(tok.frame);
        else acct.skip(SKIP.frameWithoutStack, lineNo);
        break;
      case 'callchain_end':
        if (inLeading) { leading.terminatorLine = lineNo; inLeading = false; break; }
        acct.callchainEnds++;
        closeOpen();
        break;
      case 'event': {
        inLeading = false;
        closeOpen();
        if (tok.tsCounter !== (variant.clock === 'counter')) { acct.skip(SKIP.clockMismatch, lineNo); break; }
        if (nl === len && buf[len - 1] !== 10) { acct.skip(SKIP.cutOff, lineNo); break; }
        const r = addEvent(store, tok, lineNo, buf, dicts);
        const ev = store.event[r] as number;
        let spec = specs[ev];
        if (spec === undefined) spec = specs[ev] = specFor(dicts.event.values[ev] as string);
        const fields = spec === null ? null : parseFields(spec, buf, tok.argsStart, end, store, r, dicts);
        if (fields === FIELDS_BAD_VALUE) acct.badField(dicts.event.values[ev] as string, lineNo);
        setArgs(store, r, buf, tok.argsStart, end, highBytes, fields !== FIELDS_TYPED);
        acct.events++;
        if (perf) open = { frames: [], target: r, cpu: tok.cpu, ctx: '', rowsBefore: r, cpuEventsBefore: 0, line: lineNo + 1, entryLines: 0, frameLines: 0, skipReason: null };
        else targets.eventSeen(tok.cpu, r, tok.irqContext);
        break;
      }
      case 'stack_header': {
        inLeading = false;
        acct.stackEntries++;
        // `<user stack trace>` right after the kernel stack of the same event continues it.
        if (tok.userStack && open !== null && open.entryLines > 0 && open.cpu === tok.cpu) { open.entryLines++; break; }
        closeOpen();
        const rowsBefore = store.length;
        const cpuEventsBefore = targets.events(tok.cpu);
        const target = targets.take(tok.cpu, tok.irqContext, rowsBefore);
        // Frames of a stack that cannot attach are still consumed, then skipped as a whole.
        const skipReason = target < 0 && !targets.mayBeEarlier(tok.cpu, rowsBefore) ? SKIP.stackWithoutEvent : null;
        open = { frames: [], target, cpu: tok.cpu, ctx: tok.irqContext, rowsBefore, cpuEventsBefore, line: lineNo, entryLines: 1, frameLines: 0, skipReason };
        break;
      }
      case 'header':
        inLeading = false;
        closeOpen();
        acct.headerLines++;
        headerFacts(line, acct);
        break;
      case 'marker':
        inLeading = false;
        closeOpen();
        acct.markers++;
        acct.lost.push({ cpu: tok.cpu, line: lineNo, count: tok.markerCount, kind: tok.markerKind });
        break;
      case 'unparsed':
        inLeading = false;
        closeOpen();
        acct.skip(tok.reason || SKIP.unparsed, lineNo);
        break;
    }
    pos = nl + 1;
  }
  // Nothing in the loop reads text from outside the chunk, so nothing may have replaced it.
  if (placements !== placement) throw new Error('parseChunk: the line reader\'s text was replaced during the parse');
  leading.open = inLeading;
  const tail = open as OpenStack | null;
  return {
    startLine,
    rows: store.toData(),
    dicts: { comm: dicts.comm.values, event: dicts.event.values, flags: dicts.flags.values, gfp: dicts.gfp.values },
    stacks,
    closed,
    leading,
    tail,
    targets: targets.toData(),
    acct,
  };
}

/** A row for an event line (tok's offsets are positions in the chunk's bytes). */
function addEvent(store: RowStore, tok: ReturnType<typeof newToken>, lineNo: number, bytes: Uint8Array,
  dicts: { comm: ChunkDict; event: ChunkDict }): number {
  const r = store.addRow();
  store.setLine(r, lineNo);
  store.ts[2 * r] = tok.tsLo | 0;
  store.ts[2 * r + 1] = tok.tsHi | 0;
  store.cpu[r] = tok.cpu;
  store.pid[r] = tok.pid;
  if (!Number.isNaN(tok.tgid)) { store.tgid[r] = tok.tgid; store.tgidOk[r] = 1; }
  store.comm[r] = dicts.comm.internBytes(bytes, tok.commStart, tok.commEnd);
  // The function tracer's lines name no event: the kernel calls it `function`.
  store.event[r] = tok.eventStart < 0 ? dicts.event.intern('function') : dicts.event.internBytes(bytes, tok.eventStart, tok.eventEnd);
  return r;
}

/** Raw argument bytes, copied straight from the input (latin1: string index = byte offset). */
function setArgs(store: RowStore, r: number, buf: Buffer, from: number, lineEnd: number,
  highBytes: boolean, keep: boolean): void {
  if (!keep) return;
  if (highBytes) {
    const slice = buf.subarray(from, lineEnd);
    if (slice.some((b) => b >= 0x80)) { store.setArgs(r, encoder.encode(utf8.decode(slice))); return; }
  }
  store.setArgsFrom(r, buf, from, lineEnd);
}

const ENTRIES = /^# entries-in-buffer\/entries-written: (\d+)\/(\d+)\s+#P:(\d+)/;
const CPUS = /^cpus=(\d+)/;

function headerFacts(ref: Line, acct: Accounting): void {
  const c0 = ref.at(0);
  if (c0 !== 35 && c0 !== 99) return;
  const line = ref.text();
  if (c0 === 35) {
    const m = ENTRIES.exec(line);
    if (m !== null) {
      acct.header.entries_in_buffer = Number(m[1]);
      acct.header.entries_written = Number(m[2]);
      acct.header.cpus = Number(m[3]);
    }
  } else if (c0 === 99) {
    const m = CPUS.exec(line);
    if (m !== null) acct.header.cpus = Number(m[1]);
  }
}

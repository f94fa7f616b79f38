/**
 * Merges chunk results in trace order on the main thread: dictionary and stack ids are
 * remapped to global ids by first appearance in trace order, stacks that continue across a
 * chunk boundary are completed, stack headers find their event in an earlier chunk, and
 * rows are handed out in batches of exactly `batchRows` once no later line can change them.
 * The output depends only on the trace text, never on how it was cut into chunks.
 */
import { SKIP } from '../formats/types.js';
import { Accounting } from './accounting.js';
import type { ChunkResult, OpenStack } from './chunk.js';
import { Dict } from './dict.js';
import { RowStore } from './row-store.js';
import { STACK_WINDOW, StackTargets } from './stack-targets.js';

export interface GlobalDicts { comm: Dict; event: Dict; flags: Dict; gfp: Dict }

export class Merger {
  readonly dicts: GlobalDicts = { comm: new Dict(), event: new Dict(), flags: new Dict(), gfp: new Dict() };
  /** Global stacks in id order (frames as latin1 strings). */
  readonly stacks: string[][] = [];
  private readonly stackIds = new Map<string, number>();
  readonly acct = new Accounting();
  /** Events per global event id. */
  private eventCounts: number[] = [];
  /** Rows not yet handed out; pending row i is global row `flushed + i`. */
  readonly pending = new RowStore(1 << 16);
  private flushed = 0;
  private readonly targets = new StackTargets();
  /** The previous chunk's stack still open at its end (global target row). */
  private tail: OpenStack | null = null;

  constructor(private readonly batchRows: number, private readonly emit: (rows: RowStore, count: number) => void) {}

  get totalRows(): number {
    return this.flushed + this.pending.length;
  }

  add(c: ChunkResult): void {
    const acct = Accounting.fromJSON(c.acct);
    this.acct.add(acct);
    this.completeTail(c);
    const rows = RowStore.fromData(c.rows);
    const base = this.totalRows;
    this.pending.append(rows, {
      comm: mapStrings(c.dicts.comm, this.dicts.comm),
      event: mapStrings(c.dicts.event, this.dicts.event),
      flags: mapStrings(c.dicts.flags, this.dicts.flags),
      gfp: mapStrings(c.dicts.gfp, this.dicts.gfp),
      stack: NO_STACKS,
    });
    this.countEvents(rows, base);
    // Stacks in header order; one whose event is in an earlier chunk is placed with the pre-chunk CPU state.
    for (const ref of c.closed) {
      const target = ref.target >= 0 ? base + ref.target : this.resolve(ref.cpu, ref.ctx, base + ref.rowsBefore, ref.cpuEventsBefore);
      if (typeof target === 'string') this.acct.stackToSkipped(target, ref.line, ref.entryLines, ref.frameLines);
      else if (ref.stack >= 0) this.pending.stack[target - this.flushed] = this.registerStack(c.stacks[ref.stack] as string[]);
    }
    if (!c.leading.open) this.tail = null;
    if (c.tail !== null) {
      const t = { ...c.tail, frames: [...c.tail.frames] };
      if (t.target >= 0) t.target += base;
      else if (t.skipReason === null) {
        const target = this.resolve(t.cpu, t.ctx, base + t.rowsBefore, t.cpuEventsBefore);
        if (typeof target === 'string') t.skipReason = target;
        else t.target = target;
      }
      this.tail = t;
    }
    this.targets.absorb(c.targets, base);
    this.flushFull();
  }

  /** End of input: close the last open stack and hand out every remaining row. */
  finish(): void {
    this.closeTail();
    this.flushAll();
  }

  /** Live streams: hand out all rows now (a later stack entry for them is then skipped). */
  flushAll(): void {
    let n = this.pending.length;
    if (this.tail !== null && this.tail.target >= this.flushed) n = this.tail.target - this.flushed;
    while (n > 0) {
      const k = Math.min(n, this.batchRows);
      this.take(k);
      n -= k;
    }
  }

  private flushFull(): void {
    // Keep the last STACK_WINDOW rows: a stack header in the next chunk may still attach to them.
    const keep = STACK_WINDOW + 1;
    while (this.pending.length - keep >= this.batchRows) {
      if (this.tail !== null && this.tail.target >= this.flushed && this.tail.target < this.flushed + this.batchRows) break;
      this.take(this.batchRows);
    }
  }

  private take(n: number): void {
    this.emit(this.pending, n);
    this.pending.dropFront(n);
    this.flushed += n;
  }

  private completeTail(c: ChunkResult): void {
    const lead = c.leading;
    const t = this.tail;
    if (t === null) {
      if (lead.frames.length > 0) this.acct.skip(SKIP.frameWithoutStack, lead.firstLine, lead.frames.length);
      if (lead.terminatorLine > 0) this.acct.headerLines++;
      return;
    }
    t.frames.push(...lead.frames);
    t.frameLines += lead.frames.length;
    this.acct.stackFrames += lead.frames.length;
    if (lead.terminatorLine > 0) this.acct.callchainEnds++;
    // A chunk of nothing but frames: the stack may continue in the next chunk.
    if (!lead.open) this.closeTail();
  }

  private closeTail(): void {
    const t = this.tail;
    this.tail = null;
    if (t === null) return;
    if (t.skipReason !== null) { this.acct.stackToSkipped(t.skipReason, t.line, t.entryLines, t.frameLines); return; }
    if (t.frames.length === 0 || t.target < 0) return;
    const r = t.target - this.flushed;
    if (r < 0) this.acct.stackToSkipped(SKIP.stackAfterEmit, t.line, t.entryLines, t.frameLines);
    else this.pending.stack[r] = this.registerStack(t.frames);
  }

  /** The global row of a stack entry's event in an earlier chunk, or a skip reason. */
  private resolve(cpu: number, ctx: string, at: number, cpuEventsBefore: number): number | string {
    const row = this.targets.take(cpu, ctx, at, this.targets.events(cpu) + cpuEventsBefore);
    if (row < 0) return SKIP.stackWithoutEvent;
    if (row < this.flushed) return SKIP.stackAfterEmit;
    return row;
  }

  private registerStack(frames: string[]): number {
    const key = frames.join('\n');
    let id = this.stackIds.get(key);
    if (id === undefined) {
      id = this.stacks.length;
      this.stackIds.set(key, id);
      this.stacks.push(frames);
    }
    return id;
  }

  private countEvents(rows: RowStore, base: number): void {
    const ev = this.pending.event;
    const from = base - this.flushed;
    const counts = this.eventCounts;
    while (counts.length < this.dicts.event.values.length) counts.push(0);
    for (let i = 0; i < rows.length; i++) counts[ev[from + i] as number]!++;
  }

  eventCountsByName(): Record<string, number> {
    const out: Record<string, number> = {};
    this.eventCounts.forEach((n, id) => { if (n > 0) out[latin1ToUtf8String(this.dicts.event.values[id] as string)] = n; });
    return out;
  }
}

/** Dictionary strings are latin1 views of the input bytes; JSON wants the real text. */
function latin1ToUtf8String(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

/** Chunk rows carry no stack ids (the merger sets them): every row maps to null. */
const NO_STACKS = new Int32Array(0);

function mapStrings(local: string[], global: Dict): Int32Array {
  const map = new Int32Array(local.length);
  for (let i = 0; i < local.length; i++) map[i] = global.intern(local[i] as string);
  return map;
}

/**
 * Unmatched gets per page ("who holds it" evidence), in pooled typed blocks instead of a
 * JavaScript array of holder objects per page. A page gets a block of MAX_HOLDERS entries
 * on its first outstanding get and gives it back when its last one is put (or at a new
 * life), so memory follows the pages that hold references right now. Each block is a ring:
 * a get beyond MAX_HOLDERS forgets the oldest, a put forgets the newest (LIFO, as the
 * common nested get/put pattern pairs them). The ring's block, head and count live in the
 * page record (I.holderBlock/holderHead/holderCount), already in cache when an event
 * touches the page: one cache line of the block per get, none per put.
 *
 * Why not arrays of objects: on a 6 M-event trace the per-page arrays, their backing
 * stores and the holder objects were three dependent cache misses per get (pushHolder was
 * 6 % of the replay) and ~100 k long-lived objects for the garbage collector to trace.
 */
import { I, type PageState } from './page.js';

/** A reference taken and not yet matched by a put (for "who holds it" evidence). */
export interface Holder { line: number; row: number; pid: number; commIndex: number; val: number; stackId: number; ts: number }

/** Holders kept per page: enough to name the culprits, bounded so memory stays per-page. */
export const MAX_HOLDERS = 8;

/** Doubles per entry: line, row, pid, commIndex, val, stackId, ts (and one spare for alignment). */
const ENTRY = 8;
const BLOCK = ENTRY * MAX_HOLDERS;
const H_LINE = 0; const H_ROW = 1; const H_PID = 2; const H_COMM = 3; const H_VAL = 4; const H_STACK = 5; const H_TS = 6;
/** Blocks per chunk (chunks are never copied when the slab grows). */
const CHUNK_BLOCKS = 4096;

export class HolderSlab {
  private readonly chunks: Float64Array[] = [];
  /** Blocks given back, reused first. */
  private readonly free: number[] = [];
  private blocks = 0;

  /** Record an unmatched get on p (forgetting the oldest when MAX_HOLDERS are held). */
  push(p: PageState, line: number, row: number, pid: number, commIndex: number, val: number, stackId: number, ts: number): void {
    const i = p.i;
    const ib = p.ib;
    let block = (i[ib + I.holderBlock] as number) - 1;
    if (block < 0) { block = this.take(); i[ib + I.holderBlock] = block + 1; i[ib + I.holderHead] = 0; i[ib + I.holderCount] = 0; }
    let head = i[ib + I.holderHead] as number;
    let count = i[ib + I.holderCount] as number;
    if (count >= MAX_HOLDERS) { head = (head + 1) % MAX_HOLDERS; count--; i[ib + I.holderHead] = head; }
    const c = this.chunks[(block / CHUNK_BLOCKS) | 0] as Float64Array;
    const at = (block % CHUNK_BLOCKS) * BLOCK + ((head + count) % MAX_HOLDERS) * ENTRY;
    c[at + H_LINE] = line; c[at + H_ROW] = row; c[at + H_PID] = pid; c[at + H_COMM] = commIndex;
    c[at + H_VAL] = val; c[at + H_STACK] = stackId; c[at + H_TS] = ts;
    i[ib + I.holderCount] = count + 1;
  }

  /** Forget p's newest unmatched get (a put); the block goes back when none is left. */
  pop(p: PageState): void {
    const i = p.i;
    const ib = p.ib;
    const count = i[ib + I.holderCount] as number;
    if (count === 0) return;
    if (count === 1) this.clear(p);
    else i[ib + I.holderCount] = count - 1;
  }

  /** Forget every unmatched get of p (a new life, a successful freeze). */
  clear(p: PageState): void {
    const i = p.i;
    const ib = p.ib;
    const block = (i[ib + I.holderBlock] as number) - 1;
    if (block < 0) return;
    this.free.push(block);
    i[ib + I.holderBlock] = 0;
    i[ib + I.holderHead] = 0;
    i[ib + I.holderCount] = 0;
  }

  /** p's unmatched gets, oldest first, as objects (for evidence text: rare). */
  list(p: PageState): Holder[] {
    const count = p.i[p.ib + I.holderCount] as number;
    const block = (p.i[p.ib + I.holderBlock] as number) - 1;
    const out: Holder[] = [];
    if (block < 0) return out;
    const head = p.i[p.ib + I.holderHead] as number;
    const c = this.chunks[(block / CHUNK_BLOCKS) | 0] as Float64Array;
    for (let k = 0; k < count; k++) {
      const at = (block % CHUNK_BLOCKS) * BLOCK + ((head + k) % MAX_HOLDERS) * ENTRY;
      out.push(holderAt(c, at));
    }
    return out;
  }

  private take(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.blocks % CHUNK_BLOCKS === 0) this.chunks.push(new Float64Array(CHUNK_BLOCKS * BLOCK));
    return this.blocks++;
  }
}

/**
 * The holder whose numbers start at values[at], in the order both the slab's entries and a
 * page's pin list keep them: line, row, pid, commIndex, val, stackId, ts.
 */
export function holderAt(values: ArrayLike<number>, at: number): Holder {
  return { line: values[at + H_LINE] as number, row: values[at + H_ROW] as number, pid: values[at + H_PID] as number, commIndex: values[at + H_COMM] as number, val: values[at + H_VAL] as number, stackId: values[at + H_STACK] as number, ts: values[at + H_TS] as number };
}

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
import type { ReplayCore } from '../wasm/replay-core.js';
import { I, type PageState } from './page.js';

/** A reference taken and not yet matched by a put (for "who holds it" evidence). */
export interface Holder { line: number; row: number; pid: number; commIndex: number; val: number; stackId: number; ts: number }

/** Holders kept per page: enough to name the culprits, bounded so memory stays per-page (assembly/holders.ts has the same). */
export const MAX_HOLDERS = 8;

/** Blocks per chunk (assembly/holders.ts CHUNK_BLOCKS) and bytes per block: MAX_HOLDERS entries of 8 doubles. */
const CHUNK_BLOCKS = 4096;
const BLOCK_BYTES = MAX_HOLDERS * 64;
const H_LINE = 0; const H_ROW = 1; const H_PID = 2; const H_COMM = 3; const H_VAL = 4; const H_STACK = 5;
/** Where a holder's (or a pin's) timestamp is among its numbers. */
export const H_TS = 6;

/**
 * The holder blocks live in the replay core's memory, and the core's push, pop and clear
 * (assembly/holders.ts) are the only ones: the JavaScript model calls them for the events it
 * replays, the core's loop for its own. The record's byte address (p.bb) names the page.
 */
export class HolderSlab {
  constructor(private readonly core: ReplayCore) {}

  /** Record an unmatched get on p (forgetting the oldest when MAX_HOLDERS are held). */
  push(p: PageState, line: number, row: number, pid: number, commIndex: number, val: number, stackId: number, ts: number): void {
    this.reserve(1);
    this.core.x.holderPush(p.bb, line, row, pid, commIndex, val, stackId, ts);
  }

  /** Forget p's newest unmatched get (a put); the block goes back when none is left. */
  pop(p: PageState): void { this.core.x.holderPop(p.bb); }

  /** Forget every unmatched get of p (a new life, a successful freeze). */
  clear(p: PageState): void { this.core.x.holderClear(p.bb); }

  /** Keep at least `blocks` blocks never handed out (the core's loop declines events without them, see assembly/core.ts run). */
  reserve(blocks: number): void {
    const x = this.core.x;
    while (x.holderSpare() < blocks) {
      if (x.addHolderChunk(this.core.alloc(CHUNK_BLOCKS * BLOCK_BYTES, 'holder blocks')) === 0) throw new Error('replay: holder block table full');
    }
  }

  /** p's unmatched gets, oldest first, as objects (for evidence text: rare). */
  list(p: PageState): Holder[] {
    const count = p.i[p.ib + I.holderCount] as number;
    const out: Holder[] = [];
    for (let k = 0; k < count; k++) out.push(holderAt(this.core.f64, this.core.x.holderEntry(p.bb, k) / 8));
    return out;
  }
}

/**
 * The holder whose numbers start at values[at], in the order both the slab's entries and a
 * page's pin list keep them: line, row, pid, commIndex, val, stackId, ts.
 */
export function holderAt(values: ArrayLike<number>, at: number): Holder {
  return { line: values[at + H_LINE] as number, row: values[at + H_ROW] as number, pid: values[at + H_PID] as number, commIndex: values[at + H_COMM] as number, val: values[at + H_VAL] as number, stackId: values[at + H_STACK] as number, ts: values[at + H_TS] as number };
}

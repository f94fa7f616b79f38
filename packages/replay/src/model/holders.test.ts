import { describe, expect, it } from '@jest/globals';
import { MAX_HOLDERS, type Holder } from './holders.js';
import { I, PageStore } from './page.js';

/** A tiny deterministic PRNG (xorshift32): the same sequence on every run. */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
}

const holder = (k: number): Holder => ({ line: k + 1, row: k, pid: 100 + (k % 7), commIndex: k % 3, val: 1 + (k % 2), stackId: k % 5 === 0 ? -1 : k, ts: 5_000_000_000 + k });

describe('HolderSlab', () => {
  it('keeps each page\'s unmatched gets like an array: push drops the oldest beyond MAX_HOLDERS, pop the newest', () => {
    const store = new PageStore();
    const pages = Array.from({ length: 40 }, (_, k) => store.create(0x1000 + k));
    const reference = pages.map((): Holder[] => []);
    const next = rng(7);
    for (let step = 0; step < 20_000; step++) {
      const k = Math.floor(next() * pages.length);
      const p = pages[k]!;
      const ref = reference[k]!;
      const r = next();
      if (r < 0.55) {
        const h = holder(step);
        store.holders.push(p, h.line, h.row, h.pid, h.commIndex, h.val, h.stackId, h.ts);
        if (ref.length >= MAX_HOLDERS) ref.shift();
        ref.push(h);
      } else if (r < 0.97) {
        store.holders.pop(p);
        ref.pop();
      } else {
        store.holders.clear(p);
        ref.length = 0;
      }
      expect(p.holders).toEqual(ref);
    }
  });

  it('reuses the blocks of pages that hold nothing any more (memory follows current holders)', () => {
    const store = new PageStore();
    const slab = store.holders;
    const a = store.create(1);
    const b = store.create(2);
    slab.push(a, 1, 0, 1, 0, 1, -1, 10);
    slab.pop(a);
    slab.push(b, 2, 1, 2, 0, 1, -1, 20);
    // b took a's block back: a second block would only appear if a still held one.
    expect(b.i[b.ib + I.holderBlock]).toBe(1);
    expect(slab.list(a)).toEqual([]);
    expect(slab.list(b)).toEqual([{ line: 2, row: 1, pid: 2, commIndex: 0, val: 1, stackId: -1, ts: 20 }]);
  });
});

/**
 * trackHeld / clampHeld: since when a page has held at least its current refcount, which
 * orphaned_reference uses to tell references left behind from ones about to be dropped.
 */
import { describe, expect, it } from '@jest/globals';
import { clampHeld, trackHeld } from './model.js';
import { PageState } from './page.js';

/** A page whose refcount takes the given values at ts = 10, 20, 30, ... (null: unknown). */
function pageThrough(counts: (number | null)[], unmappedAt: number[] = []): PageState {
  const p = new PageState(0x1000);
  let ts = 0;
  for (const c of counts) {
    ts += 10;
    const before = p.refKnown ? p.ref : NaN;
    if (unmappedAt.includes(ts)) clampHeld(p.d, p.db, p.b, p.bb, ts);
    if (c === null) p.refKnown = false; else { p.ref = c; p.refKnown = true; }
    trackHeld(p.d, p.db, p.i, p.ib, p.b, p.bb, before, ts);
  }
  return p;
}

describe('held since (the age of the references a page holds)', () => {
  it('starts when the count is first known', () => {
    expect(pageThrough([1]).heldSince).toBe(10);
    expect(pageThrough([null]).heldSince).toBeNaN();
  });

  it('is not made younger by a balanced get and put on top (an eviction scan)', () => {
    expect(pageThrough([1, 2, 1]).heldSince).toBe(10);
    // Three levels: the lowest is forgotten, so the answer is the second level's time (20, not 10):
    // younger than the truth, the safe side for a detector that waits for old references.
    expect(pageThrough([1, 2, 3, 2, 1]).heldSince).toBe(20);
  });

  it('is the time of the climb for references taken on top and kept (a pin)', () => {
    expect(pageThrough([1, 1025]).heldSince).toBe(20);
    expect(pageThrough([1, 1025, 1026, 1025, 1024]).heldSince).toBe(20);
  });

  it('follows a drop to a level held since earlier, and starts again after the count was unknown', () => {
    expect(pageThrough([3, 4, 2]).heldSince).toBe(10);
    expect(pageThrough([1, null, 1]).heldSince).toBe(30);
  });

  it('is never earlier than the moment the page lost its last mapping', () => {
    expect(pageThrough([1, 2, 1], [30]).heldSince).toBe(30);
    expect(pageThrough([1, 2, 2, 1], [30]).heldSince).toBe(30);
  });
});

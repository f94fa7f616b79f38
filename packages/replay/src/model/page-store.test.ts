/**
 * PageStore: records across chunks (the cursor moving between chunks), the chunk size chosen
 * from the expected page count, and pin lists kept as numbers (LIFO, oldest first, emptied
 * at a new life).
 */
import { describe, expect, it } from '@jest/globals';
import { PageState, PageStore, chunkShiftFor } from './page.js';

describe('PageStore', () => {
  it('keeps each record apart when a cursor moves within and across chunks', () => {
    const store = new PageStore(1); // two pages per chunk
    const slots = [0, 1, 2, 3, 4].map(() => store.allocate());
    const cursor = new PageState(100, store, 0);
    for (const s of slots) { cursor.moveTo(s, 100 + s); cursor.events = 10 + s; cursor.lastTs = 2 ** 40 + s; }
    // Read back in an order that alternates chunks, through handles of their own.
    for (const s of [4, 0, 3, 1, 2]) {
      const h = new PageState(100 + s, store, s);
      expect([h.events, h.lastTs, h.maxRef, h.lastCpu]).toEqual([10 + s, 2 ** 40 + s, -1, -1]);
    }
  });

  it('sizes chunks from the expected pages: at least 2^14, at most 2^20', () => {
    expect(chunkShiftFor(0)).toBe(14);
    expect(chunkShiftFor(10)).toBe(14);
    expect(chunkShiftFor(100_000)).toBe(17);
    expect(chunkShiftFor(6_077_567)).toBe(20);
  });

  it('matches unpins with the newest pin and lists pins oldest first', () => {
    const store = new PageStore();
    const slot = store.allocate();
    const other = store.allocate();
    expect(store.popPinTs(slot)).toBeUndefined();
    store.pushPin(slot, 1, 10, 100, 0, 1024, -1, 5_000_000_001);
    store.pushPin(slot, 2, 20, 200, 1, 1024, 3, 5_000_000_002);
    store.pushPin(other, 9, 90, 900, 0, 1024, -1, 9);
    expect(store.pinsOf(slot)).toEqual([
      { line: 1, row: 10, pid: 100, commIndex: 0, val: 1024, stackId: -1, ts: 5_000_000_001 },
      { line: 2, row: 20, pid: 200, commIndex: 1, val: 1024, stackId: 3, ts: 5_000_000_002 },
    ]);
    expect(store.popPinTs(slot)).toBe(5_000_000_002);
    expect(store.pinsOf(slot).map((h) => h.line)).toEqual([1]);
    store.clearPins(slot);
    expect(store.pinsOf(slot)).toEqual([]);
    expect(store.popPinTs(slot)).toBeUndefined();
    expect(store.pinsOf(other).map((h) => h.ts)).toEqual([9]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { PfnIndex } from './pfn-index.js';

describe('PfnIndex', () => {
  it('finds every slot again across growth, pfns above 2^32 included', () => {
    const index = new PfnIndex();
    const reference = new Map<number, number>();
    // Dense runs, strided pfns and huge ones: the shapes of real pfn sets.
    const pfns = [
      ...Array.from({ length: 30_000 }, (_, k) => 0x100000 + k),
      ...Array.from({ length: 20_000 }, (_, k) => 0xfcf0000 + k * 512),
      ...Array.from({ length: 5_000 }, (_, k) => 2 ** 32 + k * 4097),
      2 ** 52 + 3, 0,
    ];
    pfns.forEach((pfn, slot) => {
      expect(index.get(pfn)).toBe(-1);
      index.add(pfn, slot);
      reference.set(pfn, slot);
    });
    for (const [pfn, slot] of reference) expect(index.get(pfn)).toBe(slot);
    expect(index.get(0x100000 + 30_000)).toBe(-1);
    expect(index.get(2 ** 32 + 1)).toBe(-1);
  });
});

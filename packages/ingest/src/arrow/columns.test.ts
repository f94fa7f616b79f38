import { describe, expect, it } from '@jest/globals';
import { nonNegative, validity } from './columns.js';

/** The validity bitmap the slow, obvious way: bit i set when row i is valid. */
function naiveValidity(ok: Uint8Array, n: number): { bitmap: number[] | undefined; nullCount: number } {
  const bitmap = new Array<number>((n + 7) >> 3).fill(0);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (ok[i] === 1) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nullCount: nulls };
}

describe('Arrow column helpers', () => {
  it('packs null flags 8 at a time exactly like a bit-by-bit loop (any length, any mix)', () => {
    let s = 7;
    const next = (): number => { s = (s * 1103515245 + 12345) >>> 0; return s / 4294967296; };
    for (const n of [0, 1, 7, 8, 9, 63, 64, 65, 1000, 65536]) {
      for (const share of [0, 0.1, 0.5, 1]) {
        const ok = Uint8Array.from({ length: n }, () => (next() < share ? 1 : 0));
        const got = validity(ok, n);
        const want = naiveValidity(ok, n);
        expect(got.nullCount).toBe(want.nullCount);
        expect(got.bitmap === undefined ? undefined : [...got.bitmap]).toEqual(want.bitmap);
      }
    }
  });

  it('maps -1 ids to null with index 0 and finds the largest id', () => {
    const ids = Int32Array.from([3, -1, 0, 7, -1, 2]);
    const r = nonNegative(ids, 5);
    expect([...r.values]).toEqual([3, 0, 0, 7, 0]);
    expect(r.ok === undefined ? undefined : [...r.ok]).toEqual([1, 0, 1, 1, 0]);
    expect(r.max).toBe(7);
    const none = nonNegative(Int32Array.from([1, 0, 4]), 3);
    expect(none.ok).toBeUndefined();
    expect([...none.values]).toEqual([1, 0, 4]);
    const all = nonNegative(Int32Array.from([-1, -1]), 2);
    expect([...all.values]).toEqual([0, 0]);
    expect(all.ok === undefined ? undefined : [...all.ok]).toEqual([0, 0]);
    expect(all.max).toBe(-1);
  });
});

import { describe, expect, it } from '@jest/globals';
import { guardedFuzz } from './guard.js';
import { DEFAULT_FUZZ } from './harness.js';
import { expectedLines, loadSeeds, makeCase } from './mutator.js';

// CI runs a few thousand cases; `pnpm fuzz` runs 100,000 (PAGETRACE_FUZZ_CASES to change either).
const CASES = Number(process.env.PAGETRACE_FUZZ_TEST_CASES ?? 3000);

describe('fuzz harness over mutated real traces', () => {
  it('cases are reproducible from (seed, index) and really damaged', () => {
    const seeds = loadSeeds();
    const a = makeCase(seeds, 7, 123);
    const b = makeCase(seeds, 7, 123);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    const distinct = new Set(Array.from({ length: 200 }, (_x, i) => makeCase(seeds, 7, i).bytes.toString('base64')));
    expect(distinct.size).toBeGreaterThan(190);
    expect(expectedLines(Buffer.from('a\nb'))).toBe(2);
    expect(expectedLines(Buffer.from('a\nb\n'))).toBe(2);
    expect(expectedLines(Buffer.from(''))).toBe(0);
  });

  it('a case stuck in a synchronous loop is a reported hang, and the run goes on after it', async () => {
    const stats = await guardedFuzz({ ...DEFAULT_FUZZ, cases: 12, seed: 3, timeoutMs: 1500, spinAt: 5 });
    expect(stats.cases).toBe(12);
    expect(stats.failures.map((f) => [f.kind, /case=(\d+) /.exec(f.description)?.[1]])).toEqual([['hang', '5']]);
    expect(stats.accepted + stats.rejected).toBe(11);
  });

  it(`${CASES} cases: no crash, no hang, every line accounted, same tables for any workers/chunking`, async () => {
    const stats = await guardedFuzz({ ...DEFAULT_FUZZ, cases: CASES, seed: 20261122, compareEvery: 10 });
    expect(stats.failures.map((f) => `${f.kind}: ${f.description}: ${f.detail.split('\n')[0]} (${f.savedAs})`)).toEqual([]);
    expect(stats.cases).toBe(CASES);
    // Both outcomes must really occur, or the mutator is not exercising anything.
    expect(stats.accepted).toBeGreaterThan(CASES / 2);
    expect(stats.rejected).toBeGreaterThan(0);
    expect(stats.compared).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from '@jest/globals';
import { PageState, PageStore } from '../model/page.js';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';
import { longTermPin } from './long-term-pin.js';
import type { DetectorContext, Finding } from './types.js';

const d = haveTraces() ? describe : describe.skip;

d('long_term_pin', () => {
  it('reports a pin whose unpin is missing, at the pin, as info (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removeUnpin());
    const a = findingAt(m, 'long_term_pin');
    expect(a?.severity).toBe('info');
    expect(a?.observed).toMatch(/^1 pin\(s\) on 1 page/);
  });

  it('stays silent for a leaked plain reference (not a pin)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(onPfn(m, 'long_term_pin')).toEqual([]);
  });
});

describe('long_term_pin on many pages', () => {
  it('groups 150 000 pages pinned from one site into one finding, the oldest pin first', () => {
    // More pages than a function call takes arguments (Math.min(...pages) threw here).
    const store = new PageStore();
    const pages: PageState[] = [];
    for (let i = 0; i < 150_000; i++) {
      const p = new PageState(0x100000 + i, store);
      p.pins = 1;
      store.pushPin(p.slot, i + 1, i, 7, 0, 1024, -1, 2_000_000_000 - i * 10_000);
      pages.push(p);
    }
    const found: Finding[] = [];
    const ctx = {
      model: { forEachPage: (fn: (p: PageState) => void) => pages.forEach(fn), handleOf: (p: PageState) => p },
      reportAt: (f: Finding) => found.push(f),
      commName: () => 'fio', frames: () => [], end: { ts: 3_000_000_000, line: 200_000, row: 199_999 },
    } as unknown as DetectorContext;
    longTermPin.finalize?.(ctx);
    expect(found).toHaveLength(1);
    // The oldest pin is the last page's, at 2 s - 149 999 x 10 us: 2.49999 s before the end at 3 s.
    expect(found[0]?.observed).toBe('150000 pin(s) on 150000 page(s), oldest 2.500 s');
  });
});

import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('free_with_references', () => {
  it('fires on mm_page_free when the last put is missing (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.freeWithoutLastPut());
    const a = findingAt(m, 'free_with_references');
    expect(a?.severity).toBe('error');
    expect(a?.observed).toBe('refcount 1');
  });

  it('stays silent when a leaked reference keeps the page from being freed at all', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(onPfn(m, 'free_with_references')).toEqual([]);
  });
});

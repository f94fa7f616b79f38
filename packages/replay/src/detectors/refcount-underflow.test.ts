import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('refcount_underflow', () => {
  it('fires on the last put of a page whose put_page was duplicated (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.duplicatePut());
    const a = findingAt(m, 'refcount_underflow');
    expect(a?.severity).toBe('error');
    expect(a?.observed).toMatch(/refcount -1 \(was 0\)/);
  });

  it('stays silent when a get is untraced (counts higher, never negative)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.untracedGet());
    expect(onPfn(m, 'refcount_underflow')).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('count_discontinuity', () => {
  it('fires (warning) where a reference change is missing from the trace (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.untracedGet());
    const a = findingAt(m, 'count_discontinuity');
    expect(a?.severity).toBe('warning');
    const expected = Number(/refcount (-?\d+)/.exec(a?.expected ?? '')?.[1]);
    expect(a?.observed).toBe(`refcount ${expected + 1}`);
  });

  it('stays silent when a put is removed consistently (the printed counts follow the events)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(onPfn(m, 'count_discontinuity')).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('pin_underflow', () => {
  it('fires on a duplicated unpin_user_page (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.duplicateUnpin());
    expect(findingAt(m, 'pin_underflow')?.severity).toBe('error');
    // reported once: not also as a refcount underflow on the same event
    expect(m.run.anomalies.filter((a) => a.line === BigInt(m.mutation.line) && a.kind === 'refcount_underflow')).toEqual([]);
  });

  it('stays silent when an unpin is missing instead (that is a pin left behind)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removeUnpin());
    expect(onPfn(m, 'pin_underflow')).toEqual([]);
  });
});

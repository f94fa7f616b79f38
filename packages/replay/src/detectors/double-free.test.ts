import { describe, expect, it } from '@jest/globals';
import { errorsOf, findingAt, guestTrace, haveTraces, hostTrace, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('double_free', () => {
  it('fires as an error on a second mm_page_free when page_ref events prove the page stayed free (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.doubleFree());
    expect(findingAt(m, 'double_free')?.severity).toBe('error');
  });

  it('is only info on a buddy-only trace (6.18 host, no page_ref events)', async () => {
    const m = await mutatedRun(hostTrace('ftrace-noirq'), (x) => x.doubleFree(0, { requireRefEvents: false }));
    const a = findingAt(m, 'double_free');
    expect(a?.severity).toBe('info');
    expect(a?.message).toMatch(/not proof/);
    expect(errorsOf(m.run)).toEqual([]);
  });

  it('stays silent on mm_page_free + mm_page_free_batched of one batched free, even with a failing speculative get in between', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.speculativeGetAfterFree());
    expect(onPfn(m, 'double_free')).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { guestTrace, haveTraces, mutatedRun, replayFile } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('live_at_end', () => {
  it('counts one more live allocation when a leaked reference keeps a page from being freed (pin trace)', async () => {
    const clean = await replayFile(guestTrace('pin'));
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(m.run.summary.live_at_end.allocations).toBe(clean.summary.live_at_end.allocations + 1);
    expect(m.run.anomalies.some((a) => a.kind === 'live_at_end' && a.severity === 'info')).toBe(true);
  });

  it('stays the same when a stray get hits a freed page (the page is not re-allocated)', async () => {
    const clean = await replayFile(guestTrace('pin'));
    const m = await mutatedRun(guestTrace('pin'), (x) => x.getAfterFree());
    expect(m.run.summary.live_at_end.allocations).toBe(clean.summary.live_at_end.allocations);
  });
});

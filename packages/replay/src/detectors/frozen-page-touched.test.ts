import { describe, expect, it } from '@jest/globals';
import { errorsOf, findingAt, guestTrace, haveTraces, mutatedRun } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('frozen_page_touched', () => {
  it('fires on a plain get between page_ref_freeze and page_ref_unfreeze (compact trace)', async () => {
    const m = await mutatedRun(guestTrace('compact'), (x) => x.getWhileFrozen());
    expect(findingAt(m, 'frozen_page_touched')?.severity).toBe('error');
  });

  it('stays silent on a failing speculative get of the frozen page (what freezing is for)', async () => {
    const m = await mutatedRun(guestTrace('compact'), (x) => x.getWhileFrozen(0, true));
    expect(errorsOf(m.run)).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { errorsOf } from '../testing/index.js';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('ref_on_free_page', () => {
  it('fires on a get_page after mm_page_free (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.getAfterFree());
    expect(findingAt(m, 'ref_on_free_page')?.severity).toBe('error');
  });

  it('stays silent on a failing speculative get (page_ref_mod_unless ret=0) after the free', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.speculativeGetAfterFree());
    expect(onPfn(m, 'ref_on_free_page')).toEqual([]);
    expect(errorsOf(m.run)).toEqual([]);
  });
});

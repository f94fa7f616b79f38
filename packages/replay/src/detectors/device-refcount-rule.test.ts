import { describe, expect, it } from '@jest/globals';
import { findingAt, findingsOf, guestTrace, haveTraces, mutatedRun } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;
const FSDAX = { start: 0x40000, end: 0x50000 };

d('device_refcount_rule', () => {
  it('fires when an fsdax page (idle at 1 on 6.1) is put to 0 by a duplicated put', async () => {
    const m = await mutatedRun(guestTrace('fsdax'), (x) => x.duplicateDevicePut(FSDAX));
    const a = findingAt(m, 'device_refcount_rule');
    expect(a?.severity).toBe('error');
    expect(a?.observed).toBe('put to 0');
  });

  it('stays silent on the same put sequence when the pages are not known as device memory (no iomem)', async () => {
    // Without the memory map the pfns are ordinary pages: 1 -> 0 is a normal last put.
    const m = await mutatedRun(guestTrace('fsdax'), (x) => x.duplicateDevicePut(FSDAX));
    const { replayText } = await import('../testing/index.js');
    const r = await replayText(m.mutation.text);
    expect(findingsOf(r, 'device_refcount_rule')).toEqual([]);
  });
});

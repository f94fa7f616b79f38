import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn, replayFile, findingsOf } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('mapcount_exceeds_refcount', () => {
  it('fires (warning) when the reference taken with a mapping is missing (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.mapWithoutRef());
    const a = findingAt(m, 'mapcount_exceeds_refcount');
    expect(a?.severity).toBe('warning');
  });

  it('stays silent on zsmalloc pages whose _mapcount field is not a mapcount (zram trace)', async () => {
    const r = await replayFile(guestTrace('zram'));
    expect(findingsOf(r, 'mapcount_exceeds_refcount')).toEqual([]);
  });

  it('stays silent when a put is missing (more references, never fewer)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(onPfn(m, 'mapcount_exceeds_refcount')).toEqual([]);
  });
});

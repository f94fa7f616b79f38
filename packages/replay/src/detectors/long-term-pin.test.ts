import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('long_term_pin', () => {
  it('reports a pin whose unpin is missing, at the pin, as info (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removeUnpin());
    const a = findingAt(m, 'long_term_pin');
    expect(a?.severity).toBe('info');
    expect(a?.observed).toMatch(/^1 pin\(s\) on 1 page/);
  });

  it('stays silent for a leaked plain reference (not a pin)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    expect(onPfn(m, 'long_term_pin')).toEqual([]);
  });
});

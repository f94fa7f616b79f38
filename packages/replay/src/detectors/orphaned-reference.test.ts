import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('orphaned_reference', () => {
  it('fires when a mapped page loses a put: unmapped, never freed, a reference left (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removePut());
    const a = findingAt(m, 'orphaned_reference');
    expect(a?.severity).toBe('error');
    expect(a?.message).toMatch(/1 reference\(s\) stay on it/);
  });

  it('fires when a device driver forgets a put on a device-private page (hmm_migrate trace)', async () => {
    const m = await mutatedRun(guestTrace('hmm_migrate'), (x) => x.removeDevicePut({ start: 0xfce0000, end: 0xfd00000 }));
    const a = findingAt(m, 'orphaned_reference');
    expect(a?.severity).toBe('error');
    expect(a?.expected).toMatch(/^refcount 0 /);
  });

  it('stays silent when the reference left is a FOLL_PIN (a pin may outlive its mapping: io_uring)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removeUnpin());
    expect(onPfn(m, 'orphaned_reference')).toEqual([]);
  });
});

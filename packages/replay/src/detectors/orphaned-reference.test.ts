import { describe, expect, it } from '@jest/globals';
import { findingAt, guestTrace, haveTraces, mutatedRun, onPfn, replayFile } from '../testing/index.js';

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

  it('fires when an unpin is missing: the pin outlives every mapping and the page is never freed (pin trace)', async () => {
    const m = await mutatedRun(guestTrace('pin'), (x) => x.removeUnpin());
    // Reported where the page was orphaned: its last put, after the pin that was never released.
    const [a, ...more] = onPfn(m, 'orphaned_reference');
    expect(more).toEqual([]);
    expect(a?.severity).toBe('error');
    expect(Number(a?.line)).toBeGreaterThan(m.mutation.line);
    expect(a?.message).toMatch(/1 of them FOLL_PIN pin\(s\).*missing unpin_user_page/);
  });

  it('stays silent for io_uring pins released before the buffer is unmapped (numa_pin, unmutated)', async () => {
    const run = await replayFile(guestTrace('numa_pin'));
    expect(run.anomalies.filter((a) => a.kind === 'orphaned_reference')).toEqual([]);
    expect(run.summary.totals.by_kind.long_term_pin?.info ?? 0).toBe(0);
  });
});

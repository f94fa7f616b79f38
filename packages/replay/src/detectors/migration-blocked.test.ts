import { describe, expect, it } from '@jest/globals';
import { findingsOf, guestTrace, haveTraces, replayFile } from '../testing/index.js';

const d = haveTraces() ? describe : describe.skip;

d('migration_blocked', () => {
  it('fires on the real failed freezes of mixed_stack with count - val and the holders (see clean-traces.test)', async () => {
    const r = await replayFile(guestTrace('mixed_stack'));
    const a = findingsOf(r, 'migration_blocked');
    expect(a).toHaveLength(20);
    expect(a[0]?.message).toMatch(/1 reference\(s\) more than the 2 expected/);
    expect(a[0]?.message).toMatch(/isolate_migratepages_block|__filemap_get_folio/);
  });

  it('stays silent on 521 successful freezes of the compact trace', async () => {
    const r = await replayFile(guestTrace('compact'));
    expect(findingsOf(r, 'migration_blocked')).toEqual([]);
  });
});

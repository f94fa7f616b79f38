import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';
import { fixture } from '@pagetrace/ingest/testing';
import { errorsOf, replayText } from './testing/index.js';

// A page event whose pfn cannot be read (`pfn=zz`: a damaged or hand-edited trace) happened to
// some page that cannot be named. Like a lost event, it must never turn into an error on the
// page that lost it; replay.json says how many there were.
describe('page events with an unreadable pfn', () => {
  const trace = fixture('guest-6.1', 'pin', 'trace.txt.zst');
  const lines = Buffer.from(decompress(readFileSync(trace))).toString('latin1').split('\n');

  it('are counted and treated like lost events: no error from the put that could not be placed', async () => {
    // The first put that frees a page: without it, that page's mm_page_free would look like a
    // free with references.
    const i = lines.findIndex((l) => / page_ref_mod_and_test: .* count=0 .* ret=1$/.test(l));
    expect(i).toBeGreaterThan(0);
    const damaged = [...lines];
    damaged[i] = (damaged[i] as string).replace(/pfn=0x[0-9a-f]+/, 'pfn=zz');
    const run = await replayText(damaged.join('\n'), trace);
    expect(errorsOf(run)).toEqual([]);
    expect(run.summary.unreadable_page_events).toBe(1);
  });
});

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveSharedTraces, sharedTracesDir } from '../testing/index.js';
import { parseCpuStats } from './instance.js';

describe('parseCpuStats', () => {
  it('reads per_cpu/cpuN/stats as captured from a real 6.1 ring buffer', () => {
    if (!haveSharedTraces()) return;
    const text = readFileSync(join(sharedTracesDir(), 'guest', 'thp', 'ring-buffer-stats.txt'), 'utf8');
    // The file is two CPUs' stats one after the other; the first block is cpu0.
    const first = text.split(/(?=^entries:)/m)[0] as string;
    expect(parseCpuStats(0, first)).toEqual({
      cpu: 0, entries: 64545, overrun: 0, commit_overrun: 0, bytes: 2916756, dropped_events: 0, read_events: 0,
    });
  });

  it('keeps overrun and dropped counts apart', () => {
    const s = parseCpuStats(3, 'entries: 5\noverrun: 1200\ncommit overrun: 2\nbytes: 99\noldest event ts:  1.5\nnow ts:  2.5\ndropped events: 7\nread events: 40\n');
    expect(s).toMatchObject({ cpu: 3, overrun: 1200, commit_overrun: 2, dropped_events: 7, read_events: 40 });
  });
});

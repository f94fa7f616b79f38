/**
 * Same input, same bytes: events.arrow and stacks.arrow are byte-identical across runs,
 * worker counts and chunk sizes, and meta.json is identical apart from `timings` (seconds
 * taken and workers used — the only fields allowed to differ, excluded here explicitly).
 * Real traces of all three front-ends, with stacks and callchains split across chunks.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshot } from '../fuzz/harness.js';
import { ingestTrace } from '../ingest.js';
import { fixture } from '../testing/paths.js';

const TRACES = [
  fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'),
  fixture('guest-6.1', 'mixed_stack-freeze-fail-slice', 'trace.txt.zst'),
  fixture('host-6.18', 'ftrace-stacktrace.txt.zst'),
  fixture('host-6.18', 'perf-script-g.txt.zst'),
  fixture('host-6.18', 'trace-cmd-report.txt.zst'),
];
const SETTINGS = [
  { workers: 1, chunkBytes: undefined },
  { workers: 1, chunkBytes: undefined },
  { workers: 2, chunkBytes: 64 << 10 },
  { workers: 4, chunkBytes: 7777 },
];

describe('determinism', () => {
  for (const trace of TRACES) {
    it(`${trace.split('/').slice(-2).join('/')}: identical tables for ${SETTINGS.map((s) => `${s.workers}w/${s.chunkBytes ?? 'default'}`).join(', ')}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pagetrace-determinism-'));
      try {
        const snaps = [];
        for (const [i, s] of SETTINGS.entries()) {
          const out = join(dir, `run${i}`);
          await ingestTrace({ input: trace, outDir: out, ...s });
          snaps.push(snapshot(out));
        }
        const first = snaps[0];
        expect(first?.events.length).toBeGreaterThan(1000);
        for (const s of snaps.slice(1)) {
          expect(s.events === first?.events).toBe(true);
          expect(s.stacks === first?.stacks).toBe(true);
          expect(s.meta).toBe(first?.meta);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

/**
 * Every real trace of shared/traces ingests with every line accounted for and nothing
 * skipped, and its counts match the MANIFEST.md files (counted by trace-stats.py, not by us).
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTrace } from './ingest.js';
import type { RunMeta } from './meta-types.js';
import { guestManifest, haveSharedTraces, hostManifest, sharedTracesDir, type ManifestEntry } from './testing/index.js';

const have = haveSharedTraces();
const entries: ManifestEntry[] = have ? [...guestManifest(), ...hostManifest()] : [];

function withoutSystem(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) {
    const name = k.slice(k.lastIndexOf(':') + 1);
    out[name] = (out[name] ?? 0) + v;
  }
  return out;
}

function checkAgainstManifest(meta: RunMeta, e: ManifestEntry): void {
  const l = meta.lines;
  const br = l.stack_breakdown;
  expect(br).toBeDefined();
  // Nothing skipped, every line in exactly one category.
  expect(l.skipped_by_reason).toEqual({});
  expect(l.skipped).toBe(0);
  expect(l.lines_in).toBe(e.lines);
  expect(l.lines_in).toBe(l.events + l.stack_lines + l.header_lines + l.markers + l.skipped);
  expect(l.stack_lines).toBe((br?.entry_lines ?? 0) + (br?.frame_lines ?? 0) + (br?.callchain_end_lines ?? 0));
  // trace-stats' stack lines are frame lines only.
  expect(br?.frame_lines).toBe(e.stackLines);
  // trace-stats counts trace-cmd `kernel_stack:` entries as events; we count them as stack entries.
  const statsEvents = l.events + (meta.format.frontend === 'trace-cmd' ? br?.entry_lines ?? 0 : 0);
  expect(statsEvents).toBe(e.events);
  if (e.markers !== null) expect(l.markers).toBe(e.markers);
  expect(meta.event_counts).toEqual(withoutSystem(e.eventsPerName));
  // The ftrace header's own count: every entry is an event or a `<stack trace>` entry.
  if (meta.header?.entries_written !== undefined && meta.lost_events.length === 0) {
    expect(l.events + (br?.entry_lines ?? 0)).toBe(meta.header.entries_written);
  }
}

describe('real traces of shared/traces against their MANIFEST.md', () => {
  if (!have) {
    it('needs shared/traces (absent here)', () => { expect(have).toBe(false); });
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'pagetrace-manifest-'));
  it('lists every trace of both MANIFEST files (14 guest, 6 host)', () => {
    expect(entries.filter((e) => e.file.startsWith('guest/'))).toHaveLength(14);
    expect(entries.filter((e) => e.file.startsWith('host/')).map((e) => e.file).sort()).toEqual([
      'host/ftrace-noirq.txt.zst', 'host/ftrace-overflow-lost.txt.zst', 'host/ftrace-stacktrace.txt.zst',
      'host/perf-kmem-script.txt.zst', 'host/perf-script-g.txt.zst', 'host/perf-script.txt.zst', 'host/trace-cmd-report.txt.zst',
    ]);
  });
  entries.forEach((e, i) => {
    it(`${e.file}: counts, zero skipped lines`, async () => {
      // Alternate 1 and 2 workers: both paths are held to the same numbers.
      const { meta } = await ingestTrace({ input: join(sharedTracesDir(), e.file), outDir: join(out, String(i)), workers: 1 + (i % 2) });
      checkAgainstManifest(meta, e);
      rmSync(join(out, String(i)), { recursive: true, force: true });
    });
  });
});

/**
 * The host captures of the same workloads in ftrace, trace-cmd and perf form give the same
 * kinds of page events with the same typed fields; and where two files are of the same
 * recording (perf-kmem-script and perf kmem's own answer on perf-kmem.data) the counts agree.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decompress } from 'fzstd';
import type { Table } from 'apache-arrow';
import { ingestTrace } from './ingest.js';
import { EVENT_COLUMNS } from './schema.js';
import { haveSharedTraces, readRun, sharedTracesDir, tempDir } from './testing/index.js';

const TYPED = EVENT_COLUMNS.map((c) => c.name).filter((n) => !['line', 'ts_ns', 'cpu', 'pid', 'tgid', 'comm', 'event', 'stack_id'].includes(n));

/** event name -> sorted list of columns that hold a value in at least one row. */
function fieldSets(t: Table): Map<string, string> {
  const events = [...t.getChild('event')!] as string[];
  const sets = new Map<string, Set<string>>();
  for (const name of TYPED) {
    const col = [...t.getChild(name)!];
    col.forEach((v, i) => {
      const ev = events[i] as string;
      if (!sets.has(ev)) sets.set(ev, new Set());
      if (v !== null) sets.get(ev)?.add(name);
    });
  }
  return new Map([...sets].map(([k, v]) => [k, [...v].sort().join(' ')]));
}

describe('cross-format (host 6.18 captures)', () => {
  if (!haveSharedTraces()) {
    it('needs shared/traces (absent here)', () => { expect(haveSharedTraces()).toBe(false); });
    return;
  }
  const host = (f: string): string => join(sharedTracesDir(), 'host', f);

  it('ftrace, trace-cmd report and perf script give the same page-event kinds and typed fields', async () => {
    const dir = tempDir();
    const runs = await Promise.all(['ftrace-noirq.txt.zst', 'trace-cmd-report.txt.zst', 'perf-script.txt.zst'].map(async (f, i) => {
      const { meta } = await ingestTrace({ input: host(f), outDir: `${dir}/${i}` });
      return { meta, sets: fieldSets(readRun(`${dir}/${i}`).events) };
    }));
    expect(runs.map((r) => r.meta.format.frontend)).toEqual(['ftrace', 'trace-cmd', 'perf-script']);
    // perf recorded a subset of the events: every kind it has, the others have too, typed alike.
    const perfKinds = [...(runs[2]?.sets.keys() ?? [])].sort();
    expect(perfKinds).toEqual(expect.arrayContaining(['mm_page_alloc', 'mm_page_free', 'mm_page_free_batched', 'mm_page_pcpu_drain',
      'mm_filemap_add_to_page_cache', 'mm_filemap_delete_from_page_cache', 'set_migration_pte', 'remove_migration_pte']));
    for (const kind of perfKinds) {
      const perSet = runs.map((r) => r.sets.get(kind));
      expect({ kind, sets: perSet }).toEqual({ kind, sets: [perSet[2], perSet[2], perSet[2]] });
    }
    expect(runs[0]?.sets.get('mm_page_alloc')).toBe('gfp mt order pfn');
    expect(runs[0]?.sets.get('mm_filemap_add_to_page_cache')).toBe('args ofs order pfn');
    // The kinds both ftrace and trace-cmd saw (same event set enabled) are the same too.
    const common = [...(runs[0]?.sets.keys() ?? [])].filter((k) => runs[1]?.sets.has(k));
    expect(common.length).toBeGreaterThanOrEqual(15);
    for (const kind of common) expect(runs[1]?.sets.get(kind)).toBe(runs[0]?.sets.get(kind));
  });

  it('perf-kmem-script has exactly the allocation and free requests perf kmem counted on the same recording', async () => {
    const stat = Buffer.from(decompress(readFileSync(host('perf-kmem-stat-page-caller.txt.zst')))).toString('utf8');
    const allocs = Number(/Total allocation requests\s*:\s*(\d+)/.exec(stat)?.[1]);
    const frees = Number(/Total free requests\s*:\s*(\d+)/.exec(stat)?.[1]);
    expect(allocs).toBe(16344);
    const { meta } = await ingestTrace({ input: host('perf-kmem-script.txt.zst'), outDir: `${tempDir()}/r` });
    expect(meta.event_counts).toEqual({ mm_page_alloc: allocs, mm_page_free: frees });
    expect(meta.stacks.count).toBeGreaterThan(100);
  });
});

import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordTrace, type RecordOptions } from './record.js';
import { readSidecar, sidecarPathFor } from './sidecar.js';
import { canRecordHere, instanceExists, WORKLOADS } from './test-support.js';
import { locateTracefs } from './tracefs.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'pagetrace-record-'));

/** The top-level tracefs settings a capture must leave exactly as they were. */
function topLevelState(root: string): Record<string, string> {
  const files = ['tracing_on', 'buffer_size_kb', 'set_event', 'trace_clock', 'current_tracer', 'options/record-tgid', 'options/stacktrace'];
  return Object.fromEntries(files.map((f) => [f, existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : '<absent>']));
}

/** Count of `<event>:` lines in ftrace text (a test-side check, not a parser). */
function countEvent(text: string, event: string): number {
  return text.split('\n').filter((l) => l.includes(` ${event}: `)).length;
}

async function recordAround(dir: string, opts: Partial<RecordOptions> & { command: string[] }) {
  const output = join(dir, 'run.trace');
  const notices: string[] = [];
  const result = await recordTrace({ output, handleSignals: false, onNotice: (m) => notices.push(m), ...opts });
  const text = readFileSync(output, 'utf8');
  return { result, text, notices, output };
}

/** What every successful recording must leave: markers, a complete sidecar, no instance. */
function expectCompleteCapture(r: Awaited<ReturnType<typeof recordAround>>, exitCode: number): void {
  const { result, text } = r;
  expect(result.exitCode).toBe(exitCode);
  expect(text).toMatch(/tracing_mark_write: pagetrace: record begin/);
  expect(text).toMatch(new RegExp(`tracing_mark_write: pagetrace: record end status=${exitCode}`));
  const s = result.sidecar;
  expect(s.uname_r).toMatch(/^\d+\.\d+/);
  expect(s.per_cpu.length).toBeGreaterThan(0);
  expect(s.per_cpu.reduce((n, c) => n + c.read_events, 0)).toBeGreaterThan(0);
  expect(s.per_cpu.every((c) => c.entries === 0)).toBe(true); // fully drained
  expect(s.zones.length).toBeGreaterThan(0);
  expect(Array.isArray(s.device_ranges)).toBe(true);
  expect(s.trace_clock).not.toBe('unknown');
  expect(s.events.enabled.length).toBeGreaterThan(0);
  expect(s.exit.code).toBe(exitCode);
  expect(s.trace.bytes).toBe(Buffer.byteLength(text));
  expect(Date.parse(s.end_time)).toBeGreaterThanOrEqual(Date.parse(s.start_time));
  expect(instanceExists(s.tracefs.root, s.tracefs.instance)).toBe(false);
  expect(existsSync(sidecarPathFor(r.output))).toBe(true);
}

describe('recordTrace on real tracefs', () => {
  it('captures the page allocations and frees of mmap + munmap, leaving the top level untouched', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const { root } = await locateTracefs();
      const before = topLevelState(root);
      const followed: Buffer[] = [];
      let followEnded: Promise<unknown> | null = null;
      const r = await recordAround(dir, {
        command: WORKLOADS.mmapMunmap,
        follow: (s) => {
          s.on('data', (b: Buffer) => followed.push(b));
          followEnded = new Promise((resolve) => s.on('end', resolve));
        },
      });
      expectCompleteCapture(r, 0);
      expect(followEnded).not.toBeNull();
      await followEnded;
      expect(Buffer.concat(followed).toString()).toBe(r.text); // watch sees exactly the trace
      // 16 MB touched = 4096 pages allocated and freed by python3 itself (system-wide capture).
      const own = r.text.split('\n').filter((l) => /^\s*python3-\d+/.test(l));
      expect(own.filter((l) => l.includes(' mm_page_alloc: ')).length).toBeGreaterThanOrEqual(4096);
      expect(own.filter((l) => / mm_page_free(_batched)?: /.test(l)).length).toBeGreaterThanOrEqual(4096);
      // This kernel lacks page_ref (no CONFIG_DEBUG_PAGE_REF): a warning, not a failure.
      if (r.result.sidecar.events.missing.includes('page_ref:*')) {
        expect(r.notices.some((n) => n.includes('CONFIG_DEBUG_PAGE_REF'))).toBe(true);
      }
      expect(await readSidecar(r.output)).toEqual(r.result.sidecar);
      expect(topLevelState(root)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('captures page-cache insertion and fadvise(DONTNEED) eviction of a file', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const r = await recordAround(dir, { command: WORKLOADS.readThenFadvise(join(dir, 'data')) });
      expectCompleteCapture(r, 0);
      expect(countEvent(r.text, 'mm_filemap_add_to_page_cache')).toBeGreaterThan(0);
      const evicted = r.text.split('\n').filter((l) => /^\s*python3-\d+/.test(l) && l.includes(' mm_filemap_delete_from_page_cache: '));
      expect(evicted.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('captures an O_DIRECT read with stacks, pfn-filtered to the Normal zone', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const file = join(dir, 'direct');
      writeFileSync(file, Buffer.alloc(4 << 20, 7));
      const probe = await recordAround(dir, { command: ['true'], events: ['kmem:mm_page_alloc'] });
      const normal = probe.result.sidecar.zones.find((z) => z.zone === 'Normal') ?? probe.result.sidecar.zones[0];
      if (normal === undefined) throw new Error('no zones in /proc/zoneinfo');
      const pfn = { start: BigInt(normal.start_pfn), end: BigInt(normal.end_pfn) };
      const r = await recordAround(dir, { command: WORKLOADS.directRead(file), preset: 'alloc', stacktrace: true, pfn });
      expectCompleteCapture(r, 0);
      expect(r.result.sidecar.events.pfn_filtered).toContain('kmem:mm_page_alloc');
      expect(r.result.sidecar.options.pfn).toEqual({ start_pfn: normal.start_pfn, end_pfn: normal.end_pfn });
      const pfns = [...r.text.matchAll(/ mm_page_alloc: .* pfn=0x([0-9a-f]+) /g)].map((m) => BigInt(`0x${m[1]}`));
      expect(pfns.length).toBeGreaterThan(0);
      expect(pfns.every((p) => p >= pfn.start && p < pfn.end)).toBe(true);
      expect(r.text).toContain('<stack trace>');
      expect(r.text).toMatch(/^ => \S+/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('captures compaction with the migration preset', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const r = await recordAround(dir, { command: WORKLOADS.compactMemory, preset: 'migration' });
      expectCompleteCapture(r, 0);
      expect(r.result.sidecar.events.enabled).toContain('compaction:mm_compaction_begin');
      expect(countEvent(r.text, 'mm_compaction_begin')).toBeGreaterThan(0);
      expect(countEvent(r.text, 'mm_compaction_end')).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes a failing command\'s status through and still cleans up', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const r = await recordAround(dir, { command: ['sh', '-c', 'exit 3'] });
      expectCompleteCapture(r, 3);
      const missing = await recordAround(dir, { command: ['/nonexistent/pagetrace-no-such-cmd'] });
      expectCompleteCapture(missing, 127);
      expect(missing.notices.some((n) => /cannot run .*ENOENT/.test(n))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops on request (as on SIGTERM): the command gets the signal, the instance is removed', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      const stop = new AbortController();
      let instanceDir = '';
      const started = Date.now();
      const pending = recordAround(dir, {
        command: ['sleep', '60'],
        stop: stop.signal,
        onStarted: (i) => {
          instanceDir = i.instanceDir;
          setTimeout(() => stop.abort(), 300);
        },
      });
      const r = await pending;
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(instanceDir).not.toBe('');
      expect(existsSync(instanceDir)).toBe(false);
      expectCompleteCapture(r, 143); // 128 + SIGTERM
      expect(r.result.sidecar.exit).toEqual({ code: 143, signal: 'SIGTERM', interrupted_by: 'SIGTERM' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an output that is a directory before touching tracefs', async () => {
    const dir = tmp();
    try {
      await expect(recordTrace({ output: dir, command: ['true'], handleSignals: false })).rejects.toThrow(/is a directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown-only event lists without leaving anything behind', async () => {
    if (!(await canRecordHere())) return;
    const dir = tmp();
    try {
      await expect(recordTrace({ output: join(dir, 'x.trace'), command: ['true'], events: ['nosuchsys:*'], handleSignals: false }))
        .rejects.toThrow(/none of the requested events exist/);
      expect(existsSync(join(dir, 'x.trace'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

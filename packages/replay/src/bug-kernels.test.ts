/**
 * Real traces of real refcount bugs: the 6.1 guest kernel of shared/lab with one injected bug
 * each (fixtures/bug-6.1/<bug>/bug.diff), running the lab's own workloads. Each test checks
 * the verdict against facts read straight from the trace text (not from the replay), so a
 * finding on the wrong pages, a missing one or a cascade of follow-on findings fails.
 * The same workloads on the clean kernel (shared/traces/guest: hmm_ctl_fault, fsdax, pin)
 * give no error: clean-traces.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { TraceText, field, parseEventLine } from './testing/trace-text.js';
import { errorsOf, replayFile, type ReplayedRun } from './testing/run.js';
import type { Anomaly } from './types.js';

const BUGS = fileURLToPath(new URL('../../../fixtures/bug-6.1/', import.meta.url));
const trace = (bug: string): string => `${BUGS}${bug}/trace.txt.zst`;

/** The page_ref events of a trace, in order: pfn, count and mapcount as printed, and the event name. */
function pageRefEvents(bug: string): { pfn: number; event: string; count: number; mapcount: number; val: number }[] {
  const out = [];
  for (const r of TraceText.fromFile(trace(bug)).records) {
    const e = parseEventLine(r.text);
    if (e === null || e.pfn === null || !e.event.startsWith('page_ref_')) continue;
    out.push({ pfn: e.pfn, event: e.event, count: field(e.args, 'count') ?? NaN, mapcount: field(e.args, 'mapcount') ?? NaN, val: field(e.args, 'val') ?? NaN });
  }
  return out;
}

/** What the trace text says happened to one page (the facts the verdicts are checked against). */
interface PageFate {
  /** Its last page_ref event: the count and mapcount printed, mapping= as text, timestamp in s. */
  last: { count: number; mapcount: number; mapping: string; ts: number } | null;
  /** An mm_page_free after that last page_ref event. */
  freedAfterLast: boolean;
  /** Some page_ref event printed mapcount > 0. */
  mapped: boolean;
  /** A page_ref_unfreeze (after a successful freeze) was printed for it. */
  unfrozen: boolean;
  /** When mapping= went from a movable_ops pointer (PAGE_MAPPING_MOVABLE set) to 0x2 alone. */
  releasedTs: number | null;
  /** An mm_filemap_delete_from_page_cache was printed for it. */
  deleted: boolean;
}

/** Every page's fate, and the timestamp of the trace's last event (s). */
function pageFates(bug: string): { endTs: number; pages: Map<number, PageFate> } {
  const pages = new Map<number, PageFate>();
  let endTs = 0;
  const movable = new Set<number>();
  for (const r of TraceText.fromFile(trace(bug)).records) {
    const e = parseEventLine(r.text);
    if (e === null) continue;
    endTs = Number(e.ts);
    if (e.pfn === null) continue;
    let f = pages.get(e.pfn);
    if (f === undefined) { f = { last: null, freedAfterLast: false, mapped: false, unfrozen: false, releasedTs: null, deleted: false }; pages.set(e.pfn, f); }
    if (e.event === 'mm_page_free' || e.event === 'mm_page_free_batched') f.freedAfterLast = true;
    if (e.event === 'mm_filemap_delete_from_page_cache') f.deleted = true;
    if (!e.event.startsWith('page_ref_')) continue;
    const mapping = /mapping=([0-9a-f]+)/.exec(e.args)?.[1] ?? '';
    const mapcount = field(e.args, 'mapcount') ?? 0;
    f.last = { count: field(e.args, 'count') ?? 0, mapcount, mapping, ts: Number(e.ts) };
    f.freedAfterLast = false;
    if (mapcount > 0) f.mapped = true;
    if (e.event === 'page_ref_unfreeze') f.unfrozen = true;
    if (/^ffffffff[0-9a-f]*[26ae]$/.test(mapping)) movable.add(e.pfn);
    else if (mapping === '0000000000000002' && movable.has(e.pfn) && f.releasedTs === null) f.releasedTs = Number(e.ts);
  }
  return { endTs, pages };
}

/** Pages whose fate `left` holds, still referenced and never freed after their last page_ref event. */
function leftReferenced(bug: string, left: (f: PageFate, endTs: number, pfn: number) => boolean): number[] {
  const { endTs, pages } = pageFates(bug);
  return [...pages].filter(([pfn, f]) => f.last !== null && f.last.count > 0 && !f.freedAfterLast && left(f, endTs, pfn)).map(([pfn]) => pfn).sort((a, b) => a - b);
}

/** Anonymous pages (mapping= with its low bit set at the last event) that were mapped and are unmapped at the end. */
const anonymousPagesLeftReferenced = (bug: string): number[] =>
  leftReferenced(bug, (f) => f.mapped && f.last?.mapcount === 0 && /[13579bdf]$/.test(f.last.mapping));

/** 50 ms: orphaned_reference's quiet time (ORPHAN_QUIET_NS). */
const QUIET_S = 0.05;

const kinds = (r: ReplayedRun): Set<string> => new Set(r.anomalies.map((a) => a.kind));
const pfnsOf = (list: Anomaly[]): number[] => [...new Set(list.map((a) => Number(a.pfn)))].sort((a, b) => a - b);
const of = (r: ReplayedRun, kind: string): Anomaly[] => r.anomalies.filter((a) => a.kind === kind);
const inRange = (start: number, end: number) => (pfn: number): boolean => pfn >= start && pfn < end;
const DEVICE_PRIVATE = inRange(0xfce0000, 0xfd00000); // test_hmm's chunks (iomem.txt)
const FSDAX = inRange(0x40000, 0x50000); // the legacy pmem of memmap=256M!1G (iomem.txt)

describe('real bug kernels (6.1 guest, one injected refcount bug each)', () => {
  it('hmm-devpage-leak: migrating device-private pages back to RAM keeps a reference on each; every such page is an orphaned_reference', async () => {
    const r = await replayFile(trace('hmm-devpage-leak'));
    // From the text: device-private pages that were mapped and whose last page_ref event
    // leaves them unmapped above their idle refcount (0 on 6.1).
    const leaked = leftReferenced('hmm-devpage-leak', (f, _endTs, pfn) => DEVICE_PRIVATE(pfn) && f.mapped && f.last?.mapcount === 0);
    expect(leaked.length).toBeGreaterThan(100);
    const orphans = of(r, 'orphaned_reference');
    expect(pfnsOf(orphans)).toEqual(leaked);
    expect(orphans.every((a) => a.severity === 'error' && /device_private page is idle at refcount 0/.test(a.message))).toBe(true);
    // The leak is older than the driver's eviction scan at device close (a get and a put on
    // every page of the chunk, 13-15 ms before the end of this trace), which must not hide it.
    expect(orphans[0]?.message).toMatch(/nothing dropped them in the last [0-9.]+ (ms|s) of the trace/);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('hmm-rpage-double-free: the backing page freed twice is one underflow and one put on a free page per free, nothing else', async () => {
    const r = await replayFile(trace('hmm-rpage-double-free'));
    const negative = pageRefEvents('hmm-rpage-double-free').filter((e) => e.count < 0);
    expect(negative.length).toBeGreaterThan(100);
    expect(of(r, 'refcount_underflow').length).toBe(negative.length);
    expect(of(r, 'ref_on_free_page').length).toBe(negative.length);
    expect(pfnsOf(of(r, 'refcount_underflow'))).toEqual([...new Set(negative.map((e) => e.pfn))].sort((a, b) => a - b));
    // A page at -1 with no mapping is not "a mapping without a reference".
    expect(kinds(r).has('mapcount_exceeds_refcount')).toBe(false);
  });

  it('fsdax-zero-idle: a put that takes fsdax pages from their idle 1 to 0 is a device_refcount_rule error on exactly those pages', async () => {
    const r = await replayFile(trace('fsdax-zero-idle'));
    const zeroed = [...new Set(pageRefEvents('fsdax-zero-idle').filter((e) => FSDAX(e.pfn) && e.count === 0).map((e) => e.pfn))].sort((a, b) => a - b);
    expect(zeroed.length).toBeGreaterThan(100);
    const rule = of(r, 'device_refcount_rule');
    expect(pfnsOf(rule)).toEqual(zeroed);
    expect(rule.every((a) => a.severity === 'error')).toBe(true);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['device_refcount_rule']));
  });

  it('gup-extra-put: one put too many after unpinning frees a page that is still mapped: underflow, free with references and mapping without reference on that page only', async () => {
    const r = await replayFile(trace('gup-extra-put'));
    // The freed-while-mapped page later prints mapcount=-1, which 6.1's page_mapcount() gives
    // only for a corrupted _mapcount: it must not switch the trace to 6.10's raw convention
    // (which read every other page's mapcount one too high: a warning on 1 075 pages).
    expect(r.summary.profile.mapcount_raw).toBe(false);
    expect(r.summary.profile.evidence).toContain('a page_ref mapcount of -1 was printed, which page_mapcount() of this kernel returns only for a corrupted _mapcount');
    const underflowed = [...new Set(pageRefEvents('gup-extra-put').filter((e) => e.count < 0).map((e) => e.pfn))];
    expect(underflowed).toHaveLength(1);
    expect(pfnsOf(errorsOf(r))).toEqual(underflowed);
    expect(kinds(r)).toEqual(new Set(['refcount_underflow', 'free_with_references', 'mapcount_exceeds_refcount', 'live_at_end']));
    expect(pfnsOf(of(r, 'mapcount_exceeds_refcount'))).toEqual(underflowed);
  });

  it('bio-release-leak: O_DIRECT buffer pages keep a reference per bio after their owner unmapped them: orphaned_reference, with the unmatched gets', async () => {
    const r = await replayFile(trace('bio-release-leak'));
    const leftOnAnon = anonymousPagesLeftReferenced('bio-release-leak');
    const orphans = of(r, 'orphaned_reference');
    expect(orphans.length).toBeGreaterThan(0);
    // Every orphan is such a page, and names the gets that were never put (by the task doing the I/O).
    for (const a of orphans) {
      expect(leftOnAnon).toContain(Number(a.pfn));
      expect(a.message).toMatch(/unmatched: \+1 by pagework-\d+ at line \d+/);
    }
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('hmm-excl-leak: test_hmm keeps the reference make_device_exclusive_range took on each page: an orphaned_reference once the test unmapped them', async () => {
    const r = await replayFile(trace('hmm-excl-leak'));
    const leftOnAnon = anonymousPagesLeftReferenced('hmm-excl-leak');
    const orphans = of(r, 'orphaned_reference');
    expect(orphans.length).toBeGreaterThan(100);
    for (const a of orphans) expect(leftOnAnon).toContain(Number(a.pfn));
    expect(orphans.every((a) => a.comm === 'hmm-tests' && /no get is left over .* the missing put is the last one/.test(a.message))).toBe(true);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('migrate-unfreeze-leak: a migration that unfreezes its source with one reference too many leaves every migrated-away page referenced: orphaned_reference on each', async () => {
    const r = await replayFile(trace('migrate-unfreeze-leak'));
    // From the text: pages whose freeze succeeded, that were unfrozen, and whose last page_ref
    // event shows no mapping, 50 ms or more before the end.
    const leftBehind = leftReferenced('migrate-unfreeze-leak', (f, endTs) => f.unfrozen && /^0+$/.test(f.last?.mapping ?? '') && endTs - (f.last?.ts ?? endTs) >= QUIET_S);
    expect(leftBehind.length).toBeGreaterThan(2);
    const orphans = of(r, 'orphaned_reference');
    expect(pfnsOf(orphans)).toEqual(leftBehind);
    expect(orphans.every((a) => /was migrated away .* page_ref_unfreeze gave back more references than the migration dropped afterwards/.test(a.message))).toBe(true);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('zs-migrate-leak: zsmalloc keeps its reference on each zspage page it migrated away: orphaned_reference once its owner gave it up', async () => {
    const r = await replayFile(trace('zs-migrate-leak'));
    // From the text: pages whose mapping= went from zsmalloc's movable_ops (a kernel pointer
    // with PAGE_MAPPING_MOVABLE) to PAGE_MAPPING_MOVABLE alone 50 ms or more before the end.
    const leftBehind = leftReferenced('zs-migrate-leak', (f, endTs) => f.releasedTs !== null && endTs - f.releasedTs >= QUIET_S);
    expect(leftBehind.length).toBeGreaterThan(10);
    const orphans = of(r, 'orphaned_reference');
    expect(pfnsOf(orphans)).toEqual(leftBehind);
    expect(orphans.every((a) => /was given up by its owner \(a non-LRU movable page/.test(a.message))).toBe(true);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('filemap-read-leak: read() keeps a reference on the first page of each batch: once unlink deletes those pages from the page cache, each is an orphaned_reference', async () => {
    const r = await replayFile(trace('filemap-read-leak'));
    // From the text: pages deleted from the page cache whose last page_ref event is 50 ms or
    // more before the end.
    const leftBehind = leftReferenced('filemap-read-leak', (f, endTs) => f.deleted && endTs - (f.last?.ts ?? endTs) >= QUIET_S);
    expect(leftBehind.length).toBeGreaterThan(10);
    const orphans = of(r, 'orphaned_reference');
    expect(pfnsOf(orphans)).toEqual(leftBehind);
    expect(orphans.every((a) => /was deleted from the page cache/.test(a.message))).toBe(true);
    expect(new Set(errorsOf(r).map((a) => a.kind))).toEqual(new Set(['orphaned_reference']));
  });

  it('uring-pin-leak: the one page io_uring never unpinned is the one page left pinned at the end', async () => {
    const r = await replayFile(trace('uring-pin-leak'));
    const pins = new Map<number, number>();
    for (const e of pageRefEvents('uring-pin-leak')) {
      if (e.val === 1024) pins.set(e.pfn, (pins.get(e.pfn) ?? 0) + 1);
      if (e.val === -1024) pins.set(e.pfn, (pins.get(e.pfn) ?? 0) - 1);
    }
    const stillPinned = [...pins].filter(([, n]) => n > 0).map(([pfn]) => pfn);
    expect(stillPinned).toHaveLength(1);
    const pinned = of(r, 'long_term_pin');
    expect(pinned).toHaveLength(1);
    expect(Number(pinned[0]?.pfn)).toBe(stillPinned[0]);
    expect(pinned[0]?.message).toMatch(/^1 page\(s\) .* still pinned at the end of the trace/);
  });
});

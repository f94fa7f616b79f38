/**
 * Unit tests of the model's rules on hand-written miniature traces (the detectors' proof is
 * on real traces: see detectors/*.test.ts and clean-traces.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { readRows, replayText, type ReplayedRun } from '../testing/index.js';
import type { ReplayOptions } from '../types.js';

let ts = 1_000_000;
/** One ftrace line (record-tgid, irq-info) at the next microsecond, or `gapUs` later. */
function L(cpu: number, event: string, args: string, gapUs = 1): string {
  ts += gapUs;
  const t = `${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`;
  return `            work-10      (     10) [${String(cpu).padStart(3, '0')}] .....  ${t.padStart(11)}: ${event}: ${args}`;
}
const ref = (pfn: number, count: number, val: number, extra = '', mapcount = 0): string =>
  `pfn=0x${pfn.toString(16)} flags=lru|swapbacked count=${count} mapcount=${mapcount} mapping=ffff888000d1c139 mt=1 val=${val}${extra}`;
const set = (cpu: number, pfn: number, v = 1): string => L(cpu, 'page_ref_set', `pfn=0x${pfn.toString(16)} flags=none count=${v} mapcount=0 mapping=0000000000000000 mt=1 val=${v}`);
const alloc = (cpu: number, pfn: number, order = 0): string => L(cpu, 'mm_page_alloc', `page=ffffea0000004000 pfn=0x${pfn.toString(16)} order=${order} migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE`);
const free = (cpu: number, pfn: number, batched = false): string => L(cpu, batched ? 'mm_page_free_batched' : 'mm_page_free', `page=ffffea0000004000 pfn=0x${pfn.toString(16)} order=0`);
const get = (cpu: number, pfn: number, count: number, val = 1, gapUs = 1, mapcount = 0): string => L(cpu, 'page_ref_mod', ref(pfn, count, val, '', mapcount), gapUs);
const put = (cpu: number, pfn: number, count: number, val = -1, gapUs = 1, mapcount = 0): string => L(cpu, 'page_ref_mod_and_test', ref(pfn, count, val, ` ret=${count === 0 ? 1 : 0}`, mapcount), gapUs);

async function run(lines: string[], opts: ReplayOptions = {}): Promise<ReplayedRun> {
  return replayText(`${lines.join('\n')}\n`, undefined, opts);
}
const kinds = (r: ReplayedRun): string[] => r.anomalies.map((a) => `${a.kind}/${a.severity}`);
const lifeOf = (pfn: number): string[] => [set(0, pfn), alloc(0, pfn), get(0, pfn, 2, 1, 1, 1), put(0, pfn, 1), put(0, pfn, 0)];

describe('model: allocation and free', () => {
  it('a batched free reported as mm_page_free and mm_page_free_batched is one free', async () => {
    const r = await run([...lifeOf(0x100), free(0, 0x100), get(0, 0x300, 1), free(0, 0x100, true)]);
    expect(kinds(r)).toEqual([]);
    const pages = await readRows(join(r.runDir, 'pages.arrow'));
    expect(pages.find((p) => p.pfn === 0x100n)?.frees).toBe(1);
    expect(pages.find((p) => p.pfn === 0x100n)?.final_state).toBe('free');
  });

  it('a third free of the same page is a double free', async () => {
    const r = await run([...lifeOf(0x100), free(0, 0x100), free(0, 0x100, true), free(0, 0x100)]);
    expect(kinds(r)).toEqual(['double_free/error']);
    expect(r.anomalies[0]?.line).toBe(8n);
  });

  it('compaction capture (page_ref_set 1 without mm_page_alloc) allocates a free page', async () => {
    const r = await run([...lifeOf(0x100), free(0, 0x100), set(0, 0x100), get(0, 0x100, 2), put(0, 0x100, 1), put(0, 0x100, 0), free(0, 0x100)]);
    expect(kinds(r)).toEqual([]);
  });

  it('a tail of a later high-order allocation may be freed again without its own mm_page_alloc', async () => {
    // a non-compound order-1 block whose tail is freed on its own (__free_pages with an extra head ref)
    const r = await run([...lifeOf(0x101), free(0, 0x101), alloc(0, 0x100, 1), free(0, 0x101)]);
    expect(kinds(r)).toEqual(['live_at_end/info']);
  });

  it('frozen-page allocator (6.14+): mm_page_alloc then page_ref_set, and slab pages freed at count 0', async () => {
    const r = await run([alloc(0, 0x100), set(0, 0x100), put(0, 0x100, 0), free(0, 0x100), alloc(0, 0x200), free(0, 0x200), alloc(0, 0x300), set(0, 0x300)]);
    expect(kinds(r)).toEqual(['live_at_end/info']);
    expect(r.summary.profile.alloc_order).toBe('alloc-then-set');
    expect(r.summary.profile.name).toBe('refcounted-devmap');
  });
});

describe('model: pins', () => {
  it('counts both pin forms (+1024, and mod_unless +1 then +1023) and their unpins', async () => {
    const r = await run([
      set(0, 0x100), alloc(0, 0x100),
      get(0, 0x100, 1025, 1024),
      L(0, 'page_ref_mod_unless', ref(0x100, 1026, 1, ' ret=1')), get(0, 0x100, 2049, 1023),
      put(0, 0x100, 1025, -1024), put(0, 0x100, 1, -1024),
    ]);
    expect(kinds(r)).toEqual(['live_at_end/info']);
    const p = (await readRows(join(r.runDir, 'pages.arrow'))).find((x) => x.pfn === 0x100n);
    expect([p?.pins, p?.unpins, p?.gets, p?.pins_outstanding]).toEqual([2, 2, 0, 0]);
    expect(p?.pin_max_ns).toBe(4000n);
  });
});

describe('model: THP split and freezing', () => {
  it('page_ref_unfreeze of a never-seen tail pfn starts a new folio (no anomaly)', async () => {
    const r = await run([
      set(0, 0x200), alloc(0, 0x200, 9),
      L(0, 'page_ref_freeze', ref(0x200, 0, 2, ' ret=1')),
      L(0, 'page_ref_unfreeze', ref(0x201, 1, 1)),
      L(0, 'page_ref_unfreeze', ref(0x200, 2, 2)),
      put(0, 0x201, 0), free(0, 0x201),
    ]);
    expect(kinds(r)).toEqual(['live_at_end/info']);
  });

  it('__split_huge_page re-references the frozen head with a plain get after unfreezing the tails (6.1)', async () => {
    const r = await run([
      set(0, 0x400), alloc(0, 0x400, 9),
      L(0, 'page_ref_freeze', ref(0x400, 0, 1, ' ret=1')),
      L(0, 'page_ref_unfreeze', ref(0x401, 1, 1)),
      get(0, 0x400, 1),
      put(0, 0x401, 0), free(0, 0x401), put(0, 0x400, 0), free(0, 0x400),
    ]);
    expect(kinds(r)).toEqual([]);
  });

  it('the same get on a frozen page with no split in progress is frozen_page_touched', async () => {
    const r = await run([set(0, 0x400), alloc(0, 0x400), L(0, 'page_ref_freeze', ref(0x400, 0, 1, ' ret=1')), get(0, 0x400, 1), put(0, 0x400, 0), free(0, 0x400)]);
    expect(kinds(r)).toEqual(['frozen_page_touched/error']);
    expect(r.anomalies[0]?.line).toBe(4n);
  });
});

describe('model: ordering tolerance and lost events', () => {
  it('a put printed before the get of another CPU within the window is not a discontinuity', async () => {
    // The get (CPU 0) came first: 1 -> 2, then the put (CPU 1): 2 -> 1; both counts disagree
    // with the printed order, and the page is freed at 0 after the last put.
    const r = await run([set(0, 0x100), alloc(0, 0x100), put(1, 0x100, 1, -1, 5), get(0, 0x100, 2, 1, 1), put(0, 0x100, 0), free(0, 0x100)]);
    expect(kinds(r)).toEqual([]);
    expect(r.summary.totals.suppressed_by_reordering).toBe(2);
  });

  // The next two are the counts of busybox's page cache pages in a real zram capture of the
  // 6.1 guest (dd on CPU 0, cat on CPU 1, one microsecond apart): each CPU printed the count
  // it saw, so the counts of the pair disagree with either order, while the sum is exact. The
  // model keeps the sum; following the count printed last left the page one reference off and
  // made the next put, 33 ms later, a count_discontinuity (71 such warnings in that capture).
  const cachePage = (pfn: number): string[] => [get(1, pfn, 3, 1, 1, 1), get(0, pfn, 4, 1, 1, 2), get(1, pfn, 5, 1, 1, 3), get(1, pfn, 6, 1, 1, 4), get(1, pfn, 7, 1, 1, 4)];
  it('a put printed out of order right after another CPU\'s get leaves the page at the sum of both (look back)', async () => {
    const r = await run([...cachePage(0x200), put(0, 0x200, 5, -1, 1, 4), put(1, 0x200, 6, -1, 1, 4), put(1, 0x200, 4, -1, 33_000, 3)]);
    expect(kinds(r)).toEqual([]);
    expect(r.summary.totals.suppressed_by_reordering).toBe(2);
  });

  it('a held disagreement explained by the next CPU takes its resynchronisation back (look ahead)', async () => {
    // dd's put printed 4 (the count after cat's get, get and put below it), 15 ms after the
    // page's previous event on another CPU (outside the 10 ms window: held), cat's events right after.
    const r = await run([get(0, 0x300, 3, 1, 1, 1), get(1, 0x300, 4, 1, 1, 2), put(0, 0x300, 4, -1, 15_000, 3), L(1, 'page_ref_mod_unless', ref(0x300, 5, 1, ' ret=1', 3), 0),
      get(1, 0x300, 6, 1, 1, 3), put(1, 0x300, 5, -1, 1, 3), put(1, 0x300, 3, -1, 33_000, 2)], { reorderWindowNs: 10_000_000n });
    expect(kinds(r)).toEqual([]);
  });

  it('the same disagreement with the CPUs 10 ms apart is a count_discontinuity warning', async () => {
    const r = await run([set(0, 0x100), alloc(0, 0x100), put(1, 0x100, 1, -1, 10_000), get(0, 0x100, 2, 1, 10_000), put(0, 0x100, 1), put(0, 0x100, 0), free(0, 0x100)]);
    expect(kinds(r)).toEqual(['count_discontinuity/warning']);
    expect(r.anomalies[0]?.line).toBe(3n);
  });

  it('after a lost-events marker the page is uncertain: a double free is only info', async () => {
    const r = await run([...lifeOf(0x100), free(0, 0x100), 'CPU:0 [LOST 42 EVENTS]', free(0, 0x100)]);
    expect(kinds(r)).toEqual(['double_free/info']);
    expect(r.anomalies[0]?.message).toMatch(/^After lost events/);
  });

  it('fresh evidence after the marker (a printed count) resynchronises the page', async () => {
    const r = await run([set(0, 0x100), alloc(0, 0x100), 'CPU:0 [LOST 42 EVENTS]', get(0, 0x100, 5), put(0, 0x100, 4), free(0, 0x100)]);
    expect(kinds(r)).toEqual(['count_discontinuity/info', 'free_with_references/error']);
  });
});

describe('model: profiles and device pages', () => {
  const devLife = (pfn: number, mapcount = 0): string[] => [set(0, pfn), get(0, pfn, 2, 1, 1, mapcount), put(0, pfn, 1, -1, 1, mapcount), put(0, pfn, 0, -1, 1, mapcount)];

  it('--kernel 4.19 selects legacy-devmap: a device page put to 0 breaks the idle-at-1 rule', async () => {
    const r = await run(devLife(0x500), { kernel: '4.19', devicePfns: [{ start: 0x400n, end: 0x600n }] });
    expect(r.summary.profile.name).toBe('legacy-devmap');
    expect(kinds(r)).toEqual(['device_refcount_rule/error']);
    expect(r.summary.device_ranges[0]).toMatchObject({ start_pfn: '0x400', end_pfn: '0x600', source: '--device-pfns', idle_refcount: 1 });
  });

  it('--kernel 6.15 selects refcounted-devmap: the same sequence is a normal device page life', async () => {
    // 6.10+ prints the raw _mapcount: -1 is unmapped
    const r = await run(devLife(0x500, -1), { kernel: '6.15', devicePfns: [{ start: 0x400n, end: 0x600n }] });
    expect(r.summary.profile.name).toBe('refcounted-devmap');
    expect(kinds(r)).toEqual([]);
  });

  it('an unknown --profile is a one-line user error', async () => {
    await expect(run(devLife(0x500), { profile: 'nope' })).rejects.toThrow(/unknown profile "nope"/);
  });
});

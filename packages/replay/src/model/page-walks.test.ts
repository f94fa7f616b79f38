/**
 * The end-of-trace walks read pages through cursors (no handle per page): they must name the
 * same pages, in the same order, with the same state as the persistent handles.
 */
import { describe, expect, it } from '@jest/globals';
import { DeviceRanges } from './device-ranges.js';
import { PageModel } from './model.js';
import type { PageState } from './page.js';
import { PROFILES } from './profiles.js';

function modelWith(pfns: number[]): PageModel {
  const m = new PageModel(new DeviceRanges([]), PROFILES[0] as (typeof PROFILES)[number], false, true);
  pfns.forEach((pfn, k) => {
    const p = m.cursorAt(pfn);
    p.events = k + 1; // a per-page value to recognise the record by
  });
  return m;
}

describe('page walks without handles', () => {
  // First-touch order is not pfn order; one pfn above 2^32 and a repeated one.
  const pfns = [0x5000, 0x10, 2 ** 32 + 7, 0x4fff, 0x10, 0x20000];
  const unique = [...new Set(pfns)];

  it('cursorAt finds a page created earlier instead of creating it again', () => {
    const m = modelWith(pfns);
    expect(m.pageCount).toBe(unique.length);
    expect(m.find(0x10)?.events).toBe(5); // the second touch wrote the same record
  });

  it('forEachPage walks slot order; handleOf keeps a page past the walk', () => {
    const m = modelWith(pfns);
    const seen: number[] = [];
    const kept: PageState[] = [];
    m.forEachPage((p) => { seen.push(p.pfn); if (p.pfn === 0x4fff) kept.push(m.handleOf(p)); });
    expect(seen).toEqual(unique);
    expect(kept[0]?.pfn).toBe(0x4fff);
    expect(kept[0]?.events).toBe(4);
  });

  it('forEachPage reads each page with the state of its persistent handle', () => {
    const m = modelWith(pfns);
    const walked: number[][] = [];
    m.forEachPage((p) => walked.push([p.pfn, p.events]));
    const viaHandles = unique.map((pfn) => [m.find(pfn)?.pfn, m.find(pfn)?.events]);
    expect(walked).toEqual(viaHandles);
    expect(walked.map(([pfn]) => pfn)).toEqual(unique);
  });

  it('a model without pages walks nothing', () => {
    const m = modelWith([]);
    let calls = 0;
    m.forEachPage(() => calls++);
    expect(calls).toBe(0);
    expect(m.pageCount).toBe(0);
    expect(m.pagesByPfn().length).toBe(0);
  });

  it('pagesByPfn reads the same pages as their handles, in pfn order', () => {
    const m = modelWith(pfns);
    const rows = m.pagesByPfn();
    const handles = [...unique].sort((a, b) => a - b).map((pfn) => m.find(pfn));
    expect(handles.map((p) => p?.pfn)).toEqual([...unique].sort((a, b) => a - b));
    expect(rows.length).toBe(handles.length);
    for (let i = 0; i < rows.length; i++) {
      const p = rows.at(i);
      expect([p.pfn, p.events]).toEqual([handles[i]?.pfn, handles[i]?.events]);
    }
  });
});

/**
 * The end-of-trace walks read pages through cursors (no handle per page): they must name the
 * same pages, in the same order, with the same state as the persistent handles.
 */
import { describe, expect, it } from '@jest/globals';
import { DeviceRanges } from './device-ranges.js';
import { PageModel } from './model.js';
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

  it('eachPage walks slot order; handleOf keeps a page past the walk', () => {
    const m = modelWith(pfns);
    const seen: number[] = [];
    const kept = [];
    for (const p of m.eachPage()) { seen.push(p.pfn); if (p.pfn === 0x4fff) kept.push(m.handleOf(p)); }
    expect(seen).toEqual(unique);
    expect(kept[0]?.pfn).toBe(0x4fff);
    expect(kept[0]?.events).toBe(4);
    expect(m.pages.map((p) => p.pfn)).toEqual(unique);
  });

  it('forEachPage walks the same pages as eachPage, in slot order, with their state', () => {
    const m = modelWith(pfns);
    const walked: number[][] = [];
    m.forEachPage((p) => walked.push([p.pfn, p.events]));
    const viaGenerator: number[][] = [];
    for (const p of m.eachPage()) viaGenerator.push([p.pfn, p.events]);
    expect(walked).toEqual(viaGenerator);
    expect(walked.map(([pfn]) => pfn)).toEqual(unique);
  });

  it('a model without pages walks nothing', () => {
    const m = modelWith([]);
    let calls = 0;
    m.forEachPage(() => calls++);
    expect(calls).toBe(0);
    expect([...m.eachPage()]).toEqual([]);
    expect(m.pagesByPfn().length).toBe(0);
    expect(m.byPfn()).toEqual([]);
  });

  it('pagesByPfn reads the same pages as byPfn, in pfn order', () => {
    const m = modelWith(pfns);
    const rows = m.pagesByPfn();
    const handles = m.byPfn();
    expect(handles.map((p) => p.pfn)).toEqual([...unique].sort((a, b) => a - b));
    expect(rows.length).toBe(handles.length);
    for (let i = 0; i < rows.length; i++) {
      const p = rows.at(i);
      expect([p.pfn, p.events]).toEqual([handles[i]?.pfn, handles[i]?.events]);
    }
  });
});

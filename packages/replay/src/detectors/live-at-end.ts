/**
 * live_at_end [info]: allocations (mm_page_alloc) whose pages were not freed by the end of
 * the trace, grouped by call site and order, counted the way `perf kmem stat --page --live`
 * counts them (allocation requests paired with frees by pfn).
 */
import type { PageState } from '../model/page.js';
import { siteOfStack } from './sites.js';
import { hex, type Detector, type DetectorContext } from './types.js';

export interface LiveGroup { site: string; order: number; allocations: number; pages: PageState[] }

/**
 * The groups of one replay, computed once: the detector's finalize and the replay summary
 * both read them, and both run after the last event (so the pages no longer change).
 */
const groupsOf = new WeakMap<DetectorContext, LiveGroup[]>();

export function liveGroups(ctx: DetectorContext): LiveGroup[] {
  let groups = groupsOf.get(ctx);
  if (groups === undefined) { groups = groupLiveAllocations(ctx); groupsOf.set(ctx, groups); }
  return groups;
}

function groupLiveAllocations(ctx: DetectorContext): LiveGroup[] {
  const groups = new Map<string, LiveGroup>();
  ctx.model.forEachPage((p) => {
    if (p.liveAllocs <= 0) return;
    const site = siteOfStack(p.liveAllocStack >= 0 ? ctx.frames(p.liveAllocStack) : []);
    const key = `${site}\u0000${p.liveAllocOrder}`;
    let g = groups.get(key);
    if (g === undefined) { g = { site, order: p.liveAllocOrder, allocations: 0, pages: [] }; groups.set(key, g); }
    g.allocations += p.liveAllocs;
    g.pages.push(ctx.model.handleOf(p)); // p is the walk's cursor
  });
  return [...groups.values()].sort((a, b) => b.allocations - a.allocations || (a.site < b.site ? -1 : a.site > b.site ? 1 : a.order - b.order));
}

export const liveAtEnd: Detector = {
  kind: 'live_at_end',
  reset() {},
  finalize(ctx) {
    for (const g of liveGroups(ctx)) {
      g.pages.sort((a, b) => a.pfn - b.pfn);
      const first = g.pages[0] as PageState;
      const kb = g.allocations * 4 * 2 ** g.order;
      ctx.reportAt({
        kind: 'live_at_end', severity: 'info',
        expected: null,
        observed: `${g.allocations} allocation(s) of order ${g.order} (${kb} KB) live`,
        message: `${g.allocations} order-${g.order} allocation(s) from ${g.site} (${kb} KB, first pfn ${hex(first.pfn)}) were not freed by the end of the trace.`,
        reorderSensitive: false,
      }, { row: first.liveAllocRow, line: first.liveAllocLine, ts: first.liveAllocTs, pid: first.liveAllocPid, comm: ctx.commName(first.liveAllocCommIndex), stackId: first.liveAllocStack }, first);
    }
  },
};

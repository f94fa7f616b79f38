/**
 * long_term_pin [info]: FOLL_PIN pins still outstanding at the end of the trace, grouped by
 * the task and stack that pinned (like `perf kmem stat --page --live` groups allocations).
 * Legitimate for RDMA/io_uring/VFIO buffers that outlive the capture; a pin that should
 * have been released shows up here first.
 */
import { pinSiteOfStack } from './sites.js';
import { hex, type Detector } from './types.js';
import type { PageState } from '../model/page.js';

export const longTermPin: Detector = {
  kind: 'long_term_pin',
  reset() {},
  finalize(ctx) {
    const groups = new Map<string, PageState[]>();
    ctx.model.forEachPage((p) => {
      if (p.pins <= 0) return;
      const h = p.oldestPin;
      const site = h === undefined ? 'unknown site' : `${ctx.commName(h.commIndex)} ${pinSiteOfStack(ctx.frames(h.stackId))}`;
      const list = groups.get(site) ?? [];
      list.push(ctx.model.handleOf(p)); // p is the walk's cursor
      groups.set(site, list);
    });
    for (const [site, pages] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      pages.sort((a, b) => a.pfn - b.pfn);
      const first = pages[0] as PageState;
      const pins = pages.reduce((n, p) => n + p.pins, 0);
      // A loop, not Math.min(...pages): a group may hold more pages than a call takes arguments.
      let since = Infinity;
      for (const p of pages) since = Math.min(since, p.oldestPinTs ?? ctx.end.ts);
      const seconds = (ctx.end.ts - since) / 1e9;
      const h = first.oldestPin;
      ctx.reportAt({
        kind: 'long_term_pin', severity: 'info',
        expected: null,
        observed: `${pins} pin(s) on ${pages.length} page(s), oldest ${seconds.toFixed(3)} s`,
        message: `${pages.length} page(s) (first pfn ${hex(first.pfn)}) are still pinned at the end of the trace by ${site}, the oldest for ${seconds.toFixed(3)} s.`,
        reorderSensitive: false,
      }, { row: h?.row ?? first.lastRow, line: h?.line ?? first.lastLine, ts: h?.ts ?? first.lastTs, pid: h?.pid ?? 0, comm: h === undefined ? '' : ctx.commName(h.commIndex), stackId: h?.stackId ?? -1 }, first);
    }
  },
};

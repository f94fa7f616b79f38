/**
 * double_free [error]: mm_page_free of a page that is already free. mm_page_free and
 * mm_page_free_batched for the same page are one free (the model dedupes them).
 *
 * Without page_ref events (CONFIG_DEBUG_PAGE_REF off) the buddy events alone cannot prove
 * it: pages leave the free lists without mm_page_alloc (compaction's isolate_freepages /
 * split_map_pages, alloc_contig_range, memory hotplug), so a second free may belong to such
 * an untraced allocation; clean 6.18 captures show hundreds of such repeated frees. Then it
 * is only info and the message says why.
 */
import { OP, FREE_OPS, ALLOC_OPS } from '../model/ops.js';
import { BUDDY } from '../model/page.js';
import { hex, type Detector } from './types.js';

export const doubleFree: Detector = {
  kind: 'double_free',
  ops: FREE_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op !== OP.FREE && e.op !== OP.FREE_BATCHED) return;
    if (p.buddy !== BUDDY.FREE || ctx.model.isPairedFree(p, e) || ctx.model.reusedSinceFree(p)) return;
    const certain = ctx.model.hasRefEvents;
    ctx.report({
      kind: 'double_free',
      severity: certain ? 'error' : 'info',
      expected: 'an allocation between two frees',
      observed: `second free (order ${e.order}); previous free at line ${p.lastFreeLine}`,
      message: certain
        ? `pfn ${hex(p.pfn)} was freed again (line ${p.lastFreeLine} freed it first) with no allocation or refcount set in between: a double free.`
        : `pfn ${hex(p.pfn)} was freed twice with no mm_page_alloc in between; without page_ref events this is not proof of a double free (compaction's free lists, alloc_contig_range and hotplug take pages without mm_page_alloc).`,
      reorderSensitive: true,
      explainedBy: ALLOC_OPS,
    }, e, p);
  },
};

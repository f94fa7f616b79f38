/**
 * frozen_page_touched [error]: a non-speculative refcount change on a page frozen by
 * page_ref_freeze (migration, THP split, reclaim). Freezing sets the count to 0 precisely so
 * that speculative gets fail; a plain get/put while frozen corrupts the count the unfreeze
 * will overwrite. Exception: __split_huge_page re-references the frozen head with
 * page_ref_inc/page_ref_add once the tails are unfrozen (no unfreeze of the head).
 */
import { OP, REF_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const frozenPageTouched: Detector = {
  kind: 'frozen_page_touched',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    // A THP split (tails already unfrozen) re-references its frozen head with a plain get.
    if (!p.frozen || p.splitting) return;
    const plain = e.op === OP.REF_MOD || e.op === OP.REF_MOD_TEST || e.op === OP.REF_MOD_RETURN || (e.op === OP.REF_MOD_UNLESS && e.ret === 1);
    if (!plain) return;
    report(e, p, ctx);
  },
};

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext): void {
  ctx.report({
    kind: 'frozen_page_touched', severity: 'error',
    expected: `no reference change while frozen (freeze expected ${p.frozenExpected})`,
    observed: `${e.val > 0 ? '+' : ''}${e.val}, refcount now ${e.hasCount ? e.count : '?'}`,
    message: `pfn ${hex(p.pfn)} had its refcount changed by ${e.val} while frozen by page_ref_freeze: a reference taken without get_page_unless_zero, or dropped by someone who no longer owned it.`,
    reorderSensitive: true,
    explainedBy: REF_OPS,
  }, e, p);
}

/**
 * ref_on_free_page [error]: a non-speculative get or put on a page that is in the buddy
 * allocator (mm_page_free seen, no allocation since). Failing speculative gets
 * (page_ref_mod_unless ret=0: get_page_unless_zero / folio_try_get on a free page) are the
 * kernel's normal way to lose a race and are never reported.
 */
import { OP, REF_OPS, LIFE_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import { BUDDY, type PageState } from '../model/page.js';

export const refOnFreePage: Detector = {
  kind: 'ref_on_free_page',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (p.buddy !== BUDDY.FREE || p.isDevice) return;
    const speculativeFail = e.op === OP.REF_MOD_UNLESS && e.ret === 0;
    const touchesRef = e.op === OP.REF_MOD || e.op === OP.REF_MOD_TEST || e.op === OP.REF_MOD_RETURN || (e.op === OP.REF_MOD_UNLESS && !speculativeFail);
    if (!touchesRef || !e.hasVal || ctx.model.reusedSinceFree(p)) return;
    const what = e.val > 0 ? `a get (+${e.val})` : `a put (${e.val})`;
    report(e, p, ctx, what);
  },
};

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext, what: string): void {
  ctx.report({
    kind: 'ref_on_free_page',
    severity: 'error',
    expected: 'no reference change on a page in the buddy allocator (refcount 0)',
    observed: `${what}, refcount now ${e.hasCount ? e.count : '?'}`,
    message: `${cap(what)} hit pfn ${hex(p.pfn)} after it was freed (mm_page_free at line ${p.lastFreeLine}) and before any new allocation: a use after free of the struct page.`,
    reorderSensitive: true,
    explainedBy: LIFE_OPS,
  }, e, p);
}

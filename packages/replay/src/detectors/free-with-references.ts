/**
 * free_with_references [error]: mm_page_free of a page whose refcount is not zero. The
 * allocator frees a page only after the last reference is gone (put_page_testzero, or a
 * successful page_ref_freeze), so a free with references left means someone still holds
 * a pointer to a page that is about to be reused.
 */
import { OP, FREE_OPS, REF_OPS } from '../model/ops.js';
import { BUDDY } from '../model/page.js';
import { describeHolders, hex, type Detector } from './types.js';

export const freeWithReferences: Detector = {
  kind: 'free_with_references',
  ops: FREE_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op !== OP.FREE && e.op !== OP.FREE_BATCHED) return;
    if (!ctx.model.hasRefEvents || p.buddy === BUDDY.FREE || !p.refKnown || p.ref === 0 || p.frozen) return;
    ctx.report({
      kind: 'free_with_references',
      severity: 'error',
      expected: 'refcount 0 when the page is freed',
      observed: `refcount ${p.ref}`,
      message: `pfn ${hex(p.pfn)} was freed (order ${e.order}) while ${p.ref} reference(s) were still counted: ${describeHolders(p, ctx)}.`,
      reorderSensitive: true,
      explainedBy: [...REF_OPS, OP.ALLOC],
    }, e, p);
  },
};

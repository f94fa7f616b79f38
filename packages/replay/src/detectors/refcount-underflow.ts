/**
 * refcount_underflow [error]: a put took the refcount below zero. The evidence is the
 * kernel's own: the count printed after the atomic operation (or the value returned by
 * page_ref_*_return) is negative. A racy read can show a stale value but never a negative
 * one, because a refcount is never legitimately below zero.
 */
import { OP, GUP_PIN_COUNTING_BIAS, REF_OPS } from '../model/ops.js';
import type { Detector, DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const refcountUnderflow: Detector = {
  kind: 'refcount_underflow',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op !== OP.REF_MOD && e.op !== OP.REF_MOD_TEST && e.op !== OP.REF_MOD_RETURN) return;
    if (!e.hasVal || e.val >= 0) return;
    // An unpin without a pin is reported once, as pin_underflow.
    if (e.val === -GUP_PIN_COUNTING_BIAS && p.pins === 0) return;
    const after = e.op === OP.REF_MOD_RETURN && e.hasRet ? e.ret : e.hasCount ? e.count : null;
    if (after === null || after >= 0) return;
    const before = after - e.val;
    report(e, p, ctx, before, after);
  },
};

const hexOf = (n: number): string => `0x${n.toString(16)}`;

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext, before: number, after: number): void {
  ctx.report({
    kind: 'refcount_underflow',
    severity: 'error',
    expected: `refcount >= 0 after a put of ${-e.val}`,
    observed: `refcount ${after} (was ${before})`,
    message: `A put of ${-e.val} reference(s) took the refcount of pfn ${hexOf(p.pfn)} from ${before} to ${after}: one more put than gets (a double put_page or a missing get).`,
    reorderSensitive: false,
  }, e, p);
}

/**
 * count_discontinuity [warning; info near a lost-events marker]: the count the tracepoint
 * printed disagrees with the model's running sum, i.e. a reference change happened that the
 * trace does not show (an untraced write such as a raw atomic, or lost events). The model
 * then resynchronises to the printed value. Because `count` is read after the atomic
 * operation, a concurrent operation on another CPU can make it disagree legitimately: such
 * cases are left to the reordering tolerance.
 */
import { OP, REF_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const countDiscontinuity: Detector = {
  kind: 'count_discontinuity',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (!p.refKnown || p.frozen || !e.hasVal) return;
    const expected = expectedAfter(e.op, e.val, e.ret, p.ref);
    if (expected === null) return;
    // *_and_return hands back the exact new count; the printed count is a separate racy read.
    const observed = e.op === OP.REF_MOD_RETURN && e.hasRet ? e.ret : e.hasCount ? e.count : null;
    if (observed === null || observed === expected) return;
    report(e, p, ctx, expected, observed);
  },
};

function expectedAfter(op: number, val: number, ret: number, ref: number): number | null {
  switch (op) {
    case OP.REF_MOD:
    case OP.REF_MOD_TEST:
    case OP.REF_MOD_RETURN: return ref + val;
    case OP.REF_MOD_UNLESS: return ret === 0 ? null : ref + val;
    case OP.REF_FREEZE: return ret === 0 ? ref : null;
    default: return null;
  }
}

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext, expected: number, observed: number): void {
  ctx.report({
    kind: 'count_discontinuity', severity: 'warning',
    expected: `refcount ${expected}`,
    observed: `refcount ${observed}`,
    message: `pfn ${hex(p.pfn)} reports refcount ${observed} where the events so far add up to ${expected}: ${observed - expected > 0 ? 'references were taken' : 'references were dropped'} without a traced event; the model follows the reported value from here.`,
    reorderSensitive: true,
    explainedBy: REF_OPS,
    resync: observed - expected,
  }, e, p);
}

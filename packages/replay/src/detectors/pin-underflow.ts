/**
 * pin_underflow [error]: an unpin (page_ref_mod_and_test val=-GUP_PIN_COUNTING_BIAS on a
 * small page) with no pin outstanding. Certain only when the refcount before the unpin was
 * below the bias, i.e. no pin could have been taken before the trace started either.
 */
import { GUP_PIN_COUNTING_BIAS, OP, REF_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const pinUnderflow: Detector = {
  kind: 'pin_underflow',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op !== OP.REF_MOD && e.op !== OP.REF_MOD_TEST && e.op !== OP.REF_MOD_RETURN) return;
    if (e.val !== -GUP_PIN_COUNTING_BIAS || p.pins > 0) return;
    const after = e.op === OP.REF_MOD_RETURN && e.hasRet ? e.ret : e.hasCount ? e.count : null;
    if (after === null) return;
    const before = after - e.val;
    if (before >= GUP_PIN_COUNTING_BIAS) return; // a pin from before the trace can explain it
    report(e, p, ctx, before, after);
  },
};

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext, before: number, after: number): void {
  ctx.report({
    kind: 'pin_underflow', severity: 'error',
    expected: `a FOLL_PIN outstanding (refcount >= ${GUP_PIN_COUNTING_BIAS}) before an unpin`,
    observed: `unpin with refcount ${before} -> ${after} and no pin seen`,
    message: `unpin_user_page on pfn ${hex(p.pfn)} with no pin outstanding (refcount was ${before}): an extra unpin, or a put_page used where unpin was meant.`,
    reorderSensitive: true,
    explainedBy: REF_OPS,
  }, e, p);
}

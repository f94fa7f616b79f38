/**
 * device_refcount_rule [error]: ZONE_DEVICE pages follow their own refcount rules (DOMAIN
 * §3.6). Under the idle-at-1 rule (all device pages before 5.18, fsdax until 6.15) a put
 * that reaches 0 frees nothing and breaks the page; under the idle-at-0 rule a device page
 * is handed out only by its driver (zone_device_page_init: page_ref_set 1), so a plain get
 * on an idle page is a use of a free device page; and no put may go below the idle value.
 */
import { OP, REF_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const deviceRefcountRule: Detector = {
  kind: 'device_refcount_rule',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (!p.isDevice || !e.hasVal) return;
    if (e.op !== OP.REF_MOD && e.op !== OP.REF_MOD_TEST && e.op !== OP.REF_MOD_RETURN && !(e.op === OP.REF_MOD_UNLESS && e.ret === 1)) return;
    const after = e.op === OP.REF_MOD_RETURN && e.hasRet ? e.ret : e.hasCount ? e.count : null;
    if (after === null) return;
    const idle = p.deviceIdle;
    const before = after - e.val;
    if (e.val < 0 && after < idle && after >= 0) reportBelowIdle(e, p, ctx, idle, before, after);
    else if (e.val > 0 && idle === 0 && before === 0 && e.op !== OP.REF_MOD_UNLESS && driverAllocated(p.device)) reportIdleGet(e, p, ctx, after);
  },
};

/**
 * Only device-private/coherent pages are handed out exclusively by their driver
 * (zone_device_page_init). fsdax/device-dax pages of 6.15+ take their first reference with a
 * plain get at map time, and for ranges of unknown kind the rule cannot be known.
 */
function driverAllocated(kind: string | null): boolean {
  return kind === 'device_private' || kind === 'device_coherent';
}

/** Findings built out of line: handleEvent stays small enough to inline into the replay loop. */
function reportBelowIdle(e: EventView, p: PageState, ctx: DetectorContext, idle: number, before: number, after: number): void {
  ctx.report({
    kind: 'device_refcount_rule', severity: 'error',
    expected: `a ${p.device} page stays at >= ${idle} (idle at ${idle} under profile ${ctx.profile.name})`,
    observed: `put to ${after}`,
    message: `A put took ${p.device} pfn ${hex(p.pfn)} from ${before} to ${after}, below its idle refcount ${idle}: one put too many on device memory.`,
    reorderSensitive: false,
  }, e, p);
}

function reportIdleGet(e: EventView, p: PageState, ctx: DetectorContext, after: number): void {
  ctx.report({
    kind: 'device_refcount_rule', severity: 'error',
    expected: 'an idle device page is handed out by its driver (page_ref_set 1), never by a plain get',
    observed: `get +${e.val} on a refcount-0 ${p.device} page`,
    message: `A get raised idle ${p.device} pfn ${hex(p.pfn)} from 0 to ${after} without the driver allocating it: a reference to a free device page.`,
    reorderSensitive: true,
    explainedBy: REF_OPS,
  }, e, p);
}

/**
 * mapcount_exceeds_refcount [warning; error where the profile requires map-time references
 * of device pages]: every mapping of a normal page holds a reference, so the mapcount can
 * never exceed the refcount. Pages mapped without a reference are the DAX-gup mistake. Device
 * pages of profiles without map-time references (fsdax before 6.15) are exempt: their
 * mappings legitimately hold no references.
 */
import { OP, REF_OPS } from '../model/ops.js';
import { hex, type Detector, type DetectorContext } from './types.js';
import type { EventView } from '../model/event.js';
import type { PageState } from '../model/page.js';

export const mapcountExceedsRefcount: Detector = {
  kind: 'mapcount_exceeds_refcount',
  ops: REF_OPS,
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op < OP.REF_SET || e.op > OP.REF_UNFREEZE || e.op === OP.REF_FREEZE) return;
    if (!e.hasCount || !e.hasMapcount || !e.mapcountMeaningful || p.frozen) return;
    if (p.isDevice && !ctx.profile.deviceMapRefs) return;
    const maps = ctx.model.mappings(e.mapcount);
    // An unmapped page cannot hold a mapping without a reference: a negative count there is
    // refcount_underflow's finding, not this one.
    if (maps <= e.count || maps <= 0) return;
    const error = p.isDevice && ctx.profile.deviceMapRefs;
    report(e, p, ctx, maps, error);
  },
};

/** The finding, built out of line: handleEvent stays small enough to inline into the replay loop. */
function report(e: EventView, p: PageState, ctx: DetectorContext, maps: number, error: boolean): void {
  ctx.report({
    kind: 'mapcount_exceeds_refcount', severity: error ? 'error' : 'warning',
    expected: `refcount >= mapcount (${maps})`,
    observed: `refcount ${e.count}, mapcount ${maps}`,
    message: `pfn ${hex(p.pfn)} is mapped ${maps} time(s) but holds only ${e.count} reference(s): a mapping without a reference (freed while still mapped when the count reaches 0).`,
    reorderSensitive: true,
    explainedBy: REF_OPS,
  }, e, p);
}

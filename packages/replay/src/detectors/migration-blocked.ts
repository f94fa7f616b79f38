/**
 * migration_blocked [warning]: a page_ref_freeze failed (ret=0). Migration, THP split or
 * reclaim expected `val` references and found `count`: count - val references were held by
 * someone else (an LRU/mlock batch, a GUP reference, a DMA pin...). Not an error: the kernel
 * retries or gives up cleanly, but repeated failures are how pins block CMA and compaction.
 */
import { GUP_PIN_COUNTING_BIAS, OP } from '../model/ops.js';
import { describeHolders, hex, type Detector } from './types.js';

export const migrationBlocked: Detector = {
  kind: 'migration_blocked',
  ops: [OP.REF_FREEZE],
  reset() {},
  handleEvent(e, p, ctx) {
    if (e.op !== OP.REF_FREEZE || e.ret !== 0 || !e.hasCount || !e.hasVal) return;
    const extra = e.count - e.val;
    const pins = p.pins > 0 || extra >= GUP_PIN_COUNTING_BIAS;
    const pinNote = pins ? ` The extra references look like DMA pins (${p.pins > 0 ? `${p.pins} FOLL_PIN outstanding` : `>= ${GUP_PIN_COUNTING_BIAS}`}).` : '';
    ctx.report({
      kind: 'migration_blocked', severity: 'warning',
      expected: `refcount ${e.val} (the references migration accounts for)`,
      observed: `refcount ${e.count}: ${extra} extra reference(s)`,
      message: `Freezing pfn ${hex(p.pfn)} failed: ${extra} reference(s) more than the ${e.val} expected; outstanding: ${describeHolders(p, ctx)}.${pinNote}`,
      reorderSensitive: false,
    }, e, p);
  },
};

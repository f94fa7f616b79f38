/**
 * One decoded event, reused for every row (no allocation in the hot loop). Nullable
 * numeric fields carry a has* flag; pfn/order/stack use -1 for null.
 */
import type { Op } from './ops.js';

export class EventView {
  row = 0;
  line = 0;
  ts = 0;
  cpu = 0;
  pid = 0;
  commIndex = 0;
  op: Op = 0;
  pfn = -1;
  order = -1;
  count = 0;
  hasCount = false;
  val = 0;
  hasVal = false;
  ret = 0;
  hasRet = false;
  mapcount = 0;
  hasMapcount = false;
  flagsIndex = -1;
  stackId = -1;
  /** end of a pfn range (compaction isolate ranges), -1 when null. */
  pfnEnd = -1;
  /** MAPPING.* of the mapping= value. */
  mappingKind = 0;
  /** The printed mapcount counts user mappings (not a movable/zsmalloc/page-type overlay). */
  mapcountMeaningful = false;
  /**
   * The printed count disagrees with the running sum in a way a reordering between CPUs
   * explains (processor.report): the sum is the truth, whatever the order; the model keeps it
   * instead of following the printed count.
   */
  keepSum = false;
}

/**
 * pfn -> page slot (the page's index in first-touch order). The pfns below 2^32 (every
 * machine with less than 16 TB of physical address space) are in the replay core's table
 * (assembly/pages.ts: open addressing over (pfn, slot) int32 pairs, a multiplicative hash),
 * where the core's loop looks pages up and adds the ones it creates; larger pfns are kept
 * here in a Map (boxing, but only there).
 *
 * Why not a Map<number, PageState> for all: a pfn computed from two 32-bit words is a double,
 * and handing a double to Map.get boxes it (a heap number per event, i.e. garbage per event),
 * and the Map's entries are one more chain of pointers per lookup.
 */
import { ReplayCore } from '../wasm/replay-core.js';

/** pfns from here on do not fit the core table's int32 keys. */
export const HUGE_PFN = 4294967296;

export class PfnIndex {
  /** pfns of 2^32 and above. */
  private readonly huge = new Map<number, number>();

  constructor(private readonly core = new ReplayCore()) {}

  /** Slot of pfn, or -1 when it was never added. */
  get(pfn: number): number {
    return pfn >= HUGE_PFN ? this.huge.get(pfn) ?? -1 : this.core.x.indexGet(pfn);
  }

  /** Index pfn (not present: check with get first) at slot. */
  add(pfn: number, slot: number): void {
    if (pfn >= HUGE_PFN) this.huge.set(pfn, slot);
    else if (this.core.x.indexAdd(pfn, slot) === 0) this.core.outOfMemory('the pfn index');
  }
}

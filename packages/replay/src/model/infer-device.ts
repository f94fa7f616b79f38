/**
 * ZONE_DEVICE inference for runs without a memory map: device pages never pass through the
 * buddy allocator, so a dense run of pfns with page_ref activity and no buddy or page cache
 * event at all is device memory (e.g. a device-private chunk scanned on eviction). Reported
 * with its evidence; the rules use only ranges from the memory map or --device-pfns.
 */
import type { PageState } from './page.js';

export interface InferredRange { start: number; end: number; evidence: string }

/** A run needs this many pages, and gaps between them must be smaller than MAX_GAP. */
const MIN_PAGES = 1024;
const MAX_GAP = 64;

/** Fed one page at a time (the replay's single end-of-trace pass over the pages). */
export class DeviceRangeInference {
  private readonly candList: number[] = [];
  private readonly buddyList: number[] = [];

  add(p: PageState): void {
    if (p.isDevice) return;
    if (p.buddySeen) this.buddyList.push(p.pfn);
    else if (p.refSeen) this.candList.push(p.pfn);
  }

  ranges(): InferredRange[] {
    // Native numeric sorts (pfns are unique integers): a comparator sort of 100 k numbers is slow.
    const cand = Float64Array.from(this.candList).sort();
    const buddy = Float64Array.from(this.buddyList).sort();
    const out: InferredRange[] = [];
    let i = 0;
    while (i < cand.length) {
      let j = i;
      while (j + 1 < cand.length && (cand[j + 1] as number) - (cand[j] as number) < MAX_GAP) j++;
      const start = cand[i] as number;
      const end = (cand[j] as number) + 1;
      const n = j - i + 1;
      if (n >= MIN_PAGES && !anyIn(buddy, start, end)) {
        out.push({ start, end, evidence: `${n} pfns in [0x${start.toString(16)}, 0x${end.toString(16)}) had page_ref events and none had a buddy allocator or page cache event (density ${((100 * n) / (end - start)).toFixed(0)}%)` });
      }
      i = j + 1;
    }
    return out;
  }
}

function anyIn(sorted: Float64Array, start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if ((sorted[mid] as number) < start) lo = mid + 1; else hi = mid; }
  return lo < sorted.length && (sorted[lo] as number) < end;
}

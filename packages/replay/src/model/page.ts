/**
 * What the model knows about one page frame. Allocated lazily on the first event naming
 * the pfn, so memory is bounded by pages touched, never by events.
 */
import type { DeviceKind } from './profiles.js';

export const BUDDY = { UNKNOWN: 0, ALLOCATED: 1, FREE: 2 } as const;
export type Buddy = (typeof BUDDY)[keyof typeof BUDDY];

/** A reference taken and not yet matched by a put (for "who holds it" evidence). */
export interface Holder { line: number; row: number; pid: number; commIndex: number; val: number; stackId: number; ts: number }

/** Holders kept per page: enough to name the culprits, bounded so memory stays per-page. */
export const MAX_HOLDERS = 8;

/**
 * The holder list of every page that has none yet: most pages never get a pin, and pages
 * seen only in buddy events never get a holder, so they share this one instead of carrying
 * two empty arrays each. Never pushed to (only addHolder/addPin add, and they replace it
 * first); pop and `length = 0` on an empty array change nothing.
 */
const NO_HOLDERS: Holder[] = [];

export class PageState {
  buddy: Buddy = BUDDY.UNKNOWN;
  order = 0;
  /** Model refcount (running sum of deltas, resynchronised to reported counts). */
  ref = 0;
  refKnown = false;
  lastCount = 0;
  hasLastCount = false;
  mapcount = 0;
  maxMapcount = 0;
  frozen = false;
  frozenExpected = 0;
  everFrozen = false;
  /** Frozen head of a THP being split: its tails were unfrozen, the head is re-referenced by a plain get. */
  splitting = false;
  /** FLAG_* bits of the page's last page_ref event and MAPPING.* of its last mapping= value. */
  lastFlagBits = 0;
  lastMappingKind = 0;
  /** The page was given to a process (anon mapping pointer seen) in its current life. */
  anonSeen = false;
  /** Delta of the last refcount change (negative: the last event was a put). */
  lastDelta = 0;
  /** Outstanding FOLL_PIN units (GUP_PIN_COUNTING_BIAS each). */
  pins = 0;
  /** Outstanding pins, matched LIFO by unpins (nested use is the common pattern). */
  pinHolders: Holder[] = NO_HOLDERS;
  pinMaxNs = -1;
  /** The previous event was a successful `mod_unless +1` by this pid (first half of a 1+1023 pin). */
  halfPinPid = -1;
  inPageCache = 0;
  fileBacked = false;
  swapCache = false;
  device: DeviceKind | null = null;
  deviceIdle = 0;
  /** Handed out by a device driver (page_ref_set 1 on an idle device page) and not yet released. */
  deviceInUse = false;
  /** Last allocation/capture was seen in the trace (history since then is complete). */
  allocSeen = false;
  /** page_ref_set val=1 on a free page that may be followed by its mm_page_alloc (set-then-alloc order). */
  setAllocPending = false;
  /** The last event was a free of this kind (dedupe mm_page_free + mm_page_free_batched). */
  lastFreeOp = 0;
  lastFreeCpu = -1;
  lastFreeLine = 0;
  lastFreeRow = -1;
  /** Taken from the free lists by compaction (isolate_freepages) since the last free: reusable without mm_page_alloc. */
  captured = false;
  /** perf kmem --live pairing: allocations counted as live the way perf counts them. */
  perfLive = 0;
  perfLiveKb = 0;
  perfEntry = false;
  liveAllocs = 0;
  liveAllocStack = -1;
  liveAllocOrder = 0;
  liveAllocLine = 0;
  /** Loss epoch of the last fresh evidence; older than the model's epoch = uncertain. */
  syncEpoch = 0;
  holders: Holder[] = NO_HOLDERS;
  /** Seen in a buddy allocator / page cache event (so not ZONE_DEVICE memory). */
  buddySeen = false;
  refSeen = false;
  // counters for pages.arrow
  events = 0;
  gets = 0;
  puts = 0;
  pinCount = 0;
  unpinCount = 0;
  allocs = 0;
  frees = 0;
  maxRef = -1;
  anomalies = 0;
  firstTs = 0;
  lastTs = 0;
  firstLine = 0;
  lastLine = 0;
  lastCpu = -1;
  /** Most recent event from a CPU other than lastCpu (for the reordering tolerance). */
  altCpu = -1;
  altTs = 0;
  altRow = -1;
  /** Row of the page's last event (its timestamp is lastTs). */
  lastRow = -1;
  lastOp = 0;
  altOp = 0;
  /** Task and stack of the last event, and of the live allocation (anomaly evidence at the end). */
  lastPid = 0;
  lastCommIndex = -1;
  lastStackId = -1;
  liveAllocPid = 0;
  liveAllocCommIndex = -1;
  liveAllocTs = 0;
  liveAllocRow = -1;

  constructor(readonly pfn: number) {}

  /** Record an unmatched get (the page gets a list of its own on the first one). */
  addHolder(h: Holder): void {
    if (this.holders === NO_HOLDERS) this.holders = [];
    this.holders.push(h);
  }

  /** Record an outstanding pin (the page gets a list of its own on the first one). */
  addPin(h: Holder): void {
    if (this.pinHolders === NO_HOLDERS) this.pinHolders = [];
    this.pinHolders.push(h);
  }
}

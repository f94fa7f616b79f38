/**
 * What the model knows about one page frame. Allocated lazily on the first event naming
 * the pfn, so memory is bounded by pages touched, never by events.
 *
 * The state lives in typed memory, one 320-byte record per page in large shared chunks
 * (PageStore), not in a JavaScript object of ~80 properties. Why: 140 k such objects cost
 * ~680 bytes each, every one was copied twice by the young-generation GC before it settled
 * (GC was the largest single item of the replay profile), and their fields and boxed
 * timestamps were spread over a dozen cache lines. A record is 5 cache lines, the fields one
 * event touches sit in the first three, and records lie in slot (first-touch) order, so
 * end-of-trace passes over all pages read memory sequentially.
 *
 * `PageState` is a small handle on a page's record (its pin list and holders live in the
 * PageStore). Its named accessors keep the detectors and the output code readable; the
 * model's per-event code reads and writes the record directly through the D/I/B offsets
 * below. The replay loop and the end-of-trace passes use cursor handles re-pointed at each
 * page (PageModel.at, forEachPage, pagesByPfn), so that no per-page object is loaded per event;
 * a page gets a persistent handle (PageModel.handleOf) only when something keeps it.
 */
import { ReplayCore } from '../wasm/replay-core.js';
import { H_TS, HolderSlab, holderAt, type Holder } from './holders.js';
import type { DeviceKind } from './profiles.js';

export const BUDDY = { UNKNOWN: 0, ALLOCATED: 1, FREE: 2 } as const;
/** How a page's users let go of it (B.letGo; see PageState.letGo). */
export const LET_GO = { NONE: 0, UNFROZEN_IN_CACHE: 1, MIGRATED: 2, RELEASED: 3, REMOVED_FROM_CACHE: 4 } as const;
export type Buddy = (typeof BUDDY)[keyof typeof BUDDY];

/** Bytes of one page record: 5 cache lines. */
export const RECORD_BYTES = 320;

/**
 * Float64 fields (index in doubles from the record start): everything that can exceed
 * 32 bits or that was a plain JS number we must not truncate (ns timestamps, rows, lines,
 * counts as printed).
 *
 * Layout: bytes 0-175 hold every field a page_ref, free or CPU-changing event reads or
 * writes (D 0-9, I 20-37, B 152-175), so an event touches three cache lines of the record
 * (the lines the core's look-ahead loads); bytes 176-307 hold what allocations, frees, pins,
 * findings and the outputs use. (Before round 4 the holder ring and the alt* fields of the
 * reordering tolerance sat in the fourth and fifth lines: most get/put events and every
 * change of CPU missed a line the look-ahead had not loaded.)
 */
export const enum D {
  ref = 0, lastTs = 1, lastRow = 2, lastLine = 3, maxRef = 4, heldSince = 5, mapcount = 6, maxMapcount = 7,
  altTs = 8, altRow = 9,
  // bytes 176-255: first event, frees, allocations, pins, the page's pfn (its persistent
  // handle is made from the record, see PageModel)
  firstTs = 22, firstLine = 23, pinMaxNs = 24, lastFreeLine = 25, lastFreeRow = 26,
  liveAllocLine = 27, liveAllocTs = 28, liveAllocRow = 29, perfLiveKb = 30, pfn = 31,
  // bytes 312-319: the lower level of the held-since pair (see trackHeld in model.ts)
  heldBaseSince = 39,
}

/** Int32 fields (index in int32s from the record start). Bytes 80-151: per-event fields. */
export const enum I {
  events = 20, gets = 21, puts = 22, syncEpoch = 23, lastDelta = 24, pins = 25, halfPinPid = 26, lastCpu = 27,
  altCpu = 28, lastPid = 29, lastCommIndex = 30, lastStackId = 31, deviceIdle = 32, inPageCache = 33, frozenExpected = 34,
  // the page's block of unmatched gets in its HolderSlab (block + 1; 0 = none): every get and put
  holderBlock = 35, holderHead = 36, holderCount = 37,
  // bytes 256-299: allocation/free/pin bookkeeping, findings
  anomalies = 64, pinCount = 65, unpinCount = 66, allocs = 67, frees = 68, perfLive = 69, liveAllocs = 70, liveAllocStack = 71,
  liveAllocPid = 72, liveAllocCommIndex = 73,
  // the page's outstanding pins: their array in the core's memory, its capacity and length (assembly/pins.ts)
  pinList = 74, pinCapacity = 75, pinLength = 76,
  // bytes 308-311: the refcount of the held-since pair's lower level
  heldBaseLevel = 77,
}

/** Uint8 fields (byte offset from the record start, bytes 152-175): booleans (0/1) and small codes. */
export const enum B {
  buddy = 152, refKnown = 153, frozen = 154, splitting = 155, letGo = 156, lastFlagBits = 157, lastMappingKind = 158, anonSeen = 159,
  fileBacked = 160, swapCache = 161, deviceInUse = 162, allocSeen = 163, setAllocPending = 164, lastFreeOp = 165, captured = 166, perfEntry = 167,
  buddySeen = 168, refSeen = 169, heldDepth = 170, lastOp = 171, altOp = 172, order = 173, liveAllocOrder = 174, device = 175,
}

/** Device kinds by code (0 = not device memory); kinds from a memory map are added on first use. */
const DEVICE_KINDS: (DeviceKind | null)[] = [null, 'fsdax', 'device_private', 'device_coherent', 'device_generic', 'p2pdma', 'unknown'];

/** The code of a device kind in the record (B.device), registering a new kind on first use. */
export function deviceCodeOf(kind: DeviceKind | null): number {
  let k = DEVICE_KINDS.indexOf(kind);
  if (k < 0) { k = DEVICE_KINDS.length; DEVICE_KINDS.push(kind); }
  return k;
}

/**
 * Pages in some order, read one at a time without a handle per page: `at(i)` may return a
 * cursor re-pointed at each call (valid until the next call; keep handleOf() of it instead).
 */
export interface PageSeq {
  readonly length: number;
  at(i: number): PageState;
  /** Reads the records of pages [from, to), so that their cache misses overlap (see PageModel.warm). */
  warm(from: number, to: number): number;
}

/** One read in each cache line a pages.arrow row reads. */
export function warmRecord(d: Float64Array, i: Int32Array, b: Uint8Array, db: number, ib: number, bb: number): number {
  return (d[db + D.ref] as number) + (i[ib + I.events] as number) + (d[db + D.firstTs] as number) + (d[db + D.liveAllocTs] as number) + (i[ib + I.anomalies] as number);
}

export class PageState {
  /** The page's pfn and slot (index in first-touch order, = its record's index in the store). */
  pfn: number;
  slot: number;
  /** Views of the store's memory, and the page's record's start in each view's units. */
  readonly d: Float64Array;
  readonly i: Int32Array;
  readonly b: Uint8Array;
  db = 0;
  ib = 0;
  bb = 0;

  /**
   * The page in `slot` of `store`; without a store, a page with a one-page store of its own
   * (tests); without a slot, a new record is allocated.
   */
  constructor(pfn: number, readonly store: PageStore = new PageStore(0), slot = store.allocate(pfn)) {
    this.pfn = pfn;
    this.slot = slot;
    this.d = store.d; this.i = store.i; this.b = store.b;
    this.moveTo(slot, pfn);
  }

  /**
   * Point this object at another page. Only the replay's cursor moves (PageModel.at): the
   * per-event code then never loads a page's own handle object (a cache miss per event);
   * whatever keeps a page beyond the event takes its handle (PageModel.handleOf).
   */
  moveTo(slot: number, pfn: number): void {
    // Offsets only: every record is in the same memory (no pointer stores, no GC write barriers).
    const at = this.store.recordAt(slot);
    this.db = at / 8; this.ib = at / 4; this.bb = at;
    this.slot = slot;
    this.pfn = pfn;
  }

  /** Unmatched gets, oldest first (at most MAX_HOLDERS; built from the slab: for evidence text only). */
  get holders(): Holder[] { return this.store.holders.list(this); }

  /** The oldest outstanding pin (undefined: none), without copying the whole list. */
  get oldestPin(): Holder | undefined { return this.store.oldestPin(this.slot); }

  /** When the oldest outstanding pin was taken (undefined: none). */
  get oldestPinTs(): number | undefined { return this.store.oldestPinTs(this.slot); }

  // ---- named fields (see the record layout above) --------------------------------------

  get buddy(): Buddy { return this.b[this.bb + B.buddy] as Buddy; }
  set buddy(v: Buddy) { this.b[this.bb + B.buddy] = v; }
  get order(): number { return this.b[this.bb + B.order] as number; }
  set order(v: number) { this.b[this.bb + B.order] = v; }
  /** Model refcount (running sum of deltas, resynchronised to reported counts). */
  get ref(): number { return this.d[this.db + D.ref] as number; }
  set ref(v: number) { this.d[this.db + D.ref] = v; }
  get refKnown(): boolean { return this.b[this.bb + B.refKnown] !== 0; }
  set refKnown(v: boolean) { this.b[this.bb + B.refKnown] = v ? 1 : 0; }
  /**
   * Since when the page has held at least its current refcount, with no mapping gone since
   * (trackHeld in model.ts): how old the references it holds now are. NaN while unknown.
   */
  get heldSince(): number { return this.b[this.bb + B.heldDepth] === 0 ? NaN : this.d[this.db + D.heldSince] as number; }
  get mapcount(): number { return this.d[this.db + D.mapcount] as number; }
  set mapcount(v: number) { this.d[this.db + D.mapcount] = v; }
  get maxMapcount(): number { return this.d[this.db + D.maxMapcount] as number; }
  set maxMapcount(v: number) { this.d[this.db + D.maxMapcount] = v; }
  get frozen(): boolean { return this.b[this.bb + B.frozen] !== 0; }
  set frozen(v: boolean) { this.b[this.bb + B.frozen] = v ? 1 : 0; }
  get frozenExpected(): number { return this.i[this.ib + I.frozenExpected] as number; }
  set frozenExpected(v: number) { this.i[this.ib + I.frozenExpected] = v; }
  /** Frozen head of a THP being split: its tails were unfrozen, the head is re-referenced by a plain get. */
  get splitting(): boolean { return this.b[this.bb + B.splitting] !== 0; }
  set splitting(v: boolean) { this.b[this.bb + B.splitting] = v ? 1 : 0; }
  /**
   * LET_GO.UNFROZEN_IN_CACHE: unfrozen after a successful freeze while in the page cache (a
   * migration moving it, or a THP split keeping it). The others say that the page's users let
   * go of it: MIGRATED, then seen without its mapping (the source of a finished migration);
   * RELEASED, a non-LRU movable page whose owner cleared its movable_ops; REMOVED_FROM_CACHE,
   * deleted from the page cache. Nothing can find such a page any more: its last puts free it.
   */
  get letGo(): number { return this.b[this.bb + B.letGo] as number; }
  /** FLAG_* bits of the page's last page_ref event and MAPPING.* of its last mapping= value. */
  get lastFlagBits(): number { return this.b[this.bb + B.lastFlagBits] as number; }
  set lastFlagBits(v: number) { this.b[this.bb + B.lastFlagBits] = v; }
  get lastMappingKind(): number { return this.b[this.bb + B.lastMappingKind] as number; }
  set lastMappingKind(v: number) { this.b[this.bb + B.lastMappingKind] = v; }
  /** The page was given to a process (anon mapping pointer seen) in its current life. */
  get anonSeen(): boolean { return this.b[this.bb + B.anonSeen] !== 0; }
  set anonSeen(v: boolean) { this.b[this.bb + B.anonSeen] = v ? 1 : 0; }
  /** Delta of the last refcount change (negative: the last event was a put). */
  get lastDelta(): number { return this.i[this.ib + I.lastDelta] as number; }
  set lastDelta(v: number) { this.i[this.ib + I.lastDelta] = v; }
  /** Outstanding FOLL_PIN units (GUP_PIN_COUNTING_BIAS each). */
  get pins(): number { return this.i[this.ib + I.pins] as number; }
  set pins(v: number) { this.i[this.ib + I.pins] = v; }
  get pinMaxNs(): number { return this.d[this.db + D.pinMaxNs] as number; }
  set pinMaxNs(v: number) { this.d[this.db + D.pinMaxNs] = v; }
  /** The previous event was a successful `mod_unless +1` by this pid (first half of a 1+1023 pin). */
  get halfPinPid(): number { return this.i[this.ib + I.halfPinPid] as number; }
  set halfPinPid(v: number) { this.i[this.ib + I.halfPinPid] = v; }
  get inPageCache(): number { return this.i[this.ib + I.inPageCache] as number; }
  set inPageCache(v: number) { this.i[this.ib + I.inPageCache] = v; }
  get fileBacked(): boolean { return this.b[this.bb + B.fileBacked] !== 0; }
  set fileBacked(v: boolean) { this.b[this.bb + B.fileBacked] = v ? 1 : 0; }
  get swapCache(): boolean { return this.b[this.bb + B.swapCache] !== 0; }
  set swapCache(v: boolean) { this.b[this.bb + B.swapCache] = v ? 1 : 0; }
  /** In a ZONE_DEVICE range (device !== null without the kind lookup: per-event checks use it). */
  get isDevice(): boolean { return this.b[this.bb + B.device] !== 0; }
  get device(): DeviceKind | null {
    const k = this.b[this.bb + B.device] as number;
    // As stored (a memory map without a kind gives undefined, still "a device page").
    return k === 0 ? null : (DEVICE_KINDS[k] as DeviceKind);
  }
  set device(v: DeviceKind | null) { this.b[this.bb + B.device] = deviceCodeOf(v); }
  get deviceIdle(): number { return this.i[this.ib + I.deviceIdle] as number; }
  set deviceIdle(v: number) { this.i[this.ib + I.deviceIdle] = v; }
  /** Handed out by a device driver (page_ref_set 1 on an idle device page) and not yet released. */
  get deviceInUse(): boolean { return this.b[this.bb + B.deviceInUse] !== 0; }
  set deviceInUse(v: boolean) { this.b[this.bb + B.deviceInUse] = v ? 1 : 0; }
  /** Last allocation/capture was seen in the trace (history since then is complete). */
  get allocSeen(): boolean { return this.b[this.bb + B.allocSeen] !== 0; }
  set allocSeen(v: boolean) { this.b[this.bb + B.allocSeen] = v ? 1 : 0; }
  /** page_ref_set val=1 on a free page that may be followed by its mm_page_alloc (set-then-alloc order). */
  get setAllocPending(): boolean { return this.b[this.bb + B.setAllocPending] !== 0; }
  set setAllocPending(v: boolean) { this.b[this.bb + B.setAllocPending] = v ? 1 : 0; }
  /** The last event was a free of this kind (dedupe mm_page_free + mm_page_free_batched). */
  get lastFreeOp(): number { return this.b[this.bb + B.lastFreeOp] as number; }
  set lastFreeOp(v: number) { this.b[this.bb + B.lastFreeOp] = v; }
  get lastFreeLine(): number { return this.d[this.db + D.lastFreeLine] as number; }
  set lastFreeLine(v: number) { this.d[this.db + D.lastFreeLine] = v; }
  get lastFreeRow(): number { return this.d[this.db + D.lastFreeRow] as number; }
  set lastFreeRow(v: number) { this.d[this.db + D.lastFreeRow] = v; }
  /** Taken from the free lists by compaction (isolate_freepages) since the last free: reusable without mm_page_alloc. */
  get captured(): boolean { return this.b[this.bb + B.captured] !== 0; }
  set captured(v: boolean) { this.b[this.bb + B.captured] = v ? 1 : 0; }
  /** perf kmem --live pairing: allocations counted as live the way perf counts them. */
  get perfLive(): number { return this.i[this.ib + I.perfLive] as number; }
  set perfLive(v: number) { this.i[this.ib + I.perfLive] = v; }
  get perfLiveKb(): number { return this.d[this.db + D.perfLiveKb] as number; }
  set perfLiveKb(v: number) { this.d[this.db + D.perfLiveKb] = v; }
  get perfEntry(): boolean { return this.b[this.bb + B.perfEntry] !== 0; }
  set perfEntry(v: boolean) { this.b[this.bb + B.perfEntry] = v ? 1 : 0; }
  get liveAllocs(): number { return this.i[this.ib + I.liveAllocs] as number; }
  set liveAllocs(v: number) { this.i[this.ib + I.liveAllocs] = v; }
  get liveAllocStack(): number { return this.i[this.ib + I.liveAllocStack] as number; }
  set liveAllocStack(v: number) { this.i[this.ib + I.liveAllocStack] = v; }
  get liveAllocOrder(): number { return this.b[this.bb + B.liveAllocOrder] as number; }
  set liveAllocOrder(v: number) { this.b[this.bb + B.liveAllocOrder] = v; }
  get liveAllocLine(): number { return this.d[this.db + D.liveAllocLine] as number; }
  set liveAllocLine(v: number) { this.d[this.db + D.liveAllocLine] = v; }
  /** Loss epoch of the last fresh evidence; older than the model's epoch = uncertain. */
  get syncEpoch(): number { return this.i[this.ib + I.syncEpoch] as number; }
  set syncEpoch(v: number) { this.i[this.ib + I.syncEpoch] = v; }
  /** Seen in a buddy allocator / page cache event (so not ZONE_DEVICE memory). */
  get buddySeen(): boolean { return this.b[this.bb + B.buddySeen] !== 0; }
  set buddySeen(v: boolean) { this.b[this.bb + B.buddySeen] = v ? 1 : 0; }
  get refSeen(): boolean { return this.b[this.bb + B.refSeen] !== 0; }
  set refSeen(v: boolean) { this.b[this.bb + B.refSeen] = v ? 1 : 0; }
  // counters for pages.arrow
  get events(): number { return this.i[this.ib + I.events] as number; }
  set events(v: number) { this.i[this.ib + I.events] = v; }
  get gets(): number { return this.i[this.ib + I.gets] as number; }
  set gets(v: number) { this.i[this.ib + I.gets] = v; }
  get puts(): number { return this.i[this.ib + I.puts] as number; }
  set puts(v: number) { this.i[this.ib + I.puts] = v; }
  get pinCount(): number { return this.i[this.ib + I.pinCount] as number; }
  set pinCount(v: number) { this.i[this.ib + I.pinCount] = v; }
  get unpinCount(): number { return this.i[this.ib + I.unpinCount] as number; }
  set unpinCount(v: number) { this.i[this.ib + I.unpinCount] = v; }
  get allocs(): number { return this.i[this.ib + I.allocs] as number; }
  set allocs(v: number) { this.i[this.ib + I.allocs] = v; }
  get frees(): number { return this.i[this.ib + I.frees] as number; }
  set frees(v: number) { this.i[this.ib + I.frees] = v; }
  get maxRef(): number { return this.d[this.db + D.maxRef] as number; }
  set maxRef(v: number) { this.d[this.db + D.maxRef] = v; }
  get anomalies(): number { return this.i[this.ib + I.anomalies] as number; }
  set anomalies(v: number) { this.i[this.ib + I.anomalies] = v; }
  get firstTs(): number { return this.d[this.db + D.firstTs] as number; }
  set firstTs(v: number) { this.d[this.db + D.firstTs] = v; }
  get lastTs(): number { return this.d[this.db + D.lastTs] as number; }
  set lastTs(v: number) { this.d[this.db + D.lastTs] = v; }
  get firstLine(): number { return this.d[this.db + D.firstLine] as number; }
  set firstLine(v: number) { this.d[this.db + D.firstLine] = v; }
  get lastLine(): number { return this.d[this.db + D.lastLine] as number; }
  set lastLine(v: number) { this.d[this.db + D.lastLine] = v; }
  get lastCpu(): number { return this.i[this.ib + I.lastCpu] as number; }
  set lastCpu(v: number) { this.i[this.ib + I.lastCpu] = v; }
  /** Most recent event from a CPU other than lastCpu (for the reordering tolerance). */
  get altCpu(): number { return this.i[this.ib + I.altCpu] as number; }
  set altCpu(v: number) { this.i[this.ib + I.altCpu] = v; }
  get altTs(): number { return this.d[this.db + D.altTs] as number; }
  set altTs(v: number) { this.d[this.db + D.altTs] = v; }
  get altRow(): number { return this.d[this.db + D.altRow] as number; }
  set altRow(v: number) { this.d[this.db + D.altRow] = v; }
  /** Row of the page's last event (its timestamp is lastTs). */
  get lastRow(): number { return this.d[this.db + D.lastRow] as number; }
  set lastRow(v: number) { this.d[this.db + D.lastRow] = v; }
  get lastOp(): number { return this.b[this.bb + B.lastOp] as number; }
  set lastOp(v: number) { this.b[this.bb + B.lastOp] = v; }
  get altOp(): number { return this.b[this.bb + B.altOp] as number; }
  set altOp(v: number) { this.b[this.bb + B.altOp] = v; }
  /** Task and stack of the last event, and of the live allocation (anomaly evidence at the end). */
  get lastPid(): number { return this.i[this.ib + I.lastPid] as number; }
  set lastPid(v: number) { this.i[this.ib + I.lastPid] = v; }
  get lastCommIndex(): number { return this.i[this.ib + I.lastCommIndex] as number; }
  set lastCommIndex(v: number) { this.i[this.ib + I.lastCommIndex] = v; }
  get lastStackId(): number { return this.i[this.ib + I.lastStackId] as number; }
  set lastStackId(v: number) { this.i[this.ib + I.lastStackId] = v; }
  get liveAllocPid(): number { return this.i[this.ib + I.liveAllocPid] as number; }
  set liveAllocPid(v: number) { this.i[this.ib + I.liveAllocPid] = v; }
  get liveAllocCommIndex(): number { return this.i[this.ib + I.liveAllocCommIndex] as number; }
  set liveAllocCommIndex(v: number) { this.i[this.ib + I.liveAllocCommIndex] = v; }
  get liveAllocTs(): number { return this.d[this.db + D.liveAllocTs] as number; }
  set liveAllocTs(v: number) { this.d[this.db + D.liveAllocTs] = v; }
  get liveAllocRow(): number { return this.d[this.db + D.liveAllocRow] as number; }
  set liveAllocRow(v: number) { this.d[this.db + D.liveAllocRow] = v; }
}

/**
 * log2 of the pages per chunk for a model expecting up to `expectedPages` pages (an upper
 * bound such as the trace's event count): the whole replay in one chunk where that is at most
 * 2^20 pages (335 MB of address space), at least 2^14 (5 MB). A chunk is zero memory from the
 * OS that is committed page by page as records are first written (RSS follows the pages
 * touched, not the chunk size), and with one chunk the replay's cursor keeps pointing into
 * the same arrays: moving it to another page sets offsets only.
 */
export function chunkShiftFor(expectedPages: number): number {
  return Math.min(20, Math.max(14, Math.ceil(Math.log2(Math.max(1, expectedPages)))));
}

/**
 * Records for every page of a model, in chunks of 2^chunkShift pages (16 k by default: 5 MB,
 * committed by the OS as they fill; a large run never copies what it already has), plus the
 * pages' holders (holder blocks) and pin arrays (pins are rare: an array for pages that had
 * one). All of it is in the replay core's memory (wasm/replay-core.ts), where its loop reads
 * and writes them too and creates pages of its own.
 */
export class PageStore {
  /** Views of the core's memory (every record's fields are read and written through them). */
  readonly d: Float64Array;
  readonly i: Int32Array;
  readonly b: Uint8Array;
  /** Unmatched gets of the pages (see holders.ts). */
  readonly holders: HolderSlab;

  constructor(chunkShift = 14, readonly core = new ReplayCore()) {
    core.x.setChunkShift(chunkShift);
    this.d = core.f64; this.i = core.i32; this.b = core.u8;
    this.holders = new HolderSlab(core);
  }

  /** Pages created so far, here or by the core. */
  get count(): number { return this.core.x.pageCount(); }

  /** A new page's handle, its record in the next free slot. */
  create(pfn: number): PageState {
    return new PageState(pfn, this, this.allocate(pfn));
  }

  /** The next free slot, its record initialised with the page's pfn and loss epoch (not indexed: see PfnIndex). */
  allocate(pfn = 0, lossEpoch = 0): number {
    const slot = this.core.x.createPage(pfn, lossEpoch, 0);
    if (slot < 0) this.core.outOfMemory('page records');
    return slot;
  }

  /** Byte address of the record of the page in slot. */
  recordAt(slot: number): number { return this.core.x.recordAddress(slot); }

  /** The page's outstanding pins, oldest first (a new array of new objects). */
  pinsOf(slot: number): Holder[] {
    const rec = this.recordAt(slot);
    const out: Holder[] = [];
    for (let k = 0; k < this.core.x.pinLength(rec); k++) out.push(holderAt(this.d, this.core.x.pinEntry(rec, k) / 8));
    return out;
  }

  /** The page's oldest outstanding pin, or undefined. */
  oldestPin(slot: number): Holder | undefined {
    const rec = this.recordAt(slot);
    return this.core.x.pinLength(rec) === 0 ? undefined : holderAt(this.d, this.core.x.pinEntry(rec, 0) / 8);
  }

  /** When the page's oldest outstanding pin was taken (undefined: none), without a Holder. */
  oldestPinTs(slot: number): number | undefined {
    const rec = this.recordAt(slot);
    return this.core.x.pinLength(rec) === 0 ? undefined : this.d[this.core.x.pinEntry(rec, 0) / 8 + H_TS];
  }

  /** Forget a page's pins (a new life). */
  clearPins(slot: number): void { this.core.x.pinClear(this.recordAt(slot)); }

  /** Record an outstanding pin of the page in slot (in the core's memory, see assembly/pins.ts). */
  pushPin(slot: number, line: number, row: number, pid: number, commIndex: number, val: number, stackId: number, ts: number): void {
    if (this.core.x.pinPush(this.recordAt(slot), line, row, pid, commIndex, val, stackId, ts) === 0) this.core.outOfMemory('pins');
  }

  /** Forget the page's newest pin (an unpin); its timestamp, undefined when it had none. */
  popPinTs(slot: number): number | undefined {
    const ts = this.core.x.pinPopTs(this.recordAt(slot));
    return Number.isNaN(ts) ? undefined : ts;
  }
}

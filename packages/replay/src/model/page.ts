/**
 * What the model knows about one page frame. Allocated lazily on the first event naming
 * the pfn, so memory is bounded by pages touched, never by events.
 *
 * Storage is struct-of-arrays: every scalar field lives in a typed array of PageTable,
 * indexed by the page's dense slot (pages are numbered in first-touch order). A PageState is
 * only a small handle (table, slot, pfn) whose accessors read and write those arrays, so
 * detectors and the model keep their `p.field` code while a large trace no longer keeps
 * hundreds of thousands of big objects alive for the garbage collector to copy.
 */
import type { DeviceKind } from './profiles.js';

export const BUDDY = { UNKNOWN: 0, ALLOCATED: 1, FREE: 2 } as const;
export type Buddy = (typeof BUDDY)[keyof typeof BUDDY];

/** A reference taken and not yet matched by a put (for "who holds it" evidence). */
export interface Holder { line: number; row: number; pid: number; commIndex: number; val: number; stackId: number; ts: number }

/** Holders kept per page: enough to name the culprits, bounded so memory stays per-page. */
export const MAX_HOLDERS = 8;

type Storage = Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
/**
 * The per-page scalar fields: storage and initial value. Float64 wherever a value can leave
 * the int32 range (timestamps, lines, rows, refcount sums, sizes), so numbers behave exactly
 * like the plain JS numbers they replace; Int32 for counters, pids, cpus and ids; Uint8 for
 * flags and small codes.
 */
const FIELDS = {
  buddy: [Uint8Array, 0], order: [Int32Array, 0], ref: [Float64Array, 0], refKnown: [Uint8Array, 0],
  lastCount: [Int32Array, 0], hasLastCount: [Uint8Array, 0], mapcount: [Float64Array, 0], maxMapcount: [Float64Array, 0],
  frozen: [Uint8Array, 0], frozenExpected: [Float64Array, 0], everFrozen: [Uint8Array, 0], splitting: [Uint8Array, 0],
  lastFlagBits: [Uint8Array, 0], lastMappingKind: [Uint8Array, 0], anonSeen: [Uint8Array, 0], lastDelta: [Float64Array, 0],
  pins: [Int32Array, 0], pinMaxNs: [Float64Array, -1], halfPinPid: [Int32Array, -1], inPageCache: [Int32Array, 0],
  fileBacked: [Uint8Array, 0], swapCache: [Uint8Array, 0], deviceIdle: [Int32Array, 0], deviceInUse: [Uint8Array, 0],
  allocSeen: [Uint8Array, 0], setAllocPending: [Uint8Array, 0], lastFreeOp: [Uint8Array, 0], lastFreeLine: [Float64Array, 0],
  lastFreeRow: [Float64Array, -1], captured: [Uint8Array, 0], perfLive: [Int32Array, 0], perfLiveKb: [Float64Array, 0],
  perfEntry: [Uint8Array, 0], liveAllocs: [Int32Array, 0], liveAllocStack: [Int32Array, -1], liveAllocOrder: [Int32Array, 0],
  liveAllocLine: [Float64Array, 0], syncEpoch: [Int32Array, 0], buddySeen: [Uint8Array, 0], refSeen: [Uint8Array, 0],
  events: [Int32Array, 0], gets: [Int32Array, 0], puts: [Int32Array, 0], pinCount: [Int32Array, 0],
  unpinCount: [Int32Array, 0], allocs: [Int32Array, 0], frees: [Int32Array, 0], maxRef: [Float64Array, -1],
  anomalies: [Int32Array, 0], firstTs: [Float64Array, 0], lastTs: [Float64Array, 0], firstLine: [Float64Array, 0],
  lastLine: [Float64Array, 0], lastCpu: [Int32Array, -1], altCpu: [Int32Array, -1], altTs: [Float64Array, 0],
  altRow: [Float64Array, -1], prevTs: [Float64Array, 0], lastRow: [Float64Array, -1], lastOp: [Uint8Array, 0],
  altOp: [Uint8Array, 0], lastPid: [Int32Array, 0], lastCommIndex: [Int32Array, -1], lastStackId: [Int32Array, -1],
  liveAllocPid: [Int32Array, 0], liveAllocCommIndex: [Int32Array, -1], liveAllocTs: [Float64Array, 0], liveAllocRow: [Float64Array, -1],
} as const satisfies Record<string, readonly [Storage, number]>;

type FieldName = keyof typeof FIELDS;
/** The typed column of every field (replaced by a larger copy when the table grows). */
export type PageColumns = { [K in FieldName]: InstanceType<(typeof FIELDS)[K][0]> };

/** The struct-of-arrays store of every page's scalar fields. */
export class PageTable {
  readonly cols: PageColumns;
  private capacity: number;
  /** Slots in use (= pages touched). */
  size = 0;

  constructor(initialCapacity = 4096) {
    this.capacity = initialCapacity;
    // Copy the FIELDS literal and replace its values: the copy keeps the literal's fast
    // (named-property) layout, whereas adding 68 properties one by one in a loop turns an
    // object into a slow dictionary and every accessor into a hash lookup.
    const cols = { ...FIELDS } as unknown as Record<FieldName, Float64Array | Int32Array | Uint8Array>;
    for (const name of FIELD_NAMES) cols[name] = newColumn(name, initialCapacity, 0);
    this.cols = cols as PageColumns;
  }

  /** A fresh slot with every field at its initial value. */
  allocate(): number {
    if (this.size === this.capacity) this.grow();
    return this.size++;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const cols = this.cols as unknown as Record<FieldName, Float64Array | Int32Array | Uint8Array>;
    for (const name of FIELD_NAMES) {
      const a = newColumn(name, capacity, this.capacity);
      a.set(cols[name]);
      cols[name] = a;
    }
    this.capacity = capacity;
  }
}

const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/** A column of `capacity` slots, slots from `from` on at the field's initial value. */
function newColumn(name: FieldName, capacity: number, from: number): Float64Array | Int32Array | Uint8Array {
  const [Ctor, init] = FIELDS[name] as readonly [Storage, number];
  const a = new Ctor(capacity);
  if (init !== 0) a.fill(init, from);
  return a;
}

const b = (v: number | undefined): boolean => v === 1;

/**
 * A page: handle on one slot of a PageTable. The accessors are one-liners on purpose: V8
 * inlines them, so `p.ref += v` costs two typed-array accesses.
 */
export class PageState {
  /** ZONE_DEVICE kind of the pfn (fixed when the page is first touched), null for ordinary memory. */
  device: DeviceKind | null = null;
  /** Unmatched gets, newest last (at most MAX_HOLDERS). */
  holders: Holder[] = [];
  /** Outstanding pins, matched LIFO by unpins (nested use is the common pattern). */
  pinHolders: Holder[] = [];
  private readonly c: PageColumns;

  constructor(table: PageTable, readonly slot: number, readonly pfn: number) { this.c = table.cols; }

  get buddy(): Buddy { return this.c.buddy[this.slot] as Buddy; } set buddy(v: Buddy) { this.c.buddy[this.slot] = v; }
  get order(): number { return this.c.order[this.slot] as number; } set order(v: number) { this.c.order[this.slot] = v; }
  /** Model refcount (running sum of deltas, resynchronised to reported counts). */
  get ref(): number { return this.c.ref[this.slot] as number; } set ref(v: number) { this.c.ref[this.slot] = v; }
  get refKnown(): boolean { return b(this.c.refKnown[this.slot]); } set refKnown(v: boolean) { this.c.refKnown[this.slot] = v ? 1 : 0; }
  get lastCount(): number { return this.c.lastCount[this.slot] as number; } set lastCount(v: number) { this.c.lastCount[this.slot] = v; }
  get hasLastCount(): boolean { return b(this.c.hasLastCount[this.slot]); } set hasLastCount(v: boolean) { this.c.hasLastCount[this.slot] = v ? 1 : 0; }
  get mapcount(): number { return this.c.mapcount[this.slot] as number; } set mapcount(v: number) { this.c.mapcount[this.slot] = v; }
  get maxMapcount(): number { return this.c.maxMapcount[this.slot] as number; } set maxMapcount(v: number) { this.c.maxMapcount[this.slot] = v; }
  get frozen(): boolean { return b(this.c.frozen[this.slot]); } set frozen(v: boolean) { this.c.frozen[this.slot] = v ? 1 : 0; }
  get frozenExpected(): number { return this.c.frozenExpected[this.slot] as number; } set frozenExpected(v: number) { this.c.frozenExpected[this.slot] = v; }
  get everFrozen(): boolean { return b(this.c.everFrozen[this.slot]); } set everFrozen(v: boolean) { this.c.everFrozen[this.slot] = v ? 1 : 0; }
  /** Frozen head of a THP being split: its tails were unfrozen, the head is re-referenced by a plain get. */
  get splitting(): boolean { return b(this.c.splitting[this.slot]); } set splitting(v: boolean) { this.c.splitting[this.slot] = v ? 1 : 0; }
  /** FLAG_* bits of the page's last page_ref event and MAPPING.* of its last mapping= value. */
  get lastFlagBits(): number { return this.c.lastFlagBits[this.slot] as number; } set lastFlagBits(v: number) { this.c.lastFlagBits[this.slot] = v; }
  get lastMappingKind(): number { return this.c.lastMappingKind[this.slot] as number; } set lastMappingKind(v: number) { this.c.lastMappingKind[this.slot] = v; }
  /** The page was given to a process (anon mapping pointer seen) in its current life. */
  get anonSeen(): boolean { return b(this.c.anonSeen[this.slot]); } set anonSeen(v: boolean) { this.c.anonSeen[this.slot] = v ? 1 : 0; }
  /** Delta of the last refcount change (negative: the last event was a put). */
  get lastDelta(): number { return this.c.lastDelta[this.slot] as number; } set lastDelta(v: number) { this.c.lastDelta[this.slot] = v; }
  /** Outstanding FOLL_PIN units (GUP_PIN_COUNTING_BIAS each). */
  get pins(): number { return this.c.pins[this.slot] as number; } set pins(v: number) { this.c.pins[this.slot] = v; }
  get pinMaxNs(): number { return this.c.pinMaxNs[this.slot] as number; } set pinMaxNs(v: number) { this.c.pinMaxNs[this.slot] = v; }
  /** The previous event was a successful `mod_unless +1` by this pid (first half of a 1+1023 pin). */
  get halfPinPid(): number { return this.c.halfPinPid[this.slot] as number; } set halfPinPid(v: number) { this.c.halfPinPid[this.slot] = v; }
  get inPageCache(): number { return this.c.inPageCache[this.slot] as number; } set inPageCache(v: number) { this.c.inPageCache[this.slot] = v; }
  get fileBacked(): boolean { return b(this.c.fileBacked[this.slot]); } set fileBacked(v: boolean) { this.c.fileBacked[this.slot] = v ? 1 : 0; }
  get swapCache(): boolean { return b(this.c.swapCache[this.slot]); } set swapCache(v: boolean) { this.c.swapCache[this.slot] = v ? 1 : 0; }
  get deviceIdle(): number { return this.c.deviceIdle[this.slot] as number; } set deviceIdle(v: number) { this.c.deviceIdle[this.slot] = v; }
  /** Handed out by a device driver (page_ref_set 1 on an idle device page) and not yet released. */
  get deviceInUse(): boolean { return b(this.c.deviceInUse[this.slot]); } set deviceInUse(v: boolean) { this.c.deviceInUse[this.slot] = v ? 1 : 0; }
  /** Last allocation/capture was seen in the trace (history since then is complete). */
  get allocSeen(): boolean { return b(this.c.allocSeen[this.slot]); } set allocSeen(v: boolean) { this.c.allocSeen[this.slot] = v ? 1 : 0; }
  /** page_ref_set val=1 on a free page that may be followed by its mm_page_alloc (set-then-alloc order). */
  get setAllocPending(): boolean { return b(this.c.setAllocPending[this.slot]); } set setAllocPending(v: boolean) { this.c.setAllocPending[this.slot] = v ? 1 : 0; }
  /** The last event was a free of this kind (dedupe mm_page_free + mm_page_free_batched). */
  get lastFreeOp(): number { return this.c.lastFreeOp[this.slot] as number; } set lastFreeOp(v: number) { this.c.lastFreeOp[this.slot] = v; }
  get lastFreeLine(): number { return this.c.lastFreeLine[this.slot] as number; } set lastFreeLine(v: number) { this.c.lastFreeLine[this.slot] = v; }
  get lastFreeRow(): number { return this.c.lastFreeRow[this.slot] as number; } set lastFreeRow(v: number) { this.c.lastFreeRow[this.slot] = v; }
  /** Taken from the free lists by compaction (isolate_freepages) since the last free: reusable without mm_page_alloc. */
  get captured(): boolean { return b(this.c.captured[this.slot]); } set captured(v: boolean) { this.c.captured[this.slot] = v ? 1 : 0; }
  /** perf kmem --live pairing: allocations counted as live the way perf counts them. */
  get perfLive(): number { return this.c.perfLive[this.slot] as number; } set perfLive(v: number) { this.c.perfLive[this.slot] = v; }
  get perfLiveKb(): number { return this.c.perfLiveKb[this.slot] as number; } set perfLiveKb(v: number) { this.c.perfLiveKb[this.slot] = v; }
  get perfEntry(): boolean { return b(this.c.perfEntry[this.slot]); } set perfEntry(v: boolean) { this.c.perfEntry[this.slot] = v ? 1 : 0; }
  get liveAllocs(): number { return this.c.liveAllocs[this.slot] as number; } set liveAllocs(v: number) { this.c.liveAllocs[this.slot] = v; }
  get liveAllocStack(): number { return this.c.liveAllocStack[this.slot] as number; } set liveAllocStack(v: number) { this.c.liveAllocStack[this.slot] = v; }
  get liveAllocOrder(): number { return this.c.liveAllocOrder[this.slot] as number; } set liveAllocOrder(v: number) { this.c.liveAllocOrder[this.slot] = v; }
  get liveAllocLine(): number { return this.c.liveAllocLine[this.slot] as number; } set liveAllocLine(v: number) { this.c.liveAllocLine[this.slot] = v; }
  /** Loss epoch of the last fresh evidence; older than the model's epoch = uncertain. */
  get syncEpoch(): number { return this.c.syncEpoch[this.slot] as number; } set syncEpoch(v: number) { this.c.syncEpoch[this.slot] = v; }
  /** Seen in a buddy allocator / page cache event (so not ZONE_DEVICE memory). */
  get buddySeen(): boolean { return b(this.c.buddySeen[this.slot]); } set buddySeen(v: boolean) { this.c.buddySeen[this.slot] = v ? 1 : 0; }
  get refSeen(): boolean { return b(this.c.refSeen[this.slot]); } set refSeen(v: boolean) { this.c.refSeen[this.slot] = v ? 1 : 0; }
  // counters for pages.arrow
  get events(): number { return this.c.events[this.slot] as number; } set events(v: number) { this.c.events[this.slot] = v; }
  get gets(): number { return this.c.gets[this.slot] as number; } set gets(v: number) { this.c.gets[this.slot] = v; }
  get puts(): number { return this.c.puts[this.slot] as number; } set puts(v: number) { this.c.puts[this.slot] = v; }
  get pinCount(): number { return this.c.pinCount[this.slot] as number; } set pinCount(v: number) { this.c.pinCount[this.slot] = v; }
  get unpinCount(): number { return this.c.unpinCount[this.slot] as number; } set unpinCount(v: number) { this.c.unpinCount[this.slot] = v; }
  get allocs(): number { return this.c.allocs[this.slot] as number; } set allocs(v: number) { this.c.allocs[this.slot] = v; }
  get frees(): number { return this.c.frees[this.slot] as number; } set frees(v: number) { this.c.frees[this.slot] = v; }
  get maxRef(): number { return this.c.maxRef[this.slot] as number; } set maxRef(v: number) { this.c.maxRef[this.slot] = v; }
  get anomalies(): number { return this.c.anomalies[this.slot] as number; } set anomalies(v: number) { this.c.anomalies[this.slot] = v; }
  get firstTs(): number { return this.c.firstTs[this.slot] as number; } set firstTs(v: number) { this.c.firstTs[this.slot] = v; }
  get lastTs(): number { return this.c.lastTs[this.slot] as number; } set lastTs(v: number) { this.c.lastTs[this.slot] = v; }
  get firstLine(): number { return this.c.firstLine[this.slot] as number; } set firstLine(v: number) { this.c.firstLine[this.slot] = v; }
  get lastLine(): number { return this.c.lastLine[this.slot] as number; } set lastLine(v: number) { this.c.lastLine[this.slot] = v; }
  get lastCpu(): number { return this.c.lastCpu[this.slot] as number; } set lastCpu(v: number) { this.c.lastCpu[this.slot] = v; }
  /** Most recent event from a CPU other than lastCpu (for the reordering tolerance). */
  get altCpu(): number { return this.c.altCpu[this.slot] as number; } set altCpu(v: number) { this.c.altCpu[this.slot] = v; }
  get altTs(): number { return this.c.altTs[this.slot] as number; } set altTs(v: number) { this.c.altTs[this.slot] = v; }
  get altRow(): number { return this.c.altRow[this.slot] as number; } set altRow(v: number) { this.c.altRow[this.slot] = v; }
  /** Timestamp and row of the page's last event (lastTs is the same, kept for pages.arrow). */
  get prevTs(): number { return this.c.prevTs[this.slot] as number; } set prevTs(v: number) { this.c.prevTs[this.slot] = v; }
  get lastRow(): number { return this.c.lastRow[this.slot] as number; } set lastRow(v: number) { this.c.lastRow[this.slot] = v; }
  get lastOp(): number { return this.c.lastOp[this.slot] as number; } set lastOp(v: number) { this.c.lastOp[this.slot] = v; }
  get altOp(): number { return this.c.altOp[this.slot] as number; } set altOp(v: number) { this.c.altOp[this.slot] = v; }
  /** Task and stack of the last event, and of the live allocation (anomaly evidence at the end). */
  get lastPid(): number { return this.c.lastPid[this.slot] as number; } set lastPid(v: number) { this.c.lastPid[this.slot] = v; }
  get lastCommIndex(): number { return this.c.lastCommIndex[this.slot] as number; } set lastCommIndex(v: number) { this.c.lastCommIndex[this.slot] = v; }
  get lastStackId(): number { return this.c.lastStackId[this.slot] as number; } set lastStackId(v: number) { this.c.lastStackId[this.slot] = v; }
  get liveAllocPid(): number { return this.c.liveAllocPid[this.slot] as number; } set liveAllocPid(v: number) { this.c.liveAllocPid[this.slot] = v; }
  get liveAllocCommIndex(): number { return this.c.liveAllocCommIndex[this.slot] as number; } set liveAllocCommIndex(v: number) { this.c.liveAllocCommIndex[this.slot] = v; }
  get liveAllocTs(): number { return this.c.liveAllocTs[this.slot] as number; } set liveAllocTs(v: number) { this.c.liveAllocTs[this.slot] = v; }
  get liveAllocRow(): number { return this.c.liveAllocRow[this.slot] as number; } set liveAllocRow(v: number) { this.c.liveAllocRow[this.slot] = v; }
}

/**
 * The pages of a replay: their records (in chunks of 2^chunkShift, src/model/page.ts has the
 * layout) and the pfn index (pfn -> slot, slots in first-touch order; src/model/pfn-index.ts
 * keeps the pfns of 2^32 and above, which never come here). Pages are created here for the
 * JavaScript model (PageModel.create) and for run()'s own events alike, so slots follow the
 * order of first events whoever replays them.
 */
import { alloc } from './heap';
import * as R from './record';

const MAX_RECORD_CHUNKS: i32 = 4096;
const recordChunks = memory.data(MAX_RECORD_CHUNKS * 4);
let recordChunkCount: i32 = 0;
let chunkShift: i32 = 14;
let pages: i32 = 0;

/** log2 of the records per chunk (before the first page). */
export function setChunkShift(shift: i32): void { chunkShift = shift; }

/** Pages created so far (the next page's slot). */
export function pageCount(): i32 { return pages; }

@inline export function recordOf(slot: i32): usize {
  return <usize>load<i32>(recordChunks + (<usize>(slot >>> chunkShift) << 2)) + <usize>(slot & ((1 << chunkShift) - 1)) * R.RECORD_BYTES;
}

/** Address of the record of a page slot (the JavaScript model reads it through the same memory). */
export function recordAddress(slot: i32): i32 { return <i32>recordOf(slot); }

// The index: int32 pairs (pfn, slot), slot -1 = empty, open addressing with a multiplicative hash.
let table: usize = 0;
let shift: u32 = 20;
let mask: u32 = 0;
let used: i32 = 0;

@inline function home(pfn: u32): u32 { return (pfn * 0x9e3779b1) >>> shift; }

/** Slot of a pfn below 2^32, -1 when it has no page. */
@inline export function lookup(pfn: f64): i32 {
  if (pfn >= 4294967296.0 || table == 0) return -1;
  const key = <u32><u64>pfn;
  for (let h = home(key); ; h = (h + 1) & mask) {
    const e = table + (<usize>h << 3);
    const s = load<i32>(e, 4);
    if (s == -1 || load<u32>(e) == key) return s;
  }
  return -1; // not reached: the table always has an empty bucket
}

/** Reads the home bucket of a pfn (a look-ahead: its cache miss overlaps others). */
@inline export function touchBucket(pfn: f64): i32 {
  return pfn >= 0 && pfn < 4294967296.0 && table != 0 ? load<i32>(table + (<usize>home(<u32><u64>pfn) << 3), 4) : 0;
}

export function indexGet(pfn: f64): i32 { return lookup(pfn); }

function place(key: u32, slot: i32): void {
  let h = home(key);
  while (load<i32>(table + (<usize>h << 3), 4) != -1) h = (h + 1) & mask;
  store<u32>(table + (<usize>h << 3), key);
  store<i32>(table + (<usize>h << 3), slot, 4);
}

/** A table of `capacity` (a power of two) empty buckets with the entries of the old one; false when out of memory. */
function rebuild(capacity: u32): bool {
  const at = alloc(<i32>(capacity << 3));
  if (at == 0) return false;
  const old = table;
  const oldCapacity: u32 = table == 0 ? 0 : mask + 1;
  table = <usize>at;
  mask = capacity - 1;
  shift = 32 - <u32>ctz(capacity);
  for (let h: u32 = 0; h < capacity; h++) store<i32>(table + (<usize>h << 3), -1, 4);
  // The old table's memory is not reused: the tables of a replay add up to less than twice the last.
  for (let h: u32 = 0; h < oldCapacity; h++) {
    const s = load<i32>(old + (<usize>h << 3), 4);
    if (s != -1) place(load<u32>(old + (<usize>h << 3)), s);
  }
  return true;
}

/** Room for one more entry (at most half full); false when out of memory. */
function indexRoom(): bool {
  if (table == 0) return rebuild(4096);
  return (<u32>used + 1) * 2 <= mask || rebuild((mask + 1) << 1);
}

/** Index pfn (below 2^32, not yet indexed) at slot; false when out of memory. */
export function indexAdd(pfn: f64, slot: i32): bool {
  if (!indexRoom()) return false;
  used++;
  place(<u32><u64>pfn, slot);
  return true;
}

/**
 * ZONE_DEVICE ranges of the replay sorted by start then end (model/device-ranges.ts), 24
 * bytes each: start and end (f64), the kind's code in the record (page.ts deviceCodeOf) and
 * the profile's idle refcount for it (i32).
 */
export let devicesAt: i32 = 0;
export let deviceCount: i32 = 0;

/** The range holding pfn (its entry's address), or 0: DeviceRanges.find's search, the same answer for overlapping ranges. */
function findDevice(pfn: f64): usize {
  let lo = 0;
  let hi = deviceCount - 1;
  let best: usize = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = <usize>devicesAt + <usize>mid * 24;
    if (load<f64>(r) <= pfn) { best = r; lo = mid + 1; } else hi = mid - 1;
  }
  if (best != 0 && pfn < load<f64>(best, 8)) return best;
  for (let k = 0; k < deviceCount; k++) {
    const r = <usize>devicesAt + <usize>k * 24;
    if (load<f64>(r) <= pfn && pfn < load<f64>(r, 8)) return r;
  }
  return 0;
}

/**
 * A new page (PageModel.create, for JavaScript's events and run()'s alike): the next slot,
 * its record initialised (a fresh record is zero bytes but for these), its pfn, loss epoch
 * and device memory (kind and idle refcount) set, and indexed when indexed (pfns below
 * 2^32). -1 when out of memory (nothing changed then).
 */
export function createPage(pfn: f64, lossEpoch: i32, indexed: bool): i32 {
  if (indexed && !indexRoom()) return -1;
  const slot = pages;
  if ((slot & ((1 << chunkShift) - 1)) == 0) {
    if (recordChunkCount >= MAX_RECORD_CHUNKS) return -1;
    const at = alloc(<i32>(R.RECORD_BYTES << chunkShift));
    if (at == 0) return -1;
    store<i32>(recordChunks + (<usize>recordChunkCount << 2), at);
    recordChunkCount++;
  }
  pages++;
  const rec = recordOf(slot);
  store<f64>(rec + R.D_MAX_REF, -1);
  store<f64>(rec + R.D_LAST_ROW, -1);
  store<f64>(rec + R.D_ALT_ROW, -1);
  store<f64>(rec + R.D_PIN_MAX_NS, -1);
  store<f64>(rec + R.D_LAST_FREE_ROW, -1);
  store<f64>(rec + R.D_LIVE_ALLOC_ROW, -1);
  store<i32>(rec + R.I_HALF_PIN_PID, -1);
  store<i32>(rec + R.I_LAST_CPU, -1);
  store<i32>(rec + R.I_ALT_CPU, -1);
  store<i32>(rec + R.I_LAST_COMM, -1);
  store<i32>(rec + R.I_LAST_STACK, -1);
  store<i32>(rec + R.I_LIVE_ALLOC_STACK, -1);
  store<i32>(rec + R.I_LIVE_ALLOC_COMM, -1);
  store<f64>(rec + R.D_PFN, pfn);
  store<i32>(rec + R.I_SYNC_EPOCH, lossEpoch);
  const device = findDevice(pfn);
  if (device != 0) {
    store<u8>(rec + R.B_DEVICE, <u8>load<i32>(device, 16));
    store<i32>(rec + R.I_DEVICE_IDLE, load<i32>(device, 20));
  }
  if (indexed) { used++; place(<u32><u64>pfn, slot); }
  return slot;
}

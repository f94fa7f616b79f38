/**
 * The replay's common case in WebAssembly: page_ref sets, gets, puts, pins, unpins,
 * successful freezes and unfreezes, order-0 allocations and frees, and every other event on
 * a page (page cache, per-cpu lists) or on none, that no detector would report, on pages made
 * here at their first event. `run` replays events of the current block
 * until one needs more than that and returns its index: the JavaScript processor
 * (src/processor.ts) replays that event with the full model and detectors, then calls run
 * again from the next. What run does to a page is exactly what PageModel.touch and apply do
 * for such an event (src/model/model.ts); everything it declines stays JavaScript's:
 * high-order allocations and frees, failed freezes, unpins without a pin, anything on a
 * frozen page but its unfreeze, pfns of 2^32 and above, unreadable pfns of page events,
 * compaction's isolated ranges, any event a detector might report, events past a
 * lost-events marker, and
 * while findings wait out the reordering window, events past the oldest one's window or on
 * a page with a waiting finding.
 *
 * Memory the JavaScript side fills (addresses in the exported globals below):
 *   the block: BLOCK_ROWS rows, decoded by fill.ts from the batch's columns (block.ts);
 *   the batch: the never-null columns (line, ts, cpu, pid, comm, event), where Arrow read them;
 *   tables: operation per event-dictionary id, FLAG_* bits per flags-dictionary id;
 *   the device ranges (pages there are made by the JavaScript model).
 * The pages themselves (records and pfn index) are pages.ts's, holders holders.ts's, pins pins.ts's.
 */
import * as R from './record';
import { holderClear, holderPop, holderPush, holderSpare } from './holders';
import { createPage, lookup, recordOf, touchBucket } from './pages';
import { block, FLAGS, HAS, MAPCOUNT, MAPPING, ORDER, PFN, PFN_END, RET, SLOTS, STACK, COUNT, VAL } from './block';
import { pinClear, pinPopTs, pinPush, pinRoom } from './pins';

// Operations (src/model/ops.ts OP), MAPPING kinds and FLAG bits (src/model/model.ts), HAS bits (io/decoded-batch.ts).
const REF_SET: u32 = 1; const REF_MOD: u32 = 2; const REF_MOD_TEST: u32 = 3; const REF_MOD_RETURN: u32 = 4; const REF_MOD_UNLESS: u32 = 5;
const REF_FREEZE: u32 = 6; const REF_UNFREEZE: u32 = 7; const ALLOC: u32 = 8; const FREE: u32 = 9; const FREE_BATCHED: u32 = 10;
const FILEMAP_ADD: u32 = 12; const FILEMAP_DEL: u32 = 13; const ISOLATE_FREE: u32 = 15;
const MAPPING_NONE: u32 = 0; const MAPPING_FILE: u32 = 1; const MAPPING_ANON: u32 = 2; const MAPPING_MOVABLE: u32 = 3; const MAPPING_RELEASED: u32 = 5;
/** page.ts LET_GO: how a page's users let go of it. */
const LET_GO_NONE: u8 = 0; const LET_GO_UNFROZEN_IN_CACHE: u8 = 1; const LET_GO_MIGRATED: u8 = 2; const LET_GO_RELEASED: u8 = 3; const LET_GO_REMOVED_FROM_CACHE: u8 = 4;
const FLAG_SWAPCACHE: u32 = 1; const FLAG_USER_PAGE: u32 = 2; const FLAG_SLAB: u32 = 4;
const HAS_COUNT: u32 = 1; const HAS_MAPCOUNT: u32 = 2; const HAS_VAL: u32 = 4; const HAS_RET: u32 = 8;
const BUDDY_ALLOCATED: u32 = 1; const BUDDY_FREE: u32 = 2;
const GUP_PIN_COUNTING_BIAS: i32 = 1024;

export let lineAt: i32 = 0; export let lineSigned: i32 = 0;
export let tsAt: i32 = 0; export let tsSigned: i32 = 1;
/** cpu values and log2 of their width in bytes (Uint16: 1, Int32: 2). */
export let cpuAt: i32 = 0; export let cpuShift: i32 = 1;
export let pidAt: i32 = 0; export let commAt: i32 = 0; export let eventAt: i32 = 0;
export let opsAt: i32 = 0; export let opsLength: i32 = 0;
export let flagBitsAt: i32 = 0; export let flagBitsLength: i32 = 0;
/** The model's settings: printed mapcount is raw _mapcount (6.10+); the trace has page_ref events. */
export let mapcountRaw: i32 = 0;
export let hasRefEvents: i32 = 0;
/** Events replayed here, and the page_ref events among them (the processor adds them to its count). */
export let coreEvents: i32 = 0;
export let pageRefEvents: i32 = 0;

/** Window of the block whose slots were looked up and records read (see warm). */
let warmedTo: i32 = 0;

/** Forget the looked-up window: the block's rows were refilled. */
export function newBlock(): void { warmedTo = 0; }

/**
 * Looks up the pages of rows [from, to) into the block's slots (-1: no page yet, or not a
 * one-page event) and reads each record's three hot cache lines and the fifth (trackHeld's
 * lower level, written at every climb of the count): short loops of independent
 * loads, so their cache misses overlap instead of stalling the replay one by one
 * (PageModel.warm did this in JavaScript).
 */
function warm(from: i32, to: i32): void {
  const b = <usize>block;
  let sink: i32 = 0;
  for (let i = from; i < to; i++) sink += touchBucket(load<f64>(b + PFN + (<usize>i << 3)));
  for (let i = from; i < to; i++) {
    const pfn = load<f64>(b + PFN + (<usize>i << 3));
    const slot = pfn >= 0 && load<f64>(b + PFN_END + (<usize>i << 3)) < 0 ? lookup(pfn) : -1;
    store<i32>(b + SLOTS + (<usize>i << 2), slot);
    if (slot >= 0) {
      const r = recordOf(slot);
      sink += load<i32>(r + R.D_REF) + load<i32>(r + R.I_EVENTS) + <i32>load<u8>(r + R.B_BUDDY) + load<i32>(r + R.I_HELD_BASE_LEVEL);
    }
  }
  warmSink = sink;
}
let warmSink: i32 = 0;

@inline function int64At(at: i32, r: i32, signed: i32): f64 {
  const p = <usize>at + (<usize>r << 3);
  return signed != 0 ? <f64>load<i64>(p) : <f64>load<u64>(p);
}

/** Mappings a printed mapcount stands for (PageModel.mappings). */
@inline function mappings(raw: i32): f64 {
  const m = mapcountRaw != 0 ? raw + 1 : raw;
  return m < 0 ? 0 : <f64>m;
}

/** processor.ts mapcountMeaningful. */
@inline function mapcountMeaningful(kind: u32, bits: u32): bool {
  if ((bits & FLAG_SLAB) != 0 || kind == MAPPING_MOVABLE) return false;
  if (kind == MAPPING_ANON || kind == MAPPING_FILE || kind == MAPPING_NONE) return true;
  return (bits & FLAG_USER_PAGE) != 0;
}

/**
 * While findings wait out the reordering window (processor.ts), the oldest one's window and
 * the pfns of all of them: an event past the window expires a finding, an event on one of
 * those pfns may explain one; JS replays both. stopRow: the last replay row inside the window;
 * pendingTs and windowNs: an event's ts - pendingTs must stay <= windowNs (Infinity: no time
 * window); pending pfns: f64 at pendingAt.
 */
export let stopRow: f64 = Infinity;
export let pendingTs: f64 = 0;
export let windowNs: f64 = Infinity;
export let pendingAt: i32 = 0;
export let pendingCount: i32 = 0;

/** pfn has a finding waiting out the reordering window. */
@inline function pending(pfn: f64): bool {
  for (let k = 0; k < pendingCount; k++) if (load<f64>(<usize>pendingAt + (<usize>k << 3)) == pfn) return true;
  return false;
}

/**
 * Replays rows [from, to) of the block (batch rows blockRow + i, replay rows rowBase + i)
 * until one needs the full model; returns its index (to when none did). nextLost: the line
 * of the next lost-events marker (events after it go to JS, which counts the loss);
 * lossEpoch: the model's.
 */
export function run(from: i32, to: i32, blockRow: i32, rowBase: f64, nextLost: f64, lossEpoch: i32): i32 {
  const b = <usize>block;
  // An event takes at most one holder block: with as many spare as events, a get never finds
  // the slab empty (JS keeps it so, see model/holders.ts reserve; checked once per call).
  if (holderSpare() < to - from) return from;
  for (let i = from; i < to; i++) {
    if (i >= warmedTo) { warmedTo = min(to, i + 128); warm(i, warmedTo); }
    const r = blockRow + i;
    const eventId = load<i32>(<usize>eventAt + (<usize>r << 2));
    if (<u32>eventId >= <u32>opsLength) return i;
    const op = <u32>load<u8>(<usize>opsAt + <usize>eventId);
    const line = int64At(lineAt, r, lineSigned);
    if (line > nextLost) return i;
    const pfn = load<f64>(b + PFN + (<usize>i << 3));
    if (pendingCount > 0) {
      if (rowBase + <f64>i > stopRow || int64At(tsAt, r, tsSigned) - pendingTs > windowNs || pending(pfn)) return i;
    }
    if (pfn < 0 || load<f64>(b + PFN_END + (<usize>i << 3)) >= 0) {
      // No single page (processor.ts replayBlock): a page event whose pfn was unreadable is a
      // loss and a compaction range marks pages, both JS's; anything else is only counted.
      const refOp = op >= REF_SET && op <= REF_UNFREEZE;
      if (pfn < 0 ? refOp || op == FREE || op == FREE_BATCHED : op == ISOLATE_FREE) return i;
      coreEvents++;
      if (refOp) pageRefEvents++;
      continue;
    }
    let slot = load<i32>(b + SLOTS + (<usize>i << 2));
    if (slot < 0) {
      // No page when looked up: created since, or its first event.
      slot = lookup(pfn);
      if (slot < 0) {
        if (pfn >= 4294967296.0) return i;
        slot = createPage(pfn, lossEpoch, true);
        if (slot < 0) return i;
      }
      store<i32>(b + SLOTS + (<usize>i << 2), slot);
    }
    const rec = recordOf(slot);
    // A frozen page takes only its unfreeze here (anything else on it is a finding or a THP split).
    if ((load<u8>(rec + R.B_FROZEN) != 0) != (op == REF_UNFREEZE)) return i;
    const bits = flagBitsOf(b, i);
    if (bits == 255) return i;
    const pid = load<i32>(<usize>pidAt + (<usize>r << 2));
    const ref = op >= REF_SET && op <= REF_UNFREEZE;
    const life = op >= ALLOC && op <= FREE_BATCHED;
    if (ref ? declinesRef(b, i, op, rec, pid, bits) : life && declinesLife(b, i, op, rec)) return i;

    const row = rowBase + <f64>i;
    const ts = int64At(tsAt, r, tsSigned);
    const cpu = cpuShift == 1 ? <i32>load<u16>(<usize>cpuAt + (<usize>r << 1)) : load<i32>(<usize>cpuAt + (<usize>r << 2));
    const comm = load<i32>(<usize>commAt + (<usize>r << 2));
    const stack = load<i32>(b + STACK + (<usize>i << 2));
    touch(rec, op, line, ts, row, cpu, pid, comm, stack);
    coreEvents++;
    const refBefore = load<u8>(rec + R.B_REF_KNOWN) != 0 ? load<f64>(rec + R.D_REF) : NaN;
    applyCommon(b, i, op, rec, bits, ts);
    if (ref) { pageRefEvents++; applyRef(b, i, op, rec, line, ts, row, pid, comm, stack, lossEpoch); }
    else if (life) applyLife(b, i, op, rec, line, ts, row, pid, comm, stack, lossEpoch);
    else applyOther(op, rec, ts);
    if (load<u8>(rec + R.B_REF_KNOWN) != 0 && load<f64>(rec + R.D_REF) > load<f64>(rec + R.D_MAX_REF)) store<f64>(rec + R.D_MAX_REF, load<f64>(rec + R.D_REF));
    trackHeld(rec, refBefore, ts);
  }
  return to;
}

/** model.ts trackHeld: since when the page has held at least its current refcount (two levels). */
function trackHeld(rec: usize, before: f64, ts: f64): void {
  if (load<u8>(rec + R.B_REF_KNOWN) == 0) { store<u8>(rec + R.B_HELD_DEPTH, 0); return; }
  const now = load<f64>(rec + R.D_REF);
  const depth = load<u8>(rec + R.B_HELD_DEPTH);
  if (depth == 0 || isNaN(before)) { store<u8>(rec + R.B_HELD_DEPTH, 1); store<f64>(rec + R.D_HELD_SINCE, ts); return; }
  if (now == before) return;
  if (now > before) {
    store<i32>(rec + R.I_HELD_BASE_LEVEL, <i32>before);
    store<f64>(rec + R.D_HELD_BASE_SINCE, load<f64>(rec + R.D_HELD_SINCE));
    store<u8>(rec + R.B_HELD_DEPTH, 2);
    store<f64>(rec + R.D_HELD_SINCE, ts);
    return;
  }
  if (depth == 2 && now <= <f64>load<i32>(rec + R.I_HELD_BASE_LEVEL)) {
    store<f64>(rec + R.D_HELD_SINCE, load<f64>(rec + R.D_HELD_BASE_SINCE));
    store<u8>(rec + R.B_HELD_DEPTH, 1);
  }
}

/** model.ts letGo: the page's users let go of it at ts, in the way `how`. */
@inline function letGo(rec: usize, how: u8, ts: f64): void {
  store<u8>(rec + R.B_LET_GO, how);
  clampHeld(rec, ts);
}

/** model.ts clampHeld: the page lost its last mapping at ts. */
@inline function clampHeld(rec: usize, ts: f64): void {
  if (load<u8>(rec + R.B_HELD_DEPTH) == 0) return;
  if (load<f64>(rec + R.D_HELD_SINCE) < ts) store<f64>(rec + R.D_HELD_SINCE, ts);
  if (load<f64>(rec + R.D_HELD_BASE_SINCE) < ts) store<f64>(rec + R.D_HELD_BASE_SINCE, ts);
}

/** FLAG_* bits of row i (0 without flags); 255 when the table does not name its value (JS decides). */
@inline function flagBitsOf(b: usize, i: i32): u32 {
  const flagsIndex = load<i32>(b + FLAGS + (<usize>i << 2));
  if (flagsIndex < 0) return 0;
  return flagsIndex < flagBitsLength ? <u32>load<u8>(<usize>flagBitsAt + <usize>flagsIndex) : 255;
}

/** page_ref event i would need JS: an unpin without a pin, a pin that does not fit, a failed freeze, or a finding a detector might report. */
function declinesRef(b: usize, i: i32, op: u32, rec: usize, pid: i32, bits: u32): bool {
  const has = <u32>load<u8>(b + HAS + <usize>i);
  const v = load<i32>(b + VAL + (<usize>i << 2));
  const ret = load<i32>(b + RET + (<usize>i << 2));
  const count = load<i32>(b + COUNT + (<usize>i << 2));
  // An unpin without a pin (pin_underflow); a pin that does not fit the memory (JS reports it).
  if (v == -GUP_PIN_COUNTING_BIAS && load<i32>(rec + R.I_PINS) == 0) return true;
  if (pinning(rec, v, pid) && !pinRoom(rec)) return true;
  if (op == REF_FREEZE && ret != 1) return true; // migration_blocked, count_discontinuity
  const kind = <u32>load<u8>(b + MAPPING + <usize>i);
  const hasVal = (has & HAS_VAL) != 0;
  const plain = op == REF_MOD || op == REF_MOD_TEST || op == REF_MOD_RETURN;
  const changes = plain || (op == REF_MOD_UNLESS && ret != 0);
  // The count after the event as the tracepoint reports it (none when not printed).
  const reported = op == REF_MOD_RETURN && (has & HAS_RET) != 0;
  const hasAfter = reported || (has & HAS_COUNT) != 0;
  const after = reported ? ret : count;
  const buddy = <u32>load<u8>(rec + R.B_BUDDY);
  const refKnown = load<u8>(rec + R.B_REF_KNOWN) != 0;
  const ref = load<f64>(rec + R.D_REF);
  // The detectors' conditions (detectors/*.ts handleEvent), widened where that is simpler:
  // an event any of them might report goes to JS, which decides.
  if (plain && hasVal && v < 0 && hasAfter && after < 0) return true; // refcount_underflow
  if (load<u8>(rec + R.B_DEVICE) != 0 && hasVal && changes && hasAfter) {
    // device_refcount_rule: a put below the idle count, or a plain get of an idle page
    const idle = load<i32>(rec + R.I_DEVICE_IDLE);
    if ((v < 0 && after < idle && after >= 0) || (v > 0 && idle == 0 && after - v == 0 && op != REF_MOD_UNLESS)) return true;
  }
  if (buddy == BUDDY_FREE && hasVal && changes) return true; // ref_on_free_page
  if ((has & HAS_COUNT) != 0 && (has & HAS_MAPCOUNT) != 0 && mapcountMeaningful(kind, bits)
    && mappings(load<i32>(b + MAPCOUNT + (<usize>i << 2))) > <f64>count) return true; // mapcount_exceeds_refcount
  if (refKnown && hasVal && changes && hasAfter && <f64>after != ref + <f64>v) return true; // count_discontinuity
  return false;
}

/** countPinsAndRefs's test: a FOLL_PIN (+1024, or +1023 after this task's +1 by mod_unless). */
@inline function pinning(rec: usize, v: i32, pid: i32): bool {
  return v == GUP_PIN_COUNTING_BIAS || (v == GUP_PIN_COUNTING_BIAS - 1 && load<i32>(rec + R.I_HALF_PIN_PID) == pid);
}

/** applySet's idleNow: the count is unknown, at most the device idle count, or the page is free. */
@inline function idleForSet(rec: usize): bool {
  return load<u8>(rec + R.B_REF_KNOWN) == 0 || load<f64>(rec + R.D_REF) <= <f64>load<i32>(rec + R.I_DEVICE_IDLE) || load<u8>(rec + R.B_BUDDY) == BUDDY_FREE;
}

/** applySet's test: page_ref_set of v >= 1 on an idle page that is neither device memory nor allocated (an allocation). */
@inline function startsLife(rec: usize, v: i32): bool {
  return v >= 1 && load<u8>(rec + R.B_DEVICE) == 0 && idleForSet(rec) && load<u8>(rec + R.B_BUDDY) != BUDDY_ALLOCATED;
}

/**
 * Allocation or free event i would need JS: a high-order block (the model keeps those in a
 * map) or a finding (free_with_references, double_free).
 */
function declinesLife(b: usize, i: i32, op: u32, rec: usize): bool {
  if (load<i32>(b + ORDER + (<usize>i << 2)) > 0) return true;
  if (op == ALLOC) return false;
  const buddy = <u32>load<u8>(rec + R.B_BUDDY);
  if (buddy == BUDDY_FREE) return !pairedFree(rec, op); // double_free unless the second report of one free
  return load<u8>(rec + R.B_REF_KNOWN) != 0 && load<f64>(rec + R.D_REF) != 0; // free_with_references
}

/** PageModel.isPairedFree: the page is free and its last event was a free of the other kind. */
@inline function pairedFree(rec: usize, op: u32): bool {
  const last = <u32>load<u8>(rec + R.B_LAST_FREE_OP);
  return load<u8>(rec + R.B_BUDDY) == BUDDY_FREE && last != 0 && last != op;
}

/** PageModel.touch. */
@inline function touch(rec: usize, op: u32, line: f64, ts: f64, row: f64, cpu: i32, pid: i32, comm: i32, stack: i32): void {
  const events = load<i32>(rec + R.I_EVENTS);
  if (events == 0) { store<f64>(rec + R.D_FIRST_TS, ts); store<f64>(rec + R.D_FIRST_LINE, line); }
  store<i32>(rec + R.I_EVENTS, events + 1);
  store<f64>(rec + R.D_LAST_LINE, line);
  const lastCpu = load<i32>(rec + R.I_LAST_CPU);
  if (lastCpu != cpu) {
    if (lastCpu >= 0) {
      store<i32>(rec + R.I_ALT_CPU, lastCpu);
      store<f64>(rec + R.D_ALT_TS, load<f64>(rec + R.D_LAST_TS));
      store<f64>(rec + R.D_ALT_ROW, load<f64>(rec + R.D_LAST_ROW));
      store<u8>(rec + R.B_ALT_OP, load<u8>(rec + R.B_LAST_OP));
    }
    store<i32>(rec + R.I_LAST_CPU, cpu);
  }
  store<f64>(rec + R.D_LAST_TS, ts);
  store<f64>(rec + R.D_LAST_ROW, row);
  store<u8>(rec + R.B_LAST_OP, <u8>op);
  store<i32>(rec + R.I_LAST_PID, pid);
  store<i32>(rec + R.I_LAST_COMM, comm);
  store<i32>(rec + R.I_LAST_STACK, stack);
}

/** PageModel.apply for a page_ref event run accepted. */
/**
 * The head of PageModel.apply, for every event run accepts: the printed mapcount, what the
 * mapping says of the backing, and what the event says of the page's kind (a page_ref event's
 * flags and mapping, or a buddy / page cache event).
 */
function applyCommon(b: usize, i: i32, op: u32, rec: usize, bits: u32, ts: f64): void {
  const kind = <u32>load<u8>(b + MAPPING + <usize>i);
  if ((<u32>load<u8>(b + HAS + <usize>i) & HAS_MAPCOUNT) != 0 && mapcountMeaningful(kind, bits)) {
    const m = mappings(load<i32>(b + MAPCOUNT + (<usize>i << 2)));
    if (m == 0 && load<f64>(rec + R.D_MAPCOUNT) > 0) clampHeld(rec, ts);
    store<f64>(rec + R.D_MAPCOUNT, m);
    if (m > load<f64>(rec + R.D_MAX_MAPCOUNT)) store<f64>(rec + R.D_MAX_MAPCOUNT, m);
  }
  if (kind == MAPPING_FILE) store<u8>(rec + R.B_FILE_BACKED, 1);
  else if (kind == MAPPING_ANON || kind == MAPPING_NONE) store<u8>(rec + R.B_FILE_BACKED, 0);
  if (op >= REF_SET && op <= REF_UNFREEZE) {
    store<u8>(rec + R.B_SWAP_CACHE, (bits & FLAG_SWAPCACHE) != 0 ? 1 : 0);
    store<u8>(rec + R.B_REF_SEEN, 1);
    store<u8>(rec + R.B_LAST_FLAG_BITS, <u8>bits);
    if (kind == MAPPING_RELEASED && <u32>load<u8>(rec + R.B_LAST_MAPPING_KIND) == MAPPING_MOVABLE) letGo(rec, LET_GO_RELEASED, ts);
    store<u8>(rec + R.B_LAST_MAPPING_KIND, <u8>kind);
    if (kind == MAPPING_ANON) store<u8>(rec + R.B_ANON_SEEN, 1);
    if (load<u8>(rec + R.B_LET_GO) == LET_GO_UNFROZEN_IN_CACHE && kind != MAPPING_FILE) {
      if (kind == MAPPING_NONE) letGo(rec, LET_GO_MIGRATED, ts); else store<u8>(rec + R.B_LET_GO, LET_GO_NONE);
    }
  } else if (op >= ALLOC && op <= FILEMAP_DEL) {
    store<u8>(rec + R.B_BUDDY_SEEN, 1);
  }
}

/** PageModel.apply's switch for a page_ref event run accepted. */
function applyRef(b: usize, i: i32, op: u32, rec: usize, line: f64, ts: f64, row: f64, pid: i32, comm: i32, stack: i32, lossEpoch: i32): void {
  const has = <u32>load<u8>(b + HAS + <usize>i);
  const v = load<i32>(b + VAL + (<usize>i << 2));
  const ret = load<i32>(b + RET + (<usize>i << 2));
  const count = load<i32>(b + COUNT + (<usize>i << 2));
  if (op == REF_SET) {
    // applySet
    if (load<u8>(rec + R.B_DEVICE) != 0) {
      if (v >= 1 && idleForSet(rec)) store<u8>(rec + R.B_DEVICE_IN_USE, 1);
    } else if (startsLife(rec, v)) {
      store<u8>(rec + R.B_BUDDY, <u8>BUDDY_ALLOCATED);
      store<u8>(rec + R.B_ALLOC_SEEN, 1);
      store<i32>(rec + R.I_ALLOCS, load<i32>(rec + R.I_ALLOCS) + 1);
      store<u8>(rec + R.B_SET_ALLOC_PENDING, 1);
      newLife(rec);
    }
    store<f64>(rec + R.D_REF, <f64>v);
    store<u8>(rec + R.B_REF_KNOWN, 1);
    resync(rec, op, has, ret, count, lossEpoch);
    return;
  }
  if (op == REF_UNFREEZE) {
    // applyUnfreeze of a frozen page
    store<u8>(rec + R.B_LET_GO, load<u8>(rec + R.B_LAST_MAPPING_KIND) == MAPPING_FILE ? LET_GO_UNFROZEN_IN_CACHE : LET_GO_NONE);
    store<u8>(rec + R.B_FROZEN, 0);
    store<f64>(rec + R.D_REF, <f64>v);
    store<u8>(rec + R.B_REF_KNOWN, 1);
    resync(rec, op, has, ret, count, lossEpoch);
  } else if (op == REF_FREEZE) {
    // applyFreeze of a successful freeze (run declines the others)
    store<u8>(rec + R.B_FROZEN, 1);
    store<u8>(rec + R.B_SPLITTING, 0);
    store<i32>(rec + R.I_FROZEN_EXPECTED, v);
    holderClear(rec);
    resync(rec, op, has, ret, count, lossEpoch);
    store<f64>(rec + R.D_REF, 0);
  } else if (op != REF_MOD_UNLESS || ret != 0) {
    // applyDelta (the page is not frozen)
    store<i32>(rec + R.I_LAST_DELTA, v);
    countPinsAndRefs(rec, op, v, line, ts, row, pid, comm, stack);
    if (load<u8>(rec + R.B_REF_KNOWN) != 0) store<f64>(rec + R.D_REF, load<f64>(rec + R.D_REF) + <f64>v);
    resync(rec, op, has, ret, count, lossEpoch);
    if (load<u8>(rec + R.B_DEVICE) != 0 && load<u8>(rec + R.B_DEVICE_IN_USE) != 0 && load<f64>(rec + R.D_REF) <= <f64>load<i32>(rec + R.I_DEVICE_IDLE) && v < 0) {
      store<u8>(rec + R.B_DEVICE_IN_USE, 0);
    }
  } else {
    store<i32>(rec + R.I_HALF_PIN_PID, -1);
  }
  store<u8>(rec + R.B_SET_ALLOC_PENDING, 0);
}

/** PageModel.countPinsAndRefs: a pin, an unpin, a get or a put (run made room for a pin). */
function countPinsAndRefs(rec: usize, op: u32, v: i32, line: f64, ts: f64, row: f64, pid: i32, comm: i32, stack: i32): void {
  if (pinning(rec, v, pid)) {
    if (v != GUP_PIN_COUNTING_BIAS) { store<i32>(rec + R.I_GETS, load<i32>(rec + R.I_GETS) - 1); holderPop(rec); }
    store<i32>(rec + R.I_PIN_COUNT, load<i32>(rec + R.I_PIN_COUNT) + 1);
    store<i32>(rec + R.I_PINS, load<i32>(rec + R.I_PINS) + 1);
    pinPush(rec, line, row, <f64>pid, <f64>comm, <f64>GUP_PIN_COUNTING_BIAS, <f64>stack, ts);
    holderPush(rec, line, row, <f64>pid, <f64>comm, <f64>GUP_PIN_COUNTING_BIAS, <f64>stack, ts);
    store<i32>(rec + R.I_HALF_PIN_PID, -1);
    return;
  }
  store<i32>(rec + R.I_HALF_PIN_PID, op == REF_MOD_UNLESS && v == 1 ? pid : -1);
  if (v == -GUP_PIN_COUNTING_BIAS) {
    store<i32>(rec + R.I_UNPIN_COUNT, load<i32>(rec + R.I_UNPIN_COUNT) + 1);
    const pins = load<i32>(rec + R.I_PINS);
    if (pins > 0) {
      store<i32>(rec + R.I_PINS, pins - 1);
      let start = pinPopTs(rec);
      if (isNaN(start)) start = ts;
      if (ts - start > load<f64>(rec + R.D_PIN_MAX_NS)) store<f64>(rec + R.D_PIN_MAX_NS, ts - start);
    }
    holderPop(rec);
    return;
  }
  if (v > 0) {
    store<i32>(rec + R.I_GETS, load<i32>(rec + R.I_GETS) + 1);
    holderPush(rec, line, row, <f64>pid, <f64>comm, <f64>v, <f64>stack, ts);
  } else if (v < 0) {
    store<i32>(rec + R.I_PUTS, load<i32>(rec + R.I_PUTS) + 1);
    holderPop(rec);
  }
}

/** PageModel.apply's switch for any other event on a page (page cache, per-cpu lists, events the model does not know). */
function applyOther(op: u32, rec: usize, ts: f64): void {
  if (op == FILEMAP_ADD) {
    store<i32>(rec + R.I_IN_PAGE_CACHE, load<i32>(rec + R.I_IN_PAGE_CACHE) + 1);
    store<u8>(rec + R.B_FILE_BACKED, 1);
    store<u8>(rec + R.B_LET_GO, LET_GO_NONE);
  } else if (op == FILEMAP_DEL) {
    if (load<i32>(rec + R.I_IN_PAGE_CACHE) > 0) store<i32>(rec + R.I_IN_PAGE_CACHE, load<i32>(rec + R.I_IN_PAGE_CACHE) - 1);
    letGo(rec, LET_GO_REMOVED_FROM_CACHE, ts);
  }
  store<u8>(rec + R.B_SET_ALLOC_PENDING, 0);
}

/** PageModel.apply's switch for an order-0 allocation or free run accepted. */
function applyLife(b: usize, i: i32, op: u32, rec: usize, line: f64, ts: f64, row: f64, pid: i32, comm: i32, stack: i32, lossEpoch: i32): void {
  if (op == ALLOC) {
    // applyAlloc of an order-0 page (order -1: not printed, counted as 0)
    if (load<u8>(rec + R.B_SET_ALLOC_PENDING) == 0) {
      store<i32>(rec + R.I_ALLOCS, load<i32>(rec + R.I_ALLOCS) + 1);
      newLife(rec);
      store<f64>(rec + R.D_REF, 0);
      store<u8>(rec + R.B_REF_KNOWN, <u8>hasRefEvents);
    }
    store<u8>(rec + R.B_SET_ALLOC_PENDING, 0);
    store<u8>(rec + R.B_BUDDY, <u8>BUDDY_ALLOCATED);
    store<u8>(rec + R.B_ALLOC_SEEN, 1);
    store<u8>(rec + R.B_ORDER, 0);
    store<i32>(rec + R.I_LIVE_ALLOCS, load<i32>(rec + R.I_LIVE_ALLOCS) + 1);
    store<i32>(rec + R.I_PERF_LIVE, load<i32>(rec + R.I_PERF_LIVE) + 1);
    store<f64>(rec + R.D_PERF_LIVE_KB, load<f64>(rec + R.D_PERF_LIVE_KB) + 4);
    store<u8>(rec + R.B_PERF_ENTRY, 1);
    store<u8>(rec + R.B_CAPTURED, 0);
    store<i32>(rec + R.I_LIVE_ALLOC_STACK, stack);
    store<u8>(rec + R.B_LIVE_ALLOC_ORDER, 0);
    store<f64>(rec + R.D_LIVE_ALLOC_LINE, line);
    store<i32>(rec + R.I_LIVE_ALLOC_PID, pid);
    store<i32>(rec + R.I_LIVE_ALLOC_COMM, comm);
    store<f64>(rec + R.D_LIVE_ALLOC_TS, ts);
    store<f64>(rec + R.D_LIVE_ALLOC_ROW, row);
    store<i32>(rec + R.I_SYNC_EPOCH, lossEpoch);
    return;
  }
  // applyFree of an order-0 page (the second report of a batched free only ends the pair)
  if (pairedFree(rec, op)) {
    store<u8>(rec + R.B_LAST_FREE_OP, 0);
  } else {
    store<i32>(rec + R.I_FREES, load<i32>(rec + R.I_FREES) + 1);
    store<f64>(rec + R.D_LAST_FREE_LINE, line);
    store<f64>(rec + R.D_LAST_FREE_ROW, row);
    if (load<u8>(rec + R.B_PERF_ENTRY) != 0) {
      store<u8>(rec + R.B_PERF_ENTRY, 0);
      store<i32>(rec + R.I_PERF_LIVE, load<i32>(rec + R.I_PERF_LIVE) - 1);
      store<f64>(rec + R.D_PERF_LIVE_KB, load<f64>(rec + R.D_PERF_LIVE_KB) - 4);
    }
    store<u8>(rec + R.B_BUDDY, <u8>BUDDY_FREE);
    store<f64>(rec + R.D_REF, 0);
    store<u8>(rec + R.B_REF_KNOWN, <u8>hasRefEvents);
    store<i32>(rec + R.I_LIVE_ALLOCS, 0);
    store<i32>(rec + R.I_LIVE_ALLOC_STACK, -1);
    store<u8>(rec + R.B_DEVICE_IN_USE, 0);
    store<u8>(rec + R.B_ALLOC_SEEN, 0);
    newLife(rec);
    store<u8>(rec + R.B_LAST_FREE_OP, <u8>op);
    store<i32>(rec + R.I_SYNC_EPOCH, lossEpoch);
  }
  store<u8>(rec + R.B_SET_ALLOC_PENDING, 0);
}

/** PageModel.resync: the count the event reported. */
@inline function resync(rec: usize, op: u32, has: u32, ret: i32, count: i32, lossEpoch: i32): void {
  if (op == REF_MOD_RETURN && (has & HAS_RET) != 0) { store<f64>(rec + R.D_REF, <f64>ret); store<u8>(rec + R.B_REF_KNOWN, 1); }
  else if (op == REF_MOD_TEST && (has & HAS_RET) != 0 && ret == 1) { store<f64>(rec + R.D_REF, 0); store<u8>(rec + R.B_REF_KNOWN, 1); }
  else if ((has & HAS_COUNT) != 0) { store<f64>(rec + R.D_REF, <f64>count); store<u8>(rec + R.B_REF_KNOWN, 1); }
  store<i32>(rec + R.I_SYNC_EPOCH, lossEpoch);
}

/** PageModel.newLife. */
function newLife(rec: usize): void {
  holderClear(rec);
  if (load<i32>(rec + R.I_PINS) != 0) pinClear(rec);
  store<i32>(rec + R.I_PINS, 0);
  store<u8>(rec + R.B_LAST_FREE_OP, 0);
  store<u8>(rec + R.B_FROZEN, 0);
  store<u8>(rec + R.B_SPLITTING, 0);
  store<i32>(rec + R.I_IN_PAGE_CACHE, 0);
  store<f64>(rec + R.D_MAX_MAPCOUNT, 0);
  store<f64>(rec + R.D_MAPCOUNT, 0);
  store<u8>(rec + R.B_ANON_SEEN, 0);
  store<u8>(rec + R.B_LET_GO, LET_GO_NONE);
}

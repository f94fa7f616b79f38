/**
 * The page model: one PageState per pfn touched, updated once per event with the
 * refcount rules of shared/DOMAIN.md §3. Detectors look at a page BEFORE the model applies
 * the event (see processor.ts); this file only moves the state forward.
 */
import type { DeviceRanges } from './device-ranges.js';
import type { EventView } from './event.js';
import { GUP_PIN_COUNTING_BIAS, OP } from './ops.js';
import { ReplayCore } from '../wasm/replay-core.js';
import { B, BUDDY, D, I, LET_GO, PageState, PageStore, chunkShiftFor, deviceCodeOf, warmRecord, type PageSeq } from './page.js';
import { PfnIndex } from './pfn-index.js';
import type { Profile } from './profiles.js';

/**
 * What a `mapping=` value says about the page (only real pointers carry the low bits;
 * assembly/fill.ts decodes them). RELEASED: PAGE_MAPPING_MOVABLE alone, a movable page its
 * owner gave up.
 */
export const MAPPING = { NONE: 0, FILE: 1, ANON: 2, MOVABLE: 3, UNKNOWN: 4, RELEASED: 5 } as const;

/** Bits of a page's flags= text that the model uses (see processor flagBitsOf). */
export const FLAG_SWAPCACHE = 1;
export const FLAG_USER_PAGE = 2;
export const FLAG_SLAB = 4;
export const FLAG_LRU = 8;

export class PageModel {
  /**
   * Persistent handles by slot, made only when something keeps a page (a finding, a test,
   * the end-of-trace outputs): during the replay the loop works through the cursor, so the
   * 100 k-1 M pages of a large trace are not also 100 k-1 M objects for the GC to copy and trace.
   */
  private readonly handles = new Map<number, PageState>();
  /** pfn -> slot (first-touch order). */
  private readonly index: PfnIndex;
  /** Typed records of the pages (see page.ts). */
  private readonly store: PageStore;
  /** Incremented at every lost-events marker: pages synced before it are uncertain. */
  lossEpoch = 0;
  /** The trace has page_ref events at all (else refcounts are never known). */
  readonly hasRefEvents: boolean;
  /** Allocated high-order blocks by head pfn (buddy blocks are naturally aligned). */
  private readonly blocks = new Map<number, { order: number; row: number }>();

  /**
   * expectedPages: an upper bound of the pages the replay may touch (sizes the record chunks,
   * see chunkShiftFor); core: the replay core whose memory holds the pages (processor.ts runs
   * its loop over them).
   */
  constructor(devices: DeviceRanges, profile: Profile, private readonly mapcountRaw: boolean, hasRefEvents: boolean, expectedPages = 0, core = new ReplayCore()) {
    this.hasRefEvents = hasRefEvents;
    this.index = new PfnIndex(core);
    this.store = new PageStore(chunkShiftFor(expectedPages), core);
    core.x.mapcountRaw.value = mapcountRaw ? 1 : 0;
    core.x.hasRefEvents.value = hasRefEvents ? 1 : 0;
    // The device ranges as the core reads them when it creates a page (assembly/pages.ts findDevice).
    const ranges = devices.list;
    const at = core.alloc(24 * Math.max(1, ranges.length), 'device ranges');
    ranges.forEach((r, k) => {
      core.f64[at / 8 + 3 * k] = r.start;
      core.f64[at / 8 + 3 * k + 1] = r.end;
      core.i32[at / 4 + 6 * k + 4] = deviceCodeOf(r.kind);
      core.i32[at / 4 + 6 * k + 5] = profile.deviceIdle(r.kind);
    });
    core.x.devicesAt.value = at;
    core.x.deviceCount.value = ranges.length;
  }

  /** The page of pfn, or undefined when no event named it yet. */
  find(pfn: number): PageState | undefined {
    const slot = this.index.get(pfn);
    return slot < 0 ? undefined : this.handle(slot);
  }

  /** Number of pages touched. */
  get pageCount(): number { return this.store.count; }

  /** The persistent handle of the page in slot (made on first use; its pfn is in its record). */
  private handle(slot: number): PageState {
    let h = this.handles.get(slot);
    if (h === undefined) {
      h = new PageState(this.pfnOf(slot), this.store, slot);
      this.handles.set(slot, h);
    }
    return h;
  }

  /**
   * Every page touched in pfn order, without a handle per page (at() moves one cursor of its
   * own): what pages.arrow is written from.
   */
  pagesByPfn(): PageSeq {
    const slots = this.slotsByPfn();
    const store = this.store;
    // Made at the first row: a model without pages has no record to point a cursor at.
    let cursor: PageState | null = null;
    const pfnOf = (slot: number): number => this.pfnOf(slot);
    return {
      length: slots.length,
      at(i) {
        const s = slots[i] as number;
        if (cursor === null) cursor = new PageState(pfnOf(s), store, s); else cursor.moveTo(s, pfnOf(s));
        return cursor;
      },
      warm(from, to) {
        // Pages in pfn order are scattered in memory: touch a window's records first, so their
        // cache misses overlap instead of stalling row by row.
        let sink = 0;
        for (let k = from; k < to; k++) {
          const at = store.recordAt(slots[k] as number);
          sink += warmRecord(store.d, store.i, store.b, at / 8, at / 4, at);
        }
        return sink;
      },
    };
  }

  /**
   * Calls fn on every page touched, in slot (first-touch) order, with one cursor of its own
   * re-pointed at each page (sequential memory, no handle per page; whatever keeps a page
   * takes handleOf() of it): the end-of-trace passes over 100 k-1 M pages.
   */
  forEachPage(fn: (p: PageState) => void): void {
    const n = this.store.count;
    if (n === 0) return;
    const cursor = new PageState(this.pfnOf(0), this.store, 0);
    for (let s = 0; s < n; s++) {
      cursor.moveTo(s, this.pfnOf(s));
      fn(cursor);
    }
  }

  private pfnOf(slot: number): number {
    return this.store.d[this.store.recordAt(slot) / 8 + D.pfn] as number;
  }

  /**
   * Slots in pfn order. A native sort of numbers beats a comparator sort of objects: when
   * every pfn is below 2^32 and slots below 2^21, pfn * 2^21 + slot is an exact double that
   * sorts by pfn and carries the slot (no lookup per page); otherwise the pfns are sorted
   * and looked up.
   */
  private slotsByPfn(): Int32Array {
    const n = this.store.count;
    const keys = new Float64Array(n);
    let packable = n <= SLOT_LIMIT;
    for (let s = 0; s < n && packable; s++) {
      const pfn = this.pfnOf(s);
      if (pfn >= 4294967296) packable = false;
      else keys[s] = pfn * SLOT_LIMIT + s;
    }
    const out = new Int32Array(n);
    if (packable) {
      keys.sort();
      for (let k = 0; k < n; k++) out[k] = (keys[k] as number) % SLOT_LIMIT;
    } else {
      for (let s = 0; s < n; s++) keys[s] = this.pfnOf(s);
      keys.sort();
      for (let k = 0; k < n; k++) out[k] = this.index.get(keys[k] as number);
    }
    return out;
  }

  /**
   * The page in slot (pfn is its pfn), as the model's cursor: one object re-pointed at each
   * event's page, valid until the next call. Per-event code (the model, detector checks) uses
   * it so that no page handle is loaded per event; whatever keeps a page takes handleOf(p).
   */
  at(slot: number, pfn: number): PageState {
    if (this.cursor === null) this.cursor = new PageState(pfn, this.store, slot);
    else this.cursor.moveTo(slot, pfn);
    return this.cursor;
  }

  private cursor: PageState | null = null;

  /** The persistent handle of a page (p may be the cursor). */
  handleOf(p: PageState): PageState { return this.handle(p.slot); }

  /** The page of pfn as the cursor (see at), created on its first event. */
  cursorAt(pfn: number): PageState {
    // Not necessarily new: warm() looked ahead before an earlier row of the block created it.
    const slot = this.index.get(pfn);
    return this.at(slot < 0 ? this.create(pfn) : slot, pfn);
  }

  /** The new page's slot, its record initialised, device memory included (assembly/pages.ts createPage, which the core's loop calls too). */
  private create(pfn: number): number {
    const slot = this.store.allocate(pfn, this.lossEpoch);
    this.index.add(pfn, slot);
    return slot;
  }

  /** Room for `blocks` more holder blocks, taken before a block of events that the core may replay (see HolderSlab.reserve). */
  reserveHolders(blocks: number): void { this.store.holders.reserve(blocks); }

  isUncertain(p: PageState): boolean { return p.syncEpoch < this.lossEpoch; }

  /** mapcount as "number of mappings": raw _mapcount (6.10+) is one less; page types are huge negatives. */
  mappings(raw: number): number {
    const m = this.mapcountRaw ? raw + 1 : raw;
    return m < 0 ? 0 : m;
  }

  /** Bookkeeping common to every event on a page (counters, first/last, CPUs). */
  touch(p: PageState, e: EventView): void {
    // Per event: the record directly (p.d/p.i/p.b at the page's bases), not the accessors.
    const d = p.d; const db = p.db; const i = p.i; const ib = p.ib; const b = p.b; const bb = p.bb;
    if (i[ib + I.events] === 0) { d[db + D.firstTs] = e.ts; d[db + D.firstLine] = e.line; }
    i[ib + I.events] = (i[ib + I.events] as number) + 1;
    d[db + D.lastLine] = e.line;
    const lastCpu = i[ib + I.lastCpu] as number;
    if (lastCpu !== e.cpu) {
      // lastTs/lastRow/lastOp still describe the previous event here.
      if (lastCpu >= 0) { i[ib + I.altCpu] = lastCpu; d[db + D.altTs] = d[db + D.lastTs] as number; d[db + D.altRow] = d[db + D.lastRow] as number; b[bb + B.altOp] = b[bb + B.lastOp] as number; }
      i[ib + I.lastCpu] = e.cpu;
    }
    d[db + D.lastTs] = e.ts;
    d[db + D.lastRow] = e.row;
    b[bb + B.lastOp] = e.op;
    i[ib + I.lastPid] = e.pid;
    i[ib + I.lastCommIndex] = e.commIndex;
    i[ib + I.lastStackId] = e.stackId;
  }

  /**
   * True when a pfn the model believes free was handed out again without an event naming
   * it: as a tail of a later high-order allocation, or captured by compaction.
   */
  reusedSinceFree(p: PageState): boolean {
    if (p.captured) return true;
    for (let k = 1; k <= 10; k++) {
      const size = 2 ** k;
      const head = p.pfn - (p.pfn % size);
      if (head === p.pfn) continue;
      const b = this.blocks.get(head);
      if (b !== undefined && b.order >= k && b.row > p.lastFreeRow) return true;
    }
    return false;
  }

  /**
   * A batched free is reported as both mm_page_free and mm_page_free_batched (in either
   * order, not always adjacent): the second of a pair of different kinds, with no allocation
   * in between, is the same free.
   */
  isPairedFree(p: PageState, e: EventView): boolean {
    return p.buddy === BUDDY.FREE && p.lastFreeOp !== 0 && p.lastFreeOp !== e.op;
  }

  private frozenHeadOf(pfn: number): PageState | null {
    for (let k = 1; k <= 10; k++) {
      const size = 2 ** k;
      const head = this.find(pfn - (pfn % size));
      if (head !== undefined && head.pfn !== pfn && head.frozen) return head;
    }
    return null;
  }

  /** Compaction isolated free pages [start, end): they may be reused without mm_page_alloc. */
  isolateFree(start: number, end: number): void {
    if (end - start > 4096) return;
    for (let pfn = start; pfn < end; pfn++) {
      const p = this.find(pfn);
      if (p !== undefined && p.buddy === BUDDY.FREE) p.captured = true;
    }
  }

  apply(p: PageState, e: EventView, mappingKind: number, flagBits: number): void {
    const d = p.d; const db = p.db; const b = p.b; const bb = p.bb;
    const refBefore = b[bb + B.refKnown] !== 0 ? d[db + D.ref] as number : NaN;
    if (e.hasMapcount && e.mapcountMeaningful) {
      const m = this.mappings(e.mapcount);
      if (m === 0 && (d[db + D.mapcount] as number) > 0) clampHeld(d, db, b, bb, e.ts);
      d[db + D.mapcount] = m;
      if (m > (d[db + D.maxMapcount] as number)) d[db + D.maxMapcount] = m;
    }
    if (mappingKind === MAPPING.FILE) b[bb + B.fileBacked] = 1;
    else if (mappingKind === MAPPING.ANON || mappingKind === MAPPING.NONE) b[bb + B.fileBacked] = 0;
    if (e.op >= OP.REF_SET && e.op <= OP.REF_UNFREEZE) {
      b[bb + B.swapCache] = (flagBits & FLAG_SWAPCACHE) !== 0 ? 1 : 0;
      b[bb + B.refSeen] = 1;
      b[bb + B.lastFlagBits] = flagBits;
      // A non-LRU movable page (zsmalloc, balloon) its owner gave up (its movable_ops cleared,
      // after a migration moved it or before the owner frees it): nothing holds it any more.
      if (mappingKind === MAPPING.RELEASED && b[bb + B.lastMappingKind] === MAPPING.MOVABLE) letGo(d, db, b, bb, LET_GO.RELEASED, e.ts);
      b[bb + B.lastMappingKind] = mappingKind;
      if (mappingKind === MAPPING.ANON) b[bb + B.anonSeen] = 1;
      // A page unfrozen in the page cache that then shows no mapping, without a filemap
      // delete, was replaced in the cache: a migration moved it (move_to_new_folio clears the
      // source's mapping) or a collapse did. Any other mapping: it is no cache page any more.
      if (b[bb + B.letGo] === LET_GO.UNFROZEN_IN_CACHE && mappingKind !== MAPPING.FILE) {
        if (mappingKind === MAPPING.NONE) letGo(d, db, b, bb, LET_GO.MIGRATED, e.ts); else b[bb + B.letGo] = LET_GO.NONE;
      }
    } else if (e.op >= OP.ALLOC && e.op <= OP.FILEMAP_DEL) b[bb + B.buddySeen] = 1;
    switch (e.op) {
      case OP.REF_SET: this.applySet(p, e); break;
      case OP.REF_MOD:
      case OP.REF_MOD_TEST:
      case OP.REF_MOD_RETURN: this.applyDelta(p, e); break;
      case OP.REF_MOD_UNLESS: if (e.ret !== 0) this.applyDelta(p, e); else p.halfPinPid = -1; break;
      case OP.REF_FREEZE: this.applyFreeze(p, e); break;
      case OP.REF_UNFREEZE: this.applyUnfreeze(p, e); break;
      case OP.ALLOC: this.applyAlloc(p, e); break;
      case OP.FREE:
      case OP.FREE_BATCHED: this.applyFree(p, e); break;
      case OP.FILEMAP_ADD: p.inPageCache++; p.fileBacked = true; b[bb + B.letGo] = LET_GO.NONE; break;
      case OP.FILEMAP_DEL: if (p.inPageCache > 0) p.inPageCache--; letGo(d, db, b, bb, LET_GO.REMOVED_FROM_CACHE, e.ts); break;
      default: break;
    }
    if (e.op !== OP.REF_SET && e.op !== OP.ALLOC) b[bb + B.setAllocPending] = 0;
    if (b[bb + B.refKnown] !== 0 && (d[db + D.ref] as number) > (d[db + D.maxRef] as number)) d[db + D.maxRef] = d[db + D.ref] as number;
    trackHeld(p.d, p.db, p.i, p.ib, p.b, p.bb, refBefore, e.ts);
  }

  /** Resynchronise to the count the event reported (after detectors compared it). */
  private resync(p: PageState, e: EventView): void {
    const d = p.d; const db = p.db; const b = p.b; const bb = p.bb;
    p.i[p.ib + I.syncEpoch] = this.lossEpoch;
    // A count printed out of order with another CPU's change: the running sum is the state.
    if (e.keepSum && b[bb + B.refKnown] !== 0) return;
    if (e.op === OP.REF_MOD_RETURN && e.hasRet) { d[db + D.ref] = e.ret; b[bb + B.refKnown] = 1; }
    else if (e.op === OP.REF_MOD_TEST && e.hasRet && e.ret === 1) { d[db + D.ref] = 0; b[bb + B.refKnown] = 1; }
    else if (e.hasCount) { d[db + D.ref] = e.count; b[bb + B.refKnown] = 1; }
  }

  private applySet(p: PageState, e: EventView): void {
    const v = e.val;
    const idleNow = !p.refKnown || p.ref <= p.deviceIdle || p.buddy === BUDDY.FREE;
    if (v >= 1 && idleNow) {
      if (p.isDevice) p.deviceInUse = true;
      else if (p.buddy !== BUDDY.ALLOCATED) {
        // set_page_refcounted of a free page: an allocation (before mm_page_alloc on < 6.14),
        // a compaction/CMA capture (no mm_page_alloc at all) or split_page tails.
        p.buddy = BUDDY.ALLOCATED;
        p.allocSeen = true;
        p.allocs++;
        p.setAllocPending = true;
        this.newLife(p);
      }
    }
    p.frozen = false;
    p.ref = v;
    p.refKnown = true;
    this.resync(p, e);
  }

  private applyDelta(p: PageState, e: EventView): void {
    const d = p.d; const db = p.db; const b = p.b; const bb = p.bb;
    const v = e.val;
    p.i[p.ib + I.lastDelta] = v;
    // A plain change ends a freeze: a THP split re-referencing its head, or a bug reported by
    // frozen_page_touched once (the count is no longer the frozen 0).
    if (b[bb + B.frozen] !== 0) { b[bb + B.frozen] = 0; b[bb + B.splitting] = 0; }
    this.countPinsAndRefs(p, e);
    if (b[bb + B.refKnown] !== 0) d[db + D.ref] = (d[db + D.ref] as number) + v;
    this.resync(p, e);
    if (b[bb + B.device] !== 0 && b[bb + B.deviceInUse] !== 0 && (d[db + D.ref] as number) <= (p.i[p.ib + I.deviceIdle] as number) && v < 0) b[bb + B.deviceInUse] = 0;
  }

  private countPinsAndRefs(p: PageState, e: EventView): void {
    const v = e.val;
    if (v === GUP_PIN_COUNTING_BIAS || (v === GUP_PIN_COUNTING_BIAS - 1 && p.i[p.ib + I.halfPinPid] === e.pid)) {
      if (v !== GUP_PIN_COUNTING_BIAS) { p.gets--; this.popHolder(p); }
      p.pinCount++;
      p.pins++;
      this.store.pushPin(p.slot, e.line, e.row, e.pid, e.commIndex, GUP_PIN_COUNTING_BIAS, e.stackId, e.ts);
      this.pushHolder(p, e, GUP_PIN_COUNTING_BIAS);
      p.halfPinPid = -1;
      return;
    }
    p.i[p.ib + I.halfPinPid] = e.op === OP.REF_MOD_UNLESS && v === 1 ? e.pid : -1;
    if (v === -GUP_PIN_COUNTING_BIAS) {
      p.unpinCount++;
      if (p.pins > 0) {
        p.pins--;
        const start = this.store.popPinTs(p.slot) ?? e.ts;
        if (e.ts - start > p.pinMaxNs) p.pinMaxNs = e.ts - start;
      }
      this.popHolder(p);
      return;
    }
    if (v > 0) { p.i[p.ib + I.gets] = (p.i[p.ib + I.gets] as number) + 1; this.pushHolder(p, e, v); } else if (v < 0) { p.i[p.ib + I.puts] = (p.i[p.ib + I.puts] as number) + 1; this.popHolder(p); }
  }

  private pushHolder(p: PageState, e: EventView, val: number): void {
    this.store.holders.push(p, e.line, e.row, e.pid, e.commIndex, val, e.stackId, e.ts);
  }

  private popHolder(p: PageState): void { this.store.holders.pop(p); }

  private applyFreeze(p: PageState, e: EventView): void {
    if (e.ret === 1) {
      p.frozen = true;
      p.splitting = false;
      p.frozenExpected = e.val;
      p.ref = 0;
      p.refKnown = true;
      this.store.holders.clear(p);
    }
    this.resync(p, e);
    if (e.ret === 1) p.ref = 0;
  }

  private applyUnfreeze(p: PageState, e: EventView): void {
    p.b[p.bb + B.letGo] = p.frozen && p.lastMappingKind === MAPPING.FILE ? LET_GO.UNFROZEN_IN_CACHE : LET_GO.NONE;
    if (!p.frozen) {
      // A THP split tail becoming a folio of its own; its frozen head is being split.
      if (p.buddy === BUDDY.UNKNOWN) p.buddy = BUDDY.ALLOCATED;
      const head = this.frozenHeadOf(p.pfn);
      if (head !== null) head.splitting = true;
    }
    p.frozen = false;
    p.ref = e.val;
    p.refKnown = true;
    this.resync(p, e);
  }

  private applyAlloc(p: PageState, e: EventView): void {
    if (!p.setAllocPending) {
      p.allocs++;
      this.newLife(p);
      // Frozen-page allocator (6.14+) or no page_ref events: the count is 0 until set.
      p.ref = 0;
      p.refKnown = this.hasRefEvents;
    }
    p.setAllocPending = false;
    p.buddy = BUDDY.ALLOCATED;
    p.allocSeen = true;
    p.order = e.order < 0 ? 0 : e.order;
    p.liveAllocs++;
    p.perfLive++;
    p.perfLiveKb += 4 * 2 ** p.order;
    p.perfEntry = true;
    p.captured = false;
    if (p.order > 0) this.blocks.set(p.pfn, { order: p.order, row: e.row });
    p.liveAllocStack = e.stackId;
    p.liveAllocOrder = p.order;
    p.liveAllocLine = e.line;
    p.liveAllocPid = e.pid;
    p.liveAllocCommIndex = e.commIndex;
    p.liveAllocTs = e.ts;
    p.liveAllocRow = e.row;
    p.syncEpoch = this.lossEpoch;
  }

  /** A fresh life of the page: nothing from the previous one is still held. */
  private newLife(p: PageState): void {
    this.store.holders.clear(p);
    // pins counts the entries of the pin list (they are added and removed together), so the
    // list is only touched when there is one to empty.
    if (p.pins !== 0) this.store.clearPins(p.slot);
    p.pins = 0;
    p.lastFreeOp = 0;
    p.frozen = false;
    p.splitting = false;
    p.inPageCache = 0;
    p.maxMapcount = 0;
    p.mapcount = 0;
    p.anonSeen = false;
    p.b[p.bb + B.letGo] = LET_GO.NONE;
  }

  private applyFree(p: PageState, e: EventView): void {
    if (this.isPairedFree(p, e)) { p.lastFreeOp = 0; return; }
    p.frees++;
    p.lastFreeLine = e.line;
    p.lastFreeRow = e.row;
    if (p.perfEntry) {
      // perf kmem pairs a free with the page's entry and drops one live allocation of the free's size.
      p.perfEntry = false;
      p.perfLive--;
      p.perfLiveKb -= 4 * 2 ** (e.order < 0 ? 0 : e.order);
    }
    if (e.order > 0) this.blocks.delete(p.pfn);
    p.buddy = BUDDY.FREE;
    p.ref = 0;
    p.refKnown = this.hasRefEvents;
    p.liveAllocs = 0;
    p.liveAllocStack = -1;
    p.deviceInUse = false;
    p.allocSeen = false;
    this.newLife(p);
    p.lastFreeOp = e.op;
    p.syncEpoch = this.lossEpoch;
  }
}

const SLOT_LIMIT = 2 ** 21;

/**
 * Since when a page has held at least its current refcount: the age of the references it
 * holds now, which is what tells a reference left behind from one about to be dropped (a
 * balanced get and put on top of it, such as a device driver's eviction taking and dropping
 * a reference, does not make the leftover any younger). Two levels of "the count has been at
 * least L since S" are kept, the current count (D.heldSince) and the level below it
 * (I.heldBaseLevel, D.heldBaseSince); when the count climbs a third level the lowest is
 * forgotten, which only makes a later answer younger than the truth (the safe direction for
 * a detector that waits for old references). Run after every event that may change the
 * refcount (PageModel.apply; the replay core's run mirrors it in assembly/core.ts).
 */
export function trackHeld(d: Float64Array, db: number, i: Int32Array, ib: number, b: Uint8Array, bb: number, before: number, ts: number): void {
  if (b[bb + B.refKnown] === 0) { b[bb + B.heldDepth] = 0; return; }
  const now = d[db + D.ref] as number;
  const depth = b[bb + B.heldDepth] as number;
  if (depth === 0 || Number.isNaN(before)) { b[bb + B.heldDepth] = 1; d[db + D.heldSince] = ts; return; }
  if (now === before) return;
  if (now > before) {
    // A climb: the level it left becomes the lower one (forgetting any level below that).
    i[ib + I.heldBaseLevel] = before;
    d[db + D.heldBaseSince] = d[db + D.heldSince] as number;
    b[bb + B.heldDepth] = 2;
    d[db + D.heldSince] = ts;
    return;
  }
  // A drop: the count has been at least `before` > now since heldSince, and at least the
  // lower level since its own (earlier) time when the drop reaches it.
  if (depth === 2 && now <= (i[ib + I.heldBaseLevel] as number)) {
    d[db + D.heldSince] = d[db + D.heldBaseSince] as number;
    b[bb + B.heldDepth] = 1;
  }
}

/** The page's users let go of it at ts, in the way `how` (LET_GO): what it holds from now on has no user. */
function letGo(d: Float64Array, db: number, b: Uint8Array, bb: number, how: number, ts: number): void {
  b[bb + B.letGo] = how;
  clampHeld(d, db, b, bb, ts);
}

/**
 * The page lost its last mapping at ts: whatever it holds from now on is held without a
 * user, so no held-since time is earlier than that (an orphan is judged on both).
 */
export function clampHeld(d: Float64Array, db: number, b: Uint8Array, bb: number, ts: number): void {
  if ((b[bb + B.heldDepth] as number) === 0) return;
  if ((d[db + D.heldSince] as number) < ts) d[db + D.heldSince] = ts;
  if ((d[db + D.heldBaseSince] as number) < ts) d[db + D.heldBaseSince] = ts;
}

/**
 * The page model: one PageState per pfn touched, updated once per event with the
 * refcount rules of shared/DOMAIN.md §3. Detectors look at a page BEFORE the model applies
 * the event (see processor.ts); this file only moves the state forward.
 */
import type { DeviceRanges } from './device-ranges.js';
import type { EventView } from './event.js';
import { GUP_PIN_COUNTING_BIAS, OP } from './ops.js';
import { BUDDY, MAX_HOLDERS, PageState, type Holder } from './page.js';
import type { Profile } from './profiles.js';

/** What a `mapping=` value says about the page (only real pointers carry the low bits). */
export const MAPPING = { NONE: 0, FILE: 1, ANON: 2, MOVABLE: 3, UNKNOWN: 4 } as const;

/** Bits of a page's flags= text that the model uses (see processor flagBitsOf). */
export const FLAG_SWAPCACHE = 1;
export const FLAG_USER_PAGE = 2;
export const FLAG_SLAB = 4;
export const FLAG_LRU = 8;

export class PageModel {
  /** Every page touched, in first-touch order. */
  readonly pages: PageState[] = [];
  private readonly index = new Map<number, PageState>();
  private sortedByPfn: PageState[] = [];
  /** Incremented at every lost-events marker: pages synced before it are uncertain. */
  lossEpoch = 0;
  /** The trace has page_ref events at all (else refcounts are never known). */
  readonly hasRefEvents: boolean;
  /** Allocated high-order blocks by head pfn (buddy blocks are naturally aligned). */
  private readonly blocks = new Map<number, { order: number; row: number }>();

  constructor(private readonly devices: DeviceRanges, private readonly profile: Profile, private readonly mapcountRaw: boolean, hasRefEvents: boolean) {
    this.hasRefEvents = hasRefEvents;
  }

  /** The page of pfn, or undefined when no event named it yet. */
  find(pfn: number): PageState | undefined {
    return this.index.get(pfn);
  }

  /** Every page touched, sorted by pfn (for outputs; recomputed only when pages were added). */
  byPfn(): PageState[] {
    if (this.sortedByPfn.length !== this.pages.length) {
      // A native numeric sort of the pfns (unique) beats sorting objects with a comparator.
      const pfns = Float64Array.from(this.pages, (p) => p.pfn).sort();
      this.sortedByPfn = Array.from(pfns, (pfn) => this.find(pfn) as PageState);
    }
    return this.sortedByPfn;
  }

  /** The page of pfn, created on its first event. */
  page(pfn: number): PageState {
    return this.index.get(pfn) ?? this.create(pfn);
  }

  private create(pfn: number): PageState {
    const p = new PageState(pfn);
    this.index.set(pfn, p);
    p.syncEpoch = this.lossEpoch;
    const d = this.devices.find(pfn);
    if (d !== null) {
      p.device = d.kind;
      p.deviceIdle = this.profile.deviceIdle(d.kind);
    }
    this.pages.push(p);
    return p;
  }

  isUncertain(p: PageState): boolean { return p.syncEpoch < this.lossEpoch; }

  /** mapcount as "number of mappings": raw _mapcount (6.10+) is one less; page types are huge negatives. */
  mappings(raw: number): number {
    const m = this.mapcountRaw ? raw + 1 : raw;
    return m < 0 ? 0 : m;
  }

  /** Bookkeeping common to every event on a page (counters, first/last, CPUs). */
  touch(p: PageState, e: EventView): void {
    if (p.events === 0) { p.firstTs = e.ts; p.firstLine = e.line; }
    p.events++;
    p.lastLine = e.line;
    if (p.lastCpu !== e.cpu) {
      // lastTs/lastRow/lastOp still describe the previous event here.
      if (p.lastCpu >= 0) { p.altCpu = p.lastCpu; p.altTs = p.lastTs; p.altRow = p.lastRow; p.altOp = p.lastOp; }
      p.lastCpu = e.cpu;
    }
    p.lastTs = e.ts;
    p.lastRow = e.row;
    p.lastOp = e.op;
    p.lastPid = e.pid;
    p.lastCommIndex = e.commIndex;
    p.lastStackId = e.stackId;
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
    const swapFlag = (flagBits & FLAG_SWAPCACHE) !== 0;
    if (e.hasMapcount && e.mapcountMeaningful) {
      p.mapcount = this.mappings(e.mapcount);
      if (p.mapcount > p.maxMapcount) p.maxMapcount = p.mapcount;
    }
    if (mappingKind === MAPPING.FILE) p.fileBacked = true;
    else if (mappingKind === MAPPING.ANON || mappingKind === MAPPING.NONE) p.fileBacked = false;
    if (e.op >= OP.REF_SET && e.op <= OP.REF_UNFREEZE) { p.swapCache = swapFlag; p.refSeen = true; p.lastFlagBits = flagBits; p.lastMappingKind = mappingKind; if (mappingKind === MAPPING.ANON) p.anonSeen = true; } else if (e.op >= OP.ALLOC && e.op <= OP.FILEMAP_DEL) p.buddySeen = true;
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
      case OP.FILEMAP_ADD: p.inPageCache++; p.fileBacked = true; break;
      case OP.FILEMAP_DEL: if (p.inPageCache > 0) p.inPageCache--; break;
      default: break;
    }
    if (e.op !== OP.REF_SET && e.op !== OP.ALLOC) p.setAllocPending = false;
    if (p.refKnown && p.ref > p.maxRef) p.maxRef = p.ref;
  }

  /** Resynchronise to the count the event reported (after detectors compared it). */
  private resync(p: PageState, e: EventView): void {
    if (e.op === OP.REF_MOD_RETURN && e.hasRet) { p.ref = e.ret; p.refKnown = true; }
    else if (e.op === OP.REF_MOD_TEST && e.hasRet && e.ret === 1) { p.ref = 0; p.refKnown = true; }
    else if (e.hasCount) { p.ref = e.count; p.refKnown = true; }
    if (e.hasCount) { p.lastCount = e.count; p.hasLastCount = true; }
    p.syncEpoch = this.lossEpoch;
  }

  private applySet(p: PageState, e: EventView): void {
    const v = e.val;
    const idleNow = !p.refKnown || p.ref <= p.deviceIdle || p.buddy === BUDDY.FREE;
    if (v >= 1 && idleNow) {
      if (p.device !== null) p.deviceInUse = true;
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
    const v = e.val;
    p.lastDelta = v;
    // A plain change ends a freeze: a THP split re-referencing its head, or a bug reported by
    // frozen_page_touched once (the count is no longer the frozen 0).
    if (p.frozen) { p.frozen = false; p.splitting = false; }
    this.countPinsAndRefs(p, e);
    if (p.refKnown) p.ref += v;
    this.resync(p, e);
    if (p.device !== null && p.deviceInUse && p.ref <= p.deviceIdle && v < 0) p.deviceInUse = false;
  }

  private countPinsAndRefs(p: PageState, e: EventView): void {
    const v = e.val;
    if (v === GUP_PIN_COUNTING_BIAS || (v === GUP_PIN_COUNTING_BIAS - 1 && p.halfPinPid === e.pid)) {
      if (v !== GUP_PIN_COUNTING_BIAS) { p.gets--; this.popHolder(p); }
      p.pinCount++;
      p.pins++;
      p.addPin(this.holderOf(e, GUP_PIN_COUNTING_BIAS));
      this.pushHolder(p, e, GUP_PIN_COUNTING_BIAS);
      p.halfPinPid = -1;
      return;
    }
    p.halfPinPid = e.op === OP.REF_MOD_UNLESS && v === 1 ? e.pid : -1;
    if (v === -GUP_PIN_COUNTING_BIAS) {
      p.unpinCount++;
      if (p.pins > 0) {
        p.pins--;
        const start = p.pinHolders.pop()?.ts ?? e.ts;
        if (e.ts - start > p.pinMaxNs) p.pinMaxNs = e.ts - start;
      }
      this.popHolder(p);
      return;
    }
    if (v > 0) { p.gets++; this.pushHolder(p, e, v); } else if (v < 0) { p.puts++; this.popHolder(p); }
  }

  /** Holder records are recycled: a get/put pair must not cost a garbage-collected object. */
  private readonly holderPool: Holder[] = [];

  private holderOf(e: EventView, val: number): Holder {
    const h = this.holderPool.pop();
    if (h === undefined) return { line: e.line, row: e.row, pid: e.pid, commIndex: e.commIndex, val, stackId: e.stackId, ts: e.ts };
    h.line = e.line; h.row = e.row; h.pid = e.pid; h.commIndex = e.commIndex; h.val = val; h.stackId = e.stackId; h.ts = e.ts;
    return h;
  }

  private pushHolder(p: PageState, e: EventView, val: number): void {
    if (p.holders.length >= MAX_HOLDERS) this.recycle(p.holders.shift());
    p.addHolder(this.holderOf(e, val));
  }

  private popHolder(p: PageState): void { this.recycle(p.holders.pop()); }

  private recycle(h: Holder | undefined): void {
    if (h !== undefined && this.holderPool.length < 4096) this.holderPool.push(h);
  }

  private applyFreeze(p: PageState, e: EventView): void {
    if (e.ret === 1) {
      p.frozen = true;
      p.splitting = false;
      p.everFrozen = true;
      p.frozenExpected = e.val;
      p.ref = 0;
      p.refKnown = true;
      while (p.holders.length > 0) this.recycle(p.holders.pop());
    }
    this.resync(p, e);
    if (e.ret === 1) p.ref = 0;
  }

  private applyUnfreeze(p: PageState, e: EventView): void {
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
    while (p.holders.length > 0) this.recycle(p.holders.pop());
    p.pins = 0;
    // Emptied in place: a new array per allocation and free would be garbage on every life.
    p.pinHolders.length = 0;
    p.lastFreeOp = 0;
    p.frozen = false;
    p.splitting = false;
    p.inPageCache = 0;
    p.maxMapcount = 0;
    p.mapcount = 0;
    p.anonSeen = false;
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

/**
 * Replay floor: how fast this machine can walk events.arrow over typed columns and keep the
 * simplest per-page model — the refcount arithmetic of the page_ref helpers checked against
 * every printed `count`, plus buddy state from mm_page_alloc/free. No detectors, no output.
 *
 * It is not a competitor to replay (which does far more); it tells what "close to what the
 * machine allows" means for the replay target (>= 20 M events/s), and shows the
 * techniques: batch by batch from a random-access file reader into two reused buffers, the
 * next batch's read overlapping this batch's work, exactly as replayRun reads (memory follows pages, not the
 * trace), dictionary ids mapped once per batch, 64-bit pfns read as two 32-bit halves instead
 * of BigInt, page state in typed arrays behind an open-addressing pfn index (no Map, no
 * per-page objects).
 */
import type { Data, Vector } from 'apache-arrow';
import { EVENT_COLUMNS } from '@pagetrace/ingest';
import { forEachBatch } from '@pagetrace/replay';

const enum Op { Other, Set, Mod, ModTest, ModReturn, ModUnless, Freeze, Unfreeze, Alloc, Free }

const OP_OF: Record<string, Op> = {
  page_ref_set: Op.Set, page_ref_mod: Op.Mod, page_ref_mod_and_test: Op.ModTest, page_ref_mod_and_return: Op.ModReturn,
  page_ref_mod_unless: Op.ModUnless, page_ref_freeze: Op.Freeze, page_ref_unfreeze: Op.Unfreeze,
  mm_page_alloc: Op.Alloc, mm_page_free: Op.Free,
};

export interface ReplayFloorResult {
  events: number;
  pages: number;
  /** page_ref events whose printed count differs from the model (0 on a generated trace). */
  countMismatches: number;
  seconds: number;
}

const column = (name: string): number => {
  const i = EVENT_COLUMNS.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`events.arrow has no column ${name}`);
  return i;
};

/** Validity bitmap of a column chunk, or null when every value is valid. */
function validity(data: Data): Uint8Array | null {
  return data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0 ? null : data.nullBitmap;
}

const isValid = (bitmap: Uint8Array | null, offset: number, i: number): boolean =>
  bitmap === null || (bitmap[(offset + i) >> 3]! & (1 << ((offset + i) & 7))) !== 0;

/** pfn -> dense page slot, open addressing over typed arrays (pfn halves as keys). */
class PfnIndex {
  private lo = new Uint32Array(1 << 16);
  private hi = new Uint32Array(1 << 16);
  private slot = new Int32Array(1 << 16).fill(-1);
  private mask = (1 << 16) - 1;
  size = 0;

  /** Slot of (lo, hi), allocated on first sight. */
  slotOf(lo: number, hi: number): number {
    for (let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) & this.mask; ; h = (h + 1) & this.mask) {
      const s = this.slot[h]!;
      if (s === -1) {
        this.lo[h] = lo; this.hi[h] = hi; this.slot[h] = this.size;
        if (++this.size * 2 > this.mask) this.grow();
        return this.size - 1;
      }
      if (this.lo[h] === lo && this.hi[h] === hi) return s;
    }
  }

  private grow(): void {
    const { lo, hi, slot } = this;
    const cap = (this.mask + 1) * 2;
    this.lo = new Uint32Array(cap); this.hi = new Uint32Array(cap); this.slot = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < slot.length; i++) {
      if (slot[i] === -1) continue;
      let h = Math.imul(lo[i]! ^ Math.imul(hi[i]!, 0x85ebca6b), 0x9e3779b1) & this.mask;
      while (this.slot[h] !== -1) h = (h + 1) & this.mask;
      this.lo[h] = lo[i]!; this.hi[h] = hi[i]!; this.slot[h] = slot[i]!;
    }
  }
}

/** Growable Int32Array indexed by page slot. */
class PageColumn {
  values = new Int32Array(1 << 16);
  at(slot: number): number { return slot < this.values.length ? this.values[slot]! : 0; }
  set(slot: number, v: number): void {
    if (slot >= this.values.length) {
      const bigger = new Int32Array(Math.max(this.values.length * 2, slot + 1));
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[slot] = v;
  }
}

export async function replayFloor(eventsArrow: string): Promise<ReplayFloorResult> {
  const started = performance.now();
  const [EVENT, PFN, COUNT, VAL, RET] = ['event', 'pfn', 'count', 'val', 'ret'].map(column) as [number, number, number, number, number];
  const index = new PfnIndex();
  const refcount = new PageColumn();
  let events = 0;
  let countMismatches = 0;
  let opOfId: Uint8Array = new Uint8Array(0);
  // The reader replayRun uses: each batch read once from its offset into one of two reused
  // buffers, the next one in flight (the batch is valid only inside this callback).
  await forEachBatch(eventsArrow, (batch) => {
    const eventData = batch.getChildAt(EVENT)!.data[0]!;
    opOfId = opsOf(eventData.dictionary!, opOfId);
    const ids = eventData.values as Int32Array;
    const pfnData = batch.getChildAt(PFN)!.data[0]!;
    const pfnHalves = new Uint32Array((pfnData.values as BigUint64Array).buffer, (pfnData.values as BigUint64Array).byteOffset, batch.numRows * 2);
    const countData = batch.getChildAt(COUNT)!.data[0]!;
    const counts = countData.values as Int32Array;
    const pfnValid = validity(pfnData);
    const countValid = validity(countData);
    const vals = batch.getChildAt(VAL)!.data[0]!.values as Int32Array;
    const rets = batch.getChildAt(RET)!.data[0]!.values as Int32Array;
    const rows = batch.numRows;
    for (let i = 0; i < rows; i++) {
      const op = opOfId[ids[i]!]!;
      if (op === Op.Other || !isValid(pfnValid, pfnData.offset, i)) continue;
      const page = index.slotOf(pfnHalves[2 * i]!, pfnHalves[2 * i + 1]!);
      const before = refcount.at(page);
      let after = before;
      switch (op) {
        case Op.Set: case Op.Unfreeze: after = vals[i]!; break;
        case Op.Mod: case Op.ModTest: case Op.ModReturn: after = before + vals[i]!; break;
        case Op.ModUnless: if (rets[i] === 1) after = before + vals[i]!; break;
        case Op.Freeze: if (rets[i] === 1) after = 0; break;
        default: break; // alloc/free: buddy state only
      }
      refcount.set(page, after);
      if (op < Op.Alloc && isValid(countValid, countData.offset, i) && counts[i] !== after) countMismatches++;
    }
    events += rows;
  });
  return { events, pages: index.size, countMismatches, seconds: (performance.now() - started) / 1000 };
}

/** Op per dictionary id; the dictionary only grows (delta batches), so ids stay valid. */
function opsOf(dictionary: Vector, previous: Uint8Array): Uint8Array {
  if (dictionary.length === previous.length) return previous;
  const ops = new Uint8Array(dictionary.length);
  ops.set(previous);
  for (let id = previous.length; id < dictionary.length; id++) ops[id] = OP_OF[String(dictionary.get(id))] ?? Op.Other;
  return ops;
}

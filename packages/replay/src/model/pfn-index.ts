/**
 * pfn -> page slot (the page's index in first-touch order), open addressing over typed
 * arrays. Why not a Map<number, PageState>: a pfn computed from two 32-bit words is a double,
 * and handing a double to Map.get boxes it (a heap number per event, i.e. garbage per event),
 * and the Map's entries are one more chain of pointers per lookup. Here a lookup is a
 * multiplicative hash and, almost always, one probe of one typed array.
 *
 * Entries are (pfn, slot) pairs of int32 side by side: 8 bytes, so the table of a trace that
 * touches 400 k pages is 8 MB, not 16 (the lookups ahead of the replay are cache and TLB
 * misses on this table). pfns below 2^32 (every machine with less than 16 TB of physical
 * address space) are the keys; larger ones go to a Map of their own (boxing, but only there).
 *
 * The table is in the replay core's memory (wasm/replay-core.ts): the core's loop looks pages
 * up in it (assembly/core.ts lookup, the same hash); only this class adds to it.
 */
import { ReplayCore } from '../wasm/replay-core.js';

export class PfnIndex {
  /** Pairs (pfn as int32, slot) side by side, so a probe reads one cache line; slot -1 = empty. */
  private table: Int32Array;
  /** 32 - log2(capacity): multiplicative hashing keeps the high bits. */
  private shift = 32 - 12;
  private mask = (1 << 12) - 1;
  /** Entries in the table (pfns below 2^32). */
  private used = 0;
  /** pfns of 2^32 and above. */
  private readonly huge = new Map<number, number>();
  size = 0;

  constructor(private readonly core = new ReplayCore()) {
    this.table = this.emptyTable(1 << 12);
  }

  /** An empty table of `capacity` entries in the core's memory, which the core is told about. */
  private emptyTable(capacity: number): Int32Array {
    const at = this.core.alloc(8 * capacity, 'the pfn index');
    const t = this.core.i32.subarray(at / 4, at / 4 + 2 * capacity);
    for (let h = 1; h < t.length; h += 2) t[h] = -1;
    const x = this.core.x;
    x.indexAt.value = at;
    x.indexShift.value = 32 - Math.log2(capacity);
    x.indexMask.value = capacity - 1;
    return t;
  }

  /** Slot of pfn, or -1 when it was never added. */
  get(pfn: number): number {
    if (pfn >= HUGE) return this.huge.get(pfn) ?? -1;
    const t = this.table;
    const key = pfn | 0;
    for (let h = this.home(pfn); ; h = (h + 1) & this.mask) {
      const s = t[2 * h + 1] as number;
      if (s === -1 || t[2 * h] === key) return s;
    }
  }

  /** Give pfn (not present: check with get first) the next slot, size - 1 afterwards. */
  add(pfn: number): number {
    const slot = this.size++;
    if (pfn >= HUGE) { this.huge.set(pfn, slot); return slot; }
    if ((this.used + 1) * 2 > this.mask) this.grow();
    this.used++;
    this.place(pfn | 0, slot);
    return slot;
  }

  /** Home bucket of a pfn below 2^32 (or of its int32 form: the same bits). */
  private home(pfn: number): number {
    return Math.imul(pfn >>> 0, 0x9e3779b1) >>> this.shift;
  }

  private place(key: number, slot: number): void {
    const t = this.table;
    let h = this.home(key);
    while (t[2 * h + 1] !== -1) h = (h + 1) & this.mask;
    t[2 * h] = key;
    t[2 * h + 1] = slot;
  }

  private grow(): void {
    const old = this.table;
    const capacity = old.length; // int32s: old.length / 2 entries -> old.length entries
    // The old table's memory is not reused: the tables of a replay add up to less than twice the last.
    this.table = this.emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift--;
    for (let h = 1; h < old.length; h += 2) if (old[h] !== -1) this.place(old[h - 1] as number, old[h] as number);
  }
}

/** pfns from here on do not fit the table's int32 keys. */
const HUGE = 4294967296;

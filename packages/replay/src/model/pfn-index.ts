/**
 * pfn -> page slot (the page's index in first-touch order), open addressing over typed
 * arrays. Why not a Map<number, PageState>: a pfn computed from two 32-bit words is a double,
 * and handing a double to Map.get boxes it (a heap number per event, i.e. garbage per event),
 * and the Map's entries are one more chain of pointers per lookup. Here a lookup is a
 * multiplicative hash and, almost always, one probe of two typed arrays.
 */
export class PfnIndex {
  /** Pairs (pfn, slot) side by side, so a probe reads one cache line; slot -1 = empty. */
  private table = PfnIndex.emptyTable(1 << 12);
  /** 32 - log2(capacity): multiplicative hashing keeps the high bits. */
  private shift = 32 - 12;
  private mask = (1 << 12) - 1;
  size = 0;

  private static emptyTable(capacity: number): Float64Array {
    const t = new Float64Array(2 * capacity);
    for (let h = 1; h < t.length; h += 2) t[h] = -1;
    return t;
  }

  /** Slot of pfn, or -1 when it was never added. */
  get(pfn: number): number {
    const t = this.table;
    for (let h = this.home(pfn); ; h = (h + 1) & this.mask) {
      const s = t[2 * h + 1] as number;
      if (s === -1 || t[2 * h] === pfn) return s;
    }
  }

  /** Give pfn (not present: check with get first) the next slot, size - 1 afterwards. */
  add(pfn: number): number {
    if ((this.size + 1) * 2 > this.mask) this.grow();
    const slot = this.size++;
    this.place(pfn, slot);
    return slot;
  }

  private home(pfn: number): number {
    // Both 32-bit halves take part (pfns above 2^32 exist on huge machines).
    const mixed = (pfn >>> 0) ^ Math.imul((pfn / 4294967296) | 0, 0x85ebca6b);
    return Math.imul(mixed, 0x9e3779b1) >>> this.shift;
  }

  private place(pfn: number, slot: number): void {
    const t = this.table;
    let h = this.home(pfn);
    while (t[2 * h + 1] !== -1) h = (h + 1) & this.mask;
    t[2 * h] = pfn;
    t[2 * h + 1] = slot;
  }

  private grow(): void {
    const old = this.table;
    const capacity = old.length; // doubles: old.length / 2 entries -> old.length entries
    this.table = PfnIndex.emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift--;
    for (let h = 1; h < old.length; h += 2) if (old[h] !== -1) this.place(old[h - 1] as number, old[h] as number);
  }
}

/**
 * pfn -> page slot, for the lookup done on every event. A Map<number, …> with hundreds of
 * thousands of keys costs a hash and a chain walk (cache misses) per event; pfns of one
 * trace cluster in a few regions of physical memory, so a two-level table is faster: a
 * directory of fixed-size chunks of slots, and a one-entry cache of the last chunk because
 * consecutive events often touch nearby pfns.
 *
 * Memory follows the pages touched: a chunk (CHUNK_PFNS Int32 slots, 2 KB) exists only for
 * a region where some pfn was touched.
 */
const CHUNK_PFNS = 512;
const NO_SLOT = -1;

export class PfnIndex {
  private readonly chunks = new Map<number, Int32Array>();
  private lastChunkId = -1;
  private lastChunk: Int32Array | null = null;

  /** The slot of pfn, or -1 when the pfn was never added. */
  get(pfn: number): number {
    const id = Math.floor(pfn / CHUNK_PFNS);
    const chunk = id === this.lastChunkId ? this.lastChunk : this.chunkOf(id, false);
    return chunk === null ? NO_SLOT : (chunk[pfn - id * CHUNK_PFNS] as number);
  }

  set(pfn: number, slot: number): void {
    const id = Math.floor(pfn / CHUNK_PFNS);
    (this.chunkOf(id, true) as Int32Array)[pfn - id * CHUNK_PFNS] = slot;
  }

  private chunkOf(id: number, create: boolean): Int32Array | null {
    let chunk = this.chunks.get(id) ?? null;
    if (chunk === null && create) {
      chunk = new Int32Array(CHUNK_PFNS).fill(NO_SLOT);
      this.chunks.set(id, chunk);
    }
    if (chunk !== null) { this.lastChunkId = id; this.lastChunk = chunk; }
    return chunk;
  }
}

/**
 * Page lifecycles with the 6.1 refcount rules (shared/DOMAIN.md section 3, patterns checked
 * against guest captures): each is a generator that prints one event per step, so the
 * scheduler can interleave thousands of pages the way a real workload does. Every lifecycle
 * ends with its page back where it started (free in the buddy allocator, or an idle
 * device-private page at refcount 0), so a generated trace has no refcount error.
 */
import { Emitter, Page } from './emitter.js';
import type { Rng } from './rng.js';
import { GFP, IDLE_TASK, IRQ_FLAGS as IRQ, MEMORY, PAGE_FLAGS as F, TASKS, type Task } from './templates.js';

export type Lifecycle = Generator<void, void, void>;

/** Free pfns of one region; O(1) random take and give. */
export class PfnPool {
  /** pfns[0, free) are free, pfns[free, size) are in use. */
  private readonly pfns: Int32Array;
  /** Index of each pfn in `pfns`, by pfn - base. */
  private readonly position: Int32Array;
  private readonly base: number;
  private free: number;

  /** `ranges`: [first, endExclusive, step] (step 4 = order-2 blocks). */
  constructor(ranges: ReadonlyArray<readonly [number, number, number]>) {
    const all: number[] = [];
    for (const [first, end, step] of ranges) for (let p = first; p < end; p += step) all.push(p);
    this.pfns = Int32Array.from(all);
    this.base = Math.min(...ranges.map((r) => r[0]));
    this.position = new Int32Array(Math.max(...ranges.map((r) => r[1])) - this.base);
    this.pfns.forEach((pfn, i) => { this.position[pfn - this.base] = i; });
    this.free = all.length;
  }

  get size(): number { return this.pfns.length; }

  take(rng: Rng): number {
    if (this.free === 0) throw new Error('pfn pool exhausted: lower the concurrency');
    const pfn = this.pfns[rng.int(this.free)]!;
    this.swap(pfn, this.pfns[--this.free]!);
    return pfn;
  }

  /** A free pfn left in the pool (for speculative lookups of free pages). */
  peek(rng: Rng): number {
    return this.pfns[rng.int(this.free)]!;
  }

  give(pfn: number): void {
    if (this.position[pfn - this.base]! < this.free) throw new Error(`pfn 0x${pfn.toString(16)} returned twice`);
    this.swap(pfn, this.pfns[this.free++]!);
  }

  private swap(a: number, b: number): void {
    const ia = this.position[a - this.base]!;
    const ib = this.position[b - this.base]!;
    this.pfns[ia] = b;
    this.pfns[ib] = a;
    this.position[a - this.base] = ib;
    this.position[b - this.base] = ia;
  }
}

export interface World {
  out: Emitter;
  rng: Rng;
  /** Only kmem events are printed: every page must then enter through mm_page_alloc. */
  kmemOnly: boolean;
  order0: PfnPool;
  order2: PfnPool;
  device: PfnPool;
}

/** System RAM of the guest (iomem): below the pmem at 1 GB, and 4-5 GB; kernel image excluded. */
export function makeWorld(out: Emitter, rng: Rng, kmemOnly: boolean): World {
  return {
    out,
    rng,
    kmemOnly,
    order0: new PfnPool([[0x2200, 0x40000, 1], [MEMORY.order0Base, 0x140000, 1]]),
    order2: new PfnPool([[MEMORY.order2Base, 0x90000, 4]]),
    device: new PfnPool([[MEMORY.devicePrivateBase, MEMORY.devicePrivateBase + MEMORY.devicePrivatePages, 1]]),
  };
}

const task = (comm: string, pid?: number): Task => {
  const t = TASKS.find((x) => x.comm === comm && (pid === undefined || x.pid === pid));
  if (!t) throw new Error(`no task ${comm}`);
  return t;
};
const ANON_TASKS = [task('pagework', 60), task('pagework', 80), task('gup_test'), task('init')];
const CACHE_TASKS = [task('cat'), task('dd'), task('pagework', 60)];
const KERNEL_TASKS = [task('init'), task('pagework', 80), task('kworker/u4:0')];
const WRITEBACK = task('kworker/u4:0');
const HMM = task('hmm-tests');

/** anon_vma pointers have bit 0 set (PAGE_MAPPING_ANON); address_space pointers are 8-aligned. */
function mapping(rng: Rng, anon: boolean): string {
  return `ffff8880${((rng.next() & 0x0ffffff8) | (anon ? 1 : 0)).toString(16).padStart(8, '0')}`;
}

/** Anonymous page: fault-in, LRU batch, optional fork/pins/O_DIRECT, munmap. */
export function* anonPage(w: World): Lifecycle {
  const { out, rng } = w;
  const t = rng.pick(ANON_TASKS);
  const N = IRQ.normal;
  const p = new Page(w.order0.take(rng), 1);
  out.set(t, N, p, 1, F.none, 'allocSet'); yield; // post_alloc_hook before mm_page_alloc (6.1)
  out.alloc(t, N, p, 0, GFP.anon, 'alloc'); yield;
  p.mapping = mapping(rng, true);
  p.mapcount = 1;
  out.mod(t, N, p, 1, F.anonNew, 'lruAdd'); yield; // folio_add_lru_vma: the LRU batch ref
  out.put(t, N, p, 1, F.anonLru, 'lruDrain'); yield; // batch drained: the mapping's ref remains
  for (let uses = rng.int(4); uses > 0; uses--) {
    switch (rng.int(4)) {
      case 0: // fork: the child maps the page too, then exits
        p.mapcount++;
        out.mod(t, N, p, 1, F.anonActive, 'forkGet'); yield;
        p.mapcount--;
        out.put(t, N, p, 1, F.anonActive, 'exitPut'); yield;
        break;
      case 1: // io_uring IORING_REGISTER_BUFFERS: slow-path FOLL_PIN, one +GUP_PIN_COUNTING_BIAS
        out.mod(t, N, p, 1024, F.anonLru, 'pin'); yield;
        out.put(t, N, p, 1024, F.anonLru, 'unpin'); yield;
        break;
      case 2: // GUP-fast FOLL_PIN: try_get_folio(+1) then +1023
        out.tryGet(t, N, p, 1, F.anonLru, 'gupFast'); yield;
        out.mod(t, N, p, 1023, F.anonLru, 'pin'); yield;
        out.put(t, N, p, 1024, F.anonLru, 'unpin'); yield;
        break;
      default: // O_DIRECT FOLL_GET, released by the bio completion in hardirq on the idle task
        out.tryGet(t, N, p, 1, F.anonLru, 'gupFast'); yield;
        out.put(IDLE_TASK, IRQ.hardirq, p, 1, F.anonDirtyLru, 'dioComplete'); yield;
    }
  }
  p.mapcount = 0;
  out.put(t, N, p, 1, F.anonActive, 'unmapPut'); yield; // count 0, ret=1
  out.free(t, N, p, 0, 'unmapFree');
  if (rng.chance(0.5)) { yield; out.freeBatched(t, N, p, 'unmapFreeBatched'); } // both fire for a batched free
  w.order0.give(p.pfn);
}

/** Page-cache page: readahead, lookups, writeback, optional compaction migration, eviction. */
export function* pageCachePage(w: World): Lifecycle {
  const { out, rng } = w;
  const t = rng.pick(CACHE_TASKS);
  const N = IRQ.normal;
  let p = new Page(w.order0.take(rng), 1);
  out.set(t, N, p, 1, F.none, 'allocSet'); yield;
  out.alloc(t, N, p, 0, GFP.pagecache, 'alloc'); yield;
  p.mapping = mapping(rng, false);
  out.mod(t, N, p, 1, F.locked, 'cacheAdd'); yield; // folio_ref_add(folio, nr): the page cache's ref
  out.mod(t, N, p, 1, F.cacheLru, 'cacheLruAdd'); yield; // LRU batch
  out.put(t, N, p, 1, F.cacheLru, 'cacheLruDrain'); yield;
  out.put(t, N, p, 1, F.cacheLru, 'lookupPut'); yield; // the reader drops its ref: 1 left (page cache)
  for (let uses = rng.int(4); uses > 0; uses--) {
    if (rng.chance(0.7)) {
      out.tryGet(t, N, p, 1, F.cacheLru, 'lookup'); yield;
      out.put(t, N, p, 1, F.cacheLru, 'lookupPut'); yield;
    } else {
      out.mod(WRITEBACK, N, p, 1, F.cacheLockedWb, 'writebackGet'); yield;
      out.put(WRITEBACK, N, p, 1, F.cacheDirty, 'writebackPut'); yield;
    }
  }
  if (rng.chance(0.25)) p = yield* migrate(w, t, p);
  // drop_caches: lookup ref, freeze(expected 2), unfreeze to 1 without mapping, final put, free.
  out.tryGet(t, N, p, 1, F.cacheLru, 'lookup'); yield;
  out.freeze(t, IRQ.irqsOff, p, 2, F.cacheLru, 'evictFreeze'); yield;
  p.mapping = null;
  out.unfreeze(t, N, p, 1, F.cacheLru, 'evictUnfreeze'); yield;
  out.put(t, N, p, 1, F.cacheLru, 'lookupPut'); yield;
  out.free(t, N, p, 0, 'evictFree');
  if (rng.chance(0.5)) { yield; out.freeBatched(t, N, p, 'evictFreeBatched'); }
  w.order0.give(p.pfn);
}

/**
 * Migration of a page-cache page (mm/migrate.c folio_migrate_mapping, as in guest/compact):
 * isolate (+1), get a target, freeze the source at its expected count, move the cache ref to
 * the target, unfreeze the source to expected - nr, free the source, put back the target.
 * Returns the target, now the page. The target is a free page captured by compaction
 * (page_ref_set 1 and no mm_page_alloc: split_map_pages) or, as for NUMA / alloc_contig
 * migration, a normal allocation (alloc_migration_target). A kmem-only trace cannot show a
 * capture, so there every target is allocated.
 */
function* migrate(w: World, t: Task, src: Page): Generator<void, Page, void> {
  const { out, rng } = w;
  const D = IRQ.irqsOff;
  out.tryGet(t, D, src, 1, F.cacheLru, 'isolate'); yield;
  const dst = new Page(w.order0.take(rng), src.mt);
  if (w.kmemOnly || rng.chance(0.5)) {
    out.set(t, IRQ.normal, dst, 1, F.none, 'allocSet'); yield;
    out.alloc(t, IRQ.normal, dst, 0, GFP.pagecache, 'alloc'); yield;
  } else {
    out.set(t, IRQ.normal, dst, 1, F.none, 'compactCapture'); yield;
  }
  out.freeze(t, D, src, 2, F.cacheIsolated, 'migrateFreeze'); yield;
  dst.mapping = src.mapping;
  out.mod(t, D, dst, 1, F.locked, 'migrateAdd'); yield;
  out.unfreeze(t, D, src, 1, F.cacheIsolated, 'migrateUnfreeze'); yield;
  src.mapping = null;
  out.put(t, IRQ.normal, src, 1, F.cacheLru, 'migrateDone'); yield; // count 0, ret=1
  out.free(t, IRQ.normal, src, 0, 'migrateFree'); yield;
  w.order0.give(src.pfn);
  out.put(t, IRQ.normal, dst, 1, F.cacheLru, 'lookupPut'); yield; // putback: the cache ref remains
  return dst;
}

/** Kernel allocation (page tables, order-0 or an order-2 block), never mapped, freed by its owner. */
export function* kernelBlock(w: World): Lifecycle {
  const { out, rng } = w;
  const t = rng.pick(KERNEL_TASKS);
  const N = IRQ.normal;
  const order = rng.chance(0.3) ? 2 : 0;
  const pool = order === 2 ? w.order2 : w.order0;
  const p = new Page(pool.take(rng), 0);
  out.set(t, N, p, 1, F.none, 'kernelSet'); yield;
  out.alloc(t, N, p, order, GFP.kernel, 'kernelAlloc'); yield;
  out.put(t, N, p, 1, F.none, 'kernelPut'); yield;
  out.free(t, N, p, order, 'kernelFree');
  pool.give(p.pfn);
}

/**
 * Device-private page (test_hmm, 6.1: idle at refcount 0): zone_device_page_init sets 1,
 * migration to the device maps it (count 2 -> 1 with mapcount 1), CPU faults take and drop
 * refs, munmap's final put frees it to the driver at 0. ZONE_DEVICE has no mm_page_* events.
 */
export function* devicePrivatePage(w: World): Lifecycle {
  const { out, rng } = w;
  const N = IRQ.normal;
  const p = new Page(w.device.take(rng), 1);
  out.set(HMM, N, p, 1, F.deviceIdle, 'deviceInit'); yield;
  p.mapping = mapping(rng, true);
  out.mod(HMM, N, p, 1, F.deviceLocked, 'deviceMap'); yield;
  p.mapcount = 1;
  out.put(HMM, N, p, 1, F.deviceMapped, 'deviceFinalize'); yield;
  for (let faults = rng.int(3); faults > 0; faults--) {
    out.mod(HMM, N, p, 1, F.deviceMapped, 'deviceMap'); yield;
    out.put(HMM, N, p, 1, F.deviceMapped, 'deviceFinalize'); yield;
  }
  p.mapcount = 0;
  out.put(HMM, N, p, 1, F.deviceUnmapped, 'deviceFree'); // count 0, ret=1: back to the driver
  w.device.give(p.pfn);
}

/** dmirror_device_evict_chunk on close: a failed speculative get (ret=0) on an idle device page. */
export function* deviceEvictSweep(w: World): Lifecycle {
  const p = new Page(w.device.peek(w.rng), 1);
  w.out.tryGet(HMM, IRQ.normal, p, 1, F.deviceIdle, 'deviceEvict');
}

/** Mix of lifecycles (weights out of 100). */
const MIX: ReadonlyArray<readonly [number, (w: World) => Lifecycle]> = [
  [45, anonPage],
  [28, pageCachePage],
  [10, kernelBlock],
  [14, devicePrivatePage],
  [3, deviceEvictSweep],
];

export function startLifecycle(w: World): Lifecycle {
  let r = w.rng.int(100);
  for (const [weight, make] of MIX) {
    if (r < weight) return make(w);
    r -= weight;
  }
  return anonPage(w);
}

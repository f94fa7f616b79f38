/**
 * orphaned_reference [error]: references left on a page nobody can hold any more. The page's
 * whole life since allocation is in the trace; it had users (it was mapped, or pinned for
 * I/O, or handed out by a device driver) and they are gone (mapcount back to 0, pins
 * released), yet at the end of the trace the refcount is still above the page's idle value
 * and the page was never freed.
 *
 * A FOLL_PIN counts as a user that is gone when the pinned page was mapped and every mapping
 * is gone too: a pin is taken on a user buffer for I/O, and the buffer's owner unmapped it
 * (or exited) while the pin stayed: the missing unpin_user_page() pattern. (An io_uring or
 * RDMA registration may legitimately keep pinning a buffer its owner munmapped; the message
 * says so. Pins on pages still mapped, or never mapped, are left to long_term_pin.)
 *
 * A page whose users let go of it in a way the trace shows (PageState.letGo: migrated away,
 * given up by its movable owner, deleted from the page cache) needs no history before that:
 * nothing can find it any more, whenever it was allocated.
 *
 * Legitimate holders are excluded: the page cache and swap cache (a reference per page while
 * cached: filemap add without delete, a file mapping, the swapcache flag),
 * pages still mapped, frozen or isolated at the end, and short-lived holders (LRU and
 * per-CPU batches: a user page without PG_lru; I/O in flight) whose references are too
 * recent to call (held-since, not the last touch: see ORPHAN_QUIET_NS). Pages whose mapping= pointer is hashed are never reported: an anonymous
 * page cannot then be told from a shmem or page cache page.
 */
import { FLAG_LRU, FLAG_USER_PAGE, MAPPING } from '../model/model.js';
import { BUDDY, LET_GO, type PageState } from '../model/page.js';
import { describeHolders, hex, type Detector, type DetectorContext } from './types.js';

/**
 * References held for less than this at the end of the trace, or on a page whose last user
 * went away less than this before it, may still be dropped (LRU and per-CPU batches, I/O
 * completions, an io_uring ring torn down after its owner exited).
 */
export const ORPHAN_QUIET_NS = 50_000_000;

export function orphanLeftover(p: PageState, ctx: DetectorContext): number {
  if (!p.refKnown || ctx.model.isUncertain(p) || p.frozen) return 0;
  if (p.mapcount !== 0) return 0; // still mapped
  if (p.pins > 0 && (p.isDevice || p.maxMapcount === 0)) return 0; // a pin whose user we cannot see end
  // The references left must be old, and the page without a user, for long enough; a
  // balanced get and put on top of them (a driver's eviction scan) does not make them young.
  if (!(ctx.end.ts - p.heldSince >= ORPHAN_QUIET_NS)) return 0;
  if (p.isDevice) return deviceLeftover(p);
  if (p.letGo >= LET_GO.MIGRATED) return letGoLeftover(p);
  if (p.maxMapcount === 0) return 0; // never mapped: a kernel allocation may hold it forever
  if (p.buddy !== BUDDY.ALLOCATED || !p.allocSeen) return 0;
  if (p.inPageCache > 0 || p.fileBacked || p.swapCache) return 0;
  // With hashed pointers an anonymous page cannot be told from shmem/page cache: only a
  // real mapping pointer (anon, or none) proves no cache holds the reference.
  if (p.lastMappingKind !== MAPPING.ANON && p.lastMappingKind !== MAPPING.NONE) return 0;
  // An LRU page without PG_lru sits in a per-CPU LRU batch or is isolated: a transient holder.
  if ((p.lastFlagBits & FLAG_USER_PAGE) !== 0 && (p.lastFlagBits & FLAG_LRU) === 0) return 0;
  return p.ref;
}

/**
 * A page its users provably let go of, even if its allocation predates the trace (LET_GO): the
 * source page of a finished page-cache migration (its freeze succeeded, it was unfrozen and
 * then lost its mapping: the new page took its place in the cache), a non-LRU movable page
 * whose owner cleared its movable_ops (zsmalloc's reset_page after migrating it away or before
 * freeing it), or a page deleted from the page cache (truncation, eviction). Nothing can find
 * it any more; the last puts free it. References left on it were taken and not given back
 * (or, for a migration, given back too generously by the unfreeze).
 */
function letGoLeftover(p: PageState): number {
  if (p.buddy === BUDDY.FREE || p.pins > 0 || p.swapCache) return 0;
  return p.ref;
}

/**
 * Device-private/coherent pages are never in a page cache or on the LRU: once the driver has
 * handed one out and its mapping is gone, only the driver's release is left, and references
 * above the idle value are orphaned. fsdax/device-dax pages carry no mapcount before 6.15, so
 * their users' end is not visible: never reported.
 */
function deviceLeftover(p: PageState): number {
  if (p.device !== 'device_private' && p.device !== 'device_coherent') return 0;
  if (!p.deviceInUse) return 0;
  // Users: mapped, or given to a process (anon mapping); gone: the last event is a put that
  // left the page unmapped.
  if (p.maxMapcount === 0 && !p.anonSeen) return 0;
  if (p.lastDelta >= 0) return 0;
  return p.ref - p.deviceIdle;
}

/** What ended the page's users, as the trace shows it. */
function howItLostItsUsers(p: PageState): string {
  switch (p.letGo) {
    case LET_GO.MIGRATED: return 'was migrated away (its freeze succeeded, it was unfrozen and left the page cache)';
    case LET_GO.RELEASED: return 'was given up by its owner (a non-LRU movable page, zsmalloc or balloon, whose mapping= lost its movable_ops: __ClearPageMovable after a migration moved it, or before a free)';
    case LET_GO.REMOVED_FROM_CACHE: return 'was deleted from the page cache (mm_filemap_delete_from_page_cache: truncated or evicted)';
    default: return 'was mapped and unmapped';
  }
}

/** How long the references left were held with no user: why they are not about to be dropped. */
function heldFor(p: PageState, ctx: DetectorContext): string {
  return `nothing dropped them in the last ${formatMs(ctx.end.ts - p.heldSince)} of the trace, with no mapping of the page left`;
}

function formatMs(ns: number): string {
  const ms = ns / 1e6;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 10 ? 0 : 1)} ms`;
}

/** A device page's idle refcount, which the references left keep it from returning to. */
function deviceIdleNote(p: PageState): string {
  if (p.device === null) return '';
  return ` (a ${p.device} page is idle at refcount ${p.deviceIdle} on this kernel: once its last user is gone it drops to ${p.deviceIdle} and goes back to its driver's free pages)`;
}

export const orphanedReference: Detector = {
  kind: 'orphaned_reference',
  reset() {},
  finalize(ctx) {
    // Judge every page in slot order (sequential memory), report the few orphans in pfn order.
    const orphans: PageState[] = [];
    ctx.model.forEachPage((p) => { if (orphanLeftover(p, ctx) > 0) orphans.push(ctx.model.handleOf(p)); });
    orphans.sort((a, b) => a.pfn - b.pfn);
    for (const p of orphans) {
      const left = orphanLeftover(p, ctx);
      const pinLike = p.pins > 0
        ? ` (${p.pins} of them FOLL_PIN pin(s), 1024 units each, that outlived every mapping of the page: a missing unpin_user_page(), unless an io_uring/RDMA registration still holds the buffer)`
        : left >= 1024 ? ' (at least one looks like a GUP pin: 1024 units)' : '';
      ctx.reportAt({
        kind: 'orphaned_reference', severity: 'error',
        expected: `refcount ${p.device !== null ? p.deviceIdle : 0} once the last user is gone (or the page freed)`,
        observed: `refcount ${p.ref}, mapcount 0, never freed`,
        message: `pfn ${hex(p.pfn)} ${howItLostItsUsers(p)} but ${left} reference(s) stay on it to the end of the trace and it is never freed${pinLike}; ${heldFor(p, ctx)}${deviceIdleNote(p)}; unmatched: ${p.letGo === LET_GO.MIGRATED && p.holders.length === 0 ? 'no get since the page was unfrozen: page_ref_unfreeze gave back more references than the migration dropped afterwards' : describeHolders(p, ctx)}.`,
        reorderSensitive: false,
      }, { row: p.lastRow, line: p.lastLine, ts: p.lastTs, pid: p.lastPid, comm: ctx.commName(p.lastCommIndex), stackId: p.lastStackId }, p);
    }
  },
};

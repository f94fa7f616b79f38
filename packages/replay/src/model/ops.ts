/**
 * Event names -> operation codes of the model. Names come without the system prefix
 * (ingest strips it), but a `sys:` prefix is tolerated. Old kmem names (before v3.3) map to
 * their modern equivalents.
 */
export const OP = {
  OTHER: 0,
  REF_SET: 1,
  REF_MOD: 2,
  REF_MOD_TEST: 3,
  REF_MOD_RETURN: 4,
  REF_MOD_UNLESS: 5,
  REF_FREEZE: 6,
  REF_UNFREEZE: 7,
  ALLOC: 8,
  FREE: 9,
  FREE_BATCHED: 10,
  /** buddy <-> per-cpu list movement: the page stays free. */
  PCP_MOVE: 11,
  FILEMAP_ADD: 12,
  FILEMAP_DEL: 13,
  MIGRATE_PAGES: 14,
  /** compaction took free pages out of the buddy lists without mm_page_alloc. */
  ISOLATE_FREE: 15,
} as const;
export type Op = (typeof OP)[keyof typeof OP];

const BY_NAME: Record<string, Op> = {
  page_ref_set: OP.REF_SET,
  page_ref_mod: OP.REF_MOD,
  page_ref_mod_and_test: OP.REF_MOD_TEST,
  page_ref_mod_and_return: OP.REF_MOD_RETURN,
  page_ref_mod_unless: OP.REF_MOD_UNLESS,
  page_ref_freeze: OP.REF_FREEZE,
  page_ref_unfreeze: OP.REF_UNFREEZE,
  mm_page_alloc: OP.ALLOC,
  mm_page_free: OP.FREE,
  mm_page_free_direct: OP.FREE,
  mm_page_free_batched: OP.FREE_BATCHED,
  mm_pagevec_free: OP.FREE_BATCHED,
  mm_page_alloc_zone_locked: OP.PCP_MOVE,
  mm_page_pcpu_drain: OP.PCP_MOVE,
  mm_filemap_add_to_page_cache: OP.FILEMAP_ADD,
  mm_shmem_add_to_page_cache: OP.FILEMAP_ADD,
  mm_filemap_delete_from_page_cache: OP.FILEMAP_DEL,
  mm_migrate_pages: OP.MIGRATE_PAGES,
  mm_compaction_isolate_freepages: OP.ISOLATE_FREE,
  mm_compaction_fast_isolate_freepages: OP.ISOLATE_FREE,
};

export function opOfEventName(name: string): Op {
  const colon = name.lastIndexOf(':');
  return BY_NAME[colon >= 0 ? name.slice(colon + 1) : name] ?? OP.OTHER;
}

export const isPageRefOp = (op: Op): boolean => op >= OP.REF_SET && op <= OP.REF_UNFREEZE;

/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h, v5.7+): one FOLL_PIN on a small folio. */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** Operations that change or report a refcount (what most detectors look at). */
export const REF_OPS: readonly Op[] = [OP.REF_SET, OP.REF_MOD, OP.REF_MOD_TEST, OP.REF_MOD_RETURN, OP.REF_MOD_UNLESS, OP.REF_FREEZE, OP.REF_UNFREEZE];
export const FREE_OPS: readonly Op[] = [OP.FREE, OP.FREE_BATCHED];
export const OP_COUNT = 16;
/** Operations that allocate or free a page (buddy state changes). */
export const LIFE_OPS: readonly Op[] = [OP.REF_SET, OP.ALLOC, OP.FREE, OP.FREE_BATCHED];
/** Operations that allocate a page. */
export const ALLOC_OPS: readonly Op[] = [OP.REF_SET, OP.ALLOC];

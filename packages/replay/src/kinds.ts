/** Every anomaly kind with its default severity and a one-line meaning (the README "Anomaly kinds" has more). */
import type { Severity } from './types.js';

export interface AnomalyKindDoc { kind: string; severity: Severity; doc: string }

export const ANOMALY_KINDS: readonly AnomalyKindDoc[] = [
  { kind: 'refcount_underflow', severity: 'error', doc: 'a put took the refcount below zero (the printed count is negative)' },
  { kind: 'ref_on_free_page', severity: 'error', doc: 'a non-speculative get/put on a page that is in the buddy allocator' },
  { kind: 'free_with_references', severity: 'error', doc: 'mm_page_free of a page whose refcount is not zero' },
  { kind: 'double_free', severity: 'error', doc: 'mm_page_free of a page already free (warning without page_ref events)' },
  { kind: 'device_refcount_rule', severity: 'error', doc: 'ZONE_DEVICE refcount rules of the profile broken (put below idle, get on an idle page)' },
  { kind: 'pin_underflow', severity: 'error', doc: 'an unpin with no FOLL_PIN outstanding' },
  { kind: 'mapcount_exceeds_refcount', severity: 'warning', doc: 'more mappings than references (error for device pages when the profile requires map-time references)' },
  { kind: 'frozen_page_touched', severity: 'error', doc: 'a non-speculative refcount change while the page is frozen' },
  { kind: 'migration_blocked', severity: 'warning', doc: 'page_ref_freeze failed: count - val extra references blocked migration/split/reclaim' },
  { kind: 'count_discontinuity', severity: 'warning', doc: 'the printed count disagrees with the model (info near lost events); the model resyncs' },
  { kind: 'orphaned_reference', severity: 'error', doc: 'references left on a page whose users are gone; never freed' },
  { kind: 'long_term_pin', severity: 'info', doc: 'pins still outstanding at the end of the trace, grouped by site' },
  { kind: 'live_at_end', severity: 'info', doc: 'allocations not freed at the end of the trace, grouped by site (perf kmem --live)' },
];

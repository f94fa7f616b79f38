/** Public types of the replay stage (see index.ts for the API). */
export type Severity = 'error' | 'warning' | 'info';

export interface PfnRange { start: bigint; end: bigint }

export interface ReplayOptions {
  /** Profile name, or 'auto' (default). */
  profile?: string;
  /** Kernel version 'X.Y' -> the profile of that version. */
  kernel?: string;
  /** ZONE_DEVICE pfn ranges [start, end), in addition to the run's memory map. */
  devicePfns?: PfnRange[];
  /** Ordering tolerance in ns (default DEFAULT_REORDER_WINDOW_NS). */
  reorderWindowNs?: bigint;
  /** Ordering tolerance in events (default DEFAULT_REORDER_WINDOW_EVENTS). */
  reorderWindowEvents?: number;
}

export interface Anomaly {
  id: number;
  kind: string;
  severity: Severity;
  pfn: bigint | null;
  ts_ns: bigint;
  line: bigint;
  event_row: bigint;
  expected: string | null;
  observed: string | null;
  pid: number;
  comm: string;
  stack_id: number | null;
  message: string;
}

export interface ReplayHooks { onAnomaly?: (a: Anomaly) => void }

export interface ProfileChoice {
  name: string;
  description: string;
  /** How it was chosen: 'option --profile', 'option --kernel', 'meta.kernel', 'trace evidence', 'default'. */
  source: string;
  evidence: string[];
  /** Allocation event order: page_ref_set before mm_page_alloc (< 6.14) or after. */
  alloc_order: 'set-then-alloc' | 'alloc-then-set' | 'unknown';
  /** mapcount printed raw (-1 = unmapped, >= 6.10) or as page_mapcount(). */
  mapcount_raw: boolean;
}

export interface DeviceRangeReport { start_pfn: string; end_pfn: string; kind: string; idle_refcount: number; source: string; evidence?: string }

export interface ReplaySummary {
  schema_version: number;
  tool: string;
  profile: ProfileChoice;
  device_ranges: DeviceRangeReport[];
  reorder_window: { ns: string; events: number };
  totals: {
    anomalies: number;
    by_severity: Record<Severity, number>;
    by_kind: Record<string, { error: number; warning: number; info: number }>;
    /** Findings dropped because a reordering between CPUs within the window explains them. */
    suppressed_by_reordering: number;
  };
  events: number;
  page_ref_events: number;
  pages_touched: number;
  lost_event_markers: number;
  /** Page events whose pfn was unreadable (`pfn=zz`), treated like lost events. */
  unreadable_page_events: number;
  live_at_end: {
    allocations: number; pages: number; kb: number;
    /** Counted the way `perf kmem --page --live` counts (a free pairs with the pfn once, drops one allocation of the free's size). */
    perf_kmem: { allocations: number; kb: number }; by_site: Array<{ site: string; order: number; allocations: number; pages: number }> };
  long_term_pins: { pages: number; pins: number };
  /** core_events: events the replay core's loop replayed (the rest went through the JavaScript model; see wasm/replay-core.ts). */
  timings: { seconds: number; events_per_second: number; core_events: number };
}

/**
 * meta.json of a run directory: what was read, how, and where every line went.
 * The invariant `lines.lines_in === events + stack_lines + header_lines + markers + skipped`
 * always holds (asserted by tests and by the fuzz harness).
 */
export type Frontend = 'ftrace' | 'trace-cmd' | 'perf-script' | 'csv';

export interface FormatInfo {
  frontend: Frontend;
  /** Human-readable variant, e.g. "trace (header) tgid irq-info:5" or "perf script -g". */
  variant: string;
  /** ftrace/trace-cmd: number of irq-info/latency flag characters (0 = column absent). */
  flags_width?: number;
  has_tgid?: boolean;
  has_stacks?: boolean;
  latency_format?: boolean;
  /** trace-cmd: instance-name prefix seen on every line (e.g. "klabtc"). */
  instance?: string;
}

export interface ClockInfo {
  /** 'ns': seconds.fraction converted exactly to ns; 'counter': raw integer counter in ts_ns. */
  kind: 'ns' | 'counter';
  /** digits after the decimal point in the source (6 = usec, 9 = nsec); 0 for counters. */
  fraction_digits: number;
  /** trace_clock name when the trace says so (sidecar or header), else null. */
  name: string | null;
}

export interface SkipReason {
  count: number;
  /** First line numbers (up to 10) with this reason. */
  first_lines: number[];
}

export interface LineAccounting {
  lines_in: number;
  events: number;
  stack_lines: number;
  header_lines: number;
  markers: number;
  skipped: number;
  skipped_by_reason: Record<string, SkipReason>;
  /**
   * Events that were kept (counted in `events`) although a known field's value could not be
   * read (`pfn=zz`, `count=`): that column is NULL and the raw text is in `args`. By event
   * name, with the first line numbers. Replay cannot use such a field; this says where.
   */
  unreadable_fields?: Record<string, SkipReason>;
  /**
   * What stack_lines is made of (added by ingest; optional for older readers):
   * `<stack trace>`/`kernel_stack` entry lines, frame lines (` => `, `=> `, perf tab lines)
   * and the blank lines that end perf callchains.
   */
  stack_breakdown?: { entry_lines: number; frame_lines: number; callchain_end_lines: number };
}

export interface LostEventsMarker {
  cpu: number;
  line: number;
  /** null when the marker gives no count ("CPU:1 [LOST EVENTS]"). */
  count: number | null;
  kind: 'lost' | 'dropped' | 'buffer_started';
}

export interface DeviceRange {
  start_pfn: string; // hex string "0x..." (pfns can exceed 2^53 in principle; JSON-safe)
  end_pfn: string; // exclusive
  name: string;
  kind: 'fsdax' | 'device_private' | 'device_coherent' | 'device_generic' | 'p2pdma' | 'unknown';
  source: string;
}

export interface RunMeta {
  schema_version: number;
  tool: string;
  source: { path: string; size: number; sha256: string; compression: 'none' | 'gzip' | 'zstd' };
  format: FormatInfo;
  clock: ClockInfo;
  lines: LineAccounting;
  lost_events: LostEventsMarker[];
  event_counts: Record<string, number>;
  stacks: { count: number; frames_total: number };
  /** From the trace header when present. */
  header: { entries_in_buffer?: number; entries_written?: number; cpus?: number } | null;
  kernel: { release: string; source: string } | null;
  memory_map: { device_ranges: DeviceRange[]; source: string } | null;
  /** Sidecar of `pagetrace record` when found (verbatim subset). */
  sidecar: Record<string, unknown> | null;
  timings: { seconds: number; workers: number };
}

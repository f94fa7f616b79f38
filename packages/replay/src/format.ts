/** Text forms for the CLI: the replay summary, and option parsing with user-facing errors. */
import { PagetraceError } from '@pagetrace/ingest';
import { ANOMALY_KINDS } from './kinds.js';
import { parsePfnRange } from './model/device-ranges.js';
import type { PfnRange, ReplaySummary } from './types.js';

export function parseDevicePfns(values: readonly string[] | undefined): PfnRange[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.map((v) => {
    const r = parsePfnRange(v);
    if (r === null) throw new PagetraceError(`--device-pfns "${v}": expected START-END (pfns, hex with 0x or decimal, END exclusive and > START)`);
    return r;
  });
}

export function parseWindowNs(v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new PagetraceError(`--window-ns "${v}": expected a whole number of nanoseconds`);
  return BigInt(v);
}

export function formatReplaySummary(s: ReplaySummary, runDir: string): string {
  const lines: string[] = [];
  const sev = s.totals.by_severity;
  lines.push(`replay ${runDir}: ${s.events} events (${s.page_ref_events} page_ref), ${s.pages_touched} pages, ${(s.timings.events_per_second / 1e6).toFixed(2)} M events/s`);
  lines.push(`profile ${s.profile.name} (${s.profile.source}): ${s.profile.description}`);
  for (const e of s.profile.evidence) lines.push(`  evidence: ${e}`);
  lines.push(`  allocation order: ${s.profile.alloc_order}; mapcount ${s.profile.mapcount_raw ? 'raw (-1 = unmapped)' : 'page_mapcount()'}`);
  if (s.device_ranges.length === 0) lines.push('device ranges: none');
  for (const d of s.device_ranges) lines.push(`device range ${d.start_pfn}-${d.end_pfn} ${d.kind}, idle refcount ${d.idle_refcount} (${d.source})`);
  if (s.unreadable_page_events > 0) lines.push(`unreadable page events: ${s.unreadable_page_events} (pfn could not be read: treated like lost events)`);
  if (s.lost_event_markers > 0) lines.push(`lost-events markers: ${s.lost_event_markers} (pages touched before them are uncertain until resynchronised)`);
  lines.push(`anomalies: ${s.totals.anomalies} (errors ${sev.error}, warnings ${sev.warning}, info ${sev.info}); ${s.totals.suppressed_by_reordering} explained by reordering within ${s.reorder_window.ns} ns`);
  for (const k of ANOMALY_KINDS) {
    const t = s.totals.by_kind[k.kind];
    if (t === undefined) continue;
    lines.push(`  ${k.kind.padEnd(26)} error ${String(t.error).padStart(6)}  warning ${String(t.warning).padStart(6)}  info ${String(t.info).padStart(6)}`);
  }
  lines.push(`live at end: ${s.live_at_end.allocations} allocations on ${s.live_at_end.pages} pages (${s.live_at_end.kb} KB; perf kmem --live would say ${s.live_at_end.perf_kmem.allocations}, ${s.live_at_end.perf_kmem.kb} KB); pins outstanding: ${s.long_term_pins.pins} on ${s.long_term_pins.pages} pages`);
  return lines.join('\n');
}

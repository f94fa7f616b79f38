/** The short account of an ingest run that the CLI prints (text) or returns (--json). */
import type { RunMeta } from './meta-types.js';

export interface IngestSummary {
  out_dir: string;
  source: string;
  format: string;
  clock: string;
  events: number;
  event_kinds: number;
  lines: RunMeta['lines'];
  lines_accounted: boolean;
  lost_events: { markers: number; events_lost: number | null; cpus: number[] };
  skipped_by_reason: Record<string, number>;
  stacks: number;
  kernel: string | null;
  device_ranges: number;
  seconds: number;
}

export function ingestSummary(meta: RunMeta, outDir: string): IngestSummary {
  const l = meta.lines;
  const lost = meta.lost_events.filter((m) => m.kind !== 'buffer_started');
  const counts = lost.map((m) => m.count);
  return {
    out_dir: outDir,
    source: meta.source.path,
    format: `${meta.format.frontend} (${meta.format.variant})`,
    clock: meta.clock.kind === 'counter' ? 'counter (raw ticks)' : `ns (${meta.clock.fraction_digits} fraction digits)`,
    events: l.events,
    event_kinds: Object.keys(meta.event_counts).length,
    lines: l,
    lines_accounted: l.lines_in === l.events + l.stack_lines + l.header_lines + l.markers + l.skipped,
    lost_events: {
      markers: lost.length,
      events_lost: counts.includes(null) ? null : (counts as number[]).reduce((s, n) => s + n, 0),
      cpus: [...new Set(lost.map((m) => m.cpu))].sort((a, b) => a - b),
    },
    skipped_by_reason: Object.fromEntries(Object.entries(l.skipped_by_reason).map(([k, v]) => [k, v.count])),
    stacks: meta.stacks.count,
    kernel: meta.kernel?.release ?? null,
    device_ranges: meta.memory_map?.device_ranges.length ?? 0,
    seconds: meta.timings.seconds,
  };
}

export function formatIngestSummary(s: IngestSummary, meta: RunMeta): string {
  const l = s.lines;
  const out = [
    `ingested ${s.source} -> ${s.out_dir}`,
    `  format   ${s.format}, clock ${s.clock}`,
    `  events   ${s.events} (${s.event_kinds} kinds), ${s.stacks} unique stacks`,
    `  lines    ${l.lines_in} = ${l.events} events + ${l.stack_lines} stack + ${l.header_lines} header + ${l.markers} markers + ${l.skipped} skipped`,
  ];
  if (s.lost_events.markers > 0) {
    const n = s.lost_events.events_lost === null ? 'an unknown number of' : String(s.lost_events.events_lost);
    out.push(`  LOST     ${n} events in ${s.lost_events.markers} markers (CPU ${s.lost_events.cpus.join(', ')})`);
  } else out.push('  lost     none reported by the tracer');
  for (const [reason, r] of Object.entries(meta.lines.skipped_by_reason)) {
    out.push(`  skipped  ${r.count} x ${reason} (first at line ${r.first_lines.join(', ')})`);
  }
  for (const [event, r] of Object.entries(meta.lines.unreadable_fields ?? {})) {
    out.push(`  UNREAD   ${r.count} x ${event} with an unreadable field value, kept with that column NULL (first at line ${r.first_lines.join(', ')})`);
  }
  if (s.kernel !== null || s.device_ranges > 0) out.push(`  kernel   ${s.kernel ?? 'unknown'}, ${s.device_ranges} device memory ranges`);
  out.push(`  took     ${s.seconds.toFixed(2)} s`);
  return out.join('\n');
}

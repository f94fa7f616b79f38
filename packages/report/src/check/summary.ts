/** The short terminal summary of `pagetrace check` (trace text escaped for the terminal). */
import { escapeControl } from '../format/formats.js';
import type { CheckResult } from './check.js';

const SHOWN_ANOMALIES = 10;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatCheckSummary(r: CheckResult): string {
  const head = r.verdict === 'errors' ? 'ERRORS' : r.verdict === 'warnings' ? 'WARNINGS' : 'CLEAN';
  const dq = r.data_quality;
  const out = [
    `pagetrace check: ${head} — ${plural(r.counts.error, 'error')}, ${plural(r.counts.warning, 'warning')}, ${r.counts.info} info`,
    `  trace    ${escapeControl(r.input)} (${r.format.frontend}: ${escapeControl(r.format.variant)})`,
    `  lines    ${dq.lines_in} read, ${dq.events} events, ${dq.skipped_lines} skipped, ${plural(dq.lost_event_markers, 'lost-events marker')}` +
      (dq.lost_events ? ` (${dq.lost_events} events lost)` : ''),
  ];
  if (r.profile) out.push(`  profile  ${r.profile.name} (${escapeControl(r.profile.source)}${r.profile.evidence.length ? `: ${escapeControl(r.profile.evidence[0]!)}` : ''})`);
  if (r.by_kind.length) {
    out.push('  anomalies by kind:');
    for (const k of r.by_kind) out.push(`    ${k.severity.padEnd(8)}${k.kind.padEnd(28)}${String(k.count).padStart(7)}  on ${plural(k.pages, 'page')}`);
  }
  const shown = r.top_anomalies.slice(0, SHOWN_ANOMALIES);
  if (shown.length) {
    out.push(`  top anomalies:`);
    for (const a of shown) {
      out.push(`    ${a.severity.padEnd(8)}${a.kind} pfn ${a.pfn ?? '-'} line ${a.line} task ${escapeControl(a.comm)}[${a.pid}]: ${escapeControl(a.message)}`);
    }
    const total = r.counts.error + r.counts.warning + r.counts.info;
    if (total > shown.length) out.push(`    ... ${total - shown.length} more in the report`);
  }
  out.push(`  report   ${r.report}`);
  out.push(`  run      ${r.run_dir}   (SQL: pagetrace query ${r.run_dir} "SELECT * FROM anomalies")`);
  return out.join('\n') + '\n';
}

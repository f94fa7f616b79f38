/**
 * ZONE_DEVICE pfn ranges: from the run's memory map (iomem), from --device-pfns, or
 * inferred at the end of the trace. Lookups are a binary search over sorted ranges.
 */
import type { RunMeta } from '@pagetrace/ingest';
import type { PfnRange } from '../types.js';
import type { DeviceKind } from './profiles.js';

export interface DeviceRange { start: number; end: number; kind: DeviceKind; source: string }

export class DeviceRanges {
  private readonly ranges: DeviceRange[];

  constructor(ranges: DeviceRange[]) {
    this.ranges = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  }

  static from(meta: RunMeta, extra: readonly PfnRange[] | undefined): DeviceRanges {
    const out: DeviceRange[] = [];
    for (const r of meta.memory_map?.device_ranges ?? []) {
      out.push({ start: Number(BigInt(r.start_pfn)), end: Number(BigInt(r.end_pfn)), kind: r.kind, source: `${meta.memory_map?.source ?? 'memory map'}: ${r.name}` });
    }
    for (const r of extra ?? []) out.push({ start: Number(r.start), end: Number(r.end), kind: 'unknown', source: '--device-pfns' });
    return new DeviceRanges(out);
  }

  get list(): readonly DeviceRange[] { return this.ranges; }

  /** The range holding pfn, or null. */
  find(pfn: number): DeviceRange | null {
    let lo = 0;
    let hi = this.ranges.length - 1;
    let best: DeviceRange | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid] as DeviceRange;
      if (r.start <= pfn) { best = r; lo = mid + 1; } else hi = mid - 1;
    }
    if (best !== null && pfn < best.end) return best;
    // Overlapping ranges (a sub-range listed separately): fall back to a scan.
    for (const r of this.ranges) if (r.start <= pfn && pfn < r.end) return r;
    return null;
  }
}

/** Parse `START-END` (hex with 0x, or decimal; END exclusive) as given to --device-pfns. */
export function parsePfnRange(text: string): PfnRange | null {
  const m = /^\s*((?:0x)?[0-9a-fA-F]+)\s*-\s*((?:0x)?[0-9a-fA-F]+)\s*$/.exec(text);
  if (m === null) return null;
  const num = (s: string): bigint | null => (/^0x/i.test(s) ? BigInt(s) : /^\d+$/.test(s) ? BigInt(s) : null);
  const start = num(m[1] as string);
  const end = num(m[2] as string);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

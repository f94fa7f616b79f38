/**
 * Facts about the traced machine that the trace itself cannot carry: kernel release,
 * ZONE_DEVICE memory ranges (/proc/iomem) and zone spans (/proc/zoneinfo). Replay needs the
 * device ranges because no tracepoint field says that a pfn is ZONE_DEVICE memory.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import type { DeviceRange } from '../meta-types.js';
import { IOMEM_SOURCE, iomemAddressesHidden, parseIomemDeviceRanges } from '../iomem.js';

export { IOMEM_SOURCE, iomemAddressesHidden, parseIomemDeviceRanges };

export interface ZoneSpan {
  node: number;
  zone: string;
  start_pfn: string;
  /** exclusive: start_pfn + spanned */
  end_pfn: string;
  spanned: number;
  present: number;
  managed: number;
}

/** Zone spans from /proc/zoneinfo ("Node 0, zone   Normal" blocks with spanned/start_pfn). */
export function parseZoneinfo(text: string): ZoneSpan[] {
  const zones: ZoneSpan[] = [];
  const blocks = text.split(/^(?=Node\s+\d+,\s+zone\s+)/m);
  for (const block of blocks) {
    const head = /^Node\s+(\d+),\s+zone\s+(\S+)/.exec(block);
    if (head === null) continue;
    const num = (key: string): number | null => {
      const m = new RegExp(`^\\s+${key}:?\\s+(\\d+)\\s*$`, 'm').exec(block);
      return m === null ? null : Number(m[1]);
    };
    const start = num('start_pfn');
    const spanned = num('spanned');
    if (start === null || spanned === null) continue;
    zones.push({
      node: Number(head[1]),
      zone: head[2] as string,
      start_pfn: `0x${start.toString(16)}`,
      end_pfn: `0x${(start + spanned).toString(16)}`,
      spanned,
      present: num('present') ?? 0,
      managed: num('managed') ?? 0,
    });
  }
  return zones;
}

let pageSizeCache: number | null = null;

/** The kernel's page size (getconf, asked once), 4096 when it cannot be asked. */
export function systemPageSize(): number {
  if (pageSizeCache !== null) return pageSizeCache;
  let n = 4096;
  try {
    const v = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0) n = v;
  } catch {
    // keep 4096
  }
  pageSizeCache = n;
  return n;
}

export interface SystemSnapshot {
  uname_r: string;
  page_size: number;
  device_ranges: DeviceRange[];
  zones: ZoneSpan[];
  notes: string[];
}

async function readOrNote(path: string, notes: string[]): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    notes.push(`could not read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return '';
  }
}

/** Read this machine's release, device ranges and zones (never throws; problems become notes). */
export async function snapshotSystem(): Promise<SystemSnapshot> {
  const notes: string[] = [];
  const pageSize = systemPageSize();
  const iomem = await readOrNote(IOMEM_SOURCE, notes);
  const zoneinfo = await readOrNote('/proc/zoneinfo', notes);
  if (iomemAddressesHidden(iomem)) {
    notes.push('/proc/iomem addresses are hidden (not root): device ranges unknown');
  }
  return {
    uname_r: release(),
    page_size: pageSize,
    device_ranges: parseIomemDeviceRanges(iomem, pageSize),
    zones: parseZoneinfo(zoneinfo),
    notes,
  };
}

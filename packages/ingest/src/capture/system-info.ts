/**
 * Facts about the traced machine that the trace itself cannot carry: kernel release,
 * ZONE_DEVICE memory ranges (/proc/iomem) and zone spans (/proc/zoneinfo). Replay needs the
 * device ranges because no tracepoint field says that a pfn is ZONE_DEVICE memory.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import type { DeviceRange } from '../meta-types.js';

export const IOMEM_SOURCE = '/proc/iomem';

interface IomemEntry {
  depth: number;
  start: bigint;
  /** inclusive, as printed */
  end: bigint;
  name: string;
  children: IomemEntry[];
}

const IOMEM_LINE = /^(\s*)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.*)$/;

/** /proc/iomem as a tree: nesting is given by indentation (two spaces per level). */
function parseIomemTree(text: string): IomemEntry[] {
  const top: IomemEntry[] = [];
  const stack: IomemEntry[] = [];
  for (const line of text.split('\n')) {
    const m = IOMEM_LINE.exec(line);
    if (m === null) continue;
    const entry: IomemEntry = {
      depth: (m[1] as string).length,
      start: BigInt(`0x${m[2]}`),
      end: BigInt(`0x${m[3]}`),
      name: (m[4] as string).trim(),
      children: [],
    };
    while (stack.length > 0 && (stack[stack.length - 1] as IomemEntry).depth >= entry.depth) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent === undefined) top.push(entry);
    else parent.children.push(entry);
    stack.push(entry);
  }
  return top;
}

/**
 * Names that mark ZONE_DEVICE memory. Device-private memory is a free physical range the
 * driver reserved with request_free_mem_region(..., name): lib/test_hmm.c uses
 * "hmm_dmirror", nouveau "nouveau_dmem". Persistent memory (pmem, "Persistent Memory" and
 * "Persistent Memory (legacy)" for memmap=X!Y) has struct pages in ZONE_DEVICE when used
 * by fsdax; a namespace in devdax mode shows a "daxN.M" child (MEMORY_DEVICE_GENERIC).
 */
const DEVICE_PRIVATE_NAMES = /^(hmm_dmirror|nouveau_dmem)\b|device[ _-]?private/i;
const PMEM_NAMES = /^Persistent Memory\b/;
const DEVDAX_NAMES = /^dax\d+\.\d+$/;

function* walk(entries: IomemEntry[]): Generator<IomemEntry> {
  for (const e of entries) {
    yield e;
    yield* walk(e.children);
  }
}

function addressesHidden(all: IomemEntry[]): boolean {
  return all.length > 0 && all.every((e) => e.start === 0n && e.end === 0n);
}

/** True when /proc/iomem was read without CAP_SYS_ADMIN (every address printed as zero). */
export function iomemAddressesHidden(text: string): boolean {
  return addressesHidden([...walk(parseIomemTree(text))]);
}

function toRange(e: IomemEntry, kind: DeviceRange['kind'], pageShift: bigint): DeviceRange {
  return {
    start_pfn: `0x${(e.start >> pageShift).toString(16)}`,
    end_pfn: `0x${((e.end + 1n) >> pageShift).toString(16)}`,
    name: e.name,
    kind,
    source: IOMEM_SOURCE,
  };
}

/**
 * ZONE_DEVICE ranges of /proc/iomem, in address order. Returns [] when the addresses are
 * hidden (all zero: read without CAP_SYS_ADMIN).
 */
export function parseIomemDeviceRanges(text: string, pageSize = 4096): DeviceRange[] {
  const pageShift = BigInt(Math.log2(pageSize));
  const all = [...walk(parseIomemTree(text))];
  if (addressesHidden(all)) return [];
  const ranges: DeviceRange[] = [];
  for (const e of all) {
    if (DEVICE_PRIVATE_NAMES.test(e.name)) {
      ranges.push(toRange(e, 'device_private', pageShift));
    } else if (PMEM_NAMES.test(e.name)) {
      const devdax = [...walk(e.children)].filter((c) => DEVDAX_NAMES.test(c.name));
      // A devdax namespace is listed through its daxN.M child below; the rest is fsdax.
      if (devdax.length === 0) ranges.push(toRange(e, 'fsdax', pageShift));
    } else if (DEVDAX_NAMES.test(e.name)) {
      ranges.push(toRange(e, 'device_generic', pageShift));
    }
  }
  return ranges.sort((a, b) => (BigInt(a.start_pfn) < BigInt(b.start_pfn) ? -1 : BigInt(a.start_pfn) > BigInt(b.start_pfn) ? 1 : 0));
}

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

/**
 * /proc/iomem -> ZONE_DEVICE pfn ranges. One parser serves both `record` (reading the live
 * /proc/iomem) and `ingest` (reading an iomem.txt saved beside a trace): no tracepoint field
 * says that a pfn is device memory, so replay learns it from here.
 */
import type { DeviceRange } from './meta-types.js';

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

function toRange(e: IomemEntry, kind: DeviceRange['kind'], pageShift: bigint, source: string): DeviceRange {
  return {
    start_pfn: `0x${(e.start >> pageShift).toString(16)}`,
    end_pfn: `0x${((e.end + 1n) >> pageShift).toString(16)}`,
    name: e.name,
    kind,
    source,
  };
}

/**
 * ZONE_DEVICE ranges of /proc/iomem, in address order. Returns [] when the addresses are
 * hidden (all zero: read without CAP_SYS_ADMIN).
 */
export function parseIomemDeviceRanges(text: string, pageSize = 4096, source = IOMEM_SOURCE): DeviceRange[] {
  const pageShift = BigInt(Math.log2(pageSize));
  const all = [...walk(parseIomemTree(text))];
  if (addressesHidden(all)) return [];
  const ranges: DeviceRange[] = [];
  for (const e of all) {
    if (DEVICE_PRIVATE_NAMES.test(e.name)) {
      ranges.push(toRange(e, 'device_private', pageShift, source));
    } else if (PMEM_NAMES.test(e.name)) {
      const devdax = [...walk(e.children)].filter((c) => DEVDAX_NAMES.test(c.name));
      // A devdax namespace is listed through its daxN.M child below; the rest is fsdax.
      if (devdax.length === 0) ranges.push(toRange(e, 'fsdax', pageShift, source));
    } else if (DEVDAX_NAMES.test(e.name)) {
      ranges.push(toRange(e, 'device_generic', pageShift, source));
    }
  }
  return ranges.sort((a, b) => (BigInt(a.start_pfn) < BigInt(b.start_pfn) ? -1 : BigInt(a.start_pfn) > BigInt(b.start_pfn) ? 1 : 0));
}

/** What kind of ZONE_DEVICE memory a resource name denotes (used for sidecar ranges without a kind). */
export function kindOfResourceName(name: string): DeviceRange['kind'] {
  if (DEVICE_PRIVATE_NAMES.test(name)) return 'device_private';
  if (PMEM_NAMES.test(name)) return 'fsdax';
  if (DEVDAX_NAMES.test(name)) return 'device_generic';
  if (/coherent/i.test(name)) return 'device_coherent';
  if (/p2pdma/i.test(name)) return 'p2pdma';
  return 'unknown';
}

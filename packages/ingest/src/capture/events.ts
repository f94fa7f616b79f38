/**
 * Which tracepoints a capture enables: named presets (shared/DESIGN.md "Events modelled"),
 * user lists (`--events kmem:mm_page_alloc,migrate:*,page_ref`), and their resolution
 * against what this kernel actually has (events/<system>/<event>/ in tracefs).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PagetraceError } from '../errors.js';

export const PRESET_NAMES = ['refcount', 'alloc', 'migration', 'all'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const PAGE_ALLOC_FREE = ['kmem:mm_page_alloc', 'kmem:mm_page_free', 'kmem:mm_page_free_batched'];
const BUDDY_MOVES = ['kmem:mm_page_alloc_zone_locked', 'kmem:mm_page_pcpu_drain', 'kmem:mm_page_alloc_extfrag'];
const PAGE_CACHE = ['filemap:mm_filemap_add_to_page_cache', 'filemap:mm_filemap_delete_from_page_cache'];

/**
 * refcount: everything the replay model uses to follow a page's references — the page_ref
 * events themselves, allocation/free (a page's life), migration (references move to a new
 * pfn), page-cache add/delete (the cache's own reference) and fs_dax (DAX faults).
 * alloc: the page allocator alone (what `perf kmem --page` sees).
 * migration: why migration, compaction or CMA allocation failed (isolation, freeze results).
 */
export const PRESETS: Readonly<Record<PresetName, readonly string[]>> = {
  refcount: ['page_ref:*', ...PAGE_ALLOC_FREE, 'migrate:*', ...PAGE_CACHE, 'fs_dax:*'],
  alloc: [...PAGE_ALLOC_FREE, ...BUDDY_MOVES],
  migration: ['page_ref:*', ...PAGE_ALLOC_FREE, 'migrate:*', 'compaction:*', 'page_isolation:*', 'cma:*'],
  all: [
    'page_ref:*', ...PAGE_ALLOC_FREE, ...BUDDY_MOVES, 'migrate:*', 'compaction:*', 'page_isolation:*', 'cma:*',
    ...PAGE_CACHE, 'pagemap:*', 'huge_memory:*', 'fs_dax:*',
  ],
};

/** The kernel option a missing trace system needs, for the warning. */
const CONFIG_HINTS: Readonly<Record<string, string>> = {
  page_ref: 'CONFIG_DEBUG_PAGE_REF',
  fs_dax: 'CONFIG_FS_DAX',
  cma: 'CONFIG_CMA',
  page_isolation: 'CONFIG_MEMORY_ISOLATION',
  compaction: 'CONFIG_COMPACTION',
  migrate: 'CONFIG_MIGRATION',
  huge_memory: 'CONFIG_TRANSPARENT_HUGEPAGE',
};

export interface TraceEventRef {
  system: string;
  name: string;
}

export const eventId = (e: TraceEventRef): string => `${e.system}:${e.name}`;

const SPEC = /^([A-Za-z0-9_]+)(?::([A-Za-z0-9_]+|\*))?$/;

/** Split a `--events` value ("a:b, c:*  d") into validated specs; throws on a malformed one. */
export function parseEventList(list: string): string[] {
  const specs = list.split(/[\s,]+/).filter((s) => s !== '');
  for (const s of specs) {
    if (!SPEC.test(s)) throw new PagetraceError(`bad event "${s}" in --events (expected system:event, system:* or system)`);
  }
  return specs;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Event directories of one system (each has an `enable` file; the system's own files do not). */
async function eventsOfSystem(eventsDir: string, system: string): Promise<string[]> {
  const names = await readdir(join(eventsDir, system));
  const found: string[] = [];
  for (const n of names.sort()) if (await isDir(join(eventsDir, system, n))) found.push(n);
  return found;
}

export interface ResolvedEvents {
  enabled: TraceEventRef[];
  /** Specs this kernel lacks, as given ("page_ref:*", "kmem:no_such_event"). */
  missing: string[];
}

/** Expand specs against an events/ directory, keeping the first-seen order and no duplicates. */
export async function resolveEvents(eventsDir: string, specs: readonly string[]): Promise<ResolvedEvents> {
  const enabled: TraceEventRef[] = [];
  const seen = new Set<string>();
  const missing: string[] = [];
  const add = (system: string, name: string): void => {
    const id = `${system}:${name}`;
    if (!seen.has(id)) {
      seen.add(id);
      enabled.push({ system, name });
    }
  };
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (m === null) throw new PagetraceError(`bad event "${spec}" (expected system:event, system:* or system)`);
    const system = m[1] as string;
    const name = m[2] ?? '*';
    if (!(await isDir(join(eventsDir, system)))) {
      missing.push(spec);
    } else if (name === '*') {
      for (const n of await eventsOfSystem(eventsDir, system)) add(system, n);
    } else if (await isDir(join(eventsDir, system, name))) {
      add(system, name);
    } else {
      missing.push(spec);
    }
  }
  return { enabled, missing };
}

/** One warning line per missing spec, naming the kernel option that provides it when known. */
export function missingEventWarning(spec: string): string {
  const system = spec.split(':')[0] ?? spec;
  const hint = CONFIG_HINTS[system];
  return hint === undefined
    ? `event ${spec} does not exist on this kernel; not recorded`
    : `event ${spec} does not exist on this kernel (needs ${hint}); not recorded`;
}

/** True when the event's format has a field named exactly `pfn` (page_ref, kmem, filemap, ...). */
export function formatHasPfnField(formatText: string): boolean {
  return /^\s*field:[^;]*[\s*]pfn;/m.test(formatText);
}

export async function eventHasPfnField(eventsDir: string, e: TraceEventRef): Promise<boolean> {
  try {
    return formatHasPfnField(await readFile(join(eventsDir, e.system, e.name, 'format'), 'utf8'));
  } catch {
    return false;
  }
}

export interface PfnRange {
  start: bigint;
  /** exclusive */
  end: bigint;
}

const PFN_NUMBER = /^(0x[0-9a-fA-F]+|[0-9]+)$/;

/** Parse `--pfn START-END` (hex with 0x or decimal; END exclusive). */
export function parsePfnRange(text: string): PfnRange {
  const parts = text.split('-');
  const [a, b] = parts;
  if (parts.length !== 2 || a === undefined || b === undefined || !PFN_NUMBER.test(a) || !PFN_NUMBER.test(b)) {
    throw new PagetraceError(`bad --pfn "${text}" (expected START-END, e.g. 0x40000-0x50000; END is exclusive)`);
  }
  const range = { start: BigInt(a), end: BigInt(b) };
  if (range.end <= range.start) throw new PagetraceError(`bad --pfn "${text}": END must be greater than START`);
  return range;
}

/** The ftrace event filter for a pfn range (the filter parser accepts 0x numbers). */
export function pfnFilterExpression(r: PfnRange): string {
  return `pfn >= 0x${r.start.toString(16)} && pfn < 0x${r.end.toString(16)}`;
}

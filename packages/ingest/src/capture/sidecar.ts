/**
 * `<trace>.record.json`: what `pagetrace record` knew about the capture that the trace
 * text cannot say (kernel release, device memory ranges, zones, buffer losses, options).
 * ingest reads it into meta.json, so replay needs no flags for kernel version or devices.
 */
import { readFile } from 'node:fs/promises';
import type { DeviceRange } from '../meta-types.js';
import { PagetraceError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { PresetName } from './events.js';
import type { CpuBufferStats } from './instance.js';
import type { ZoneSpan } from './system-info.js';

export const SIDECAR_SUFFIX = '.record.json';
export const SIDECAR_SCHEMA_VERSION = 1;

export const sidecarPathFor = (tracePath: string): string => `${tracePath}${SIDECAR_SUFFIX}`;

export interface RecordSidecar {
  schema_version: number;
  tool: string;
  /** `uname -r` of the traced kernel. */
  uname_r: string;
  options: {
    preset: PresetName | null;
    events: string[];
    stacktrace: boolean;
    /** `--pfn`, END exclusive; applied as a filter on every event that has a pfn field. */
    pfn: { start_pfn: string; end_pfn: string } | null;
    buffer_kb: number;
  };
  tracefs: { root: string; instance: string; mounted_by_record: boolean };
  trace_clock: string;
  events: {
    requested: string[];
    enabled: string[];
    /** requested specs this kernel lacks (e.g. page_ref:* without CONFIG_DEBUG_PAGE_REF) */
    missing: string[];
    /** events that got the pfn filter */
    pfn_filtered: string[];
  };
  /** per_cpu/cpuN/stats after the drain; overrun/dropped > 0 means events were lost. */
  per_cpu: CpuBufferStats[];
  lost: { overrun: number; commit_overrun: number; dropped_events: number; total: number };
  page_size: number;
  device_ranges: DeviceRange[];
  zones: ZoneSpan[];
  command: string[];
  exit: {
    /** record's own exit status: the command's status, 128+N when it died of signal N */
    code: number;
    signal: string | null;
    /** the signal (SIGINT/SIGTERM/SIGHUP) that interrupted record, if any */
    interrupted_by: string | null;
  };
  start_time: string;
  end_time: string;
  duration_s: number;
  trace: { file: string; bytes: number };
  notes: string[];
}

export async function writeSidecar(tracePath: string, sidecar: RecordSidecar): Promise<void> {
  await writeFileAtomic(sidecarPathFor(tracePath), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/**
 * The sidecar next to a trace, or null when there is none. A sidecar that exists but is not
 * valid JSON is an error (it would silently lose the device ranges).
 */
export async function readSidecar(tracePath: string): Promise<RecordSidecar | null> {
  const path = sidecarPathFor(tracePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PagetraceError(`cannot read: ${(e as Error).message}`, { file: path });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || typeof (value as RecordSidecar).uname_r !== 'string') {
      throw new Error('not a pagetrace record sidecar (no uname_r)');
    }
    return value as RecordSidecar;
  } catch (e) {
    throw new PagetraceError(`bad sidecar: ${(e as Error).message}`, { file: path });
  }
}

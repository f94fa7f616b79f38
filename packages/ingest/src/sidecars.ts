/**
 * Facts about the traced machine found beside the trace: `FILE.record.json` (written by
 * `pagetrace record -o FILE`; also found for FILE.gz / FILE.zst), `uname.txt` (kernel
 * release) and `iomem.txt` (/proc/iomem: device memory ranges -> pfn ranges).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PagetraceError } from './errors.js';
import type { DeviceRange, RunMeta } from './meta-types.js';
import { kindOfResourceName, parseIomemDeviceRanges } from './iomem.js';

export interface Sidecars {
  kernel: RunMeta['kernel'];
  memory_map: RunMeta['memory_map'];
  sidecar: RunMeta['sidecar'];
}

async function readIfExists(path: string): Promise<string | null> {
  try { return await readFile(path, 'utf8'); } catch { return null; }
}

export function recordSidecarCandidates(tracePath: string): string[] {
  const out = [`${tracePath}.record.json`];
  const stripped = tracePath.replace(/\.(gz|zst)$/, '');
  if (stripped !== tracePath) out.push(`${stripped}.record.json`);
  return out;
}

export async function findSidecars(tracePath: string): Promise<Sidecars> {
  const result: Sidecars = { kernel: null, memory_map: null, sidecar: null };
  if (tracePath === '-') return result;
  for (const p of recordSidecarCandidates(tracePath)) {
    const text = await readIfExists(p);
    if (text === null) continue;
    applyRecordSidecar(text, p, result);
    break;
  }
  const dir = dirname(tracePath);
  if (result.kernel === null) {
    const p = join(dir, 'uname.txt');
    const text = await readIfExists(p);
    const release = text === null ? null : releaseFromUname(text);
    if (release !== null) result.kernel = { release, source: p };
  }
  if (result.memory_map === null) {
    const p = join(dir, 'iomem.txt');
    const text = await readIfExists(p);
    if (text !== null) result.memory_map = { device_ranges: parseIomemDeviceRanges(text, 4096, basename(p)), source: p };
  }
  return result;
}

function applyRecordSidecar(text: string, path: string, out: Sidecars): void {
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) {
    throw new PagetraceError(`record sidecar is not valid JSON (${(e as Error).message})`, { file: path });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PagetraceError('record sidecar must be a JSON object', { file: path });
  }
  const o = json as Record<string, unknown>;
  out.sidecar = o;
  if (typeof o.uname_r === 'string' && o.uname_r.length > 0) out.kernel = { release: o.uname_r, source: path };
  if (Array.isArray(o.device_ranges)) {
    out.memory_map = { device_ranges: o.device_ranges.map((r, i) => sidecarRange(r, path, i)), source: path };
  }
}

function sidecarRange(r: unknown, path: string, i: number): DeviceRange {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const num = (v: unknown): bigint => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return BigInt(v);
    throw new PagetraceError(`device_ranges[${i}]: start_pfn/end_pfn must be numbers or "0x" strings`, { file: path });
  };
  const name = typeof o.name === 'string' ? o.name : '';
  const kind = typeof o.kind === 'string' && KINDS.has(o.kind as DeviceRange['kind']) ? o.kind as DeviceRange['kind'] : kindOfResourceName(name);
  return { start_pfn: hex(num(o.start_pfn)), end_pfn: hex(num(o.end_pfn)), name, kind, source: basename(path) };
}

const KINDS = new Set<DeviceRange['kind']>(['fsdax', 'device_private', 'device_coherent', 'device_generic', 'p2pdma', 'unknown']);

export function releaseFromUname(text: string): string | null {
  const line = text.split('\n').find((l) => l.trim().length > 0)?.trim();
  if (line === undefined) return null;
  const m = /^Linux\s+\S+\s+(\S+)/.exec(line); // `uname -a`
  if (m !== null) return m[1] as string;
  return line.split(/\s+/)[0] ?? null; // `uname -r`
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

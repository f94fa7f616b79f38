/**
 * Kernel semantics by version (shared/DOMAIN.md §3.6, §3.1): which refcount a ZONE_DEVICE
 * page idles at, whether fsdax takes references at map time, and the allocation event order.
 */
import { PagetraceError, type RunMeta } from '@pagetrace/ingest';
import type { ProfileChoice } from '../types.js';

export type DeviceKind = 'fsdax' | 'device_private' | 'device_coherent' | 'device_generic' | 'p2pdma' | 'unknown';

export interface Profile {
  name: string;
  description: string;
  /** Versions [min, max) as X*1000+Y. */
  minVersion: number;
  maxVersion: number;
  /** Refcount of an idle (free) ZONE_DEVICE page of this kind. */
  deviceIdle(kind: DeviceKind): 0 | 1;
  /** Device pages are referenced at map time (a mapping without a reference is a bug). */
  deviceMapRefs: boolean;
}

export const PROFILES: readonly Profile[] = [
  {
    name: 'legacy-devmap',
    description: 'before 5.18: every ZONE_DEVICE page idles at refcount 1 (put_devmap_managed_page frees at 1)',
    minVersion: 0, maxVersion: 5018,
    deviceIdle: () => 1,
    deviceMapRefs: false,
  },
  {
    name: 'fsdax-idle-one',
    description: '5.18 to 6.14: device-private/coherent/generic/p2pdma pages idle at 0, fsdax pages idle at 1 and take no map-time references',
    minVersion: 5018, maxVersion: 6015,
    deviceIdle: (kind) => (kind === 'fsdax' ? 1 : 0),
    deviceMapRefs: false,
  },
  {
    name: 'refcounted-devmap',
    description: '6.15 and later: every ZONE_DEVICE page idles at 0 and is referenced at map time like normal memory',
    minVersion: 6015, maxVersion: Number.MAX_SAFE_INTEGER,
    deviceIdle: () => 0,
    deviceMapRefs: true,
  },
];

export function parseKernelVersion(text: string): number | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  if (m === null) return null;
  return Number(m[1]) * 1000 + Number(m[2]);
}

export function profileForVersion(v: number): Profile {
  const p = PROFILES.find((q) => v >= q.minVersion && v < q.maxVersion);
  return p ?? (PROFILES[PROFILES.length - 1] as Profile);
}

export function profileByName(name: string): Profile {
  const p = PROFILES.find((q) => q.name === name);
  if (p === undefined) throw new PagetraceError(`unknown profile "${name}" (known: ${PROFILES.map((q) => q.name).join(', ')}, auto)`);
  return p;
}

/** Evidence gathered from the first events of a trace (see inferFromEvents in processor). */
export interface TraceEvidence {
  setBeforeAlloc: number;
  setAfterAlloc: number;
  rawMapcountSeen: boolean;
  deviceFreedAtZero: number;
  deviceIdleAtOne: number;
}

export interface ChosenProfile { profile: Profile; choice: ProfileChoice }

/** The kernel release from meta (uname sidecar) or the record sidecar, when known. */
export function kernelReleaseOf(meta: RunMeta): { release: string; source: string } | null {
  if (meta.kernel !== null && meta.kernel.release) return meta.kernel;
  const s = meta.sidecar;
  if (s !== null) {
    for (const key of ['uname', 'uname_r', 'kernel', 'release']) {
      const v = s[key];
      if (typeof v === 'string' && parseKernelVersion(v) !== null) return { release: v, source: `sidecar.${key}` };
    }
  }
  return null;
}

export function chooseProfile(meta: RunMeta, opts: { profile?: string; kernel?: string }, ev: TraceEvidence | null): ChosenProfile {
  const evidence: string[] = [];
  const orderEvidence: string[] = [];
  const allocOrder = allocOrderFrom(ev, orderEvidence);
  let version: number | null = null;
  let profile: Profile;
  let source: string;
  if (opts.profile !== undefined && opts.profile !== 'auto') {
    profile = profileByName(opts.profile);
    source = 'option --profile';
  } else if (opts.kernel !== undefined) {
    version = parseKernelVersion(opts.kernel);
    if (version === null) throw new PagetraceError(`--kernel "${opts.kernel}": expected X.Y, e.g. 6.1`);
    profile = profileForVersion(version);
    source = 'option --kernel';
    evidence.push(`--kernel ${opts.kernel}`);
  } else {
    const rel = kernelReleaseOf(meta);
    version = rel === null ? null : parseKernelVersion(rel.release);
    if (rel !== null && version !== null) {
      profile = profileForVersion(version);
      source = rel.source;
      evidence.push(`kernel release ${rel.release} (from ${rel.source})`);
    } else {
      ({ profile, source } = profileFromEvidence(ev, allocOrder, evidence));
    }
  }
  evidence.push(...orderEvidence);
  // The kernel's version decides; a printed -1 only where it is unknown. Before 6.10 the
  // tracepoints print page_mapcount(), which is -1 only for a corrupted _mapcount (a bug the
  // trace is likely being read for), so it must not switch the whole trace's convention.
  const mapcountRaw = version !== null ? version >= 6010 : (ev?.rawMapcountSeen ?? false);
  if (ev?.rawMapcountSeen) {
    evidence.push(version === null || version >= 6010
      ? 'a page_ref mapcount of -1 was printed: raw _mapcount (6.10+)'
      : 'a page_ref mapcount of -1 was printed, which page_mapcount() of this kernel returns only for a corrupted _mapcount');
  }
  const order: ProfileChoice['alloc_order'] = allocOrder !== 'unknown' ? allocOrder
    : version === null ? 'unknown' : version >= 6014 ? 'alloc-then-set' : 'set-then-alloc';
  return {
    profile,
    choice: { name: profile.name, description: profile.description, source, evidence, alloc_order: order, mapcount_raw: mapcountRaw },
  };
}

function allocOrderFrom(ev: TraceEvidence | null, evidence: string[]): ProfileChoice['alloc_order'] {
  if (ev === null) return 'unknown';
  if (ev.setBeforeAlloc === 0 && ev.setAfterAlloc === 0) return 'unknown';
  evidence.push(`page_ref_set val=1 right before mm_page_alloc of the same pfn: ${ev.setBeforeAlloc}; right after: ${ev.setAfterAlloc}`);
  return ev.setBeforeAlloc >= ev.setAfterAlloc ? 'set-then-alloc' : 'alloc-then-set';
}

function profileFromEvidence(ev: TraceEvidence | null, allocOrder: ProfileChoice['alloc_order'], evidence: string[]): { profile: Profile; source: string } {
  if (ev !== null && ev.deviceFreedAtZero > 0) {
    evidence.push(`${ev.deviceFreedAtZero} device pages released to refcount 0 (5.18+ rule)`);
    if (allocOrder === 'alloc-then-set') {
      evidence.push('frozen-page allocator order (6.14+): assuming the newest profile');
      return { profile: profileByName('refcounted-devmap'), source: 'trace evidence' };
    }
    return { profile: profileByName('fsdax-idle-one'), source: 'trace evidence' };
  }
  if (allocOrder === 'alloc-then-set') {
    evidence.push('frozen-page allocator order (6.14+): assuming the newest profile');
    return { profile: profileByName('refcounted-devmap'), source: 'trace evidence' };
  }
  if (allocOrder === 'set-then-alloc') {
    evidence.push('no kernel release; page_ref_set before mm_page_alloc means a kernel before 6.14: assuming the 5.18-6.14 rules (use --kernel for older kernels)');
    return { profile: profileByName('fsdax-idle-one'), source: 'trace evidence' };
  }
  evidence.push('no kernel release and no decisive trace evidence: the 5.18-6.14 rules are the default');
  return { profile: profileByName('fsdax-idle-one'), source: 'default' };
}

/**
 * Where time goes: self time per function over every .cpuprofile in a directory (node
 * --cpu-prof writes one for the main thread and one per worker thread), as a share of all
 * busy sampled time, plus each thread's busy and idle time — a main thread that is busy
 * while the workers idle is the serial part that caps the speed-up from more workers.
 * Used by `pnpm bench --profile` to diagnose an ingest below its target.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileEntry {
  percent: number;
  fn: string;
  where: string;
}

export interface ThreadEntry {
  /** Profile file: `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`; thread 0 is the main thread. */
  file: string;
  busySeconds: number;
  idleSeconds: number;
}

export interface ProfileSummary {
  top: ProfileEntry[];
  threads: ThreadEntry[];
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

function location(frame: CpuProfile['nodes'][number]['callFrame']): string {
  return frame.url ? `${frame.url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/')}:${frame.lineNumber + 1}` : '(native)';
}

export function summarizeProfiles(dir: string, top: number): ProfileSummary {
  const selfTime = new Map<string, { fn: string; where: string; micros: number }>();
  const threads: ThreadEntry[] = [];
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort(); } catch { return { top: [], threads: [] }; }
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let busy = 0;
    let idle = 0;
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id);
      const dt = profile.timeDeltas[i] ?? 0;
      if (!frame) return;
      if (frame.functionName === '(idle)') { idle += dt; return; } // a thread waiting is not time spent
      busy += dt;
      const fn = frame.functionName || '(anonymous)';
      const where = location(frame);
      const key = `${fn}@${where}`;
      const e = selfTime.get(key) ?? { fn, where, micros: 0 };
      e.micros += dt;
      selfTime.set(key, e);
    });
    total += busy;
    threads.push({ file, busySeconds: busy / 1e6, idleSeconds: idle / 1e6 });
  }
  const entries = [...selfTime.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, top)
    .map((e) => ({ percent: total === 0 ? 0 : (100 * e.micros) / total, fn: e.fn, where: e.where }));
  return { top: entries, threads };
}

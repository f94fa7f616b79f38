/**
 * A private tracefs instance (instances/pagetrace-<pid>): its own ring buffer, events,
 * filters and options, so a capture never touches the top-level buffer or another tool's
 * instance. Removing the directory frees the buffer and every setting with it.
 */
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PagetraceError } from '../errors.js';
import { eventId, type TraceEventRef } from './events.js';

export const INSTANCE_PREFIX = 'pagetrace-';
const INSTANCE_NAME = /^pagetrace-(\d+)(?:-\d+)?$/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface CpuBufferStats {
  cpu: number;
  entries: number;
  overrun: number;
  commit_overrun: number;
  bytes: number;
  dropped_events: number;
  read_events: number;
}

/** Parse per_cpu/cpuN/stats ("entries: 0", "commit overrun: 0", "oldest event ts: 1.2", ...). */
export function parseCpuStats(cpu: number, text: string): CpuBufferStats {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z ]+):\s*([0-9.]+)\s*$/.exec(line);
    if (m) values.set((m[1] as string).trim().replace(/ /g, '_'), Number(m[2]));
  }
  const get = (k: string): number => values.get(k) ?? 0;
  return {
    cpu,
    entries: get('entries'),
    overrun: get('overrun'),
    commit_overrun: get('commit_overrun'),
    bytes: get('bytes'),
    dropped_events: get('dropped_events'),
    read_events: get('read_events'),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export class TraceInstance {
  private constructor(
    readonly root: string,
    readonly name: string,
    readonly dir: string,
  ) {}

  /** mkdir instances/pagetrace-<pid> (or -<pid>-N when this process already has one). */
  static async create(root: string, pid: number = process.pid): Promise<TraceInstance> {
    for (let n = 0; n < 100; n++) {
      const name = n === 0 ? `${INSTANCE_PREFIX}${pid}` : `${INSTANCE_PREFIX}${pid}-${n}`;
      const dir = join(root, 'instances', name);
      try {
        await mkdir(dir);
        return new TraceInstance(root, name, dir);
      } catch (e) {
        if (errnoOf(e) !== 'EEXIST') throw new PagetraceError(`cannot create tracefs instance ${dir}: ${errnoOf(e)}`);
      }
    }
    throw new PagetraceError(`cannot create a tracefs instance under ${join(root, 'instances')}: too many pagetrace-${pid} instances`);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async write(file: string, value: string): Promise<void> {
    try {
      await writeFile(this.path(file), value);
    } catch (e) {
      throw new PagetraceError(`cannot write "${value.trim()}" to ${this.path(file)}: ${errnoOf(e)}`);
    }
  }

  async read(file: string): Promise<string> {
    return readFile(this.path(file), 'utf8');
  }

  async setTracing(on: boolean): Promise<void> {
    await this.write('tracing_on', on ? '1' : '0');
  }

  async setBufferKb(kb: number): Promise<void> {
    await this.write('buffer_size_kb', String(kb));
  }

  /** Set an options/<name> flag; false when this kernel has no such option in instances. */
  async setOption(name: string, on: boolean): Promise<boolean> {
    try {
      await writeFile(this.path('options', name), on ? '1' : '0');
      return true;
    } catch {
      return false;
    }
  }

  async enableEvent(e: TraceEventRef): Promise<void> {
    await this.write(join('events', e.system, e.name, 'enable'), '1');
  }

  /** Apply a filter; returns the kernel's complaint (from the filter file) instead of throwing. */
  async setEventFilter(e: TraceEventRef, expr: string): Promise<string | null> {
    const file = this.path('events', e.system, e.name, 'filter');
    try {
      await writeFile(file, expr);
      return null;
    } catch (err) {
      return `filter "${expr}" rejected for ${eventId(e)}: ${errnoOf(err)}`;
    }
  }

  /** Write a line into this instance's buffer (appears as `tracing_mark_write: <text>`). */
  async mark(text: string): Promise<void> {
    // The kernel caps a marker at about 4 KB; keep it to one short line.
    await this.write('trace_marker', text.replace(/\n/g, ' ').slice(0, 1000));
  }

  /** The clock in use: the bracketed name of trace_clock ("[local] global counter ..."). */
  async traceClock(): Promise<string> {
    const text = await this.read('trace_clock');
    return /\[([^\]]+)\]/.exec(text)?.[1] ?? text.trim();
  }

  async perCpuStats(): Promise<CpuBufferStats[]> {
    const cpus = (await readdir(this.path('per_cpu')))
      .map((n) => /^cpu(\d+)$/.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const stats: CpuBufferStats[] = [];
    for (const cpu of cpus) stats.push(parseCpuStats(cpu, await this.read(join('per_cpu', `cpu${cpu}`, 'stats'))));
    return stats;
  }

  /**
   * Stop, disable every event and remove the directory. rmdir fails with EBUSY while a file
   * of the instance is open (a reader still closing, a user's `cat trace_pipe`): retry briefly.
   */
  async remove(): Promise<void> {
    await writeFile(this.path('tracing_on'), '0').catch(() => undefined);
    await writeFile(this.path('events', 'enable'), '0').catch(() => undefined);
    // record-tgid turns on a global tgid map; not every kernel clears it when the instance goes.
    for (const option of ['record-tgid', 'stacktrace']) await this.setOption(option, false);
    let last: unknown;
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await rmdir(this.dir);
        return;
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return;
        last = e;
        if (errnoOf(e) !== 'EBUSY') break;
        await sleep(50);
      }
    }
    throw new PagetraceError(`cannot remove tracefs instance ${this.dir}: ${errnoOf(last)} (remove it with: rmdir ${this.dir})`);
  }
}

/**
 * Remove instances left by pagetrace processes that no longer exist (a SIGKILLed record):
 * only names pagetrace-<pid> whose pid is dead, never another tool's instance.
 */
export async function removeStaleInstances(root: string, onNotice?: (msg: string) => void): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(root, 'instances'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = INSTANCE_NAME.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    const dir = join(root, 'instances', name);
    try {
      await writeFile(join(dir, 'tracing_on'), '0').catch(() => undefined);
      await rmdir(dir);
      removed.push(name);
      onNotice?.(`removed stale tracefs instance ${dir} (its pagetrace process ${pid} is gone)`);
    } catch (e) {
      onNotice?.(`could not remove stale tracefs instance ${dir}: ${errnoOf(e)}`);
    }
  }
  return removed;
}

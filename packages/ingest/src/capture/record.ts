/**
 * `pagetrace record`: capture page events around one command in a private tracefs instance,
 * streaming trace_pipe to the output while the command runs, then write the sidecar.
 *
 *   locate tracefs -> instance (off) -> buffer, options, events, pfn filters -> open
 *   trace_pipe -> on -> "begin" marker -> run command -> "end" marker -> off -> drain the
 *   rest -> per-CPU stats -> remove instance -> trace renamed into place -> sidecar
 *
 * The instance is removed on every path (command failure, signal, error in the middle).
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { basename, join } from 'node:path';
import { PagetraceError } from '../errors.js';
import { writeAtomically } from '../io/atomic.js';
import type { DeviceRange } from '../meta-types.js';
import type { Readable } from 'node:stream';
import { TracePipeDrain } from './drain.js';
import { FileFollower } from './follow.js';
import {
  eventHasPfnField, eventId, missingEventWarning, pfnFilterExpression, PRESETS, resolveEvents,
  type PfnRange, type PresetName, type ResolvedEvents,
} from './events.js';
import { removeStaleInstances, TraceInstance, type CpuBufferStats } from './instance.js';
import { Interruption } from './interruption.js';
import { sidecarPathFor, SIDECAR_SCHEMA_VERSION, writeSidecar, type RecordSidecar } from './sidecar.js';
import { snapshotSystem, type SystemSnapshot } from './system-info.js';
import { locateTracefs } from './tracefs.js';

export const DEFAULT_BUFFER_KB = 8192;
export const DEFAULT_PRESET: PresetName = 'refcount';
/** How often /proc/iomem is re-read while the command runs (device memory comes and goes). */
const IOMEM_POLL_MS = 500;

export interface RecordOptions {
  /** The trace file to write (its sidecar is `<output>.record.json`). */
  output: string;
  /** Command and arguments; empty = record until interrupted (or `stop` aborts). */
  command: string[];
  /** Default 'refcount' when no `events` are given; events are added to an explicit preset. */
  preset?: PresetName;
  events?: string[];
  stacktrace?: boolean;
  pfn?: PfnRange;
  /** Per-CPU ring buffer size in KB. */
  bufferKb?: number;
  /** Install SIGINT/SIGTERM/SIGHUP handlers for the duration (default true). */
  handleSignals?: boolean;
  /** Stops recording like a SIGTERM would (used by watch and tests). */
  stop?: AbortSignal;
  /** Warnings and notices for the user (missing events, tracefs mounted, ...). */
  onNotice?: (msg: string) => void;
  /**
   * Receives a stream of the trace text as it is written (watch feeds ingest with it). The
   * stream follows the output file, so a slow consumer never slows the capture.
   */
  follow?: (trace: Readable) => void;
  /** Called once tracing is on, before the command starts (tests wait on it). */
  onStarted?: (info: { instanceDir: string }) => void;
}

export interface RecordResult {
  /** record's exit status: the command's (128+N if it died of signal N, 127 if it could not start). */
  exitCode: number;
  tracePath: string;
  sidecarPath: string;
  sidecar: RecordSidecar;
}

interface CommandOutcome {
  code: number;
  signal: string | null;
}

/** Specs to enable: the preset (default refcount unless only --events was given) + events. */
export function plannedEventSpecs(preset: PresetName | undefined, events: readonly string[] = []): { preset: PresetName | null; specs: string[] } {
  const chosen = preset ?? (events.length > 0 ? null : DEFAULT_PRESET);
  const specs = [...(chosen === null ? [] : PRESETS[chosen]), ...events];
  return { preset: chosen, specs: [...new Set(specs)] };
}

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 0);
}

function runCommand(command: string[], interruption: Interruption, onNotice: (m: string) => void): Promise<CommandOutcome> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit' });
    interruption.attach(child);
    child.on('error', (e: NodeJS.ErrnoException) => {
      interruption.detach();
      onNotice(`cannot run ${file}: ${e.code ?? e.message}`);
      resolve({ code: 127, signal: null });
    });
    child.on('exit', (code, signal) => {
      interruption.detach();
      resolve(code !== null ? { code, signal: null } : { code: signalExitCode(signal ?? 'SIGKILL'), signal });
    });
  });
}

/** Run the command, or with no command wait for Ctrl-C (then stopping is the normal end: 0). */
async function runOrWait(command: string[], interruption: Interruption, notice: (m: string) => void): Promise<CommandOutcome> {
  if (interruption.signal !== null) return { code: signalExitCode(interruption.signal), signal: null };
  if (command.length > 0) return runCommand(command, interruption, notice);
  await interruption.wait();
  return { code: 0, signal: null };
}

async function configureInstance(
  inst: TraceInstance,
  resolved: ResolvedEvents,
  opts: RecordOptions,
  eventsDir: string,
  notice: (m: string) => void,
): Promise<string[]> {
  await inst.setTracing(false); // a new instance starts with tracing on
  await inst.setBufferKb(opts.bufferKb ?? DEFAULT_BUFFER_KB);
  // The (TGID) column lets replay group threads of one process; harmless if absent.
  if (!(await inst.setOption('record-tgid', true))) notice('this kernel cannot record TGIDs in an instance; the TGID column is absent');
  if (opts.stacktrace === true && !(await inst.setOption('stacktrace', true))) {
    notice('this kernel has no stacktrace option in instances; recording without stacks');
  }
  const filtered: string[] = [];
  for (const e of resolved.enabled) {
    if (opts.pfn !== undefined && (await eventHasPfnField(eventsDir, e))) {
      const problem = await inst.setEventFilter(e, pfnFilterExpression(opts.pfn));
      if (problem === null) filtered.push(eventId(e));
      else notice(problem);
    }
    await inst.enableEvent(e);
  }
  return filtered;
}

/** Device ranges seen at any sample, each once (a driver may register memory mid-run). */
function mergeDeviceRanges(a: DeviceRange[], b: DeviceRange[]): DeviceRange[] {
  const byKey = new Map<string, DeviceRange>();
  for (const r of [...a, ...b]) byKey.set(`${r.start_pfn}-${r.end_pfn}-${r.name}`, r);
  return [...byKey.values()].sort((x, y) => (BigInt(x.start_pfn) < BigInt(y.start_pfn) ? -1 : BigInt(x.start_pfn) > BigInt(y.start_pfn) ? 1 : 0));
}

class DeviceRangeSampler {
  ranges: DeviceRange[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> = Promise.resolve();

  add(snapshot: SystemSnapshot): void {
    this.ranges = mergeDeviceRanges(this.ranges, snapshot.device_ranges);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.pending = this.pending.then(async () => this.add(await snapshotSystem()));
    }, IOMEM_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.pending;
  }
}

function lostTotals(stats: CpuBufferStats[]): RecordSidecar['lost'] {
  const sum = (k: keyof CpuBufferStats): number => stats.reduce((s, c) => s + c[k], 0);
  const lost = { overrun: sum('overrun'), commit_overrun: sum('commit_overrun'), dropped_events: sum('dropped_events') };
  return { ...lost, total: lost.overrun + lost.commit_overrun + lost.dropped_events };
}

function validate(opts: RecordOptions): void {
  if (opts.bufferKb !== undefined && (!Number.isInteger(opts.bufferKb) || opts.bufferKb < 4)) {
    throw new PagetraceError(`bad --buffer-kb ${opts.bufferKb} (a whole number of KB per CPU, at least 4)`);
  }
  if (opts.output === '') throw new PagetraceError('record needs an output file (-o FILE)');
}

/** Record a trace around `opts.command`. Throws PagetraceError when capture cannot start. */
export async function recordTrace(opts: RecordOptions): Promise<RecordResult> {
  validate(opts);
  const notes: string[] = [];
  const notice = (m: string): void => {
    notes.push(m);
    opts.onNotice?.(m);
  };
  const interruption = new Interruption();
  if (opts.handleSignals !== false) interruption.install();
  const onAbort = (): void => interruption.interrupt('SIGTERM');
  opts.stop?.addEventListener('abort', onAbort);
  try {
    if (opts.stop?.aborted === true) onAbort();
    return await recordWithInterruption(opts, interruption, notice, notes);
  } finally {
    opts.stop?.removeEventListener('abort', onAbort);
    interruption.uninstall();
  }
}

async function recordWithInterruption(
  opts: RecordOptions,
  interruption: Interruption,
  notice: (m: string) => void,
  notes: string[],
): Promise<RecordResult> {
  const tracefs = await locateTracefs({ mount: true, onNotice: notice });
  await removeStaleInstances(tracefs.root, notice);
  const eventsDir = join(tracefs.root, 'events');
  const plan = plannedEventSpecs(opts.preset, opts.events);
  const resolved = await resolveEvents(eventsDir, plan.specs);
  for (const spec of resolved.missing) notice(missingEventWarning(spec));
  if (resolved.enabled.length === 0) throw new PagetraceError(`none of the requested events exist on this kernel (${plan.specs.join(', ')})`);

  const sampler = new DeviceRangeSampler();
  sampler.add(await snapshotSystem());
  let outcome: CommandOutcome = { code: 0, signal: null };
  let stats: CpuBufferStats[] = [];
  let clock = 'unknown';
  let pfnFiltered: string[] = [];
  let bytes = 0;
  let instanceName = '';
  const startTime = new Date();

  await writeAtomically(opts.output, async (tmp) => {
    const fh = await open(tmp, 'w');
    const follower = opts.follow === undefined ? null : new FileFollower(tmp);
    if (follower !== null) opts.follow?.(follower);
    try {
      const inst = await TraceInstance.create(tracefs.root);
      instanceName = inst.name;
      let drain: TracePipeDrain | null = null;
      let failed = true;
      try {
        pfnFiltered = await configureInstance(inst, resolved, opts, eventsDir, notice);
        clock = await inst.traceClock();
        drain = new TracePipeDrain(inst.path('trace_pipe'), fh.fd);
        await inst.setTracing(true);
        await inst.mark(`pagetrace: record begin pid=${process.pid}`);
        opts.onStarted?.({ instanceDir: inst.dir });
        sampler.start();
        outcome = await runOrWait(opts.command, interruption, notice);
        await sampler.stop();
        await inst.mark(`pagetrace: record end status=${outcome.code}`);
        await inst.setTracing(false);
        bytes = await drain.finish();
        stats = await inst.perCpuStats();
        failed = false;
      } finally {
        await sampler.stop();
        if (failed) await drain?.finish().catch(() => undefined); // stops the reader, closes trace_pipe
        await inst.remove().catch((e: unknown) => {
          if (!failed) throw e;
          notice((e as Error).message); // keep the first error; say the instance is left
        });
      }
    } finally {
      await fh.close();
      follower?.markDone();
    }
  });

  const endTime = new Date();
  const system = await snapshotSystem();
  sampler.add(system);
  for (const n of system.notes) notice(n);
  const lost = lostTotals(stats);
  if (lost.total > 0) notice(`${lost.total} events were lost (ring buffer overrun); raise --buffer-kb or narrow --events/--pfn`);
  const sidecar: RecordSidecar = {
    schema_version: SIDECAR_SCHEMA_VERSION,
    tool: 'pagetrace record',
    uname_r: system.uname_r,
    options: {
      preset: plan.preset,
      events: opts.events ?? [],
      stacktrace: opts.stacktrace === true,
      pfn: opts.pfn === undefined ? null : { start_pfn: `0x${opts.pfn.start.toString(16)}`, end_pfn: `0x${opts.pfn.end.toString(16)}` },
      buffer_kb: opts.bufferKb ?? DEFAULT_BUFFER_KB,
    },
    tracefs: { root: tracefs.root, instance: instanceName, mounted_by_record: tracefs.mountedByUs },
    trace_clock: clock,
    events: { requested: plan.specs, enabled: resolved.enabled.map(eventId), missing: resolved.missing, pfn_filtered: pfnFiltered },
    per_cpu: stats,
    lost,
    page_size: system.page_size,
    device_ranges: sampler.ranges,
    zones: system.zones,
    command: opts.command,
    exit: { code: outcome.code, signal: outcome.signal, interrupted_by: interruption.signal },
    start_time: startTime.toISOString(),
    end_time: endTime.toISOString(),
    duration_s: (endTime.getTime() - startTime.getTime()) / 1000,
    trace: { file: basename(opts.output), bytes },
    notes,
  };
  await writeSidecar(opts.output, sidecar);
  return { exitCode: outcome.code, tracePath: opts.output, sidecarPath: sidecarPathFor(opts.output), sidecar };
}

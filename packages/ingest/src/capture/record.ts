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
import { open, stat } from 'node:fs/promises';
import { availableParallelism, constants as osConstants, totalmem } from 'node:os';
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
import { locateTracefs, type TracefsLocation } from './tracefs.js';

/**
 * Default ring buffer per CPU: 1/64 of RAM shared by the CPUs, between 4 MB and 64 MB each.
 * The drain keeps up with steady rates, but the kernel formats trace_pipe text at a bounded
 * speed (~50 MB/s of text per reader measured here), so a burst (a GB of anonymous memory
 * touched and freed, compaction of a large zone) must fit in the buffer meanwhile. Measured
 * on 2 vCPUs: 2.9 M events in 12 s lost 1.5 M with 8 MB/CPU and none with 64 MB/CPU.
 */
export function defaultBufferKb(totalBytes: number = totalmem(), cpus: number = availableParallelism()): number {
  const perCpuKb = Math.floor(totalBytes / 64 / Math.max(1, cpus) / 1024);
  return Math.min(65536, Math.max(4096, perCpuKb));
}
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
  await inst.setBufferKb(opts.bufferKb ?? defaultBufferKb());
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

async function validate(opts: RecordOptions): Promise<void> {
  if (opts.bufferKb !== undefined && (!Number.isInteger(opts.bufferKb) || opts.bufferKb < 4)) {
    throw new PagetraceError(`bad --buffer-kb ${opts.bufferKb} (a whole number of KB per CPU, at least 4)`);
  }
  if (opts.output === '') throw new PagetraceError('record needs an output file (-o FILE)');
  const st = await stat(opts.output).catch(() => null);
  if (st?.isDirectory() === true) throw new PagetraceError('is a directory; -o names the trace file to write', { file: opts.output });
}

/** Record a trace around `opts.command`. Throws PagetraceError when capture cannot start. */
export async function recordTrace(opts: RecordOptions): Promise<RecordResult> {
  await validate(opts);
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

/** What the capture itself produced, for the sidecar. */
interface CaptureOutcome {
  outcome: CommandOutcome;
  stats: CpuBufferStats[];
  clock: string;
  pfnFiltered: string[];
  bytes: number;
  instanceName: string;
}

interface CapturePlan {
  root: string;
  eventsDir: string;
  resolved: ResolvedEvents;
  sampler: DeviceRangeSampler;
}

/**
 * The instance's whole life, written into the (temporary) output `fd`: configure, trace
 * the command, drain, read the statistics — and remove the instance whatever happens.
 */
async function captureInto(fd: number, plan: CapturePlan, opts: RecordOptions, interruption: Interruption, notice: (m: string) => void): Promise<CaptureOutcome> {
  const inst = await TraceInstance.create(plan.root);
  let drain: TracePipeDrain | null = null;
  let failed = true;
  try {
    const pfnFiltered = await configureInstance(inst, plan.resolved, opts, plan.eventsDir, notice);
    const clock = await inst.traceClock();
    drain = new TracePipeDrain(inst.path('trace_pipe'), fd);
    await inst.setTracing(true);
    await inst.mark(`pagetrace: record begin pid=${process.pid}`);
    opts.onStarted?.({ instanceDir: inst.dir });
    plan.sampler.start();
    const outcome = await runOrWait(opts.command, interruption, notice);
    await plan.sampler.stop();
    await inst.mark(`pagetrace: record end status=${outcome.code}`);
    await inst.setTracing(false);
    const bytes = await drain.finish();
    const stats = await inst.perCpuStats();
    failed = false;
    return { outcome, stats, clock, pfnFiltered, bytes, instanceName: inst.name };
  } finally {
    await plan.sampler.stop();
    if (failed) await drain?.finish().catch(() => undefined); // stops the reader, closes trace_pipe
    await inst.remove().catch((e: unknown) => {
      if (!failed) throw e;
      notice((e as Error).message); // keep the first error; say the instance is left
    });
  }
}

function buildSidecar(
  opts: RecordOptions,
  specs: { preset: PresetName | null; requested: string[] },
  plan: CapturePlan,
  tracefs: TracefsLocation,
  capture: CaptureOutcome,
  system: SystemSnapshot,
  times: { start: Date; end: Date },
  interruptedBy: string | null,
  notes: string[],
): RecordSidecar {
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  return {
    schema_version: SIDECAR_SCHEMA_VERSION,
    tool: 'pagetrace record',
    uname_r: system.uname_r,
    options: {
      preset: specs.preset,
      events: opts.events ?? [],
      stacktrace: opts.stacktrace === true,
      pfn: opts.pfn === undefined ? null : { start_pfn: hex(opts.pfn.start), end_pfn: hex(opts.pfn.end) },
      buffer_kb: opts.bufferKb ?? defaultBufferKb(),
    },
    tracefs: { root: tracefs.root, instance: capture.instanceName, mounted_by_record: tracefs.mountedByUs },
    trace_clock: capture.clock,
    events: { requested: specs.requested, enabled: plan.resolved.enabled.map(eventId), missing: plan.resolved.missing, pfn_filtered: capture.pfnFiltered },
    per_cpu: capture.stats,
    lost: lostTotals(capture.stats),
    page_size: system.page_size,
    device_ranges: plan.sampler.ranges,
    zones: system.zones,
    command: opts.command,
    exit: { code: capture.outcome.code, signal: capture.outcome.signal, interrupted_by: interruptedBy },
    start_time: times.start.toISOString(),
    end_time: times.end.toISOString(),
    duration_s: (times.end.getTime() - times.start.getTime()) / 1000,
    trace: { file: basename(opts.output), bytes: capture.bytes },
    notes,
  };
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
  const specs = plannedEventSpecs(opts.preset, opts.events);
  const resolved = await resolveEvents(eventsDir, specs.specs);
  for (const spec of resolved.missing) notice(missingEventWarning(spec));
  if (resolved.enabled.length === 0) throw new PagetraceError(`none of the requested events exist on this kernel (${specs.specs.join(', ')})`);
  const plan: CapturePlan = { root: tracefs.root, eventsDir, resolved, sampler: new DeviceRangeSampler() };
  plan.sampler.add(await snapshotSystem());

  const start = new Date();
  let capture: CaptureOutcome | null = null;
  await writeAtomically(opts.output, async (tmp) => {
    const fh = await open(tmp, 'w');
    const follower = opts.follow === undefined ? null : new FileFollower(tmp);
    if (follower !== null) opts.follow?.(follower);
    try {
      capture = await captureInto(fh.fd, plan, opts, interruption, notice);
    } finally {
      await fh.close();
      follower?.markDone();
    }
  });
  const done = capture as unknown as CaptureOutcome; // set, or writeAtomically threw
  const end = new Date();
  const system = await snapshotSystem();
  plan.sampler.add(system);
  for (const n of system.notes) notice(n);
  const lost = lostTotals(done.stats);
  if (lost.total > 0) notice(`${lost.total} events were lost (ring buffer overrun); raise --buffer-kb or narrow --events/--pfn`);
  const sidecar = buildSidecar(opts, { preset: specs.preset, requested: specs.specs }, plan, tracefs, done, system, { start, end }, interruption.signal, notes);
  await writeSidecar(opts.output, sidecar);
  return { exitCode: done.outcome.code, tracePath: opts.output, sidecarPath: sidecarPathFor(opts.output), sidecar };
}

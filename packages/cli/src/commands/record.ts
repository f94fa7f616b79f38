import { Flags } from '@oclif/core';
import {
  parseEventList, parsePfnRange, PRESET_NAMES, recordTrace, type PresetName, type RecordOptions,
} from '@pagetrace/ingest/capture';
import { PagetraceCommand } from '../base.js';

/** Capture flags shared by `record` and `watch`. */
export const captureFlags = {
  preset: Flags.string({
    description: 'event set: refcount (default; page_ref, alloc/free, migrate, filemap, fs_dax), alloc (page allocator), migration (+compaction, isolation, cma), all',
    options: [...PRESET_NAMES],
  }),
  events: Flags.string({ description: 'extra events, comma-separated: system:event, system:* or system (only these when no --preset)' }),
  stacktrace: Flags.boolean({ description: 'record a kernel stack with every event (options/stacktrace)' }),
  pfn: Flags.string({ description: 'only page events with START <= pfn < END (hex 0x.. or decimal), as kernel event filters' }),
  'buffer-kb': Flags.integer({ description: 'ring buffer per CPU in KB (default: 1/64 of RAM over the CPUs, 4096..65536)', min: 4 }),
};

interface CaptureFlagValues {
  preset?: string;
  events?: string;
  stacktrace?: boolean;
  pfn?: string;
  'buffer-kb'?: number;
}

/** The part of RecordOptions that comes from captureFlags. */
export function captureOptionsFrom(flags: CaptureFlagValues): Pick<RecordOptions, 'preset' | 'events' | 'stacktrace' | 'pfn' | 'bufferKb'> {
  return {
    ...(flags.preset === undefined ? {} : { preset: flags.preset as PresetName }),
    ...(flags.events === undefined ? {} : { events: parseEventList(flags.events) }),
    stacktrace: flags.stacktrace === true,
    ...(flags.pfn === undefined ? {} : { pfn: parsePfnRange(flags.pfn) }),
    ...(flags['buffer-kb'] === undefined ? {} : { bufferKb: flags['buffer-kb'] }),
  };
}

/**
 * The command to run: every word after the first `--`, verbatim. oclif's parsed argv is not
 * used for it because oclif re-sorts argv by first occurrence, which reorders a command that
 * repeats an earlier word (`record -o x -- cat x`).
 */
export function commandAfterDashDash(rawArgv: readonly string[], parsedArgv: readonly unknown[]): string[] {
  const i = rawArgv.indexOf('--');
  return i >= 0 ? rawArgv.slice(i + 1) : parsedArgv.map(String);
}

export const notice = (msg: string): void => {
  process.stderr.write(`pagetrace: ${msg}\n`);
};

export default class Record extends PagetraceCommand {
  static override summary = 'Record page events around a command (perf-like), with a sidecar describing the machine.';
  static override description = [
    'Uses a private tracefs instance (instances/pagetrace-<pid>) and drains its trace_pipe to the output while the',
    'command runs, so long runs do not overflow. Writes <output>.record.json: kernel release, options, device',
    'memory ranges (/proc/iomem), zones (/proc/zoneinfo), per-CPU overrun/lost counts, the command and its status.',
    'The instance is removed afterwards, also when the command fails and on Ctrl-C. Needs root (mounts tracefs if',
    'it is not mounted). Without a command, records until Ctrl-C.',
    '',
    'Exit status: the command\'s (128+N if it died of signal N, 127 if it could not be started); 2 if recording',
    'could not start.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> <%= command.id %> -o hmm.trace -- ./hmm-tests',
    '<%= config.bin %> <%= command.id %> -o dax.trace --pfn 0x40000-0x50000 --stacktrace -- ./dax-test /mnt/pmem',
    '<%= config.bin %> <%= command.id %> -o cma.trace --preset migration --buffer-kb 65536 -- sh -c "echo 1 > /proc/sys/vm/compact_memory"',
  ];
  static override strict = false;
  static override flags = {
    output: Flags.string({ char: 'o', description: 'trace file to write (ftrace text)', required: true }),
    ...captureFlags,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Record);
    const command = commandAfterDashDash(this.argv, argv);
    const result = await recordTrace({ output: flags.output, command, ...captureOptionsFrom(flags), onNotice: notice });
    const s = result.sidecar;
    notice(
      `recorded ${s.trace.bytes} bytes of ${s.events.enabled.length} event types to ${result.tracePath} ` +
        `(${s.lost.total} lost), sidecar ${result.sidecarPath}; command exit status ${result.exitCode}`,
    );
    process.exitCode = result.exitCode;
  }
}

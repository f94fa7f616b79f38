import { Flags } from '@oclif/core';
import { formatLiveAnomaly, watchTrace, type LiveAnomaly } from '@pagetrace/ingest/capture';
import { createReplayer, replayRun } from '@pagetrace/replay';
import { PagetraceCommand } from '../base.js';
import { captureFlags, captureOptionsFrom, commandAfterDashDash, notice } from './record.js';

function defaultRunDir(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `pagetrace-runs/watch-${stamp}`;
}

export default class Watch extends PagetraceCommand {
  static override summary = 'Print page refcount errors while a test runs; leave a normal run directory.';
  static override description = [
    'Records like `record` (the trace and its sidecar are kept in the run directory as trace.txt), or with',
    '--input reads a file, FIFO or - (stdin), and replays the events as they arrive: each error anomaly is',
    'printed on stdout the moment it is found (severity, kind, pfn, trace line, task, message). On exit or',
    'Ctrl-C the run directory holds events/stacks/meta and anomalies/pages/replay.json, for report and query.',
    '',
    'Exit status: the command\'s when it failed; otherwise 1 when errors were found, 0 when none; 2 if watch',
    'could not run.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> <%= command.id %> -o hmm.run -- ./hmm-tests',
    '<%= config.bin %> <%= command.id %> --preset migration -- ./cma-stress --hours 2',
    'ssh dut cat /sys/kernel/tracing/trace_pipe | <%= config.bin %> <%= command.id %> --input - -o dut.run',
  ];
  static override strict = false;
  static override flags = {
    output: Flags.string({ char: 'o', description: 'run directory to leave [default: ./pagetrace-runs/watch-<UTC time>/]' }),
    input: Flags.string({ description: 'read this trace file, FIFO or - (stdin) instead of recording' }),
    ...captureFlags,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Watch);
    const command = commandAfterDashDash(this.argv, argv);
    const result = await watchTrace({
      outDir: flags.output ?? defaultRunDir(),
      ...(flags.input === undefined ? {} : { input: flags.input }),
      record: { command, ...captureOptionsFrom(flags) },
      analysis: {
        createReplayer: (meta, onAnomaly) => createReplayer(meta, {}, { onAnomaly }),
        replayRun: async (dir) => ({ errors: (await replayRun(dir)).totals.by_severity.error }),
      },
      onAnomaly: (a: LiveAnomaly) => {
        if (a.severity === 'error') process.stdout.write(`${formatLiveAnomaly(a)}\n`);
      },
      onNotice: notice,
    });
    notice(`${result.errors} error anomalies; run directory ${result.outDir}${result.tracePath === null ? '' : ` (trace ${result.tracePath})`}`);
    process.exitCode = result.exitCode;
  }
}

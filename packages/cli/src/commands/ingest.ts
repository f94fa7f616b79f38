import { Args, Flags } from '@oclif/core';
import { formatIngestSummary, ingestSummary, ingestTrace, type IngestProgress, type IngestSummary } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

/** `pagetrace ingest`: a thin wrapper over ingestTrace(). */
export default class Ingest extends PagetraceCommand {
  static override description = 'Read an ftrace, trace-cmd report, perf script or CSV trace into Arrow tables (events.arrow, stacks.arrow, meta.json)';
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> ingest trace.txt.zst -o run',
    'cat /sys/kernel/tracing/trace_pipe | <%= config.bin %> ingest - -o run',
  ];
  static override args = {
    input: Args.string({ required: true, description: "trace file (plain, .gz or .zst), or '-' for standard input" }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', required: true, description: 'run directory to write (created; files replaced atomically)' }),
    workers: Flags.integer({ min: 1, description: 'parsers: the main thread and N-1 worker threads (default: min(2, CPUs))' }),
    format: Flags.option({ options: ['ftrace', 'trace-cmd', 'perf-script', 'csv'] as const, description: 'force the input format (default: detect)' })(),
  };

  async run(): Promise<IngestSummary> {
    const { args, flags } = await this.parse(Ingest);
    const progress = new ProgressLine(!this.jsonEnabled() && process.stderr.isTTY === true);
    const { meta, outDir } = await ingestTrace({
      input: args.input, outDir: flags.out, workers: flags.workers, format: flags.format,
      onProgress: (p) => progress.update(p),
    }).finally(() => progress.clear());
    const summary = ingestSummary(meta, outDir);
    if (!this.jsonEnabled()) this.log(formatIngestSummary(summary, meta));
    return summary;
  }
}

/** A one-line progress display on stderr, shown only on a terminal and after the first second. */
class ProgressLine {
  private readonly start = Date.now();
  private last = 0;
  private shown = false;

  constructor(private readonly enabled: boolean) {}

  update(p: IngestProgress): void {
    const now = Date.now();
    if (!this.enabled || now - this.start < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const mb = (p.bytesRead / 1048576).toFixed(0);
    const pct = p.totalBytes ? ` ${Math.floor((100 * p.bytesRead) / p.totalBytes)}%` : '';
    process.stderr.write(`\r\x1b[Kingest:${pct} ${mb} MiB read, ${p.events} events`);
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}

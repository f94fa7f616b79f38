import { Args, Flags } from '@oclif/core';
import { writeReport } from '@pagetrace/report';
import { join } from 'node:path';
import { PagetraceCommand } from '../base.js';

export default class Report extends PagetraceCommand {
  static override description = 'Write the self-contained HTML report of a run directory (opens offline: no network at view time).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> run/ -o report.html',
  ];
  static override args = {
    run: Args.directory({ description: 'run directory (from ingest + replay, or check)', required: true }),
  };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'HTML file to write [default: <run>/report.html]' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Report);
    const written = await writeReport(args.run, flags.output ?? join(args.run, 'report.html'));
    this.log(`report: ${written.path} (${Math.round(written.bytes / 1024)} KiB, verdict: ${written.verdict})`);
  }
}

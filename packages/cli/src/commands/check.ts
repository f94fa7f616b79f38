import { Args, Flags } from '@oclif/core';
import { PagetraceError } from '@pagetrace/ingest';
import { parsePfnRange, type PfnRange } from '@pagetrace/replay';
import { checkTrace, formatCheckSummary, type CheckResult } from '@pagetrace/report';
import { PagetraceCommand } from '../base.js';

export default class Check extends PagetraceCommand {
  static override description = `Ingest + replay + report in one go: a verdict, a short summary and the HTML report.
Exit status: 0 = no anomaly at or above --fail-on, 1 = found, 2 = could not run.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> trace.txt.zst',
    '<%= config.bin %> <%= command.id %> trace.txt -o run/ --fail-on warning --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    trace: Args.string({ description: 'trace text (ftrace, trace-cmd report, perf script; .gz/.zst; - for stdin)', required: true }),
  };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'run directory to write [default: ./pagetrace-runs/<trace name>/]' }),
    report: Flags.string({ description: 'HTML report file [default: <run directory>/report.html]' }),
    'fail-on': Flags.option({ options: ['warning', 'error'] as const, default: 'error', description: 'lowest severity that makes the exit status 1' })(),
    profile: Flags.string({ description: 'kernel-rules profile (default: auto, inferred from the trace)' }),
    kernel: Flags.string({ description: 'kernel version X.Y whose rules apply (instead of --profile)' }),
    'device-pfns': Flags.string({ description: 'ZONE_DEVICE pfn range START-END (hex with 0x or decimal; end exclusive); repeatable', multiple: true }),
  };

  async run(): Promise<CheckResult> {
    const { args, flags } = await this.parse(Check);
    const result = await checkTrace(args.trace, {
      outDir: flags.output, reportFile: flags.report, failOn: flags['fail-on'],
      profile: flags.profile, kernel: flags.kernel, devicePfns: (flags['device-pfns'] ?? []).map(pfnRange),
    });
    if (!this.jsonEnabled()) process.stdout.write(formatCheckSummary(result));
    // Set, not exit(): with --json oclif prints the returned result, then the process ends with this code.
    process.exitCode = result.exit_code;
    return result;
  }
}

function pfnRange(text: string): PfnRange {
  const range = parsePfnRange(text);
  if (!range) throw new PagetraceError(`--device-pfns ${text}: expected START-END, e.g. 0x100000-0x140000`);
  return range;
}

import { Args, Flags } from '@oclif/core';
import { formatReplaySummary, parseDevicePfns, parseWindowNs, replayRun, type ReplaySummary } from '@pagetrace/replay';
import { PagetraceCommand } from '../base.js';

/** `pagetrace replay`: a thin wrapper over replayRun(). */
export default class Replay extends PagetraceCommand {
  static override description = 'Replay a run through the kernel refcount model: anomalies.arrow, pages.arrow, replay.json';
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> replay run',
    '<%= config.bin %> replay run --kernel 6.1 --device-pfns 0x40000-0x50000',
  ];
  static override args = {
    run: Args.string({ required: true, description: 'run directory written by `pagetrace ingest`' }),
  };
  static override flags = {
    profile: Flags.string({ description: 'kernel semantics: legacy-devmap, fsdax-idle-one, refcounted-devmap, or auto (default)', exclusive: ['kernel'] }),
    kernel: Flags.string({ description: 'kernel version X.Y: use the profile of that version' }),
    'device-pfns': Flags.string({ multiple: true, description: 'ZONE_DEVICE pfn range START-END (END exclusive; repeatable)' }),
    'window-ns': Flags.string({ description: 'reordering tolerance in ns (default 2000000)' }),
    'window-events': Flags.integer({ min: 1, description: 'reordering tolerance in events (default 65536; used alone for counter clocks)' }),
  };

  async run(): Promise<ReplaySummary> {
    const { args, flags } = await this.parse(Replay);
    const summary = await replayRun(args.run, {
      profile: flags.profile,
      kernel: flags.kernel,
      devicePfns: parseDevicePfns(flags['device-pfns']),
      reorderWindowNs: parseWindowNs(flags['window-ns']),
      reorderWindowEvents: flags['window-events'],
    });
    if (!this.jsonEnabled()) this.log(formatReplaySummary(summary, args.run));
    return summary;
  }
}

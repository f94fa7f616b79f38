import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Replay extends PagetraceCommand {
  static override description = 'replay (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('replay is not implemented yet');
  }
}

import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Watch extends PagetraceCommand {
  static override description = 'watch (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('watch is not implemented yet');
  }
}

import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Ingest extends PagetraceCommand {
  static override description = 'ingest (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('ingest is not implemented yet');
  }
}

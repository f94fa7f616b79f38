import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Record extends PagetraceCommand {
  static override description = 'record (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('record is not implemented yet');
  }
}

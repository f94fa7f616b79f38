import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Report extends PagetraceCommand {
  static override description = 'report (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('report is not implemented yet');
  }
}

import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Query extends PagetraceCommand {
  static override description = 'query (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('query is not implemented yet');
  }
}

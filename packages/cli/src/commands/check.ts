import { PagetraceError } from '@pagetrace/ingest';
import { PagetraceCommand } from '../base.js';

// Placeholder while the command is being built; replaced by its owner.
export default class Check extends PagetraceCommand {
  static override description = 'check (in progress)';
  static override strict = false;
  async run(): Promise<void> {
    throw new PagetraceError('check is not implemented yet');
  }
}

import { Command } from '@oclif/core';
import { isPagetraceError } from '@pagetrace/ingest';

/**
 * Every pagetrace command: user errors become one line on stderr and a documented exit
 * code (2 = could not run), never a stack trace. Set PAGETRACE_DEBUG=1 to see stacks.
 */
export abstract class PagetraceCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (process.env.PAGETRACE_DEBUG) throw err;
    if (isPagetraceError(err)) {
      if (this.jsonEnabled()) this.logJson({ error: { message: err.message, exitCode: err.exitCode } });
      else process.stderr.write(`pagetrace: ${err.message}\n`);
      this.exit(err.exitCode);
    }
    // oclif's own parse errors (unknown flag, missing argument) already read well.
    if (err.oclif !== undefined) return super.catch(err);
    // First line only: native errors (DuckDB) append their own stack trace to the message.
    const msg = (err && err.message ? err.message : String(err)).split('\n')[0];
    process.stderr.write(`pagetrace: internal error: ${msg} (set PAGETRACE_DEBUG=1 for details)\n`);
    this.exit(2);
  }
}

import { Args, Flags } from '@oclif/core';
import { formatTableList, listTables, runQuery, type OutputFormat } from '@pagetrace/report';
import { PagetraceError } from '@pagetrace/ingest';
import { readFileSync } from 'node:fs';
import { PagetraceCommand } from '../base.js';

function readSqlFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PagetraceError(`cannot read SQL: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path });
  }
}

export default class Query extends PagetraceCommand {
  static override description = 'Run DuckDB SQL over a run directory (tables events, stacks, anomalies, pages, meta, line_accounting, skipped_lines, lost_events, replay_facts). With no SQL, list the tables and their columns.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> run/ "SELECT event, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC"',
    '<%= config.bin %> <%= command.id %> run/ --csv "SELECT * FROM anomalies"',
    '<%= config.bin %> <%= command.id %> run/ -f packages/report/sql/anomalies_by_kind.sql',
    '<%= config.bin %> <%= command.id %> run/',
  ];
  static override args = {
    run: Args.directory({ description: 'run directory (from ingest/check)', required: true }),
    sql: Args.string({ description: 'SQL to run (the last statement\'s result is printed)', required: false }),
  };
  static override flags = {
    csv: Flags.boolean({ description: 'print CSV', exclusive: ['json'] }),
    json: Flags.boolean({ description: 'print a JSON array of row objects (64-bit integers beyond 2^53 as strings)', exclusive: ['csv'] }),
    file: Flags.string({ char: 'f', description: 'read the SQL from this file instead of the argument (SQL piped on stdin also works)' }),
    'allow-write': Flags.boolean({ description: 'let the SQL read and write files outside the run directory (COPY ... TO, read_csv)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Query);
    const format: OutputFormat = flags.csv ? 'csv' : flags.json ? 'json' : 'table';
    const sql = flags.file === undefined ? args.sql : readSqlFile(flags.file);
    const text = sql === undefined || sql.trim() === ''
      ? formatTableList(await listTables(args.run), format)
      : await runQuery(args.run, sql, { format, allowWrite: flags['allow-write'] });
    process.stdout.write(text);
  }
}

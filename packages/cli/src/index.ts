// The explicit oclif command registry (package.json oclif.commands): one import per command.
import Check from './commands/check.js';
import Ingest from './commands/ingest.js';
import Query from './commands/query.js';
import Record from './commands/record.js';
import Replay from './commands/replay.js';
import Report from './commands/report.js';
import Watch from './commands/watch.js';

export const COMMANDS = {
  check: Check,
  ingest: Ingest,
  query: Query,
  record: Record,
  replay: Replay,
  report: Report,
  watch: Watch,
};

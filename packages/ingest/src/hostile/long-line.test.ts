/**
 * A line without a newline longer than the cap (64 MiB by default, PAGETRACE_MAX_LINE_BYTES)
 * is a one-line error naming file:line, found while the bytes stream in: memory stays
 * bounded by the cap, whatever the line's length (a 5 GB line was checked by hand, see
 * the README (Errors, exit codes and bad input)). Here: a real trace head, then a 100 MB line streamed on stdin.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_FILES } from '../schema.js';
import { errorProblems, runCliWithStdin } from './cli-run.js';
import { EXIT, guestHead } from './corpus.js';

async function* realHeadThenLongLine(total: number): AsyncGenerator<Uint8Array> {
  const head = guestHead(30);
  yield Buffer.from(`${head.join('\n')}\n`, 'latin1');
  const block = Buffer.alloc(1 << 20, 'x');
  for (let sent = 0; sent < total; sent += block.length) yield block;
}

describe('a line longer than the cap', () => {
  it('100 MB on stdin without a newline: one-line error at its line, exit 2, no run left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-longline-'));
    try {
      const r = await runCliWithStdin(['ingest', '-', '-o', join(dir, 'run')], realHeadThenLongLine(100 << 20));
      expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: '<stdin>', line: 43, message: /line longer than 67108864 bytes: not a text trace/ })).toEqual([]);
      const { existsSync } = await import('node:fs');
      expect(existsSync(join(dir, 'run', RUN_FILES.meta))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the cap is a setting: 1 MiB refuses a 2 MiB line in a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-longline-'));
    try {
      const r = await runCliWithStdin(['ingest', '-', '-o', join(dir, 'run')], realHeadThenLongLine(2 << 20), { PAGETRACE_MAX_LINE_BYTES: String(1 << 20) });
      expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: '<stdin>', line: 43, message: /line longer than 1048576 bytes/ })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

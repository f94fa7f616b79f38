/**
 * check's replay thread: it replays exactly like replayRun in the calling thread, and its
 * errors come back as the same one-line PagetraceError with the same exit code.
 */
import { describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTrace, isPagetraceError, RUN_FILES } from '@pagetrace/ingest';
import { fixture } from '@pagetrace/ingest/testing';
import { replayRun } from '@pagetrace/replay';
import { startReplayThread } from './replay-in-worker.js';

describe('replay in a worker thread', () => {
  it('writes the same tables and summary as replayRun in this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-thread-'));
    try {
      const here = join(dir, 'here');
      await ingestTrace({ input: fixture('guest-6.1', 'pin', 'trace.txt.zst'), outDir: here, workers: 1 });
      const there = join(dir, 'there');
      cpSync(here, there, { recursive: true });
      const direct = await replayRun(here);
      const thread = startReplayThread();
      let threaded;
      try { threaded = await thread.replay(there, {}); } finally { await thread.stop(); }
      expect(threaded.totals).toEqual(direct.totals);
      expect(threaded.pages_touched).toBe(direct.pages_touched);
      for (const f of [RUN_FILES.anomalies, RUN_FILES.pages]) expect(readFileSync(join(there, f)).equals(readFileSync(join(here, f)))).toBe(true);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('gives back a PagetraceError with its message and exit code', async () => {
    const missing = join(tmpdir(), 'pagetrace-no-such-run-dir');
    const direct = await replayRun(missing).then(() => null, (e: unknown) => e as Error & { exitCode: number });
    const thread = startReplayThread();
    const threaded = await thread.replay(missing, {}).then(() => null, (e: unknown) => e as Error & { exitCode: number });
    await thread.stop();
    expect(direct).not.toBeNull();
    expect(isPagetraceError(threaded)).toBe(true);
    expect(threaded?.message).toBe(direct?.message);
    expect(threaded?.exitCode).toBe(direct?.exitCode);
  });

  it('can be stopped before it replays anything (ingest failed)', async () => {
    const thread = startReplayThread();
    await expect(thread.stop()).resolves.toBeUndefined();
  });
});

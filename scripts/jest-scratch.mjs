// Every test's temporary files go under one scratch directory per jest run (TMPDIR, which
// os.tmpdir() reads and jest's workers inherit), removed when the run ends: tests that write
// run directories of tens of MB would otherwise leave gigabytes in /tmp run after run.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'pagetrace-jest-'));
  // Like /tmp itself: tests that run the CLI as an unprivileged user must reach their files.
  chmodSync(dir, 0o1777);
  process.env.PAGETRACE_JEST_SCRATCH = dir;
  process.env.TMPDIR = dir;
}

export async function teardown() {
  const dir = process.env.PAGETRACE_JEST_SCRATCH;
  if (dir && process.env.PAGETRACE_KEEP_TEST_FILES !== '1') rmSync(dir, { recursive: true, force: true });
}

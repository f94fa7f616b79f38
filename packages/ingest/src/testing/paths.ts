/**
 * Paths for tests: the repository root, bundled fixtures, and the real traces of
 * ../shared/traces (present on every developer machine and in CI beside the clone).
 */
import { existsSync, readFileSync } from 'node:fs';
import { decompress as zstdDecompress } from 'fzstd';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (pnpm-workspace.yaml) not found');
    dir = up;
  }
}

export const fixturesDir = (): string => join(repoRoot(), 'fixtures');
export const fixture = (...parts: string[]): string => join(fixturesDir(), ...parts);

/** ../shared/traces, or PAGETRACE_TRACES. */
export function sharedTracesDir(): string {
  return process.env.PAGETRACE_TRACES ?? resolve(repoRoot(), '..', 'shared', 'traces');
}

/**
 * True when the real traces are present. In CI (CI=true) their absence is an error, not a skip:
 * the tests that need them must run there.
 */
export function haveSharedTraces(): boolean {
  const ok = existsSync(join(sharedTracesDir(), 'guest', 'MANIFEST.md'));
  if (!ok && process.env.CI) throw new Error(`real traces not found at ${sharedTracesDir()} (CI must have shared/ beside the clone)`);
  if (!ok) console.warn(`NOTE: real traces not found at ${sharedTracesDir()}: tests over shared/traces are skipped here`);
  return ok;
}

/** The bytes of a trace file, decompressed when it is .zst (for tests that feed text). */
export function readTraceBytes(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.zst') ? Buffer.from(zstdDecompress(raw)) : raw;
}

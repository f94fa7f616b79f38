/**
 * `pnpm fuzz [--cases N] [--seed S] [--timeout-ms T]` (or PAGETRACE_FUZZ_CASES / PAGETRACE_FUZZ_SEED):
 * the fuzz harness over mutated real traces, 100,000 cases by default. Exit 0 when every case
 * held; 1 with each failing input saved for replay otherwise.
 */
import { guardedFuzz } from './guard.js';
import { DEFAULT_FUZZ } from './harness.js';

function option(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`fuzz: --${name} expects a whole number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const cases = option('cases', 'PAGETRACE_FUZZ_CASES', 100_000);
const seed = option('seed', 'PAGETRACE_FUZZ_SEED', DEFAULT_FUZZ.seed);
const timeoutMs = option('timeout-ms', 'PAGETRACE_FUZZ_TIMEOUT_MS', DEFAULT_FUZZ.timeoutMs);
const started = Date.now();
const stats = await guardedFuzz({
  ...DEFAULT_FUZZ, cases, seed, timeoutMs,
  onProgress: (done, s) => process.stderr.write(`fuzz: ${done}/${cases} cases, ${s.accepted} accepted, ${s.rejected} rejected, ${s.failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s\n`),
});
const secs = (Date.now() - started) / 1000;
process.stdout.write(`fuzz: seed ${seed}: ${stats.cases} cases in ${secs.toFixed(1)} s: ${stats.accepted} accepted (accounting held), ${stats.rejected} rejected with a one-line error, ${stats.compared} compared across workers/chunk sizes, ${stats.failures.length} failures\n`);
for (const [reason, n] of Object.entries(stats.rejectReasons).sort((a, b) => b[1] - a[1])) process.stdout.write(`  rejected ${n}x:${reason}\n`);
for (const f of stats.failures.slice(0, 20)) process.stdout.write(`FAIL ${f.kind}: ${f.description}: ${f.detail.split('\n')[0]} (input: ${f.savedAs})\n`);
process.exit(stats.failures.length === 0 ? 0 : 1);

/**
 * `check` end to end on the real traces of shared/traces: every capture is of a correct kernel,
 * so each must come out without error (exit 0); the same trace with an injected double free
 * must come out with exit 1 naming the pfn, in the JSON and in the terminal summary, and
 * through the real CLI binary.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, haveSharedTraces, repoRoot, sharedTracesDir } from '@pagetrace/ingest/testing';
import { Mutator } from '@pagetrace/replay/testing';
import { checkTrace, defaultRunDir, type CheckResult } from './check.js';
import { formatCheckSummary } from './summary.js';

const HOST_TRACES = ['ftrace-noirq', 'ftrace-overflow-lost', 'ftrace-stacktrace', 'perf-kmem-script', 'perf-script-g', 'perf-script', 'trace-cmd-report']
  .map((n) => join('host', `${n}.txt.zst`));
const GUEST_TRACES = ['compact', 'fsdax', 'fsdax_stack', 'hmm_ctl_fault', 'hmm_ctl_migrate', 'hmm_fault', 'hmm_migrate', 'hmm_stack', 'mixed_stack', 'numa', 'numa_pin', 'pin', 'thp', 'zram']
  .map((n) => join('guest', n, 'trace.txt.zst'));

const withTraces = haveSharedTraces();
let work = '';
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'pagetrace-check-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot(), 'packages', 'cli', 'bin', 'run.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('checkTrace on the real traces', () => {
  (withTraces ? it.each([...GUEST_TRACES, ...HOST_TRACES]) : it.skip.each(['-']))('%s: no error anomaly, exit 0', async (rel) => {
    const outDir = join(work, rel.replaceAll('/', '_'));
    const result = await checkTrace(join(sharedTracesDir(), rel), { outDir });
    const errors = result.top_anomalies.filter((a) => a.severity === 'error');
    expect({ errors, exit: result.exit_code }).toEqual({ errors: [], exit: 0 });
    expect(result.counts.error).toBe(0);
    expect(existsSync(result.report)).toBe(true);
    await rm(outDir, { recursive: true, force: true });
  });
});

describe('check on a real trace with an injected double free', () => {
  let tracePath = '';
  let pfn = '';
  let result: CheckResult;
  beforeAll(async () => {
    if (!withTraces) return;
    const mutation = Mutator.fromFile(join(sharedTracesDir(), 'guest', 'pin', 'trace.txt.zst')).doubleFree(0)!;
    pfn = `0x${mutation.pfn.toString(16)}`;
    tracePath = join(work, 'pin-double-free.txt');
    await writeFile(tracePath, mutation.text);
    result = await checkTrace(tracePath, { outDir: join(work, 'mutated') });
  });

  (withTraces ? it : it.skip)('fails with the pfn in the result and the summary', () => {
    expect(result.exit_code).toBe(1);
    expect(result.verdict).toBe('errors');
    const top = result.top_anomalies[0]!;
    expect(top).toMatchObject({ severity: 'error', kind: 'double_free', pfn });
    expect(result.by_kind).toEqual(expect.arrayContaining([{ kind: 'double_free', severity: 'error', count: 1, pages: 1 }]));
    const summary = formatCheckSummary(result);
    expect(summary).toMatch(/^pagetrace check: ERRORS/);
    expect(summary).toContain(`double_free pfn ${pfn} line ${top.line}`);
    expect(summary).toContain(result.report);
  });

  (withTraces ? it : it.skip)('exits 1 from the CLI, naming the pfn on the terminal and in --json', () => {
    const text = cli(['check', tracePath, '-o', join(work, 'cli-run')]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`pfn ${pfn}`);
    const json = cli(['check', tracePath, '-o', join(work, 'cli-run'), '--json']);
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout) as CheckResult;
    expect(parsed).toMatchObject({ schema: 'pagetrace-check', version: 1, exit_code: 1, verdict: 'errors' });
    expect(parsed.top_anomalies.map((a) => a.pfn)).toContain(pfn);
  });

  (withTraces ? it : it.skip)('--fail-on warning still fails; an unreadable trace exits 2 with one line', () => {
    expect(cli(['check', tracePath, '-o', join(work, 'cli-run'), '--fail-on', 'warning', '--json']).status).toBe(1);
    const missing = cli(['check', join(work, 'no-such-trace.txt'), '-o', join(work, 'none')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('no-such-trace.txt');
  });
});

describe('check when replay fails (replay runs in a thread beside the report)', () => {
  it('a replay error exits 2 with its one line, not a stack trace', () => {
    const r = cli(['check', fixture('guest-6.1', 'pin', 'trace.txt.zst'), '-o', join(work, 'bad-profile'), '--profile', 'nonsense']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^pagetrace: .*unknown profile "nonsense"/)]);
  });
});

describe('defaultRunDir', () => {
  it('is ./pagetrace-runs/<trace name without compression suffix>', () => {
    expect(defaultRunDir('/x/y/trace.txt.zst')).toBe(join(process.cwd(), 'pagetrace-runs', 'trace.txt'));
    expect(defaultRunDir('-')).toBe(join(process.cwd(), 'pagetrace-runs', 'stdin'));
  });
});

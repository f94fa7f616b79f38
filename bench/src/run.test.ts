import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROW_IDS, optionsFromArgv, runBench, type BenchResults } from './run.js';

// The harness end to end on a 1 MB trace. No timing is asserted (speed is measured, never
// tested): only that every row is present, measured or honestly "not available", and that
// the figures of measured rows are real numbers.
describe('pnpm bench harness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pagetrace-bench-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log: string[] = [];
  let results: BenchResults;

  it('runs end to end on a small trace and writes results.json and results.md with every row', async () => {
    const opts = optionsFromArgv(['--size', '1MB', '--workers', '2', '--out-dir', join(dir, 'out'), '--results-dir', join(dir, 'res')], (l) => log.push(l));
    results = await runBench(opts);
    const onDisk = JSON.parse(readFileSync(join(dir, 'res', 'results.json'), 'utf8')) as BenchResults;
    expect(onDisk.rows.map((r) => r.id)).toEqual([...ROW_IDS]);
    const md = readFileSync(join(dir, 'res', 'results.md'), 'utf8');
    for (const r of onDisk.rows) expect(md).toContain(`| ${r.label} | ${r.status} |`);
    expect(onDisk.machine.cores).toBeGreaterThan(0);
    expect(onDisk.machine.node).toBe(process.version);
    expect(onDisk.trace.format).toBe('ftrace');
    expect(onDisk.targets.map((t) => t.id)).toEqual(['ingest-speed', 'replay-speed', 'duckdb-speed', 'check-time', 'ingest-rss', 'replay-rss', 'identical-tables']);
  });

  it('measures the baselines, and every other row is measured or says why not (never a made-up figure)', () => {
    const byId = new Map(results.rows.map((r) => [r.id, r]));
    expect(byId.get('cat')?.status).toBe('ok');
    expect(byId.get('readline')?.status).toBe('ok');
    expect(byId.get('readline')?.events).toBe(results.trace.events);
    for (const r of results.rows) {
      expect([r.id, r.status]).not.toEqual([r.id, 'failed']);
      if (r.status === 'ok') {
        expect(Number.isFinite(r.seconds)).toBe(true);
        expect(r.seconds).toBeGreaterThan(0);
        if (r.id !== 'cat') expect(r.cpuSeconds).toBeGreaterThan(0);
        // Every measured row ran --repeat times (default 3) and reports its median run.
        if (r.id !== 'cat') {
          const runs = r.runs ?? [];
          expect(runs).toHaveLength(3);
          const median = [...runs].sort((x, y) => x - y)[1];
          if (r.id !== 'duckdb') expect(r.seconds).toBe(median);
          expect(r.note).toContain('median of 3 runs');
        }
      } else {
        expect(r.note).toBeTruthy();
        expect(r.seconds).toBeUndefined();
      }
    }
    for (const t of results.targets) if (t.pass === null) expect(t.measured).toBe('not measured');
  });

  it('refuses a --repeat that is not a positive integer', () => {
    for (const bad of ['0', '-1', '1.5', 'x']) expect(() => optionsFromArgv(['--repeat', bad], () => {})).toThrow(/--repeat/);
    expect(optionsFromArgv(['--repeat', '5'], () => {}).repeat).toBe(5);
  });

  it('reuses the cached trace on a second run and honours --only', async () => {
    const opts = optionsFromArgv(['--size', '1MB', '--only', 'readline', '--out-dir', join(dir, 'out'), '--results-dir', join(dir, 'res2')], () => {});
    const again = await runBench(opts);
    expect(again.trace.reused).toBe(true);
    expect(again.trace.path).toBe(results.trace.path);
    expect(again.rows.filter((r) => r.status !== 'skipped').map((r) => r.id)).toEqual(['readline']);
  });
});

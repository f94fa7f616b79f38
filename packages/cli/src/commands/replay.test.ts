import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, repoRoot } from '@pagetrace/ingest/testing';

const BIN = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN(), ...args], { encoding: 'utf8', env: { ...process.env, PAGETRACE_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pagetrace replay', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'pagetrace-cli-replay-')), 'run');
  const ingested = run(['ingest', fixture('guest-6.1', 'mixed_stack-freeze-fail-slice', 'trace.txt.zst'), '-o', dir]);

  it('prints the profile with its evidence and the totals per kind and severity', () => {
    expect(ingested.status).toBe(0);
    const r = run(['replay', dir]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^profile fsdax-idle-one \(.*uname\.txt\)/m);
    expect(r.stdout).toMatch(/evidence: kernel release 6\.1\.192/);
    expect(r.stdout).toMatch(/^anomalies: \d+ \(errors 0, warnings [1-9]\d*, info \d+\)/m);
    expect(r.stdout).toMatch(/migration_blocked\s+error\s+0\s+warning\s+[1-9]/);
  });

  it('--json prints replay.json; --kernel and --device-pfns are applied', () => {
    const r = run(['replay', dir, '--json', '--kernel', '4.19', '--device-pfns', '0x40000-0x50000']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.profile).toMatchObject({ name: 'legacy-devmap', source: 'option --kernel' });
    expect(s.device_ranges.some((d: { source: string; start_pfn: string }) => d.source === '--device-pfns' && d.start_pfn === '0x40000')).toBe(true);
    expect(s.totals.by_severity.error).toBe(0);
  });

  it.each([
    [['--device-pfns', '0x50-0x10'], /^pagetrace: --device-pfns "0x50-0x10": expected START-END/],
    [['--profile', 'nope'], /^pagetrace: unknown profile "nope"/],
    [['--kernel', 'six'], /^pagetrace: --kernel "six": expected X\.Y/],
  ])('bad options fail with one line and exit code 2: %s', (args, message) => {
    const r = run(['replay', dir, ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a directory that is not a run fails with one line', () => {
    const r = run(['replay', tmpdir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a run directory \(no meta\.json\)/);
  });
});

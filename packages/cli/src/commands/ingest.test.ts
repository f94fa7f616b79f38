import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, readTraceBytes, repoRoot } from '@pagetrace/ingest/testing';

const BIN = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');

function run(args: string[], input?: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN(), ...args], { input, encoding: 'utf8', env: { ...process.env, PAGETRACE_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pagetrace ingest', () => {
  const out = (): string => join(mkdtempSync(join(tmpdir(), 'pagetrace-cli-')), 'run');

  it('prints a short summary with the line accounting and the lost events', () => {
    const dir = out();
    const r = run(['ingest', fixture('host-6.18', 'ftrace-overflow-lost.txt.zst'), '-o', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ftrace (trace_pipe irq-info:5)');
    expect(r.stdout).toContain('lines    3000 = 2998 events + 0 stack + 0 header + 2 markers + 0 skipped');
    expect(r.stdout).toMatch(/LOST\s+24864 events in 2 markers \(CPU 0, 1\)/);
    expect(r.stderr).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).lines.events).toBe(2998);
  });

  it('--json prints the summary as JSON; `-` reads standard input', () => {
    const text = readTraceBytes(fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'));
    const r = run(['ingest', '-', '-o', out(), '--json'], text);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ source: '-', events: 349, stacks: 47, lines_accounted: true, lost_events: { markers: 0 } });
    expect(s.lines).toMatchObject({ lines_in: 4000, skipped: 0 });
  });

  it.each([
    [['/nonexistent/trace.txt'], /^pagetrace: \/nonexistent\/trace\.txt: no such file\n$/],
    [['/'], /^pagetrace: \/: is a directory, not a trace file\n$/],
    [[join(repoRoot(), 'package.json')], /^pagetrace: .*package\.json:1: not a trace: JSON, not trace text\n$/],
  ])('fails with one line and exit code 2: %s', (args, message) => {
    const r = run(['ingest', ...args, '-o', out()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
